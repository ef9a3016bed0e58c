using Ferry.Charts.Conformance;

namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// helm template's flags with helm's meaning, judged by real helm on the example chart (which has hooks, a test hook
/// and a values schema): the same output (Helm 4.1's per-document whitespace allowed) or the same failure.
/// </summary>
public sealed class TemplateFlagsJudgedTests
{
    [SkippableTheory]
    [InlineData("r", "./shop", "--no-hooks")]
    [InlineData("r", "./shop", "--is-upgrade")]
    [InlineData("r", "./shop", "--is-upgrade", "--no-hooks", "--skip-tests")]
    [InlineData("r", "./shop", "--skip-schema-validation", "--set", "replicaCount=abc")]
    [InlineData("r", "./shop", "--set", "replicaCount=abc")]
    [InlineData("r", "./shop", "--set-literal", "image.tag=1.0,extra=2\\,3")]
    [InlineData("r", "./shop", "--set-literal", "image.tag=a=b", "--set", "image.tag=ignored")]
    [InlineData("r", "./shop", "--set-literal", "replicaCount=3")]
    [InlineData("r", "./shop", "--set-literal", "image.tag=1.0,extra=2")]
    [InlineData("r", "./shop", "--set-literal", "novalue")]
    [InlineData("r", "./shop", "--set", "image.tag=from-set", "--set-json", "image.tag=\"from-json\"")]    // --set-json applies first
    [InlineData("r", "./shop", "--set-string", "image.tag=from-string", "--set", "image.tag=from-set")]      // --set-string after --set
    [InlineData("r", "./shop", "--set-literal", "image.tag=lit", "--set-file", "image.tag=Chart.yaml")]      // --set-literal last
    [InlineData("r", "./shop", "--set-json", "image.tag")]
    [InlineData("r", "./shop", "--set-json", "image.tag={bad")]
    [InlineData("r", "./shop", "--set-file", "image.tag=no-such-file")]
    [InlineData("r", "./shop", "--set-file", "image.tag")]
    [InlineData("r", "./shop", "--set-file", "image.tag=/etc")]                                                // a directory
    [InlineData("r", "./shop", "--set-json", "{\"image\":{\"tag\":\"from-object\"}}", "--set-json", "replicaCount=4")]
    [InlineData("r", "./shop", "--set-json", "{bad")]
    [InlineData("./shop", "-g")]
    [InlineData("r", "./shop", "--generate-name")]
    [InlineData("r", "./shop", "--skip-crds", "--include-crds", "--hide-notes", "--render-subchart-notes", "--labels", "team=a,tier=web")]
    [InlineData("r", "./shop", "--labels", "team")]
    [InlineData("r", "./shop", "--post-renderer", "kustomizer", "--post-renderer-args", "x")]
    public void Flags_RenderAsHelmRendersThem(params string[] args)
    {
        var charts = Path.Combine(TestPaths.Examples, "charts");
        var helm = HelmJudge.Template(charts, args);
        HelmTemplateResult ferry;
        try
        {
            var (chart, options) = HelmTemplateArgs.Parse([.. args.Select(a => a == "./shop" ? Path.Combine(charts, "shop") : a)]);
            ferry = HelmTemplate.Run(chart, options);
        }
        catch (ArgumentException e)
        {
            Assert.True(helm.ExitCode != 0, $"helm accepts {string.Join(' ', args)}; ferry: {e.Message}");
            Assert.Contains(e.Message, helm.Stderr, StringComparison.Ordinal);
            return;
        }
        Assert.Equal(helm.ExitCode == 0, ferry.Succeeded);
        if (helm.ExitCode == 0)
        {
            Assert.Equal(helm.Stdout, RealChartsRunner.Helm41Whitespace(ferry.Output));
        }
        else
        {
            Assert.Contains(ferry.Error!.Split('\n')[0][..Math.Min(60, ferry.Error.Split('\n')[0].Length)], helm.Stderr, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void OutputDirWithReleaseName_WritesTheSameFilesUnderTheReleasesFolder()
    {
        var charts = Path.Combine(TestPaths.Examples, "charts");
        var dir = Directory.CreateTempSubdirectory("ferry-outdir-").FullName;
        try
        {
            var helm = HelmJudge.Template(charts, "web", "./shop", "--output-dir", Path.Combine(dir, "helm"), "--release-name");
            Assert.True(helm.ExitCode == 0, helm.Stderr);
            var (chart, options) = HelmTemplateArgs.Parse(["web", Path.Combine(charts, "shop"), "--output-dir", Path.Combine(dir, "ferry"), "--release-name"]);
            Assert.True(HelmTemplate.Run(chart, options).Succeeded);
            static List<string> Files(string root) => [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];
            var files = Files(Path.Combine(dir, "helm"));
            Assert.All(files, f => Assert.StartsWith("web" + Path.DirectorySeparatorChar + "shop", f, StringComparison.Ordinal));
            Assert.Equal(files, Files(Path.Combine(dir, "ferry")));
            foreach (var f in files)
            {
                Assert.Equal(File.ReadAllText(Path.Combine(dir, "helm", f)), RealChartsRunner.Helm41Whitespace(File.ReadAllText(Path.Combine(dir, "ferry", f))));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
