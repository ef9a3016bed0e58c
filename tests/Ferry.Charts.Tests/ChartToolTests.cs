namespace Ferry.Charts.Tests;

public sealed class ChartToolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-tools-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PostRender_RewritesEveryDocumentIncludingHooks()
    {
        var options = new HelmTemplateOptions
        {
            PostRender = docs => docs.Select(d => d with { Content = d.Content.Replace("docker.io/library/", "site.local/library/", StringComparison.Ordinal) }).ToList(),
        };
        var r = HelmTemplate.Run(TestPaths.Chart("shop"), options);
        Assert.True(r.Succeeded, r.Error);
        Assert.DoesNotContain("docker.io/library/", r.Output, StringComparison.Ordinal);
        Assert.Contains("image: site.local/library/redis:7.2.5", r.Output, StringComparison.Ordinal);
        Assert.Contains("image: site.local/library/busybox:1.36", Assert.Single(r.Hooks, h => h.Kind == "Job").Manifest, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputDir_WritesOneFilePerTemplate()
    {
        var options = new HelmTemplateOptions { OutputDir = _dir };
        var r = HelmTemplate.Run(TestPaths.Chart("shop"), options);
        Assert.True(r.Succeeded, r.Error);
        var statefulset = File.ReadAllText(Path.Combine(_dir, "shop/charts/cache/templates/statefulset.yaml"));
        Assert.Equal(2, statefulset.Split("# Source: shop/charts/cache/templates/statefulset.yaml").Length - 1);
        Assert.True(File.Exists(Path.Combine(_dir, "shop/templates/migrate-job.yaml")));
        Assert.Contains("wrote ", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_ReportsMissingRequiredValuesAsInfoAndBadDocumentsAsErrors()
    {
        var worker = HelmLint.Lint(TestPaths.Chart("worker"), new HelmTemplateOptions());
        Assert.DoesNotContain(worker, m => m.Severity == "ERROR");
        Assert.Contains(worker, m => m.Message.StartsWith("Missing required value: credentials.password", StringComparison.Ordinal));

        var chart = Path.Combine(_dir, "nameless");
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: nameless\nversion: 1.0.0\n");
        File.WriteAllText(Path.Combine(chart, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n");
        var errors = HelmLint.Lint(chart, new HelmTemplateOptions());
        var error = Assert.Single(errors, m => m.Severity == "ERROR");
        Assert.Equal("[ERROR] templates/cm.yaml: ConfigMap has no metadata.name", error.ToString());
        Assert.EndsWith("Error: 1 chart(s) linted, 1 chart(s) failed\n", HelmLint.Report(chart, errors), StringComparison.Ordinal);
    }
}
