using System.Text.Json;
using Ferry.Templates.Conformance;

namespace Ferry.Charts.Conformance;

/// <summary>
/// Runs <c>helm/cases.json</c>-format vectors: each case is <c>helm template [args] CHART</c> rendered through the
/// same code path as <c>ferry template</c> and compared byte for byte with its golden file.
/// </summary>
public sealed class HelmCasesRunner(SkipList? skips = null)
{
    private readonly SkipList _skips = skips ?? SkipList.Embedded();

    public static bool Accepts(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("cases", out var c) && c.ValueKind == JsonValueKind.Array
        && c.GetArrayLength() > 0 && c[0].TryGetProperty("chart", out _) && c[0].TryGetProperty("golden", out _);

    public ConformanceResult Run(string path, JsonElement root)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var corpus = Path.GetFileNameWithoutExtension(path);
        var release = root.TryGetProperty("release", out var r) ? r.GetString() ?? "release-name" : "release-name";
        var ns = root.TryGetProperty("namespace", out var n) ? n.GetString() ?? "default" : "default";
        var kube = root.TryGetProperty("kubeVersion", out var k) ? k.GetString() ?? Capabilities.DefaultKubeVersion : Capabilities.DefaultKubeVersion;
        CaseResult RunCase(string name, JsonElement c)
        {
            var args = new List<string> { "--namespace", ns, "--kube-version", kube };
            args.AddRange(c.GetProperty("args").EnumerateArray().Select(a => a.GetString() ?? ""));
            args.Add(Path.Combine(dir, c.GetProperty("chart").GetString() ?? ""));
            var golden = File.ReadAllText(Path.Combine(dir, c.GetProperty("golden").GetString() ?? ""));
            var wantError = c.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.True;
            HelmTemplateResult result;
            try
            {
                var (chart, options) = HelmTemplateArgs.Parse(args, dir);
                if (options.ReleaseName == "release-name")
                {
                    options = options with { ReleaseName = release }; // the corpus's release, unless the case names one
                }
                result = HelmTemplate.Run(chart, options);
            }
            catch (ArgumentException ex)
            {
                return new CaseResult(name, CaseOutcome.Failed, golden, "usage error: " + ex.Message);
            }
            if (wantError)
            {
                return result.Succeeded
                    ? new CaseResult(name, CaseOutcome.Failed, "an error like: " + golden.Trim(), result.Output)
                    : new CaseResult(name, CaseOutcome.Passed, Note: $"error: {result.Error}");
            }
            if (!result.Succeeded)
            {
                return new CaseResult(name, CaseOutcome.Failed, golden, "error: " + result.Error);
            }
            return result.Output == golden ? new CaseResult(name, CaseOutcome.Passed)
                : new CaseResult(name, CaseOutcome.Failed, golden, result.Output);
        }
        var results = _skips.RunEach(corpus, root.GetProperty("cases"), RunCase).ToList();
        return new ConformanceResult(path, results);
    }
}
