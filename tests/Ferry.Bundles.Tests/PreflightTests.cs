using Ferry.Kube;
using k8s;
using Ferry.Kube.Tests;
using Ferry.Oci;
using Ferry.Oci.Tests;

namespace Ferry.Bundles.Tests;

/// <summary>
/// Preflight on the simulator (a k3s node: 4 CPUs, 8 GiB, amd64, local-path): a site that fits passes every check and
/// deploys; each way a site can fail to fit (Kubernetes too old for the vendor, a storage class it lacks, too little
/// CPU, an unreachable registry, a missing env key, an API it removed) is reported with its fix and stops the deploy
/// before any change: no release, no image pushed, no journal.
/// </summary>
public sealed class PreflightTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-preflight-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A product whose CPU request, storage class and use of policy/v1beta1 come from the site env.</summary>
    private async Task<string> BuildAsync(Registry source)
    {
        var layout = OciLayout.Open(Path.Combine(_dir, "seed"), create: true);
        TestImages.Image(layout, "acme/app:1.0", [TestImages.Layer(layout, 16 * 1024, 3)]);
        using (var client = new RegistryClient(new RegistryOptions { Insecure = true }))
        {
            await new ImageCopier(client).PushAsync(layout, layout.Resolve("acme/app:1.0"), ImageReference.Parse($"{source.Address}/acme/app:1.0"));
        }
        Write("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
        Write("chart/values.yaml", "image: app\ncpu: 100m\nstorageClass: local-path\nlegacyPdb: false\ndomain: x\n");
        Write("chart/templates/app.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              replicas: 2
              selector: { matchLabels: { app: app } }
              template:
                metadata: { labels: { app: app } }
                spec:
                  containers:
                    - name: app
                      image: {{ .Values.image }}
                      env: [{ name: DOMAIN, value: {{ .Values.domain | quote }} }]
                      resources: { requests: { cpu: {{ .Values.cpu | quote }}, memory: 256Mi } }
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: data
            spec:
              storageClassName: {{ .Values.storageClass }}
              accessModes: [ReadWriteOnce]
              resources: { requests: { storage: 5Gi } }
            {{- if .Values.legacyPdb }}
            ---
            apiVersion: policy/v1beta1
            kind: PodDisruptionBudget
            metadata:
              name: app
            spec:
              minAvailable: 1
              selector: { matchLabels: { app: app } }
            {{- end }}

            """);
        Write("values.yaml.tmpl", """
            image: {{ .Env.IMAGE_SOURCE }}/acme/app:1.0
            cpu: {{ .Env.CPU | quote }}
            storageClass: {{ .Env.STORAGE_CLASS }}
            legacyPdb: {{ .Env.LEGACY_PDB }}
            domain: {{ .Env.DOMAIN }}

            """);
        var spec = Write("ferry.yaml", """
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: { name: fit, version: 1.0.0 }
            env:
              - { name: IMAGE_SOURCE, default: registry.example.com }
              - { name: DOMAIN, required: true, description: public host name }
              - { name: CPU, default: 100m }
              - { name: STORAGE_CLASS, default: local-path }
              - { name: LEGACY_PDB, default: "false" }
            requirements:
              kubernetes: ">=1.28.0-0"
              nodes: 1
              memory: 4Gi
              storageClasses: [local-path]
              nodeLabels: [kubernetes.io/os=linux]
            apps:
              - name: app
                namespace: shop
                chart: { path: chart }
                values: values.yaml.tmpl

            """);
        var bundle = Path.Combine(_dir, "fit.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = spec,
            Output = bundle,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = source.Address, ["DOMAIN"] = "build.example" },
        });
        return bundle;
    }

    [Fact]
    public async Task ASiteThatFitsPasses_AndEachMisfitStopsTheDeployBeforeAnyChange()
    {
        using var source = Registry.Start();
        var bundle = await BuildAsync(source);
        using var site = Registry.Start();
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        var request = new DeployRequest
        {
            Bundle = bundle,
            SiteRegistry = site.Address,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 1 },
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };
        async Task<string> Refused(DeployRequest r)
        {
            var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(r));
            Assert.StartsWith("preflight failed; nothing was changed:", e.Message, StringComparison.Ordinal);
            Assert.Empty(await new ReleaseStore(client).HistoryAsync("app", "shop"));
            Assert.Empty(await DeployJournal.ListAsync(client, DeployEnv.DefaultNamespace));
            using var registry = new RegistryClient(new RegistryOptions { Insecure = true });
            Assert.Empty(await registry.ListRepositoriesAsync(site.Address).ToListAsync());
            return e.Message;
        }
        async Task SetEnv(string key, string value) =>
            await new DeployEnv(client).SetAsync(new Dictionary<string, string> { [key] = value }, new HashSet<string>());

        // missing env key: named, with the command that sets it
        Assert.Contains("DOMAIN: required (public host name); set it with 'ferry env set DOMAIN=...'", await Refused(request), StringComparison.Ordinal);
        await SetEnv("DOMAIN", "shop.site.local");

        // Kubernetes older than the vendor requires
        api.GitVersion = "v1.26.3+k3s1";
        var message = await Refused(request);
        Assert.Contains("kubernetes: Kubernetes v1.26.3+k3s1 (required: >=1.28.0-0); upgrade the cluster to a Kubernetes in >=1.28.0-0", message, StringComparison.Ordinal);
        api.GitVersion = "v1.31.4+k3s1";

        // a storage class the cluster lacks
        await SetEnv("STORAGE_CLASS", "fast-ssd");
        Assert.Contains("storage class fast-ssd: missing (the cluster has: local-path) (required: exists); create StorageClass fast-ssd", await Refused(request), StringComparison.Ordinal);
        await SetEnv("STORAGE_CLASS", "local-path");

        // too little CPU: 2 replicas of 3 cores on a 4-core node
        await SetEnv("CPU", "3");
        message = await Refused(request);
        Assert.Contains("cpu: the product requests 6; nodes have 4 allocatable", message, StringComparison.Ordinal);
        Assert.Contains("add nodes or cores: 2 more is needed", message, StringComparison.Ordinal);
        await SetEnv("CPU", "100m");

        // an API this Kubernetes removed
        await SetEnv("LEGACY_PDB", "true");
        Assert.Contains("api kinds: policy/v1beta1 PodDisruptionBudget (app app) is not served by Kubernetes v1.31.4+k3s1", await Refused(request), StringComparison.Ordinal);
        await SetEnv("LEGACY_PDB", "false");

        // an unreachable site registry
        Assert.Contains("registry: site registry 127.0.0.1:1", await Refused(request with { SiteRegistry = "127.0.0.1:1" }), StringComparison.Ordinal);

        // the site fits: every check passes (the registry accepts a push), and the deploy goes ahead
        using (var opened = OpenedBundle.Open(bundle, null))
        using (var registry = new RegistryClient(new RegistryOptions { Insecure = true }))
        {
            var result = await Preflight.RunAsync(opened, await new DeployEnv(client).ReadAsync(), site.Address, client, registry, probePush: true, log: null);
            Assert.DoesNotContain(result.Checks, c => c.Status is PreflightCheck.Fail or PreflightCheck.Warn);
            Assert.Contains(result.Checks, c => c.Name == "cpu" && c.Measured.StartsWith("the product requests 200m; nodes have 4 allocatable", StringComparison.Ordinal));
            Assert.Contains(result.Checks, c => c.Name == "memory" && c.Measured.StartsWith("the product requests 512Mi; nodes have 8Gi", StringComparison.Ordinal));
            Assert.Contains(result.Checks, c => c.Name == "storage" && c.Measured == "1 claim(s), 5Gi requested");
            Assert.Contains(result.Checks, c => c.Name == "node label kubernetes.io/os=linux" && c.Status == PreflightCheck.Pass);
            Assert.Contains(result.Checks, c => c.Name == "registry push" && c.Status == PreflightCheck.Pass);
        }
        var outcome = Assert.Single(await new Deployer(client).DeployAsync(request));
        Assert.Equal(AppResult.Installed, outcome.Result);
        Assert.Equal("passed (0 warnings)", (await DeployJournal.ListAsync(client, DeployEnv.DefaultNamespace)).Single().Steps["preflight"]);

        // --skip-preflight goes past a misfit, and the journal says so; the env itself can never be skipped
        await SetEnv("CPU", "3");
        Assert.Equal(AppResult.Upgraded, Assert.Single(await new Deployer(client).DeployAsync(request with { SkipPreflight = true })).Result);
        Assert.Equal("failed checks ignored (preflight skipped): cpu", (await DeployJournal.ListAsync(client, DeployEnv.DefaultNamespace)).Single().Steps["preflight"]);
        await new DeployEnv(client).SetAsync(new Dictionary<string, string>(), new HashSet<string>(), remove: ["DOMAIN"]);
        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(request with { SkipPreflight = true }));
        Assert.Contains("DOMAIN: required", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Two apps of one bundle rendering the same object: refused by preflight, naming it and both apps.</summary>
    [Fact]
    public async Task AnObjectTwoAppsRender_StopsTheDeployBeforeAnyChange()
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: part\nversion: 1.0.0\n");
        Write("chart/templates/cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-settings
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: shared-settings
            data:
              owner: {{ .Release.Name }}

            """);
        var spec = Write("ferry.yaml", """
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: { name: parts, version: 1.0.0 }
            apps:
              - { name: one, namespace: shop, chart: { path: chart } }
              - { name: two, namespace: shop, chart: { path: chart } }
              - { name: three, namespace: other, chart: { path: chart } }

            """);
        var bundle = Path.Combine(_dir, "parts.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = spec, Output = bundle });
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        var request = new DeployRequest
        {
            Bundle = bundle, SiteRegistry = "127.0.0.1:1", Registry = new RegistryOptions { Insecure = true, MaxAttempts = 1 },
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };

        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(request));
        Assert.StartsWith("preflight failed; nothing was changed:", e.Message, StringComparison.Ordinal);
        // the same name in another namespace (app three) is another object
        Assert.Contains("objects: ConfigMap shop/shared-settings is rendered by apps one and two (required: each object belongs to one app's release)",
            e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other/shared-settings", e.Message, StringComparison.Ordinal);
        Assert.Empty(await new ReleaseStore(client).HistoryAsync("one", "shop"));
        Assert.Empty(await DeployJournal.ListAsync(client, DeployEnv.DefaultNamespace));
    }

    /// <summary>
    /// An upgrade adding an object another release owns (outside the bundle): preflight refuses it; with preflight skipped
    /// the app fails before anything of it changes (no revision, no rollback); both name the object, its owner and the
    /// remedy; --force-conflicts=APP takes it over.
    /// </summary>
    [Fact]
    public async Task AnObjectAnotherReleaseOwns_FailsTheAppUnchanged_UntilTakenOver()
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: part\nversion: 1.0.0\n");
        Write("chart/values.yaml", "shared: false\n");
        Write("chart/templates/cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-settings
            {{- if .Values.shared }}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: shared-settings
            {{- end }}

            """);
        async Task<string> Build(string version, bool shared)
        {
            Write("values.yaml.tmpl", $"shared: {(shared ? "true" : "false")}\n");
            var spec = Write("ferry.yaml", $$"""
                apiVersion: ferry.dev/v1
                kind: Bundle
                metadata: { name: parts, version: {{version}} }
                apps:
                  - { name: one, namespace: shop, chart: { path: chart }, values: values.yaml.tmpl }

                """);
            var path = Path.Combine(_dir, $"parts-{version}.ferry");
            await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = spec, Output = path });
            return path;
        }
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        var request = new DeployRequest
        {
            Bundle = await Build("1.0.0", shared: false), SiteRegistry = "127.0.0.1:1",
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 1 },
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };
        Assert.Equal(AppResult.Installed, Assert.Single(await new Deployer(client).DeployAsync(request)).Result);
        // another release (helm's, another vendor's) owns shared-settings
        var other = new ReleasePlan("other", "shop", "{\"metadata\":{\"name\":\"other\",\"version\":\"1.0.0\"}}", "{}",
            [new Ferry.Charts.Manifest("other/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared-settings\n", "ConfigMap", "v1",
                "shared-settings")], []);
        await new ReleaseManager(client).UpgradeOrInstallAsync(other, request.Options);

        var upgrade = request with { Bundle = await Build("2.0.0", shared: true) };
        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(upgrade));
        Assert.StartsWith("preflight failed; nothing was changed:", e.Message, StringComparison.Ordinal);
        Assert.Contains("ownership: app one: ConfigMap shop/shared-settings exists and belongs to release other in namespace shop", e.Message,
            StringComparison.Ordinal);
        Assert.Contains("--force-conflicts=APP", e.Message, StringComparison.Ordinal);
        // preflight skipped: the deploy itself refuses the app, before anything of it changes
        var failed = Assert.Single(await new Deployer(client).DeployAsync(upgrade with { SkipPreflight = true }));
        Assert.Equal(AppResult.Failed, failed.Result);
        Assert.Contains("ConfigMap shop/shared-settings exists and belongs to release other in namespace shop", failed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("rolled back", failed.Detail, StringComparison.Ordinal);
        Assert.Equal([Remedy.ForceConflicts], failed.Remedies);
        Assert.Equal([1], (await new ReleaseStore(client).HistoryAsync("one", "shop")).Select(r => r.Version)); // no revision made

        var taken = Assert.Single(await new Deployer(client).DeployAsync(upgrade with { ForceConflicts = new HashSet<string> { "one" } }));
        Assert.Equal((AppResult.Upgraded, 2), (taken.Result, taken.Revision));
        var shared = await new Applier(client).GetAsync(new ResourceKey("v1", "ConfigMap", "shop", "shared-settings"));
        Assert.Equal("one", shared!["metadata"]!["annotations"]!["meta.helm.sh/release-name"]!.GetValue<string>());
    }

    [Fact]
    public async Task QuotasPodSecurityNodesAndArchitecture_AreChecked()
    {
        using var source = Registry.Start();
        var bundle = await BuildAsync(source);
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        await new DeployEnv(client).SetAsync(new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local" }, new HashSet<string>());
        await client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "shop", Labels = new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" } },
        });
        await client.CoreV1.CreateNamespacedResourceQuotaAsync(new k8s.Models.V1ResourceQuota
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "compute" },
            Spec = new k8s.Models.V1ResourceQuotaSpec { Hard = new Dictionary<string, k8s.Models.ResourceQuantity> { ["requests.cpu"] = new("150m"), ["pods"] = new("10") } },
        }, "shop");
        api.PutNode("pi-1", "4", "8Gi", "arm64");
        api.PutNode("sim-node-2", "4", "8Gi", "amd64", "DiskPressure");

        using var opened = OpenedBundle.Open(bundle, null);
        var checks = (await Preflight.RunAsync(opened, await new DeployEnv(client).ReadAsync(), "127.0.0.1:1", client, registry: null, probePush: false, log: null)).Checks;
        PreflightCheck Check(string name) => Assert.Single(checks, c => c.Name == name);
        Assert.Equal((PreflightCheck.Fail, "requests.cpu 200m > 150m"), (Check("quota shop/compute").Status, Check("quota shop/compute").Measured));
        Assert.Contains("kubectl edit resourcequota -n shop compute", Check("quota shop/compute").Fix, StringComparison.Ordinal);
        var security = Check("pod security shop");
        Assert.Equal(PreflightCheck.Fail, security.Status);
        Assert.Contains("app Deployment/app: allowPrivilegeEscalation != false, runAsNonRoot != true", security.Measured, StringComparison.Ordinal);
        Assert.Equal(PreflightCheck.Warn, Check("architecture").Status);
        Assert.Contains("ask the vendor for a bundle with platforms for arm64 (nodes pi-1)", Check("architecture").Fix, StringComparison.Ordinal);
        Assert.Equal((PreflightCheck.Warn, "DiskPressure"), (Check("node sim-node-2").Status, Check("node sim-node-2").Measured));
        Assert.Equal("3 ready of 3", Check("nodes").Measured);
        Assert.StartsWith("the product requests 200m; nodes have 12 allocatable", Check("cpu").Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void Requirements_AreReadAndValidatedWithPositions()
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
        const string Head = "apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: { name: r, version: 1.0.0 }\napps:\n  - { name: app, chart: { path: chart } }\n";
        var path = Write("ferry.yaml", Head + "requirements:\n  kubernetes: \"at least 1.28\"\n  nodes: zero\n  cpu: lots\n  memory: 4Gi\n  storageClasses: [Fast_SSD]\n  nodeLabels: fast\n  gpu: 1\n");
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path));
        Assert.Contains("ferry.yaml:7:15: requirements.kubernetes \"at least 1.28\" is not a version range", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:8:10: requirements.nodes \"zero\" must be a whole number of nodes", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:9:8: requirements.cpu \"lots\" is not a Kubernetes quantity", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:11:19: requirements.storageClasses: \"Fast_SSD\" is not a StorageClass name", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:12:15: requirements.nodeLabels must be a list (write [fast])", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:13:3: unknown field requirements.gpu", e.Message, StringComparison.Ordinal);

        File.WriteAllText(path, Head + "requirements: { kubernetes: \">=1.28.0-0\", nodes: 3, cpu: 7500m, memory: 16Gi, storageClasses: [local-path], nodeLabels: [gpu=true] }\n");
        var req = SpecLoader.Load(path).Requirements;
        Assert.Equal((">=1.28.0-0", 3, "7500m", "16Gi"), (req.Kubernetes, req.Nodes, req.Cpu, req.Memory));
        Assert.Equal(["local-path"], req.StorageClasses);
        Assert.Equal(["gpu=true"], req.NodeLabels);
    }

    [Theory]
    [InlineData("500m", 0.5)]
    [InlineData("2", 2)]
    [InlineData("1.5", 1.5)]
    [InlineData("4Gi", 4294967296)]
    [InlineData("512Mi", 536870912)]
    [InlineData("1k", 1000)]
    [InlineData("1e3", 1000)]
    [InlineData("128974848", 128974848)]
    public void Quantities(string text, double expected)
    {
        Assert.True(Quantity.TryParse(text, out var value));
        Assert.Equal((decimal)expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("4GB")]
    [InlineData("1e99")]
    public void NotQuantities(string text) => Assert.False(Quantity.TryParse(text, out _));
}
