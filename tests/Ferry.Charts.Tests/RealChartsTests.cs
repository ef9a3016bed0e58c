using System.Text.Json;
using Ferry.Charts.Conformance;
using Ferry.Templates.Conformance;

namespace Ferry.Charts.Tests;

/// <summary>
/// The real-chart corpus (../shared/realcharts: 36 popular charts, 95 cases with helm v4.1.4's goldens) rendered by
/// Ferry and compared case by case, stdout and stderr, with the one documented Helm 4.1 → 4.2 whitespace allowance.
/// </summary>
public sealed class RealChartsTests : IDisposable
{
    private readonly string? _cases;

    public RealChartsTests()
    {
        var archive = RealChartsArchive.Find();
        _cases = archive is null ? null : RealChartsRunner.Unpack(archive);
    }

    public void Dispose()
    {
        if (_cases is not null)
        {
            Directory.Delete(Path.GetDirectoryName(_cases)!, recursive: true);
        }
    }

    [SkippableFact]
    public void EveryCase_RendersAsHelmDoes()
    {
        Skip.If(_cases is null, RealChartsArchive.Missing);
        using var doc = JsonDocument.Parse(File.ReadAllText(_cases!));
        var result = new RealChartsRunner().Run(_cases!, doc.RootElement);
        var failures = result.Cases.Where(c => c.Outcome == CaseOutcome.Failed)
            .Select(c => $"{c.Name}:\n  helm:  {Head(c.Expected)}\n  ferry: {Head(c.Got)}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {result.Cases.Count} cases differ from helm:\n" + string.Join("\n", failures));
        Assert.Equal(95, result.Passed);
    }

    private static string Head(string? s) => s is null ? "<none>" : s.Length > 400 ? s[..400] + "..." : s;
}
