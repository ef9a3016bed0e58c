using System.Collections;
using System.Text.Json;
using Ferry.Templates;
using Ferry.Templates.Conformance;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;

namespace Ferry.Charts.Conformance;

/// <summary>Runs <c>helm/values.json</c>-format vectors: values coalescing, merging, reading and path lookups.</summary>
public sealed class ValuesVectorRunner(SkipList? skips = null)
{
    private readonly SkipList _skips = skips ?? SkipList.Embedded();

    public static bool Accepts(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("vectors", out var v) && v.ValueKind == JsonValueKind.Array
        && root.TryGetProperty("ops", out _);

    public ConformanceResult Run(string path, JsonElement root)
    {
        var corpus = Path.GetFileNameWithoutExtension(path);
        var results = _skips.RunEach(corpus, root.GetProperty("vectors"), (name, v) =>
        {
            try
            {
                return RunOne(name, v);
            }
            catch (Exception e) when (e is ChartException or TemplateException or FormatException or Ferry.Templates.Yaml.YamlException)
            {
                return new CaseResult(name, CaseOutcome.Failed, "success", "error: " + e.Message);
            }
        }).ToList();
        results.AddRange(SkipList.Upstream(root));
        return new ConformanceResult(path, results);
    }

    private static Dictionary<string, object?>? Input(JsonElement v)
    {
        if (v.TryGetProperty("input_yaml", out var y))
        {
            return DataReader.FromYaml(y.GetString() ?? "") as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);
        }
        return v.TryGetProperty("input", out var i) ? DataReader.FromJson(i) as Dictionary<string, object?> : null;
    }

    private static CaseResult RunOne(string name, JsonElement v)
    {
        var op = v.GetProperty("op").GetString();
        var input = Input(v);
        var inputBefore = GoJson.Marshal(input);
        var warnings = new List<string>();
        object? result;
        switch (op)
        {
            case "CoalesceValues":
                result = ValueCoalescer.CoalesceValues(EngineRenderVectors.BuildChart(v.GetProperty("chart")), input, warnings);
                break;
            case "MergeValues":
                result = ValueCoalescer.MergeValues(EngineRenderVectors.BuildChart(v.GetProperty("chart")), input, warnings);
                break;
            case "CoalesceTables" or "MergeTables":
                {
                    var dst = DataReader.FromJson(v.GetProperty("dst")) as Dictionary<string, object?>;
                    var src = DataReader.FromJson(v.GetProperty("src")) as Dictionary<string, object?>;
                    result = op == "CoalesceTables"
                        ? (src is null ? dst : ValueCoalescer.CoalesceTables(dst!, src))
                        : (src is null ? dst : ValueCoalescer.MergeTables(dst!, src));
                    break;
                }
            case "ToRenderValues":
                {
                    var chart = EngineRenderVectors.BuildChart(v.GetProperty("chart"));
                    var ro = v.GetProperty("release_options");
                    var release = new ReleaseOptions(
                        ro.TryGetProperty("Name", out var n) ? n.GetString() ?? "" : "",
                        ro.TryGetProperty("Namespace", out var ns) ? ns.GetString() ?? "" : "",
                        ro.TryGetProperty("Revision", out var rev) ? rev.GetInt32() : 0,
                        ro.TryGetProperty("IsInstall", out var ii) && ii.GetBoolean(),
                        ro.TryGetProperty("IsUpgrade", out var iu) && iu.GetBoolean());
                    result = ChartRenderer.ToRenderValues(chart, input ?? [], release, new Capabilities());
                    break;
                }
            case "ReadValues":
                result = input;
                break;
            case "Values.Table":
                return CheckTable(name, v, input!);
            case "Values.PathValue":
                return CheckPathValue(name, v, input!);
            default:
                return new CaseResult(name, CaseOutcome.Skipped, Note: $"op {op} is not implemented by the runner");
        }
        if (v.TryGetProperty("warnings_contain", out var wc))
        {
            foreach (var w in wc.EnumerateArray())
            {
                if (!warnings.Contains(w.GetString()!))
                {
                    return new CaseResult(name, CaseOutcome.Failed, w.GetString(), string.Join("\n", warnings));
                }
            }
        }
        if (v.TryGetProperty("input_unchanged", out var iu2) && iu2.ValueKind == JsonValueKind.True && GoJson.Marshal(input) != inputBefore)
        {
            return new CaseResult(name, CaseOutcome.Failed, "input unchanged", GoJson.Marshal(input));
        }
        if (v.TryGetProperty("assertions", out var assertions))
        {
            foreach (var a in assertions.EnumerateArray())
            {
                var problem = Check(a, result);
                if (problem is not null)
                {
                    return new CaseResult(name, CaseOutcome.Failed, a.ToString(), problem);
                }
            }
        }
        return new CaseResult(name, CaseOutcome.Passed);
    }

    private static string? Check(JsonElement a, object? result)
    {
        if (a.TryGetProperty("template", out var tpl))
        {
            var got = new Template("assert").Parse(tpl.GetString() ?? "").Execute(result);
            var want = a.GetProperty("expected").GetString();
            return got == want ? null : got;
        }
        var path = a.GetProperty("path").EnumerateArray().Select(p => p.GetString()!).ToList();
        var (found, value) = Navigate(result, path);
        if (a.TryGetProperty("absent", out var ab) && ab.GetBoolean())
        {
            return found ? $"present: {GoFmt.FormatValue(value)}" : null;
        }
        if (a.TryGetProperty("null_or_absent", out var na) && na.GetBoolean())
        {
            return !found || value is null ? null : $"value {GoFmt.FormatValue(value)}";
        }
        if (!found)
        {
            return "absent";
        }
        if (a.TryGetProperty("is_null", out var isn) && isn.GetBoolean() && value is not null)
        {
            return $"not null: {GoFmt.FormatValue(value)}";
        }
        if (a.TryGetProperty("is_map", out var im) && im.GetBoolean() && value is not IDictionary<string, object?>)
        {
            return $"not a map: {GoFmt.FormatValue(value)}";
        }
        if (a.TryGetProperty("contains", out var c))
        {
            var want = DataReader.FromJson(c);
            return value is IList l && l.Cast<object?>().Any(x => SameValue(x, want)) ? null : $"does not contain {GoFmt.FormatValue(want)}";
        }
        if (a.TryGetProperty("equals", out var eq))
        {
            var want = DataReader.FromJson(eq);
            return SameValue(value, want) ? null : GoFmt.FormatValue(value);
        }
        return null;
    }

    private static bool SameValue(object? a, object? b) =>
        a is not null && b is not null && (a is long or nint or int or double) && (b is long or nint or int or double)
            ? Number(a) == Number(b)
            : GoJson.Marshal(a) == GoJson.Marshal(b);

    private static double Number(object v) => v switch
    {
        long l => l,
        nint n => n,
        int i => i,
        _ => (double)v,
    };

    private static (bool Found, object? Value) Navigate(object? cur, List<string> path)
    {
        foreach (var key in path)
        {
            switch (cur)
            {
                case IDictionary<string, object?> d when d.TryGetValue(key, out var next):
                    cur = next;
                    break;
                case ITemplateObject o when o.TryGetField(key, out var f):
                    cur = f;
                    break;
                default:
                    return (false, null);
            }
        }
        return (true, cur);
    }

    private static CaseResult CheckTable(string name, JsonElement v, Dictionary<string, object?> input)
    {
        foreach (var c in v.GetProperty("table_checks").EnumerateArray())
        {
            var table = ValueCoalescer.Table(input, c.GetProperty("path").GetString()!);
            var wantError = c.GetProperty("error").GetBoolean();
            if ((table is null) != wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, $"{c.GetProperty("path").GetString()}: error={wantError}", GoFmt.FormatValue(table));
            }
            if (c.TryGetProperty("equals", out var eq) && GoJson.Marshal(table) != GoJson.Marshal(DataReader.FromJson(eq)))
            {
                return new CaseResult(name, CaseOutcome.Failed, eq.ToString(), GoJson.Marshal(table));
            }
        }
        return new CaseResult(name, CaseOutcome.Passed);
    }

    private static CaseResult CheckPathValue(string name, JsonElement v, Dictionary<string, object?> input)
    {
        foreach (var c in v.GetProperty("path_checks").EnumerateArray())
        {
            var p = c.GetProperty("path").GetString()!;
            var ok = p.Length > 0 && ValueCoalescer.TryPathValue(input, p, out var value);
            var wantError = c.TryGetProperty("error", out var e) && e.GetBoolean();
            if (ok == wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, $"{p}: error={wantError}", ok ? "found" : "error");
            }
            if (c.TryGetProperty("equals", out var eq) && ok
                && !SameValue(ValueCoalescer.TryPathValue(input, p, out var val2) ? val2 : null, DataReader.FromJson(eq)))
            {
                return new CaseResult(name, CaseOutcome.Failed, eq.ToString(), "different value");
            }
        }
        return new CaseResult(name, CaseOutcome.Passed);
    }
}
