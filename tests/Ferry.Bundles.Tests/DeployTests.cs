using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Oci;

namespace Ferry.Bundles.Tests;

/// <summary><c>ferry deploy</c> of the example product: a real vendor and site registry, the loopback API simulator.</summary>
public sealed class DeployTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ferry-deploy-test-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [SkippableFact]
    public async Task Deploy_ExampleBundle_InstallsPinsImagesAndRedeploysAsNoOp()
    {
        using var product = new ProductSources();
        var bundle = Path.Combine(_out, "acme.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = product.ExampleSpec,
            Output = bundle,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" },
        });
        using var siteRegistry = Oci.Tests.Registry.Start();
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        var request = new DeployRequest
        {
            Bundle = bundle,
            SiteRegistry = siteRegistry.Address,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };

        // missing env: every problem at once, nothing changed
        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(request));
        Assert.Contains("DOMAIN: required", e.Message, StringComparison.Ordinal);
        Assert.Contains("WORKER_PASSWORD: required", e.Message, StringComparison.Ordinal);
        Assert.Empty(await new ReleaseStore(client).HistoryAsync("shop", "acme"));

        await new DeployEnv(client).SetAsync(
            new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local", ["WORKER_PASSWORD"] = "s3cret", ["SHOP_REPLICAS"] = "3" },
            new HashSet<string> { "WORKER_PASSWORD" });
        var outcomes = await new Deployer(client).DeployAsync(request);
        Assert.Equal([("shop", AppResult.Installed), ("worker", AppResult.Installed), ("gateway", AppResult.Installed)], outcomes.Select(o => (o.App, o.Result)));

        // images pushed to the site registry and pinned by digest in the live objects
        var shopDigest = product.ImageDigests[$"{product.Registry.Address}/acme/shop:2.3.0"];
        var deployment = api.Get("apps", "deployments", "acme", "shop-shop")!;
        Assert.Equal($"{siteRegistry.Address}/acme/shop:2.3.0@{shopDigest}", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(3, deployment["spec"]!["replicas"]!.GetValue<int>());
        using (var registry = new RegistryClient(new RegistryOptions { Insecure = true }))
        {
            var pushed = await registry.GetManifestAsync(siteRegistry.Address, "acme/shop", "2.3.0");
            Assert.Equal(shopDigest, pushed.Digest);
        }
        var ingress = api.Get("networking.k8s.io", "ingresses", "edge", "gateway-gateway");
        Assert.Equal("shop.site.local", ingress!["spec"]!["rules"]![0]!["host"]!.GetValue<string>());
        var release = Assert.Single(await new ReleaseStore(client).HistoryAsync("worker", "acme"));
        Assert.Equal(("worker", "1.4.2", "deployed"), (release.ChartName, release.ChartVersion, release.Info.Status));
        // shop's record holds its chart as Helm records it: dependencies processed (enabled, subchart defaults and imports in its values)
        var shopChart = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(await new ReleaseStore(client).HistoryAsync("shop", "acme")).ChartJson)!;
        Assert.All(shopChart["metadata"]!["dependencies"]!.AsArray(), d => Assert.True(d!["enabled"]!.GetValue<bool>()));
        Assert.Equal("docker.io/library/redis:7.2.5", shopChart["values"]!["cache"]!["image"]!.GetValue<string>());
        Assert.Equal(6379, shopChart["values"]!["cacheConnection"]!["port"]!.GetValue<int>());

        // the same bundle again changes nothing
        outcomes = await new Deployer(client).DeployAsync(request);
        Assert.All(outcomes, o => Assert.Equal(AppResult.Unchanged, o.Result));
        Assert.Single(await new ReleaseStore(client).HistoryAsync("shop", "acme"));

        // an upgrade whose shop Deployment never becomes ready: shop is rolled back, its dependents are left alone
        api.SetOutcome("shop-shop", Outcome.Hang, onlyAtGeneration: 2);
        await new DeployEnv(client).SetAsync(new Dictionary<string, string> { ["SHOP_REPLICAS"] = "4", ["DOMAIN"] = "new.site.local" }, new HashSet<string> { "WORKER_PASSWORD" });
        outcomes = await new Deployer(client).DeployAsync(request with { Options = request.Options with { Timeout = TimeSpan.FromMilliseconds(500) } });
        Assert.Equal([("shop", AppResult.Failed), ("worker", AppResult.Skipped), ("gateway", AppResult.Skipped)], outcomes.Select(o => (o.App, o.Result)));
        Assert.Contains("timed out", outcomes[0].Detail, StringComparison.Ordinal);
        Assert.Contains("rolled back to revision 1 (now revision 3)", outcomes[0].Detail, StringComparison.Ordinal);
        Assert.Equal(
            [(1, "superseded"), (2, "failed"), (3, "deployed")],
            (await new ReleaseStore(client).HistoryAsync("shop", "acme")).Select(r => (r.Version, r.Info.Status)));
        Assert.Equal(3, api.Get("apps", "deployments", "acme", "shop-shop")!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("shop.site.local", api.Get("networking.k8s.io", "ingresses", "edge", "gateway-gateway")!["spec"]!["rules"]![0]!["host"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Deploy_WithADamagedImageIndex_ChangesNothing()
    {
        using var product = new ProductSources();
        var bundle = Path.Combine(_out, "damaged.ferry");
        var options = new RegistryOptions { Insecure = true, MaxAttempts = 2 };
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = product.ExampleSpec, Output = bundle, Registry = options,
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" },
        });
        // consistent checksums (unsigned), but the image index no longer names the images
        HostileBundleTests.Repack(bundle, entries => entries["images/index.json"] = """{"schemaVersion":2,"manifests":[]}"""u8.ToArray());
        Assert.Empty(BundleReader.Verify(bundle));
        using var site = Oci.Tests.Registry.Start();
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        await new DeployEnv(client).SetAsync(
            new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local", ["WORKER_PASSWORD"] = "pw" }, new HashSet<string> { "WORKER_PASSWORD" });
        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(new DeployRequest
        {
            Bundle = bundle, SiteRegistry = site.Address, Registry = options,
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        }));
        Assert.Contains("the bundle's images are damaged", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", e.Message, StringComparison.Ordinal);
        Assert.Null(api.Get("", "configmaps", DeployEnv.DefaultNamespace, DeployJournal.ObjectName("acme-suite")));
        using var registry = new RegistryClient(options);
        Assert.Empty(await registry.ListRepositoriesAsync(site.Address).ToListAsync());
    }

    [SkippableFact]
    public async Task Deploy_AppliesEnvMigrations_KeepingABackup()
    {
        using var product = new ProductSources();
        File.AppendAllText(product.ExampleSpec, "envMigrations:\n  - { rename: REPLICAS, to: SHOP_REPLICAS }\n");
        var bundle = Path.Combine(_out, "migrating.ferry");
        var options = new RegistryOptions { Insecure = true, MaxAttempts = 2 };
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            // zstd: this deploy extracts the bundle (the others read image blobs from the plain archive in place)
            SpecPath = product.ExampleSpec, Output = bundle, Registry = options, Storage = new BundleStorage(Zstd: true, SplitBytes: null),
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" },
        });
        using var site = Oci.Tests.Registry.Start();
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        await new DeployEnv(client).SetAsync(
            new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local", ["WORKER_PASSWORD"] = "pw", ["REPLICAS"] = "3" }, new HashSet<string> { "WORKER_PASSWORD" });
        var log = new List<string>();
        var outcomes = await new Deployer(client).DeployAsync(new DeployRequest
        {
            Bundle = bundle, SiteRegistry = site.Address, Registry = options,
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
            Log = new Progress<string>(log.Add),
        });
        Assert.All(outcomes, o => Assert.Equal(AppResult.Installed, o.Result));
        Assert.Equal(3, api.Get("apps", "deployments", "acme", "shop-shop")!["spec"]!["replicas"]!.GetValue<int>());
        var env = await new DeployEnv(client).ReadAsync();
        Assert.Equal("3", env.Values["SHOP_REPLICAS"]);
        Assert.False(env.Values.ContainsKey("REPLICAS"));
        Assert.Equal("3", api.Get("", "configmaps", DeployEnv.DefaultNamespace, DeployEnv.BackupName)!["data"]!["REPLICAS"]!.GetValue<string>());
        Assert.Equal("pw", env.Values["WORKER_PASSWORD"]);
        Assert.Contains("WORKER_PASSWORD", env.SecretKeys);
    }

    [SkippableFact]
    public async Task ClusterArtifacts_FromUrls_AreCarriedWithChecksums_AndLeftOutOfDeploys()
    {
        using var product = new ProductSources();
        var served = Path.Combine(product.Dir, "helm-repo");
        var k3s = new byte[64_000];
        new Random(11).NextBytes(k3s);
        File.WriteAllBytes(Path.Combine(served, "k3s-binary"), k3s);
        File.WriteAllText(Path.Combine(served, "install.sh"), "#!/bin/sh\necho k3s\n");
        var spec = File.ReadAllText(product.ExampleSpec);
        File.WriteAllText(product.ExampleSpec, spec + $"cluster:\n  k3s: {{ version: v1.31.4+k3s1, binary: \"{product.HelmRepoUrl}/k3s-binary\", installScript: \"{product.HelmRepoUrl}/install.sh\" }}\n");
        var bundle = Path.Combine(_out, "cluster.ferry");
        var options = new BundleBuildOptions
        {
            SpecPath = product.ExampleSpec, Output = bundle, Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" },
        };
        await BundleBuilder.BuildAsync(options);
        Assert.Empty(BundleReader.Verify(bundle));
        Assert.Contains("cluster/k3s/k3s", BundleReader.ListFiles(bundle));
        var extracted = Path.Combine(_out, "extracted");
        BundleReader.Extract(bundle, extracted);
        Assert.Equal(k3s, File.ReadAllBytes(Path.Combine(extracted, "cluster", "k3s", "k3s")));
        using (var opened = OpenedBundle.Open(bundle, null))
        {
            Assert.False(Directory.Exists(Path.Combine(opened.Work, "cluster"))); // deploy and plan leave the node files packed
            // Image blobs stay in the (plain) archive and are read in place, verified by their digests.
            Assert.Empty(Directory.Exists(Path.Combine(opened.Work, "images", "blobs")) ? Directory.EnumerateFiles(Path.Combine(opened.Work, "images", "blobs"), "*", SearchOption.AllDirectories) : []);
            var layout = opened.OpenImages()!;
            var shop = layout.Resolve($"{product.Registry.Address}/acme/shop:2.3.0");
            var blobs = ManifestReader.Children(layout.ReadBlob(shop.Digest), shop.MediaType);
            Assert.All(blobs, b =>
            {
                using var stream = layout.OpenBlob(b.Digest);
                Assert.Equal(b.Digest, Digest.FromHash(System.Security.Cryptography.SHA256.HashData(stream)));
            });
            Assert.Equal("v1.31.4+k3s1", opened.Manifest.Cluster?.K3s.Version);
        }

        File.WriteAllText(product.ExampleSpec, spec + $"cluster:\n  k3s: {{ version: v1.31.4+k3s1, binary: \"{product.HelmRepoUrl}/nope\", installScript: \"{product.HelmRepoUrl}/install.sh\" }}\n");
        var e = await Assert.ThrowsAsync<BundleException>(() => BundleBuilder.BuildAsync(options));
        Assert.Contains($"cluster.k3s.binary: downloading {product.HelmRepoUrl}/nope failed", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task IndependentApps_DeployInParallel_UpToTheBound()
    {
        using var product = new ProductSources();
        var bundle = Path.Combine(_out, "parallel.ferry");
        var options = new RegistryOptions { Insecure = true, MaxAttempts = 2 };
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = product.ExampleSpec, Output = bundle, Registry = options,
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" },
        });
        using var site = Oci.Tests.Registry.Start();

        // worker and gateway both depend on shop only. Each, when its release record is written, waits for the other's:
        // they meet only if the two are deployed at the same time.
        async Task<bool> OverlapAsync(int parallel)
        {
            using var api = new ApiSimulator();
            using var client = KubeConnection.ForUrl(api.Url);
            await new DeployEnv(client).SetAsync(new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local", ["WORKER_PASSWORD"] = "pw" }, new HashSet<string> { "WORKER_PASSWORD" });
            var acmeRecords = 0;
            using var workerArrived = new SemaphoreSlim(0);
            using var gatewayArrived = new SemaphoreSlim(0);
            var met = 0;
            var patience = TimeSpan.FromSeconds(parallel > 1 ? 20 : 2);
            api.OnRequest = (method, path) =>
            {
                if (method == "POST" && path.EndsWith("/namespaces/acme/secrets", StringComparison.Ordinal) && Interlocked.Increment(ref acmeRecords) == 2)
                {
                    workerArrived.Release(); // shop's record is the first in acme, worker's the second
                    if (gatewayArrived.Wait(patience))
                    {
                        Interlocked.Increment(ref met);
                    }
                }
                else if (method == "POST" && path.EndsWith("/namespaces/edge/secrets", StringComparison.Ordinal))
                {
                    gatewayArrived.Release();
                    if (workerArrived.Wait(patience))
                    {
                        Interlocked.Increment(ref met);
                    }
                }
            };
            var outcomes = await new Deployer(client).DeployAsync(new DeployRequest
            {
                Bundle = bundle, SiteRegistry = site.Address, Registry = options, Parallel = parallel,
                Options = new DeployOptions(TimeSpan.FromSeconds(30), PollInterval: TimeSpan.FromMilliseconds(50)),
            });
            Assert.All(outcomes, o => Assert.Equal(AppResult.Installed, o.Result));
            return met == 2;
        }
        Assert.True(await OverlapAsync(parallel: 4));
        Assert.False(await OverlapAsync(parallel: 1));
    }

    [SkippableFact]
    public async Task Deploy_ToATlsSiteRegistryWithBasicAuth_AndWrongCredentialsChangeNothing()
    {
        using var product = new ProductSources();
        var bundle = Path.Combine(_out, "auth.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = product.ExampleSpec, Output = bundle, Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" },
        });
        using var site = Oci.Tests.Registry.Start("deployer", "s3cret-registry", tls: true);
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        await new DeployEnv(client).SetAsync(new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local", ["WORKER_PASSWORD"] = "pw" }, new HashSet<string> { "WORKER_PASSWORD" });
        var request = new DeployRequest
        {
            Bundle = bundle,
            SiteRegistry = site.Address,
            Registry = new RegistryOptions { CaFile = site.CaFile, Username = "deployer", Password = "not-the-Pa55word", MaxAttempts = 2 },
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };
        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(request));
        Assert.Contains($"site registry {site.Address}:", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-Pa55word", e.Message, StringComparison.Ordinal);
        Assert.Empty(await new ReleaseStore(client).HistoryAsync("shop", "acme"));
        Assert.Empty(await DeployJournal.ListAsync(client, DeployEnv.DefaultNamespace));

        var outcomes = await new Deployer(client).DeployAsync(request with { Registry = new RegistryOptions { CaFile = site.CaFile, Username = "deployer", Password = "s3cret-registry", MaxAttempts = 2 } });
        Assert.All(outcomes, o => Assert.Equal(AppResult.Installed, o.Result));
        var shop = api.Get("apps", "deployments", "acme", "shop-shop")!;
        Assert.StartsWith($"{site.Address}/acme/shop:2.3.0@sha256:", shop["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DeltaBundle_NeedsTheBlobsItLeftOut_OnTheSite()
    {
        using var product = new ProductSources();
        var options = new RegistryOptions { Insecure = true, MaxAttempts = 2 };
        var env = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" };
        var full = Path.Combine(_out, "full.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = product.ExampleSpec, Output = full, Registry = options, EnvOverrides = env });
        var delta = Path.Combine(_out, "delta.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = product.ExampleSpec, Output = delta, Registry = options, EnvOverrides = env, Since = full });

        using var site = Oci.Tests.Registry.Start();
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        await new DeployEnv(client).SetAsync(new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local", ["WORKER_PASSWORD"] = "pw" }, new HashSet<string> { "WORKER_PASSWORD" });
        var request = new DeployRequest
        {
            Bundle = delta,
            SiteRegistry = site.Address,
            Registry = options,
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };
        var e = await Assert.ThrowsAsync<BundleException>(() => new Deployer(client).DeployAsync(request));
        Assert.True(e.Message.Contains("is a delta bundle, but the site registry lacks 15 blob(s)", StringComparison.Ordinal), e.Message);
        Assert.Empty(await new ReleaseStore(client).HistoryAsync("shop", "acme"));

        var outcomes = await new Deployer(client).DeployAsync(request with { Bundle = full });
        Assert.All(outcomes, o => Assert.Equal(AppResult.Installed, o.Result));
        outcomes = await new Deployer(client).DeployAsync(request);
        Assert.All(outcomes, o => Assert.Equal(AppResult.Unchanged, o.Result));
    }
}
