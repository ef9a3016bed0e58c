using Ferry.Charts.Conformance;

namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// helm template's flags with helm's meaning, judged by real helm on the example chart (which has hooks, a test hook
/// and a values schema): the same output (Helm 4.1's per-document whitespace allowed) or the same failure.
/// </summary>
public sealed class TemplateFlagsJudgedTests
{
    [SkippableTheory]
    [InlineData("--no-hooks")]
    [InlineData("--is-upgrade")]
    [InlineData("--is-upgrade", "--no-hooks", "--skip-tests")]
    [InlineData("--skip-schema-validation", "--set", "replicaCount=abc")]
    [InlineData("--set", "replicaCount=abc")]
    public void Flags_RenderAsHelmRendersThem(params string[] flags)
    {
        var charts = Path.Combine(TestPaths.Examples, "charts");
        var helm = HelmJudge.Template(charts, ["r", "./shop", .. flags]);
        var (chart, options) = HelmTemplateArgs.Parse(["r", Path.Combine(charts, "shop"), .. flags]);
        var ferry = HelmTemplate.Run(chart, options);
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
}
