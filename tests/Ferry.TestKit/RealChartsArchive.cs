namespace Ferry.Charts.Tests;

/// <summary>
/// Where the real-chart corpus is (<c>dev-corpus.tar.gz</c>): FERRY_REALCHARTS_DIR, else beside the conformance
/// vectors (FERRY_CONFORMANCE_DIR/../realcharts), else a <c>shared/realcharts</c> folder above the test binary.
/// Shared by the rendering tests and the Kubernetes deploy tests (linked into Ferry.Kube.Tests).
/// </summary>
public static class RealChartsArchive
{
    public const string Missing = "../shared/realcharts/dev-corpus.tar.gz not found (or set FERRY_REALCHARTS_DIR)";

    public static string? Find()
    {
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("FERRY_REALCHARTS_DIR"),
            Environment.GetEnvironmentVariable("FERRY_CONFORMANCE_DIR") is { Length: > 0 } c ? Path.Combine(c, "..", "realcharts") : null,
        };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", "realcharts"));
        }
        return candidates.Where(d => !string.IsNullOrEmpty(d)).Select(d => Path.Combine(d!, "dev-corpus.tar.gz")).FirstOrDefault(File.Exists);
    }
}
