using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Oci;

namespace Ferry.Bundles.Tests;

/// <summary>
/// A product mixing a chart app, a manifests app (plain YAML templated with .Env) and a kustomize app (a base and an
/// overlay): built, deployed, redeployed as a no-op, upgraded with pruning and rolled back on the API simulator, each
/// app with a Helm release record.
/// </summary>
public sealed class MixedAppsTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ferry-mixed-test-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Spec(ProductSources product)
    {
        var dir = Path.Combine(product.Dir, "examples", "bundle");
        Write(Path.Combine(dir, "manifests", "cache", "redis.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: redis
            spec:
              selector:
                matchLabels: { app: redis }
              template:
                metadata:
                  labels: { app: redis }
                spec:
                  containers:
                    - name: redis
                      image: {{ .Env.IMAGE_SOURCE }}/redis:7.2.5
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: redis
            spec:
              selector: { app: redis }
              ports: [{ port: 6379 }]
            """);
        Write(Path.Combine(dir, "manifests", "cache", "settings.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cache-settings
            data:
              domain: {{ .Env.DOMAIN | quote }}
              release: {{ .Release.Name }}
            """);
        Write(Path.Combine(dir, "kustomize", "base", "kustomization.yaml"), """
            resources: [job.yaml]
            configMapGenerator:
              - name: jobs-config
                literals: [SCHEDULE=nightly]
            """);
        Write(Path.Combine(dir, "kustomize", "base", "job.yaml"), $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: runner
            spec:
              selector:
                matchLabels: { app: runner }
              template:
                metadata:
                  labels: { app: runner }
                spec:
                  containers:
                    - name: runner
                      image: {{product.Registry.Address}}/acme/busybox:1.36
                      envFrom: [{ configMapRef: { name: jobs-config } }]
            """);
        Write(Path.Combine(dir, "kustomize", "site", "kustomization.yaml"), """
            resources: [../base]
            namePrefix: site-
            commonLabels: { team: ops }
            replicas: [{ name: runner, count: 2 }]
            """);
        var spec = Path.Combine(dir, "mixed.yaml");
        Write(spec, $$"""
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: { name: acme-mixed, version: 2.3.0 }
            env:
              - { name: IMAGE_SOURCE, default: "{{product.Registry.Address}}/acme" }
              - { name: DOMAIN, required: true }
              - { name: SHOP_REPLICAS, default: "1" }
              - { name: TLS, default: "false" }
            sampleEnv: env/sample.env
            apps:
              - name: shop
                namespace: acme
                chart: { path: ../charts/shop }
                values: apps/shop/values.yaml.tmpl
              - name: cache
                namespace: acme
                manifests: [manifests/cache]
                dependsOn: [shop]
              - name: jobs
                namespace: acme
                kustomize: { path: kustomize/site }
            """);
        return spec;
    }

    private async Task<string> BuildAsync(ProductSources product, string spec, string name)
    {
        var bundle = Path.Combine(_out, name);
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = spec, Output = bundle, Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
        });
        return bundle;
    }

    [SkippableFact]
    public async Task MixedProduct_BuildsDeploysUpgradesPrunesAndRollsBack()
    {
        using var product = new ProductSources();
        var spec = Spec(product);
        var v1 = await BuildAsync(product, spec, "v1.ferry");
        var inspect = BundleReader.Inspect(v1);
        Assert.Contains("from manifests manifests/cache", inspect, StringComparison.Ordinal);
        Assert.Contains("from kustomize kustomize/site", inspect, StringComparison.Ordinal);
        using var site = Oci.Tests.Registry.Start();
        using var api = new ApiSimulator();
        using var client = KubeConnection.ForUrl(api.Url);
        await new DeployEnv(client).SetAsync(new Dictionary<string, string> { ["DOMAIN"] = "shop.site.local" }, new HashSet<string>());
        var request = new DeployRequest
        {
            Bundle = v1, SiteRegistry = site.Address, Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            Options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50)),
        };
        var outcomes = await new Deployer(client).DeployAsync(request);
        Assert.All(outcomes, o => Assert.Equal(AppResult.Installed, o.Result));

        // the manifests app: rendered with the site's env, its image pinned to the site registry
        var redisImage = api.Get("apps", "deployments", "acme", "redis")!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>();
        Assert.StartsWith($"{site.Address}/acme/redis:7.2.5@sha256:", redisImage, StringComparison.Ordinal);
        var settings = api.Get("", "configmaps", "acme", "cache-settings")!;
        Assert.Equal("shop.site.local", settings["data"]!["domain"]!.GetValue<string>());
        Assert.Equal("cache", settings["data"]!["release"]!.GetValue<string>());

        // the kustomize app: prefix, labels, replicas, the generated ConfigMap's hashed name referenced from the pod
        var runner = api.Get("apps", "deployments", "acme", "site-runner")!;
        Assert.Equal(2, runner["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("ops", runner["metadata"]!["labels"]!["team"]!.GetValue<string>());
        var configName = runner["spec"]!["template"]!["spec"]!["containers"]![0]!["envFrom"]![0]!["configMapRef"]!["name"]!.GetValue<string>();
        Assert.Matches("^site-jobs-config-[a-z0-9]{10}$", configName);
        Assert.NotNull(api.Get("", "configmaps", "acme", configName));
        Assert.StartsWith($"{site.Address}/acme/busybox:1.36@sha256:",
            runner["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>(), StringComparison.Ordinal);

        // Helm release records for every app
        var store = new ReleaseStore(client);
        var cache = Assert.Single(await store.HistoryAsync("cache", "acme"));
        Assert.Equal(("cache", "2.3.0", "deployed"), (cache.ChartName, cache.ChartVersion, cache.Info.Status));
        Assert.Contains("name: cache-settings", cache.Manifest, StringComparison.Ordinal);
        Assert.Equal("jobs", Assert.Single(await store.HistoryAsync("jobs", "acme")).ChartName);

        // the same bundle again changes nothing
        Assert.All(await new Deployer(client).DeployAsync(request), o => Assert.Equal(AppResult.Unchanged, o.Result));

        // v2: the settings file is gone (pruned), redis gets a label
        File.Delete(Path.Combine(Path.GetDirectoryName(spec)!, "manifests", "cache", "settings.yaml"));
        var redisFile = Path.Combine(Path.GetDirectoryName(spec)!, "manifests", "cache", "redis.yaml");
        File.WriteAllText(redisFile, File.ReadAllText(redisFile).Replace("  name: redis\nspec:\n  selector:\n    matchLabels",
            "  name: redis\n  labels: { tier: cache }\nspec:\n  selector:\n    matchLabels", StringComparison.Ordinal));
        var v2 = await BuildAsync(product, spec, "v2.ferry");
        outcomes = await new Deployer(client).DeployAsync(request with { Bundle = v2 });
        Assert.Equal(AppResult.Upgraded, outcomes.Single(o => o.App == "cache").Result);
        Assert.Null(api.Get("", "configmaps", "acme", "cache-settings"));
        Assert.Equal("cache", api.Get("apps", "deployments", "acme", "redis")!["metadata"]!["labels"]!["tier"]!.GetValue<string>());

        // rollback: the ConfigMap comes back, as helm rollback would bring it
        await new ReleaseManager(client).RollbackAsync("cache", "acme", null, request.Options);
        Assert.NotNull(api.Get("", "configmaps", "acme", "cache-settings"));
        Assert.Equal([(1, "superseded"), (2, "superseded"), (3, "deployed")],
            (await store.HistoryAsync("cache", "acme")).Select(r => (r.Version, r.Info.Status)));
    }
}
