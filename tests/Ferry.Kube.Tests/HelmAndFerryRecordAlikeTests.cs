using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ferry.Charts;
using Ferry.Charts.Releases;
using Ferry.Charts.Tests;
using Ferry.Templates.Formatting;

namespace Ferry.Kube.Tests;

/// <summary>
/// The same chart and values installed by real helm and by Ferry, one after the other, under the same release name
/// and namespace: the two release records must say the same (the example shop chart: a subchart with a condition and
/// import-values, a pre-install hook Job, NOTES). What may differ is named: times, Helm 4's file times and apply
/// method, and the one Helm 4.1 → 4.2 whitespace change (trailing whitespace kept at the end of each document).
/// </summary>
public sealed class HelmAndFerryRecordAlikeTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-record-alike-").FullName;

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [SkippableFact]
    public async Task InstallOfTheExampleChart_RecordedAlike()
    {
        RealClients.Tool("FERRY_HELM");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var clients = new RealClients(_target, _dir);
        var chart = TestPaths.Chart("shop");
        string[] sets = ["replicaCount=2", "image.tag=2.4.0"];
        var store = new ReleaseStore(_target.Client);

        RealClients.Ok(clients.Helm(["install", "shop", chart, "-n", ns, .. sets.SelectMany(s => new[] { "--set", s })]));
        var helms = await store.LastAsync("shop", ns);
        var helmSecret = await _target.GetAsync("v1", "Secret", ReleaseSecret.Name("shop", 1));
        var helmService = await _target.GetAsync("v1", "Service", "shop-shop");
        RealClients.Ok(clients.Helm("uninstall", "shop", "-n", ns));

        var render = HelmTemplate.Run(chart, new HelmTemplateOptions
        {
            ReleaseName = "shop", Namespace = ns, IncludeCrds = true, Sets = sets.Select(s => new ValueSet(SetKind.Set, s)).ToList(),
        });
        Assert.True(render.Succeeded, render.Error);
        var config = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["image"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["tag"] = "2.4.0" },
            ["replicaCount"] = 2L,
        };
        var plan = new ReleasePlan("shop", ns, ReleaseChart.ToJson(render.Chart!), GoJson.Marshal(config), render.Manifests, render.Hooks,
            render.Notes, render.Crds);
        await new ReleaseManager(_target.Client).UpgradeOrInstallAsync(plan, _target.Deploy);
        var ferrys = await store.LastAsync("shop", ns);
        var ferrySecret = await _target.GetAsync("v1", "Secret", ReleaseSecret.Name("shop", 1));
        var ferryService = await _target.GetAsync("v1", "Service", "shop-shop");

        var (h, f) = (JsonNode.Parse(ReleaseCodec.ToJson(helms!))!, JsonNode.Parse(ReleaseCodec.ToJson(ferrys!))!);
        foreach (var field in new[] { "name", "namespace", "version", "config" })
        {
            Assert.True(JsonNode.DeepEquals(h[field], f[field]), $"{field}: helm {h[field]?.ToJsonString()}, Ferry {f[field]?.ToJsonString()}");
        }
        Assert.Equal(Chart(helms!.ChartJson), Chart(ferrys!.ChartJson));
        Assert.Equal(Documents(helms.Manifest), Documents(ferrys.Manifest));
        Assert.Equal(
            helms.Hooks.Select(k => (k.Name, k.Kind, k.Path, Documents(k.Manifest), Events: string.Join(",", k.Events.Select(e => e.Name)), k.Weight,
                Policies: string.Join(",", k.DeletePolicies.Select(p => p.Name)), k.LastRunPhase.Name)),
            ferrys.Hooks.Select(k => (k.Name, k.Kind, k.Path, Documents(k.Manifest), Events: string.Join(",", k.Events.Select(e => e.Name)), k.Weight,
                Policies: string.Join(",", k.DeletePolicies.Select(p => p.Name)), k.LastRunPhase.Name)));
        Assert.Equal(
            (helms.Info.Status, helms.Info.Description, helms.Info.Notes),
            (ferrys.Info.Status, ferrys.Info.Description, ferrys.Info.Notes));
        // the Secret holding each: same name, type and labels (the creation time aside)
        Assert.Equal(Labels(helmSecret!), Labels(ferrySecret!));
        Assert.Equal(helmSecret!["type"]!.GetValue<string>(), ferrySecret!["type"]!.GetValue<string>());
        // and the objects applied carry Helm's ownership metadata alike (meta.helm.sh/release-name, managed-by: Helm)
        foreach (var field in new[] { "labels", "annotations" })
        {
            Assert.Equal(Sorted(helmService!["metadata"]![field]), Sorted(ferryService!["metadata"]![field]));
        }
        Assert.Equal("shop", ferryService!["metadata"]!["annotations"]!["meta.helm.sh/release-name"]!.GetValue<string>());
    }

    /// <summary>A recorded chart without Helm 4's file times (Ferry records Helm 3's format; helm reads both).</summary>
    internal static string Chart(string json)
    {
        var chart = JsonNode.Parse(json)!.AsObject();
        chart.Remove("modtime");
        chart.Remove("schemamodtime");
        foreach (var file in new[] { "templates", "files" }.SelectMany(l => chart[l]?.AsArray() ?? []))
        {
            file!.AsObject().Remove("modtime");
        }
        return chart.ToJsonString();
    }

    /// <summary>The manifest with each document's trailing whitespace dropped (Helm 4.1 drops it; 4.2 and Ferry keep it).</summary>
    internal static string Documents(string manifest) => Regex.Replace(manifest, @"[ \t\n]+(?=\n---\n|$)", "");

    internal static string Sorted(JsonNode? map) =>
        map is null ? "(none)" : string.Join(",", map.AsObject().Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal));

    private static string Labels(JsonNode secret) => string.Join(",", secret["metadata"]!["labels"]!.AsObject()
        .Where(kv => kv.Key is not ("createdAt" or "modifiedAt")).Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal));
}
