using System.Text.Json.Nodes;
using k8s;
using Ferry.Charts;
using Ferry.Charts.Conformance;
using Ferry.Charts.Releases;
using Ferry.Templates.Formatting;

namespace Ferry.Kube.Tests;

/// <summary>
/// Real charts of the corpus installed by real helm and then, after helm uninstall, by Ferry (rendered for the cluster,
/// lookup answered from it, as a deploy renders): the two release records, and the labels and annotations of every
/// object each applied, must say the same. What may differ is named: times, Helm 4's file times and apply method, and
/// the Helm 4.1 → 4.2 trailing-whitespace change. Values fix what a chart would otherwise make at random (passwords).
/// </summary>
[Collection(RealChartsDeployTests.OnTheCluster)]
public sealed class HelmAndFerryInstallRealChartsTests : IDisposable
{
    /// <summary>Not RealChartsDeployTests' "rel": their cluster-scoped objects (ClusterRoles, webhooks) are named after it.</summary>
    private const string ReleaseName = "alike";

    private readonly string? _cases;
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-install-alike-").FullName;

    public HelmAndFerryInstallRealChartsTests()
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
        Directory.Delete(_dir, recursive: true);
    }

    [SkippableTheory]
    [InlineData("metrics-server", "")]
    [InlineData("kube-state-metrics", "")]
    [InlineData("local-path-provisioner", "storageClass:\n  name: ferry-alike-local-path\n")]
    [InlineData("ingress-nginx", "")]
    [InlineData("cert-manager", "crds:\n  enabled: true\n")]
    [InlineData("kube-prometheus-stack", "grafana:\n  adminPassword: s3cret-for-the-test\n")]
    [InlineData("bitnami-redis", "auth:\n  password: s3cret-for-the-test\n")]
    [InlineData("bitnami-postgresql", "auth:\n  postgresPassword: s3cret-for-the-test\n")]
    [InlineData("argo-cd", "")]
    [InlineData("grafana", "adminPassword: s3cret-for-the-test\n")]
    [InlineData("traefik", "")]
    [InlineData("vault", "")]
    [InlineData("argo-workflows", "")]
    [InlineData("bitnami-keycloak", "auth:\n  adminPassword: s3cret-for-the-test\npostgresql:\n  auth:\n    password: s3cret-for-the-test\n    postgresPassword: s3cret-for-the-test\n")]
    public async Task RealChart_InstalledByHelmAndByFerry_RecordedAndAppliedAlike(string chart, string values)
    {
        using var target = KubeTarget.Create();
        var (ns, clients, chartDir, valuesFile, store) = await SetUpAsync(target, chart, values);

        try
        {
            RealClients.Ok(clients.Helm("install", ReleaseName, chartDir, "-n", ns, "-f", valuesFile, "--timeout", "50s"));
            var helms = (await store.LastAsync(ReleaseName, ns))!;
            var helmObjects = await MetadataAsync(target, helms.Manifest, ns);
            RealClients.Ok(clients.Helm("uninstall", ReleaseName, "-n", ns, "--timeout", "50s"));

            var ferrys = await new ReleaseManager(target.Client).UpgradeOrInstallAsync(await PlanAsync(target, chartDir, valuesFile), target.Deploy);
            AssertAlike(helms, helmObjects, ferrys, await MetadataAsync(target, ferrys.Manifest, ns));
        }
        finally
        {
            await CleanUpAsync(clients, target);
        }
    }

    /// <summary>
    /// helm install then helm upgrade, against helm install then Ferry's upgrade (rendered as helm upgrade renders:
    /// .Release.IsUpgrade, the next revision, lookups of the live objects; taking over helm's fields, as a site adopting
    /// helm's releases does with --force-conflicts): the second revisions alike, and the first superseded alike. kube-prometheus-stack's webhooks turn from Ignore to Fail on upgrade (IgnoreOnInstallOnly); ingress-nginx runs its
    /// pre-upgrade hooks; argo-cd's redis secret hook and bitnami-redis's lookups read what the install made.
    /// </summary>
    [SkippableTheory]
    [InlineData("kube-prometheus-stack", "grafana:\n  adminPassword: s3cret-for-the-test\n" + WebhooksIgnoreOnInstallOnly)]
    [InlineData("ingress-nginx", "")]
    [InlineData("argo-cd", "")]
    [InlineData("bitnami-redis", "auth:\n  password: s3cret-for-the-test\n")]
    public async Task RealChart_UpgradedByHelmAndByFerry_RecordedAndAppliedAlike(string chart, string values)
    {
        using var target = KubeTarget.Create();
        var (ns, clients, chartDir, valuesFile, store) = await SetUpAsync(target, chart, values);
        string[] install = ["install", ReleaseName, chartDir, "-n", ns, "-f", valuesFile, "--timeout", "50s"];

        try
        {
            RealClients.Ok(clients.Helm(install));
            RealClients.Ok(clients.Helm("upgrade", ReleaseName, chartDir, "-n", ns, "-f", valuesFile, "--timeout", "50s"));
            var helms = await store.HistoryAsync(ReleaseName, ns);
            var helmObjects = await MetadataAsync(target, helms[^1].Manifest, ns);
            RealClients.Ok(clients.Helm("uninstall", ReleaseName, "-n", ns, "--timeout", "50s"));

            RealClients.Ok(clients.Helm(install));
            var first = (await store.LastAsync(ReleaseName, ns))!;
            var plan = await PlanAsync(target, chartDir, valuesFile, first);
            var ferry = await new ReleaseManager(target.Client).UpgradeOrInstallAsync(plan, target.Deploy with { Force = true });
            var ferrys = await store.HistoryAsync(ReleaseName, ns);
            Assert.Equal(2, ferry.Version);
            AssertAlike(helms[^1], helmObjects, ferrys[^1], await MetadataAsync(target, ferrys[^1].Manifest, ns));
            Assert.Equal((helms[0].Version, helms[0].Info.Status, helms[0].Info.Description), (ferrys[0].Version, ferrys[0].Info.Status, ferrys[0].Info.Description));
        }
        finally
        {
            await CleanUpAsync(clients, target);
        }
    }

    /// <summary>The test's namespace, the real clients, the chart's folder, the values written to a file, the release store.</summary>
    private async Task<(string Ns, RealClients Clients, string ChartDir, string ValuesFile, ReleaseStore Store)> SetUpAsync(KubeTarget target,
        string chart, string values)
    {
        Skip.If(_cases is null, Ferry.Charts.Tests.RealChartsArchive.Missing);
        RealClients.Tool("FERRY_HELM");
        await target.CreateNamespaceAsync();
        var valuesFile = Path.Combine(_dir, "values.yaml");
        await File.WriteAllTextAsync(valuesFile, values);
        return (target.Namespace, new RealClients(target, _dir), Path.Combine(Path.GetDirectoryName(_cases)!, "corpus", chart), valuesFile,
            new ReleaseStore(target.Client));
    }

    /// <summary>
    /// The release uninstalled, and the CRDs it kept (helm.sh/resource-policy: keep, as argo-cd's) deleted: cluster-scoped
    /// objects outlive the test's namespace, and on a shared cluster the next install would find them another's.
    /// </summary>
    private static async Task CleanUpAsync(RealClients clients, KubeTarget target)
    {
        clients.Helm("uninstall", ReleaseName, "-n", target.Namespace, "--timeout", "50s");
        var crds = await target.Client.ApiextensionsV1.ListCustomResourceDefinitionAsync();
        foreach (var crd in crds.Items.Where(c => c.Metadata.Annotations is { } a && a.TryGetValue("meta.helm.sh/release-namespace", out var n) && n == target.Namespace))
        {
            await target.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync(crd.Metadata.Name);
        }
    }

    private const string WebhooksIgnoreOnInstallOnly = "prometheusOperator:\n  admissionWebhooks:\n    failurePolicy: IgnoreOnInstallOnly\n";

    /// <summary>Ferry's plan for the chart as a deploy renders it: for the cluster, lookups answered, install or upgrade.</summary>
    private static async Task<ReleasePlan> PlanAsync(KubeTarget target, string chartDir, string valuesFile, Release? deployed = null)
    {
        var (upgrade, revision) = ReleaseManager.NextRevision(deployed is null ? [] : [deployed]);
        var options = new HelmTemplateOptions
        {
            ReleaseName = ReleaseName, Namespace = target.Namespace, IncludeCrds = true, ValuesFiles = [valuesFile], IsUpgrade = upgrade, Revision = revision,
            Cluster = await ClusterDiscovery.DiscoverAsync(target.Client),
            Functions = new Ferry.Templates.Functions.Helm.HelmFunctionOptions { Lookup = new ClusterLookup(target.Client).Function },
        };
        var render = HelmTemplate.Run(chartDir, options);
        Assert.True(render.Succeeded, render.Error);
        return new ReleasePlan(ReleaseName, target.Namespace, ReleaseChart.ToJson(render.Chart!), GoJson.Marshal(HelmTemplate.BuildValues(options)),
            render.Manifests, render.Hooks, render.Notes, render.Crds);
    }

    private static void AssertAlike(Release helms, List<string> helmObjects, Release ferrys, List<string> ferryObjects)
    {
        Assert.DoesNotContain(helmObjects, o => o.EndsWith("(absent)", StringComparison.Ordinal));
        var (h, f) = (JsonNode.Parse(ReleaseCodec.ToJson(helms))!, JsonNode.Parse(ReleaseCodec.ToJson(ferrys))!);
        foreach (var field in new[] { "name", "namespace", "version", "config" })
        {
            Assert.True(JsonNode.DeepEquals(h[field], f[field]), $"{field}: helm {h[field]?.ToJsonString()}, Ferry {f[field]?.ToJsonString()}");
        }
        Assert.Equal(HelmAndFerryRecordAlikeTests.Chart(helms.ChartJson), HelmAndFerryRecordAlikeTests.Chart(ferrys.ChartJson));
        Assert.Equal(HelmAndFerryRecordAlikeTests.Documents(helms.Manifest), HelmAndFerryRecordAlikeTests.Documents(ferrys.Manifest));
        Assert.Equal(Hooks(helms), Hooks(ferrys));
        Assert.Equal((helms.Info.Status, helms.Info.Description, helms.Info.Notes), (ferrys.Info.Status, ferrys.Info.Description, ferrys.Info.Notes));
        Assert.Equal(helmObjects, ferryObjects);
    }

    private static string Hooks(Release release) => string.Join("\n", release.Hooks.Select(k =>
        $"{k.Name} {k.Kind} {k.Path} events={string.Join(",", k.Events.Select(e => e.Name))} weight={k.Weight} " +
        $"policies={string.Join(",", k.DeletePolicies.Select(p => p.Name))} phase={k.LastRunPhase.Name}\n{HelmAndFerryRecordAlikeTests.Documents(k.Manifest)}"));

    /// <summary>Each object of the manifest as it is live: kind/namespace/name with its labels and annotations, sorted.</summary>
    private static async Task<List<string>> MetadataAsync(KubeTarget target, string manifest, string ns)
    {
        var applier = new Applier(target.Client);
        var found = new List<string>();
        foreach (var document in manifest.Split("\n---\n"))
        {
            var obj = ReleaseManager.ToJson(document);
            if (obj?["metadata"]?["name"]?.GetValue<string>() is not { } name || obj["kind"]?.GetValue<string>() is not { } kind)
            {
                continue;
            }
            var key = new ResourceKey(obj["apiVersion"]!.GetValue<string>(), kind, obj["metadata"]?["namespace"]?.GetValue<string>() ?? ns, name);
            var live = await applier.GetAsync(key);
            found.Add($"{kind}/{key.Namespace}/{name}: " + (live is null ? "(absent)"
                : $"labels {HelmAndFerryRecordAlikeTests.Sorted(live["metadata"]?["labels"])}; annotations {HelmAndFerryRecordAlikeTests.Sorted(live["metadata"]?["annotations"])}"));
        }
        return found.Order(StringComparer.Ordinal).ToList();
    }
}
