using System.Text.Json.Nodes;
using Ferry.Charts;
using Ferry.Charts.Releases;

namespace Ferry.Kube.Tests;

/// <summary>Install → upgrade → failed upgrade → rollback, hooks and CRDs, checking release Secrets and live objects.</summary>
public sealed class ReleaseManagerTests
{
    /// <summary>A clock that moves one second per reading, so hook order is visible in the records.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }

    private const string Chart = "{\"metadata\":{\"name\":\"web\",\"version\":\"1.0.0\",\"appVersion\":\"1.0\"},\"lock\":null,\"templates\":[],\"values\":{},\"schema\":null,\"files\":[]}";

    internal static Manifest Doc(string path, string kind, string apiVersion, string name, string body) =>
        new($"web/templates/{path}", $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: {name}\n{body}", kind, apiVersion, name);

    internal static Manifest Deployment(int replicas, bool tier, string? image = null) => Doc("deployment.yaml", "Deployment", "apps/v1", "web",
        $"  labels:\n    app: web\n{(tier ? "    tier: front\n" : "")}spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n        - name: app\n          image: {image ?? KubeTarget.Image}\n          command: [sleep, \"3600\"]\n");

    internal static readonly Manifest Config = Doc("cm.yaml", "ConfigMap", "v1", "web-config", "data:\n  a: \"1\"\n");
    internal static readonly Manifest OldService = Doc("svc.yaml", "Service", "v1", "web-old", "spec:\n  ports:\n    - port: 80\n");

    /// <summary>A Job hook that runs <c>true</c>, or <c>false</c> when it should fail (no retries).</summary>
    internal static Hook JobHook(string name, string hookEvent, int weight, bool fails, params string[] policies) =>
        new(name, "Job", $"web/templates/{name}.yaml", $"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: run\n          image: {KubeTarget.Image}\n          command: [\"{(fails ? "false" : "true")}\"]\n",
            [new HookEvent(hookEvent)], weight, [.. policies.Select(p => new HookDeletePolicy(p))]);

    internal static Hook ConfigHook(string name, string hookEvent, int weight) =>
        new(name, "ConfigMap", $"web/templates/{name}.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  at: {hookEvent}\n", [new HookEvent(hookEvent)], weight, []);

    internal static ReleasePlan Plan(string ns, IReadOnlyList<Manifest> manifests, IReadOnlyList<Hook>? hooks = null, string config = "{}") =>
        new("web", ns, Chart, config, manifests, hooks ?? []);

    [Fact]
    public async Task InstallUpgradeFailRollback_RecordsAndLiveObjectsFollowHelm()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client, new SteppingClock());
        var fast = target.Deploy;
        var hooks = new[] { JobHook("web-migrate", "pre-install", -5, fails: false, "hook-succeeded"), ConfigHook("web-pre", "pre-install", -10), ConfigHook("web-post", "post-install", 0) };

        var v1 = await manager.UpgradeOrInstallAsync(Plan(ns, [Config, OldService, Deployment(2, tier: true)], hooks, "{\"replicas\":2}"), fast);
        Assert.Equal((1, ReleaseStatus.Deployed, "Install complete"), (v1.Version, v1.Info.Status, v1.Info.Description));
        // stored as Helm 4 records it: applied server-side, so a helm upgrade of the release takes the same path
        Assert.Equal(ApplyMethods.ServerSide, (await new ReleaseStore(target.Client).LastAsync("web", ns))!.ApplyMethod);
        var ran = v1.Hooks.OrderBy(h => h.LastRunStarted).Select(h => h.Name).ToList();
        Assert.Equal(["web-pre", "web-migrate", "web-post"], ran);
        Assert.All(v1.Hooks, h => Assert.Equal(HookPhase.Succeeded, h.LastRunPhase));
        Assert.Null(await target.GetAsync("batch/v1", "Job", "web-migrate"));   // hook-succeeded deleted it
        Assert.NotNull(await target.GetAsync("v1", "ConfigMap", "web-pre"));    // default policy keeps it until next run
        Assert.Equal("front", (await target.GetAsync("apps/v1", "Deployment", "web"))!["metadata"]!["labels"]!["tier"]!.GetValue<string>());

        var v2 = await manager.UpgradeOrInstallAsync(Plan(ns, [Config, Deployment(2, tier: false)]), fast);
        Assert.Equal((2, "Upgrade complete"), (v2.Version, v2.Info.Description));
        Assert.Null((await target.GetAsync("apps/v1", "Deployment", "web"))!["metadata"]!["labels"]!["tier"]); // field removed
        Assert.Null(await target.GetAsync("v1", "Service", "web-old"));                                         // pruned

        // v3's image cannot be pulled: it never becomes ready
        var e = await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(Plan(ns, [Config, Deployment(3, tier: false, KubeTarget.UnpullableImage)]), fast with { Timeout = target.StuckTimeout }));
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment web", e.Message, StringComparison.Ordinal);

        var v4 = await manager.RollbackAsync("web", ns, null, fast);
        Assert.Equal((4, ReleaseStatus.Deployed, "Rollback to 2"), (v4.Version, v4.Info.Status, v4.Info.Description));
        var web = (await target.GetAsync("apps/v1", "Deployment", "web"))!;
        Assert.Equal(2, web["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(KubeTarget.Image, web["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());

        var history = await manager.Store.HistoryAsync("web", ns);
        Assert.Equal(
            [(1, "superseded"), (2, "superseded"), (3, "failed"), (4, "deployed")],
            history.Select(r => (r.Version, r.Info.Status)));
        Assert.StartsWith("Upgrade \"web\" failed: timed out", history[2].Info.Description, StringComparison.Ordinal);
        Assert.Equal(history[0].Info.FirstDeployed, history[3].Info.FirstDeployed);
        Assert.Equal("{\"replicas\":2}", history[0].ConfigJson);
    }

    [Fact]
    public async Task ObjectsOfAFailedRevision_ArePrunedByTheRollback_AndInterruptedRevisionsAreRepaired()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client, new SteppingClock());
        var fast = target.Deploy;
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config, Deployment(2, tier: false)]), fast);

        // v2 adds a Service and never becomes ready; rolling back to v1 removes the Service v2 created.
        await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(Plan(ns, [Config, OldService, Deployment(3, tier: false, KubeTarget.UnpullableImage)]), fast with { Timeout = target.StuckTimeout }));
        Assert.NotNull(await target.GetAsync("v1", "Service", "web-old"));
        await manager.RollbackAsync("web", ns, 1, fast);
        Assert.Null(await target.GetAsync("v1", "Service", "web-old"));

        // A process killed mid-upgrade leaves a pending revision (and, just after marking it deployed, two deployed ones).
        var history = await manager.Store.HistoryAsync("web", ns);
        var interrupted = history[^1];
        interrupted.Version = 4;
        interrupted.Info.Status = ReleaseStatus.PendingUpgrade;
        interrupted.Info.Description = "Preparing upgrade";
        await manager.Store.CreateAsync(interrupted, DateTimeOffset.UtcNow);
        var first = history[0];
        first.Info.Status = ReleaseStatus.Deployed;
        await manager.Store.UpdateAsync(first, DateTimeOffset.UtcNow);

        var repairs = await manager.RepairAsync("web", ns);
        Assert.Equal(
            ["release web revision 4 was left pending-upgrade by an interrupted operation; marked failed",
             "release web revision 1 still said deployed after a newer revision was deployed; marked superseded"],
            repairs);
        Assert.Equal(
            [(1, "superseded"), (2, "failed"), (3, "deployed"), (4, "failed")],
            (await manager.Store.HistoryAsync("web", ns)).Select(r => (r.Version, r.Info.Status)));
        Assert.Empty(await manager.RepairAsync("web", ns));
        var v5 = await manager.UpgradeOrInstallAsync(Plan(ns, [Config, Deployment(4, tier: false)]), fast);
        Assert.Equal((5, "Upgrade complete"), (v5.Version, v5.Info.Description));
    }

    [Fact]
    public async Task Hooks_RunForTheirOperationOnly_AndBeforeHookCreationReplacesTheLastRun()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client, new SteppingClock());
        var hooks = new[] { ConfigHook("web-up", "pre-upgrade", 0), ConfigHook("web-rb", "pre-rollback", 0), ConfigHook("web-rolled", "post-rollback", 0) };
        string? Uid(JsonObject? o) => o?["metadata"]?["uid"]?.GetValue<string>();

        await manager.UpgradeOrInstallAsync(Plan(ns, [Config], hooks), target.Deploy);
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "web-up")); // an install runs no upgrade hooks
        var v2 = await manager.UpgradeOrInstallAsync(Plan(ns, [Config], hooks, "{\"n\":2}"), target.Deploy);
        var first = Uid(await target.GetAsync("v1", "ConfigMap", "web-up"));
        Assert.NotNull(first);
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "web-rb"));
        Assert.Equal([HookPhase.Succeeded, HookPhase.None, HookPhase.None], v2.Hooks.Select(h => h.LastRunPhase));
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config], hooks, "{\"n\":3}"), target.Deploy);
        var second = Uid(await target.GetAsync("v1", "ConfigMap", "web-up"));
        Assert.NotNull(second);
        Assert.NotEqual(first, second); // deleted before the new run created it again

        var v4 = await manager.RollbackAsync("web", ns, 1, target.Deploy);
        Assert.Equal("Rollback to 1", v4.Info.Description);
        Assert.NotNull(await target.GetAsync("v1", "ConfigMap", "web-rb"));
        Assert.NotNull(await target.GetAsync("v1", "ConfigMap", "web-rolled"));
        Assert.Equal(second, Uid(await target.GetAsync("v1", "ConfigMap", "web-up"))); // not run by a rollback
        var rb = v4.Hooks.Single(h => h.Name == "web-rb");
        var rolled = v4.Hooks.Single(h => h.Name == "web-rolled");
        Assert.Equal((HookPhase.Succeeded, HookPhase.Succeeded), (rb.LastRunPhase, rolled.LastRunPhase));
        Assert.True(rb.LastRunCompleted <= rolled.LastRunStarted, "pre-rollback runs before post-rollback");
    }

    [Fact]
    public void IsUnchanged_SeesChangesInManifestsValuesAndHooks()
    {
        var hook = JobHook("web-migrate", "pre-upgrade", 0, fails: false);
        var plan = Plan("web", [Config, Deployment(2, tier: false)], [hook], "{\"replicas\":2}");
        var deployed = new Release
        {
            Name = "web", Namespace = "web", Version = 3, ChartJson = Chart, ConfigJson = plan.ConfigJson, Manifest = ReleaseManager.Join(plan.Manifests),
            Hooks = [new ReleaseHook { Name = hook.Name, Kind = hook.Kind, Path = hook.Path, Manifest = hook.Manifest, Events = [.. hook.Events] }],
        };
        Assert.True(ReleaseManager.IsUnchanged(deployed, plan));
        Assert.False(ReleaseManager.IsUnchanged(deployed, plan with { ConfigJson = "{\"replicas\":3}" }));
        Assert.False(ReleaseManager.IsUnchanged(deployed, plan with { Manifests = [Config, Deployment(3, tier: false)] }));
        // Only the migration hook's image changed: still an upgrade.
        var newHook = hook with { Manifest = hook.Manifest.Replace(KubeTarget.Image, "registry.site:5000/acme/tool:1.1", StringComparison.Ordinal) };
        Assert.False(ReleaseManager.IsUnchanged(deployed, plan with { Hooks = [newHook] }));
    }

    [Fact]
    public async Task Crd_IsEstablishedBeforeItsCustomResources()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var crd = new Manifest("web/crds/db.yaml", $$$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: databases.{{{target.Group}}}
            spec:
              group: {{{target.Group}}}
              scope: Namespaced
              names: {plural: databases, singular: database, kind: Database}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            """, "CustomResourceDefinition", "apiextensions.k8s.io/v1", $"databases.{target.Group}");
        var cr = Doc("db.yaml", "Database", $"{target.Group}/v1", "main", "spec:\n  image: postgres:16\n");
        var release = await new ReleaseManager(target.Client).UpgradeOrInstallAsync(Plan(ns, [crd, cr]), target.Deploy);
        Assert.Equal(ReleaseStatus.Deployed, release.Info.Status);
        Assert.NotNull(await new Applier(target.Client).GetAsync(new ResourceKey($"{target.Group}/v1", "Database", ns, "main")));
    }

    [Fact]
    public async Task FailingHook_FailsTheReleaseAndHonoursHookFailed()
    {
        using var target = KubeTarget.Create();
        var manager = new ReleaseManager(target.Client);
        var e = await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(
            Plan(target.Namespace, [Config], [JobHook("web-migrate", "pre-install", 0, fails: true, "hook-failed")]), target.Deploy));
        Assert.Contains("pre-install hook web/templates/web-migrate.yaml", e.Message, StringComparison.Ordinal);
        Assert.Contains("BackoffLimitExceeded", e.Message, StringComparison.Ordinal);
        var record = Assert.Single(await manager.Store.HistoryAsync("web", target.Namespace));
        Assert.Equal(ReleaseStatus.Failed, record.Info.Status);
        Assert.Equal(HookPhase.Failed, Assert.Single(record.Hooks).LastRunPhase);
        Assert.Null(await target.GetAsync("batch/v1", "Job", "web-migrate"));
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "web-config")); // nothing applied after the failed pre-install hook
    }

    [Fact]
    public async Task HelmInstalledRelease_IsUpgradedByFerry()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var ns = target.Namespace;
        // revision 1 as Helm 3 writes it: JSON in Go field order, gzip, base64, in a helm.sh/release.v1 Secret
        var helmJson = "{\"name\":\"web\",\"info\":{\"first_deployed\":\"2026-11-20T10:15:30.1234567+08:00\",\"last_deployed\":\"2026-11-20T10:15:30.1234567+08:00\"," +
            "\"deleted\":\"0001-01-01T00:00:00Z\",\"description\":\"Install complete\",\"status\":\"deployed\"},\"chart\":" + Chart + ",\"config\":{\"replicas\":1}," +
            "\"manifest\":\"---\\n# Source: web/templates/svc.yaml\\napiVersion: v1\\nkind: Service\\nmetadata:\\n  name: web-old\\n\",\"version\":1,\"namespace\":\"" + ns + "\"}";
        using var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(System.Text.Encoding.UTF8.GetBytes(helmJson));
        }
        await k8s.CoreV1OperationsExtensions.CreateNamespacedSecretAsync(target.Client.CoreV1, new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta
            {
                Name = "sh.helm.release.v1.web.v1",
                Labels = new Dictionary<string, string> { ["name"] = "web", ["owner"] = "helm", ["status"] = "deployed", ["version"] = "1" },
            },
            Type = "helm.sh/release.v1",
            Data = new Dictionary<string, byte[]> { ["release"] = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(gz.ToArray())) },
        }, ns);
        await new Applier(target.Client).ApplyAsync(ReleaseManager.ToJson(OldService.Content)!, ns);

        var v2 = await new ReleaseManager(target.Client).UpgradeOrInstallAsync(Plan(ns, [Config]), target.Deploy);
        Assert.Equal((2, "Upgrade complete"), (v2.Version, v2.Info.Description));
        var history = await new ReleaseStore(target.Client).HistoryAsync("web", ns);
        Assert.Equal([(1, "superseded"), (2, "deployed")], history.Select(r => (r.Version, r.Info.Status)));
        Assert.Equal(history[0].Info.FirstDeployed, v2.Info.FirstDeployed);
        Assert.Equal(Chart, history[0].ChartJson);
        Assert.Null(await new Applier(target.Client).GetAsync(new ResourceKey("v1", "Service", ns, "web-old"))); // pruned: Helm's manifest had it
    }

    [Fact]
    public async Task Uninstall_DeletesObjectsButKeepers_RunsDeleteHooks_AndRecords()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var kept = Doc("kept.yaml", "ConfigMap", "v1", "web-kept", "  annotations:\n    helm.sh/resource-policy: keep\ndata:\n  a: \"1\"\n");
        var manager = new ReleaseManager(target.Client);
        var applier = new Applier(target.Client);
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config, kept, Deployment(1, tier: false)], [ConfigHook("web-bye", "pre-delete", 0)]), target.Deploy);
        var gone = await manager.UninstallAsync("web", ns, keepHistory: false, target.Deploy);
        Assert.Equal(ReleaseStatus.Uninstalled, gone.Info.Status);
        Assert.Null(await applier.GetAsync(new ResourceKey("apps/v1", "Deployment", ns, "web")));
        Assert.Null(await applier.GetAsync(new ResourceKey("v1", "ConfigMap", ns, "web-config")));
        Assert.NotNull(await applier.GetAsync(new ResourceKey("v1", "ConfigMap", ns, "web-kept")));
        Assert.NotNull(await applier.GetAsync(new ResourceKey("v1", "ConfigMap", ns, "web-bye"))); // the pre-delete hook ran
        Assert.Empty(await manager.Store.HistoryAsync("web", ns));

        await manager.UpgradeOrInstallAsync(Plan(ns, [Config]), target.Deploy);
        await manager.UninstallAsync("web", ns, keepHistory: true, target.Deploy);
        var record = Assert.Single(await manager.Store.HistoryAsync("web", ns));
        Assert.Equal((ReleaseStatus.Uninstalled, "Uninstallation complete"), (record.Info.Status, record.Info.Description));
        Assert.NotEqual(DateTimeOffset.MinValue, record.Info.Deleted);
        var e = await Assert.ThrowsAsync<KubeException>(() => manager.UninstallAsync("nope", ns, false, target.Deploy));
        Assert.Contains("release nope not found", e.Message, StringComparison.Ordinal);
    }
}
