using Ferry.Charts;
using Ferry.Charts.Releases;
using static Ferry.Kube.Tests.ReleaseManagerTests;

namespace Ferry.Kube.Tests;

/// <summary>
/// helm's install/upgrade/rollback/uninstall flags as <see cref="DeployOptions"/>: --no-hooks, --description,
/// --skip-crds, --cleanup-on-fail, --wait for uninstall, and the dry runs of rollback and uninstall (nothing changes).
/// </summary>
public sealed class ReleaseManagerFlagsTests
{
    [Fact]
    public async Task NoHooksDescriptionAndSkipCrds_DoWhatHelmsFlagsDo()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        var crd = new Manifest("web/crds/db.yaml", $"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.{target.Group}\nspec:\n  group: {target.Group}\n  scope: Namespaced\n  names: {{plural: things, singular: thing, kind: Thing}}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema: {{openAPIV3Schema: {{type: object, x-kubernetes-preserve-unknown-fields: true}}}}\n",
            "CustomResourceDefinition", "apiextensions.k8s.io/v1", $"things.{target.Group}");
        var plan = Plan(ns, [Config], [ConfigHook("web-pre", "pre-install", 0), ConfigHook("web-post", "post-install", 0)]) with { Crds = [crd] };
        var v1 = await manager.UpgradeOrInstallAsync(plan, target.Deploy with { NoHooks = true, SkipCrds = true, Description = "acme-suite 2.3.0 by ferry" });
        Assert.Equal((ReleaseStatus.Deployed, "acme-suite 2.3.0 by ferry"), (v1.Info.Status, v1.Info.Description));
        Assert.NotNull(await target.GetAsync("v1", "ConfigMap", "web-config"));
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "web-pre"));
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "web-post"));
        Assert.All(v1.Hooks, h => Assert.Equal(HookPhase.None, h.LastRunPhase)); // never run
        Assert.Null(await target.GetAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", $"things.{target.Group}"));

        // without the flags: hooks run, the CRD is applied, the description is helm's
        var v2 = await manager.UpgradeOrInstallAsync(plan, target.Deploy);
        Assert.Equal("Upgrade complete", v2.Info.Description);
        Assert.NotNull(await target.GetAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", $"things.{target.Group}"));
        await new Applier(target.Client).DeleteAsync(new ResourceKey("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", $"things.{target.Group}"));
    }

    [Fact]
    public async Task CleanupOnFail_DeletesWhatTheFailedUpgradeCreated_AndKeepsWhatWasThere()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config]), target.Deploy);
        var stuck = target.Deploy with { Timeout = target.StuckTimeout, CleanupOnFail = true };
        await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(Plan(ns, [Config, OldService, Deployment(1, tier: false, KubeTarget.UnpullableImage)]), stuck));
        Assert.Null(await target.GetAsync("v1", "Service", "web-old"));
        Assert.Null(await target.GetAsync("apps/v1", "Deployment", "web"));
        Assert.NotNull(await target.GetAsync("v1", "ConfigMap", "web-config"));
        Assert.Equal([ReleaseStatus.Deployed, ReleaseStatus.Failed], (await manager.Store.HistoryAsync("web", ns)).Select(r => r.Info.Status));

        // without it, the failed upgrade's objects stay (as helm leaves them)
        await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(Plan(ns, [Config, OldService, Deployment(1, tier: false, KubeTarget.UnpullableImage)]), stuck with { CleanupOnFail = false }));
        Assert.NotNull(await target.GetAsync("v1", "Service", "web-old"));
    }

    [Fact]
    public async Task DryRuns_ChangeNothing_AndUninstallWithoutHooksWaitsUntilGone()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        var kept = Doc("kept.yaml", "ConfigMap", "v1", "web-kept", "  annotations:\n    helm.sh/resource-policy: keep\ndata:\n  a: \"1\"\n");
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config, kept], [ConfigHook("web-bye", "pre-delete", 0)]), target.Deploy);
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config, kept, OldService], [ConfigHook("web-bye", "pre-delete", 0)]), target.Deploy);

        var (rollbackTo, next) = await manager.RollbackTargetAsync("web", ns, null);
        Assert.Equal((1, 3), (rollbackTo.Version, next));
        var (last, deleted, keep, _) = await manager.PlanUninstallAsync("web", ns);
        Assert.Equal(2, last.Version);
        Assert.Equal(["Service/web-old", "ConfigMap/web-config"], deleted.Select(k => $"{k.Kind}/{k.Name}"));
        Assert.Equal(["ConfigMap/web-kept"], keep.Select(k => $"{k.Kind}/{k.Name}"));
        Assert.Equal(2, (await manager.Store.HistoryAsync("web", ns)).Count);
        Assert.NotNull(await target.GetAsync("v1", "Service", "web-old"));

        await manager.UninstallAsync("web", ns, keepHistory: false, target.Deploy with { NoHooks = true, Propagation = "Foreground" });
        Assert.Null(await target.GetAsync("v1", "ConfigMap", "web-bye")); // the pre-delete hook did not run
        Assert.Null(await target.GetAsync("v1", "Service", "web-old"));
        Assert.NotNull(await target.GetAsync("v1", "ConfigMap", "web-kept"));
        await Assert.ThrowsAsync<KubeException>(() => manager.PlanUninstallAsync("web", ns));
    }

    [Fact]
    public async Task HistoryMax_KeepsTheNewestRecords_AndAHistoryUnderTheLimitIsNotReadAgain()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        var (historyLists, namespaceApplies) = (0, 0);
        if (target.Simulator is { } api)
        {
            api.OnRequest = (method, path) =>
            {
                if (method == "GET" && path.EndsWith($"/namespaces/{ns}/secrets", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref historyLists);
                }
                else if (method == "PATCH" && path.EndsWith($"/api/v1/namespaces/{ns}", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref namespaceApplies);
                }
            };
        }
        var limited = target.Deploy with { HistoryMax = 2 };
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config]), limited);
        var twoConfig = Doc("cm.yaml", "ConfigMap", "v1", "web-two-config", "data:\n  a: \"1\"\n"); // an object is one release's
        await manager.UpgradeOrInstallAsync(Plan(ns, [twoConfig]) with { Name = "web-two" }, limited);
        if (target.Simulator is not null)
        {
            // two installs: each read its (empty) history once and pruned nothing; the namespace was made sure of once
            Assert.Equal((2, 1), (historyLists, namespaceApplies));
        }
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config], config: "{\"a\":2}"), limited);
        await manager.UpgradeOrInstallAsync(Plan(ns, [Config], config: "{\"a\":3}"), limited);
        var history = await manager.Store.HistoryAsync("web", ns);
        Assert.Equal([(2, ReleaseStatus.Superseded), (3, ReleaseStatus.Deployed)], history.Select(r => (r.Version, r.Info.Status)));
        Assert.Single(await manager.Store.HistoryAsync("web-two", ns));
    }

    [Fact]
    public async Task Wait_JudgesEachObjectFirstByItsApplyAnswer_AndFetchesOnlyWhatIsNotReadyYet()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var manager = new ReleaseManager(target.Client);
        var gets = new System.Collections.Concurrent.ConcurrentBag<string>();
        var applying = false; // from the first apply on: the ownership check's reads of what the install adds come before
        if (target.Simulator is { } api)
        {
            api.OnRequest = (method, path) =>
            {
                applying |= method == "PATCH" && path.Contains($"/namespaces/{ns}/", StringComparison.Ordinal);
                if (applying && method == "GET" && path.Contains($"/namespaces/{ns}/", StringComparison.Ordinal) && !path.EndsWith("/secrets", StringComparison.Ordinal))
                {
                    gets.Add(path[(path.LastIndexOf('/', path.LastIndexOf('/') - 1) + 1)..]);
                }
            };
        }
        var v1 = await manager.UpgradeOrInstallAsync(Plan(ns, [Config, OldService, Deployment(1, tier: false)]), target.Deploy);
        Assert.Equal(ReleaseStatus.Deployed, v1.Info.Status);
        Assert.NotNull(await target.GetAsync("apps/v1", "Deployment", "web"));
        if (target.Simulator is not null)
        {
            // the ConfigMap and the Service were ready as applied: never fetched; the new Deployment was not (no rollout
            // observed yet), so it was fetched until it was
            Assert.DoesNotContain("configmaps/web-config", gets);
            Assert.DoesNotContain("services/web-old", gets);
            Assert.Contains("deployments/web", gets);
        }
    }
}
