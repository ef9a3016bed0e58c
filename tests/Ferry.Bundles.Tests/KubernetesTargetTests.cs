using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Oci;

namespace Ferry.Bundles.Tests;

/// <summary>
/// Which Kubernetes a chart renders for: ferry.yaml's <c>kubernetes:</c> (or the k3s it installs) at bundle build and
/// offline, the site cluster's own version and API versions at deploy, as helm template and helm install do.
/// </summary>
public sealed class KubernetesTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-kube-target-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Spec = """
        apiVersion: ferry.dev/v1
        kind: Bundle
        metadata: { name: caps, version: 1.0.0 }
        apps:
          - name: api
            chart: { path: chart }

        """;

    private string Product(string kubernetes)
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: api\nversion: 1.0.0\nkubeVersion: \">=1.32.0-0\"\n");
        Write("chart/templates/cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: caps
            data:
              kube: {{ .Capabilities.KubeVersion.Version | quote }}
              minor: {{ .Capabilities.KubeVersion.Minor | quote }}
              monitoring: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}
              deployments: {{ .Capabilities.APIVersions.Has "apps/v1/Deployment" | quote }}

            """);
        return Write("ferry.yaml", Spec + kubernetes);
    }

    /// <summary>The bundle built from <paramref name="spec"/>, and a site for it: a registry and the API simulator.</summary>
    private async Task<Site> SiteAsync(string spec, string? gitVersion = null)
    {
        var bundle = Path.Combine(_dir, "caps.ferry");
        await Build(spec, bundle);
        var api = gitVersion is null ? new ApiSimulator() : new ApiSimulator { GitVersion = gitVersion };
        return new Site(bundle, Oci.Tests.Registry.Start(), api, KubeConnection.ForUrl(api.Url));
    }

    private sealed record Site(string Bundle, Oci.Tests.Registry Registry, ApiSimulator Api, k8s.IKubernetes Client) : IDisposable
    {
        /// <summary>A deploy of the bundle to the plain-HTTP site registry, with the simulator's short waits.</summary>
        public DeployRequest Request => new()
        {
            Bundle = Bundle,
            SiteRegistry = Registry.Address,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };

        public void Dispose()
        {
            Client.Dispose();
            Api.Dispose();
            Registry.Dispose();
        }
    }

    private Task Build(string spec, string output) => BundleBuilder.BuildAsync(new BundleBuildOptions
    {
        SpecPath = spec,
        Output = output,
        Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
    });

    [Fact]
    public void Spec_KubernetesTarget_IsReadAndValidated()
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: api\nversion: 1.0.0\n");
        var path = Write("ferry.yaml", Spec + "kubernetes: { version: \"1.x\", apiVersions: [monitoring.coreos.com/v1, {a: 1}], extra: 1 }\n");
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path));
        Assert.Contains("ferry.yaml:7:24: kubernetes.version \"1.x\" is not a Kubernetes version", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:7:71: kubernetes.apiVersions entries are group/version strings", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:7:80: unknown field kubernetes.extra", e.Message, StringComparison.Ordinal);

        File.WriteAllText(path, Spec + "kubernetes: { version: \"1.31\", apiVersions: [monitoring.coreos.com/v1] }\n");
        var spec = SpecLoader.Load(path);
        Assert.Equal("1.31", spec.TargetKubeVersion);
        Assert.Equal(["monitoring.coreos.com/v1"], spec.Kubernetes!.ApiVersions);
        File.WriteAllText(path, Spec);
        Assert.Equal(Ferry.Charts.Capabilities.DefaultKubeVersion, SpecLoader.Load(path).TargetKubeVersion);
    }

    [Fact]
    public async Task Build_RendersForTheTargetKubernetes_AndSaysHowToSetIt()
    {
        var bundle = Path.Combine(_dir, "caps.ferry");
        var e = await Assert.ThrowsAsync<BundleException>(() => Build(Product("kubernetes: { version: 1.31.0 }\n"), bundle));
        Assert.Contains("chart requires kubeVersion: >=1.32.0-0 which is incompatible with Kubernetes v1.31.0", e.Message, StringComparison.Ordinal);
        Assert.Contains("set kubernetes.version in ferry.yaml", e.Message, StringComparison.Ordinal);

        await Build(Product("kubernetes: { version: 1.33.2, apiVersions: [monitoring.coreos.com/v1] }\n"), bundle);
        using var opened = OpenedBundle.Open(bundle, null, null);
        var plan = AppRenderer.Render(opened, opened.Spec.Apps[0], new SiteEnv(new Dictionary<string, string>(), new HashSet<string>()), "site.local:5000");
        var cm = Assert.Single(plan.Manifests).Content;
        Assert.Contains("kube: \"v1.33.2\"\n  minor: \"33\"\n  monitoring: \"true\"\n  deployments: \"false\"", cm, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_RendersForTheClusterItself_AndRefusesAClusterTooOld()
    {
        using var site = await SiteAsync(Product("kubernetes: { version: 1.33.2, apiVersions: [monitoring.coreos.com/v1] }\n"), "v1.31.4+k3s1");
        var (api, client, request) = (site.Api, site.Client, site.Request);
        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(request));
        Assert.Contains("preflight failed; nothing was changed", e.Message, StringComparison.Ordinal);
        Assert.Contains("kubeVersion api: chart api 1.0.0 on Kubernetes v1.31.4+k3s1 (required: >=1.32.0-0); the chart does not support this Kubernetes", e.Message, StringComparison.Ordinal);
        // a chart that refuses the cluster cannot be rendered for it: no override gets past that
        e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(request with { SkipPreflight = true }));
        Assert.Contains("kubeVersion api", e.Message, StringComparison.Ordinal);
        Assert.Empty(await new ReleaseStore(client).HistoryAsync("api", "default"));

        api.GitVersion = "v1.33.1+k3s1";
        var outcome = Assert.Single(await new Deployer(client).DeployAsync(request));
        Assert.Equal(AppResult.Installed, outcome.Result);
        var data = api.Get("", "configmaps", "default", "caps")!["data"]!;
        Assert.Equal("v1.33.1+k3s1", data["kube"]!.GetValue<string>());
        Assert.Equal("33", data["minor"]!.GetValue<string>());
        Assert.Equal("false", data["monitoring"]!.GetValue<string>()); // the cluster serves no such API; ferry.yaml's list is for rendering without one
        Assert.Equal("true", data["deployments"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deploy_RendersAsInstallThenAsUpgrade_WithTheRevisionBeingMade()
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: api\nversion: 1.0.0\n");
        Write("chart/templates/cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: release
            data:
              install: {{ .Release.IsInstall | quote }}
              upgrade: {{ .Release.IsUpgrade | quote }}
              revision: {{ .Release.Revision | quote }}
            """);
        using var site = await SiteAsync(Write("ferry.yaml", Spec));
        var (api, client, request) = (site.Api, site.Client, site.Request);
        (string, string, string) Data()
        {
            var data = api.Get("", "configmaps", "default", "release")!["data"]!;
            return (data["install"]!.GetValue<string>(), data["upgrade"]!.GetValue<string>(), data["revision"]!.GetValue<string>());
        }
        Assert.Equal(AppResult.Installed, Assert.Single(await new Deployer(client).DeployAsync(request)).Result);
        Assert.Equal(("true", "false", "1"), Data());
        // as helm upgrade renders it: the chart says what an upgrade should be, and the revision it makes
        Assert.Equal(AppResult.Upgraded, Assert.Single(await new Deployer(client).DeployAsync(request)).Result);
        Assert.Equal(("false", "true", "2"), Data());
        Assert.Equal(2, (await new ReleaseStore(client).LastAsync("api", "default"))!.Version);
    }

    [Fact]
    public async Task Deploy_LooksUpTheCluster_SoAGeneratedPasswordIsKept_AndARedeployChangesNothing()
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: api\nversion: 1.0.0\n");
        // the Bitnami pattern: reuse the password the Secret holds, else make one
        Write("chart/templates/secret.yaml", """
            {{- $old := (lookup "v1" "Secret" .Release.Namespace "api-auth").data }}
            apiVersion: v1
            kind: Secret
            metadata:
              name: api-auth
            data:
              password: {{ if $old }}{{ $old.password }}{{ else }}{{ randAlphaNum 16 | b64enc }}{{ end }}
            """);
        using var site = await SiteAsync(Write("ferry.yaml", Spec));
        var (api, client, request) = (site.Api, site.Client, site.Request);
        Assert.Equal(AppResult.Installed, Assert.Single(await new Deployer(client).DeployAsync(request)).Result);
        var password = api.Get("", "secrets", "default", "api-auth")!["data"]!["password"]!.GetValue<string>();
        Assert.Equal(16, Convert.FromBase64String(password).Length);

        Assert.Equal(AppResult.Unchanged, Assert.Single(await new Deployer(client).DeployAsync(request)).Result);
        Assert.Equal(password, api.Get("", "secrets", "default", "api-auth")!["data"]!["password"]!.GetValue<string>());
        Assert.Single(await new ReleaseStore(client).HistoryAsync("api", "default"));

        // a record whose chart was written otherwise (by an older Ferry): the plan says the objects stay, the record changes
        var store = new ReleaseStore(client);
        var record = (await store.LastAsync("api", "default"))!;
        record.ChartJson = record.ChartJson.Replace("\"lock\":null", "\"lock\":null,\"x\":1", StringComparison.Ordinal);
        await store.UpdateAsync(record, DateTimeOffset.UtcNow);
        var app = Assert.Single((await Planner.PlanAsync(site.Bundle, site.Registry.Address,
            new SiteEnv(new Dictionary<string, string>(), new HashSet<string>()), client)).Apps);
        Assert.Equal((PlanAction.Upgrade, ""), (app.Action, app.Diff));
        Assert.Equal("api: objects unchanged; its release's values or recorded chart differ, so the deploy records revision 2", app.Note);
    }
}
