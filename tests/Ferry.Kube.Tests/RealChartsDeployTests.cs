using System.Text.Json.Nodes;
using Ferry.Charts;
using Ferry.Charts.Conformance;
using Ferry.Charts.Releases;
using Ferry.Templates.Formatting;

namespace Ferry.Kube.Tests;

/// <summary>
/// The platform charts a site runs, from the real-chart corpus (../shared/realcharts), deployed by Ferry's release
/// manager: rendered natively for the cluster's version, installed with every object applied and waited for,
/// deployed again unchanged (nothing live is rewritten: every resourceVersion stays), rolled back, and uninstalled.
/// On the simulator by default, on a real cluster with FERRY_TEST_KUBECONFIG (issue 23).
/// </summary>
[Collection(OnTheCluster)]
public sealed class RealChartsDeployTests : IDisposable
{
    /// <summary>Real charts' cluster-scoped objects (CRDs, APIServices, webhooks) on one cluster: one class at a time.</summary>
    public const string OnTheCluster = "real charts on the cluster";

    private readonly string? _cases;

    public RealChartsDeployTests()
    {
        var archive = Ferry.Charts.Tests.RealChartsArchive.Find();
        _cases = archive is null ? null : RealChartsRunner.Unpack(archive);
    }

    public void Dispose()
    {
        if (_cases is not null)
        {
            Directory.Delete(Path.GetDirectoryName(_cases)!, recursive: true);
        }
    }

    [SkippableTheory]
    // a StorageClass of its own name: uninstalling must not delete the cluster's default local-path class other tests use
    [InlineData("local-path-provisioner", "storage.k8s.io/v1", "StorageClass", "ferry-test-local-path", "storageClass.name=ferry-test-local-path")]
    [InlineData("metrics-server", "rbac.authorization.k8s.io/v1", "ClusterRole", "system:rel-metrics-server-aggregated-reader")]
    [InlineData("metrics-server", "apiregistration.k8s.io/v1", "APIService", "v1beta1.metrics.k8s.io")]
    [InlineData("kube-state-metrics", "apps/v1", "Deployment", "rel-kube-state-metrics")]
    [InlineData("prometheus-node-exporter", "apps/v1", "DaemonSet", "rel-prometheus-node-exporter")]
    [InlineData("bitnami-redis", "apps/v1", "StatefulSet", "rel-redis-master")]
    [InlineData("ingress-nginx", "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "rel-ingress-nginx-admission")]
    [InlineData("cert-manager", "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "rel-cert-manager-webhook")]
    [InlineData("kube-prometheus-stack", "apiextensions.k8s.io/v1", "CustomResourceDefinition", "prometheuses.monitoring.coreos.com")]
    public async Task PlatformChart_Deploys_RedeploysUnchanged_RollsBack_Uninstalls(string chart, string apiVersion, string kind, string name,
        string? set = null)
    {
        Skip.If(_cases is null, Ferry.Charts.Tests.RealChartsArchive.Missing);
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var chartDir = Path.Combine(Path.GetDirectoryName(_cases)!, "corpus", chart);
        var cluster = await ClusterDiscovery.DiscoverAsync(target.Client);
        var render = HelmTemplate.Run(chartDir, new HelmTemplateOptions
        {
            ReleaseName = "rel", Namespace = ns, IncludeCrds = true, Cluster = cluster, Sets = set is null ? [] : [new ValueSet(SetKind.Set, set)],
        });
        Assert.True(render.Succeeded, render.Error);
        var plan = new ReleasePlan("rel", ns, ReleaseChart.ToJson(render.Chart!), GoJson.Marshal(new Dictionary<string, object?>()), render.Manifests, render.Hooks, render.Notes, render.Crds);
        var manager = new ReleaseManager(target.Client);

        var v1 = await manager.UpgradeOrInstallAsync(plan, target.Deploy);
        Assert.Equal((1, ReleaseStatus.Deployed), (v1.Version, v1.Info.Status));
        var key = new ResourceKey(apiVersion, kind, ns, name); // the namespace is ignored for cluster-scoped kinds
        Assert.NotNull(await new Applier(target.Client).GetAsync(key));
        var live = await LiveVersionsAsync(target, render.Manifests, ns);
        Assert.True(live.Count >= render.Manifests.Count / 2, $"{live.Count} of {render.Manifests.Count} objects found");

        // the same plan again: Ferry's deploy skips it; applied anyway, nothing live changes
        Assert.True(ReleaseManager.IsUnchanged(v1, plan));
        var v2 = await manager.UpgradeOrInstallAsync(plan, target.Deploy);
        Assert.Equal((2, ReleaseStatus.Deployed), (v2.Version, v2.Info.Status));
        var again = await LiveVersionsAsync(target, render.Manifests, ns);
        var rewritten = live.Where(kv => again.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key).ToList();
        Assert.True(rewritten.Count == 0, "rewritten by an unchanged deploy: " + string.Join(", ", rewritten));

        var v3 = await manager.RollbackAsync("rel", ns, 1, target.Deploy);
        Assert.Equal((3, ReleaseStatus.Deployed, "Rollback to 1"), (v3.Version, v3.Info.Status, v3.Info.Description));
        Assert.NotNull(await new Applier(target.Client).GetAsync(key));

        await manager.UninstallAsync("rel", ns, keepHistory: false, target.Deploy);
        if (kind != "CustomResourceDefinition") // CRDs stay, as with helm
        {
            Assert.Null(await new Applier(target.Client).GetAsync(key));
        }
        Assert.Empty(await manager.Store.HistoryAsync("rel", ns));
    }

    [SkippableTheory]
    [InlineData("bitnami-redis")]
    [InlineData("bitnami-postgresql")]
    [InlineData("bitnami-rabbitmq")]
    [InlineData("bitnami-mongodb")]
    public async Task ChartGeneratingPasswords_RenderedAgainAfterInstall_KeepsThem_AndIsUnchanged(string chart)
    {
        Skip.If(_cases is null, Ferry.Charts.Tests.RealChartsArchive.Missing);
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        var chartDir = Path.Combine(Path.GetDirectoryName(_cases)!, "corpus", chart);
        var cluster = await ClusterDiscovery.DiscoverAsync(target.Client);
        ReleasePlan Render(bool lookup, int revision = 1)
        {
            var render = HelmTemplate.Run(chartDir, new HelmTemplateOptions
            {
                ReleaseName = "rel", Namespace = ns, IncludeCrds = true, Cluster = cluster, IsUpgrade = revision > 1, Revision = revision,
                Functions = new Ferry.Templates.Functions.Helm.HelmFunctionOptions { Lookup = lookup ? new ClusterLookup(target.Client).Function : null },
            });
            Assert.True(render.Succeeded, render.Error);
            return new ReleasePlan("rel", ns, ReleaseChart.ToJson(render.Chart!), "{}", render.Manifests, render.Hooks, render.Notes, render.Crds);
        }
        // offline (helm template), each render makes new passwords
        Assert.NotEqual(ReleaseManager.Join(Render(lookup: false).Manifests), ReleaseManager.Join(Render(lookup: false).Manifests));

        var manager = new ReleaseManager(target.Client);
        var v1 = await manager.UpgradeOrInstallAsync(Render(lookup: true), target.Deploy);
        // rendered again for the next deploy, the chart finds its Secrets and keeps their passwords (a checksum of a
        // Secret that was rendered twice at install, with two passwords, may change once: helm upgrade does the same)
        // (rendered as an upgrade, as deploy renders it: Bitnami's charts refuse an upgrade that would make new passwords)
        var second = Render(lookup: true, revision: 2);
        var latest = ReleaseManager.IsUnchanged(v1, second) ? v1 : await manager.UpgradeOrInstallAsync(second, target.Deploy);
        Assert.Equal(Secrets(v1.Manifest), Secrets(latest.Manifest));
        Assert.NotEmpty(Secrets(v1.Manifest));
        // and from then on, each deploy has nothing to do
        Assert.True(ReleaseManager.IsUnchanged(latest, Render(lookup: true, revision: latest.Version + 1)));
    }

    private static List<string> Secrets(string manifest) =>
        manifest.Split("\n---\n").Where(d => d.Contains("\nkind: Secret\n", StringComparison.Ordinal)).ToList();

    /// <summary>resourceVersion of every rendered object that is live, by kind/namespace/name.</summary>
    private static async Task<Dictionary<string, string>> LiveVersionsAsync(KubeTarget target, IReadOnlyList<Manifest> manifests, string ns)
    {
        var applier = new Applier(target.Client);
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in manifests)
        {
            var obj = ReleaseManager.ToJson(m.Content);
            if (obj?["metadata"]?["name"]?.GetValue<string>() is not { } name || obj["apiVersion"]?.GetValue<string>() is not { } apiVersion || obj["kind"]?.GetValue<string>() is not { } kind)
            {
                continue;
            }
            var objNs = obj["metadata"]?["namespace"]?.GetValue<string>() ?? ns;
            var found = await applier.GetAsync(new ResourceKey(apiVersion, kind, objNs, name));
            if (found?["metadata"]?["resourceVersion"]?.GetValue<string>() is { } rv)
            {
                versions[$"{kind}/{objNs}/{name}"] = rv;
            }
        }
        return versions;
    }
}
