using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Ferry.Templates.Conformance;

namespace Ferry.Charts.Conformance;

/// <summary>
/// Runs the real-chart corpus format (<c>cases.json</c> with <c>corpus/</c> and helm's <c>golden/ID.yaml|.stderr|.rc</c>):
/// each case is <c>ferry template ARGS</c> in <c>corpus/</c>, judged against real helm's output. A case passes when
/// stdout is equal (lines helm renders randomly masked), or equal once each document's trailing whitespace is trimmed
/// (the one documented Helm 4.1 → 4.2 difference, helm#32565; Ferry prints 4.2's form), and stderr's warnings are
/// the same; when helm failed, Ferry must fail with the same first error line.
/// </summary>
public sealed class RealChartsRunner
{
    public static bool Accepts(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("cases", out var c) && c.ValueKind == JsonValueKind.Array
        && c.GetArrayLength() > 0 && c[0].TryGetProperty("args", out _) && c[0].TryGetProperty("helm_rc", out _);

    /// <summary>Unpacks a corpus archive (such as <c>dev-corpus.tar.gz</c>) into a new temporary folder; its <c>cases.json</c>.</summary>
    public static string? Unpack(string archive)
    {
        var dir = Directory.CreateTempSubdirectory("ferry-realcharts-").FullName;
        using (var file = File.OpenRead(archive))
        using (var gz = new GZipStream(file, CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gz, dir, overwriteFiles: false);
        }
        var cases = Path.Combine(dir, "cases.json");
        if (File.Exists(cases))
        {
            return cases;
        }
        Directory.Delete(dir, recursive: true);
        return null;
    }

    public ConformanceResult Run(string path, JsonElement root, string? filter = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var corpus = Path.Combine(dir, "corpus");
        var results = new List<CaseResult>();
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            var id = c.GetProperty("id").GetString() ?? "";
            if (filter is not null && !id.Contains(filter, StringComparison.Ordinal))
            {
                continue;
            }
            results.Add(RunCase(dir, corpus, id, c));
        }
        return new ConformanceResult(path, results);
    }

    private static CaseResult RunCase(string dir, string corpus, string id, JsonElement c)
    {
        var golden = Path.Combine(dir, "golden", id);
        var wantRc = c.TryGetProperty("helm_rc", out var rc) ? rc.GetInt32() : 0;
        var wantOut = File.ReadAllText(golden + ".yaml");
        var wantErr = File.Exists(golden + ".stderr") ? File.ReadAllText(golden + ".stderr") : "";
        var args = c.GetProperty("args").EnumerateArray().Select(a => a.GetString() ?? "").ToList();
        HelmTemplateResult result;
        try
        {
            var (chart, options) = HelmTemplateArgs.Parse(args, corpus);
            result = HelmTemplate.Run(Path.IsPathRooted(chart) ? chart : Path.Combine(corpus, chart), options);
        }
        catch (ArgumentException e)
        {
            return new CaseResult(id, CaseOutcome.Failed, wantOut, "usage error: " + e.Message);
        }
        if (wantRc != 0)
        {
            var wantLine = FirstErrorLine(wantErr);
            if (result.Succeeded)
            {
                return new CaseResult(id, CaseOutcome.Failed, wantLine, "no error");
            }
            var gotLine = FirstErrorLine("Error: " + result.Error);
            return wantLine == gotLine
                ? new CaseResult(id, CaseOutcome.Passed, Note: "both fail")
                : new CaseResult(id, CaseOutcome.Failed, wantLine, gotLine);
        }
        if (!result.Succeeded)
        {
            return new CaseResult(id, CaseOutcome.Failed, "success", "Error: " + result.Error);
        }
        var warnings = string.Concat(result.Warnings.Select(w => w + "\n"));
        if (warnings != wantErr)
        {
            return new CaseResult(id, CaseOutcome.Failed, "stderr: " + wantErr, "stderr: " + warnings);
        }
        var mask = c.TryGetProperty("mask_lines", out var m) ? m.EnumerateArray().Select(x => x.GetInt32()).ToHashSet() : [];
        if (SameOutput(wantOut, result.Output, mask))
        {
            return new CaseResult(id, CaseOutcome.Passed);
        }
        if (SameOutput(wantOut, Helm41Whitespace(result.Output), mask))
        {
            return new CaseResult(id, CaseOutcome.Passed, Note: "equal but for Helm 4.2's trailing whitespace per document");
        }
        return new CaseResult(id, CaseOutcome.Failed, wantOut, result.Output);
    }

    private static bool SameOutput(string want, string got, HashSet<int> mask)
    {
        if (want == got)
        {
            return true;
        }
        if (mask.Count == 0)
        {
            return false;
        }
        var a = want.Split('\n');
        var b = got.Split('\n');
        return a.Length == b.Length && a.Select((line, i) => line == b[i] || mask.Contains(i + 1)).All(x => x);
    }

    /// <summary>Helm before 4.2 trims each document's trailing whitespace (so no blank line before each <c>---</c>).</summary>
    public static string Helm41Whitespace(string text)
    {
        var parts = System.Text.RegularExpressions.Regex.Split(text, "(?m)^---\n(?=# Source: )");
        if (parts.Length == 1)
        {
            return text; // no documents (helm prints its lone newline either way)
        }
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i == 0 && parts[i].Trim().Length == 0)
            {
                continue;
            }
            sb.Append("---\n").Append(parts[i].TrimEnd()).Append('\n');
        }
        return sb.ToString();
    }

    private static string FirstErrorLine(string stderr)
    {
        var lines = stderr.Split('\n');
        return lines.FirstOrDefault(l => l.StartsWith("Error:", StringComparison.Ordinal))?.Trim()
            ?? lines.FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
    }
}
