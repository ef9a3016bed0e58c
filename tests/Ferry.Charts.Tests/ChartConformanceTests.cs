using System.Text.Json;
using Ferry.Charts.Conformance;
using Ferry.Templates.Conformance;

namespace Ferry.Charts.Tests;

public class ChartConformanceTests
{
    private static ConformanceResult Run(string relative, Func<string, JsonElement, ConformanceResult> runner)
    {
        var path = SharedVectors.Path(relative);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return runner(path, doc.RootElement);
    }

    private static void AssertNoFailures(ConformanceResult result, int minimumPassed)
    {
        var failures = result.Cases.Where(c => c.Outcome == CaseOutcome.Failed).Select(c => $"{c.Name}:\n  expected {c.Expected}\n  got {c.Got}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(result.Passed >= minimumPassed, $"only {result.Passed} passed");
    }

    [SkippableFact]
    public void HelmTemplateGoldenCases_MatchByteForByte() =>
        AssertNoFailures(Run("helm/cases.json", (p, r) => new HelmCasesRunner().Run(p, r)), 18);

    [SkippableFact]
    public void HelmEngineVectors_IncludingChartRenders_Pass() =>
        AssertNoFailures(Run("helm/engine.json", (p, r) => new HelmEngineVectorRunner(chartRenderHook: EngineRenderVectors.Run).Run(p, r)), 75);

    [SkippableFact]
    public void HelmValuesVectors_Pass() =>
        AssertNoFailures(Run("helm/values.json", (p, r) => new ValuesVectorRunner().Run(p, r)), 18);
}
