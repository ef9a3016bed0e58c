namespace Ferry.Charts.Tests;

/// <summary>The example charts under examples/charts rendered through <c>ferry template</c>'s code path.</summary>
public class ExampleChartTests
{
    private static HelmTemplateResult Template(string chart, params string[] args)
    {
        var (path, options) = HelmTemplateArgs.Parse([.. args, TestPaths.Chart(chart)]);
        return HelmTemplate.Run(path, options);
    }

    private static List<string> Sources(string output) =>
        output.Split('\n').Where(l => l.StartsWith("# Source: ", StringComparison.Ordinal)).Select(l => l["# Source: ".Length..]).ToList();

    [Fact]
    public void Shop_RendersInInstallOrderWithHooksLast()
    {
        var r = Template("shop");
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal(
            [
                "shop/templates/configmap.yaml",
                "shop/charts/cache/templates/statefulset.yaml", // the Service document of that file
                "shop/templates/service.yaml",
                "shop/templates/deployment.yaml",
                "shop/charts/cache/templates/statefulset.yaml", // the StatefulSet document
                "shop/templates/tests/test-connection.yaml",
                "shop/templates/migrate-job.yaml",
            ],
            Sources(r.Output));
        Assert.Equal(["ConfigMap", "Service", "Service", "Deployment", "StatefulSet"], r.Manifests.Select(m => m.Kind).ToList());
        Assert.DoesNotContain("NOTES", r.Output, StringComparison.Ordinal);
        Assert.Equal("The shop is installed as release-name-shop in default.\n", r.Notes);
    }

    [Fact]
    public void Shop_MigrationJobIsAWeightedPreInstallHook()
    {
        var r = Template("shop");
        var hook = Assert.Single(r.Hooks, h => h.Kind == "Job");
        Assert.Equal("release-name-shop-migrate", hook.Name);
        Assert.Equal(["pre-install", "pre-upgrade"], hook.Events.Select(e => e.Name));
        Assert.Equal(-5, hook.Weight);
        Assert.Equal(["before-hook-creation", "hook-succeeded"], hook.DeletePolicies.Select(p => p.Name));
        Assert.Contains("until nc -z cache 6379", hook.Manifest, StringComparison.Ordinal);
    }

    [Fact]
    public void Shop_ConfigMapComesFromFilesAndImportedSubchartValues()
    {
        var config = Template("shop").Manifests.Single(m => m.Kind == "ConfigMap").Content;
        Assert.Contains("  app.properties: |\n    checkout.timeout=30s\n    search.backend=internal\n", config, StringComparison.Ordinal);
        Assert.Contains("  banner.txt: |\n    Welcome to the shop!\n", config, StringComparison.Ordinal);
        Assert.Contains("cache.url: \"redis://cache:6379\"", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Shop_ConditionDisablesTheSubchartAndItsImports()
    {
        var r = Template("shop", "--set", "cache.enabled=false");
        Assert.True(r.Succeeded, r.Error);
        Assert.DoesNotContain("StatefulSet", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cache.url", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("initContainers", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Shop_ValuesFilesAndSetOverrideDefaultsInOrder()
    {
        var dir = Directory.CreateTempSubdirectory("ferry-values-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.yaml"), "replicaCount: 3\nimage:\n  tag: \"9.9.9\"\nenv:\n  EXTRA: \"1\"\n");
            File.WriteAllText(Path.Combine(dir, "b.yaml"), "replicaCount: 4\n");
            var r = Template("shop", "-f", Path.Combine(dir, "a.yaml"), "-f", Path.Combine(dir, "b.yaml"), "--set", "env.LOG_LEVEL=debug");
            Assert.True(r.Succeeded, r.Error);
            var deployment = r.Manifests.Single(m => m.Kind == "Deployment").Content;
            Assert.Contains("replicas: 4", deployment, StringComparison.Ordinal);
            Assert.Contains("image: \"registry.example.com/acme/shop:9.9.9\"", deployment, StringComparison.Ordinal);
            Assert.Contains("- name: EXTRA\n              value: \"1\"", deployment, StringComparison.Ordinal);
            Assert.Contains("- name: LOG_LEVEL\n              value: \"debug\"", deployment, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Shop_SchemaViolationsNameEveryValuePath()
    {
        var r = Template("shop", "--set", "replicaCount=0", "--set", "image.pullPolicy=Sometimes");
        Assert.False(r.Succeeded);
        Assert.StartsWith("values don't meet the specifications of the schema(s) in the following chart(s):\nshop:\n", r.Error, StringComparison.Ordinal);
        Assert.Contains("- at '/replicaCount':", r.Error, StringComparison.Ordinal);
        Assert.Contains("- at '/image/pullPolicy':", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Shop_RendersTheSameTwice()
    {
        Assert.Equal(Template("shop").Output, Template("shop").Output);
    }

    [Fact]
    public void Worker_RequiredValueFailsWithItsLocation()
    {
        var r = Template("worker");
        Assert.False(r.Succeeded);
        Assert.Equal("execution error at (worker/templates/secret.yaml:8:15): credentials.password is required (set it with --set credentials.password=...)", r.Error);
    }

    [Fact]
    public void Worker_RangeProducesOneDocumentPerJob()
    {
        var r = Template("worker", "--set", "credentials.password=s3cret", "--namespace", "jobs");
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal(["release-name-reindex", "release-name-cleanup"], r.Manifests.Where(m => m.Kind == "CronJob").Select(m => m.MetadataName).ToList());
        Assert.Contains("password: \"czNjcmV0\"", r.Output, StringComparison.Ordinal);
        Assert.Contains("args: [\"cleanup\",\"--older-than\",\"720h\"]", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_UsesCapabilitiesAndTpl()
    {
        var r = Template("gateway", "--set", "tls=true", "shop-prod");
        Assert.True(r.Succeeded, r.Error);
        var ingress = Assert.Single(r.Manifests).Content;
        Assert.StartsWith("apiVersion: networking.k8s.io/v1\nkind: Ingress\n", ingress, StringComparison.Ordinal);
        Assert.Contains("ferry.dev/banner: \"Served by shop-prod on shop.example.com\"", ingress, StringComparison.Ordinal);
        Assert.Contains("secretName: shop-prod-tls", ingress, StringComparison.Ordinal);
        Assert.Equal(2, ingress.Split("pathType: Prefix").Length - 1);
    }

    [Fact]
    public void ShowOnly_FiltersAndMissingTemplateIsAnError()
    {
        var r = Template("shop", "--show-only", "templates/service.yaml");
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal(["shop/templates/service.yaml"], Sources(r.Output));
        var missing = Template("shop", "--show-only", "templates/nope.yaml");
        Assert.Equal("could not find template templates/nope.yaml in chart", missing.Error);
    }
}
