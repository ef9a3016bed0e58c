using Ferry.Charts;
using Ferry.Charts.Conformance;
using Ferry.Charts.Releases;
using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Templates.Formatting;

namespace Ferry.Bundles.Tests;

/// <summary>
/// Preflight's reading of what a product needs, over the 36 real charts of the corpus rendered for the simulator's
/// k3s: every pod template, claim and kind is read without an error, and the checks against the cluster say what
/// they measured. The charts that need only built-in kinds pass the API check; those shipping their CRDs count them.
/// </summary>
public sealed class PreflightRealChartsTests : IDisposable
{
    private readonly string? _cases;

    public PreflightRealChartsTests()
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

    [SkippableFact]
    public async Task EveryRealChart_IsReadAndChecked()
    {
        Skip.If(_cases is null, Ferry.Charts.Tests.RealChartsArchive.Missing);
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        var cluster = await ClusterDiscovery.DiscoverAsync(client);
        var corpus = Path.Combine(Path.GetDirectoryName(_cases)!, "corpus");
        var checkedCharts = 0;
        foreach (var chartDir in Directory.EnumerateDirectories(corpus).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(chartDir);
            var render = HelmTemplate.Run(chartDir, new HelmTemplateOptions { ReleaseName = "rel", Namespace = "site", IncludeCrds = true, Cluster = cluster });
            if (!render.Succeeded)
            {
                continue; // a chart whose defaults need values (the corpus renders those with its ci/ values)
            }
            var plan = new ReleasePlan("rel", "site", ReleaseChart.ToJson(ChartLoader.Load(chartDir)), GoJson.Marshal(new Dictionary<string, object?>()), render.Manifests, render.Hooks, render.Notes, render.Crds);
            var needs = ProductNeeds.Of([(name, plan)]);
            var facts = await SiteFacts.ReadAsync(client, ["site"]);
            var spec = new BundleSpec(name, "1.0.0", true, [], null, [new AppSpec(name, "site", new ChartSource(chartDir, null, null, null, null, null, null, null), null, [], [], 1)], ["linux/amd64"], "/x/ferry.yaml");
            var checks = SiteChecks.Run(spec, cluster, facts, needs);
            Assert.All(checks, c => Assert.False(string.IsNullOrWhiteSpace(c.Measured), $"{name}: {c.Name} measured nothing"));
            // with their defaults these charts create built-in kinds only, or custom ones their own CRDs define
            Assert.Equal((name, PreflightCheck.Pass), (name, Assert.Single(checks, c => c.Name == "api kinds").Status));
            Assert.DoesNotContain(checks, c => c.Status == PreflightCheck.Fail);
            switch (name)
            {
                case "kube-prometheus-stack":
                    Assert.Contains("monitoring.coreos.com/v1/Prometheus", needs.ShippedKinds);
                    Assert.Contains(needs.Kinds, k => k.Kind == "Prometheus");
                    break;
                case "bitnami-redis":
                    // a master and three replicas, each StatefulSet pod with its own 8Gi claim
                    Assert.Equal(4, needs.Claims.Count);
                    Assert.Equal("4 claim(s), 32Gi requested", Assert.Single(checks, c => c.Name == "storage").Measured);
                    break;
                case "prometheus-node-exporter":
                    Assert.True(Assert.Single(needs.Pods).PerNode);
                    Assert.Contains("hostNetwork", needs.Pods[0].Baseline);
                    break;
            }
            checkedCharts++;
        }
        Assert.True(checkedCharts >= 25, $"only {checkedCharts} charts rendered with their defaults");
    }
}
