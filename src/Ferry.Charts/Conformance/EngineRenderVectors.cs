using System.Text;
using System.Text.Json;
using Ferry.Templates.Conformance;
using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;

namespace Ferry.Charts.Conformance;

/// <summary>Runs the <c>render</c> vectors of <c>helm/engine.json</c>: a chart given as JSON rendered by <see cref="ChartRenderer"/>.</summary>
public static class EngineRenderVectors
{
    public static CaseResult Run(JsonElement v)
    {
        var name = v.GetProperty("name").GetString() ?? "";
        var chart = BuildChart(v.GetProperty("chart"));
        var renderValues = v.TryGetProperty("render_values", out var rv) && DataReader.FromJson(rv) is Dictionary<string, object?> m
            ? m
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        if (v.TryGetProperty("values_coalesce_input", out var input))
        {
            renderValues["Values"] = ValueCoalescer.CoalesceValues(chart, DataReader.FromJson(input) as Dictionary<string, object?>);
        }
        var strict = v.TryGetProperty("engine", out var eng) && eng.TryGetProperty("strict", out var st) && st.ValueKind == JsonValueKind.True;
        var lint = v.TryGetProperty("engine", out var eng2) && eng2.TryGetProperty("lint_mode", out var lm) && lm.ValueKind == JsonValueKind.True;
        var options = new HelmFunctionOptions
        {
            Strict = strict,
            LintMode = lint,
            Lookup = v.TryGetProperty("cluster", out var cluster) ? FakeCluster(cluster) : null,
        };
        var wantError = v.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.True;
        Dictionary<string, string> output;
        try
        {
            output = new ChartRenderer(options).Render(chart, renderValues);
        }
        catch (ChartException ex)
        {
            if (!wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, "success", "error: " + ex.Message);
            }
            if (v.TryGetProperty("error_message", out var em) && em.GetString() != ex.Message)
            {
                return new CaseResult(name, CaseOutcome.Failed, em.GetString(), ex.Message);
            }
            if (v.TryGetProperty("error_suffix", out var es) && !ex.Message.EndsWith(es.GetString()!, StringComparison.Ordinal))
            {
                return new CaseResult(name, CaseOutcome.Failed, "...: " + es.GetString(), ex.Message);
            }
            if (v.TryGetProperty("error_contains", out var ec) && !ex.Message.Contains(ec.GetString()!, StringComparison.Ordinal))
            {
                return new CaseResult(name, CaseOutcome.Failed, "contains: " + ec.GetString(), ex.Message);
            }
            return new CaseResult(name, CaseOutcome.Passed);
        }
        if (wantError)
        {
            return new CaseResult(name, CaseOutcome.Failed, "an error", string.Join("\n", output.Select(kv => $"{kv.Key}: {kv.Value}")));
        }
        if (v.TryGetProperty("expected", out var expected))
        {
            foreach (var exp in expected.EnumerateObject())
            {
                var got = output.GetValueOrDefault(exp.Name);
                if (got != exp.Value.GetString())
                {
                    return new CaseResult(name, CaseOutcome.Failed, $"{exp.Name}: {exp.Value.GetString()}", $"{exp.Name}: {got ?? "<missing>"}");
                }
            }
        }
        if (v.TryGetProperty("expected_count", out var count) && count.GetInt32() != output.Count)
        {
            return new CaseResult(name,
                CaseOutcome.Failed, $"{count.GetInt32()} rendered templates", $"{output.Count}: {string.Join(", ", output.Keys)}");
        }
        return new CaseResult(name, CaseOutcome.Passed);
    }

    public static Chart BuildChart(JsonElement spec)
    {
        var chart = new Chart
        {
            Metadata = new ChartMetadata
            {
                Name = spec.GetProperty("name").GetString() ?? "",
                Version = spec.TryGetProperty("version", out var ver) ? ver.GetString() ?? "" : "",
                ApiVersion = spec.TryGetProperty("apiVersion", out var api) ? api.GetString() ?? "" : "",
                Type = spec.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "",
            },
            Source = "<vector>",
        };
        if (spec.TryGetProperty("templates", out var templates))
        {
            foreach (var t in templates.EnumerateArray())
            {
                chart.Templates.Add(new ChartFile(t.GetProperty("name").GetString()!,
                    Encoding.UTF8.GetBytes(t.GetProperty("data").GetString() ?? "")));
            }
        }
        if (spec.TryGetProperty("files", out var files))
        {
            foreach (var f in files.EnumerateArray())
            {
                chart.Files.Add(new ChartFile(f.GetProperty("name").GetString()!, Encoding.UTF8.GetBytes(f.GetProperty("data").GetString() ?? "")));
            }
        }
        if (spec.TryGetProperty("values", out var values) && DataReader.FromJson(values) is Dictionary<string, object?> vm)
        {
            chart.Values = vm;
        }
        if (spec.TryGetProperty("dependencies", out var deps))
        {
            foreach (var d in deps.EnumerateArray())
            {
                chart.AddDependency(BuildChart(d));
            }
        }
        return chart;
    }

    private static LookupFunction FakeCluster(JsonElement cluster)
    {
        var kinds = cluster.TryGetProperty("kinds", out var k) ? k : default;
        var objects = cluster.TryGetProperty("objects", out var o)
            ? o.EnumerateArray().Select(x => (Dictionary<string, object?>)DataReader.FromJson(x)!).ToList()
            : [];
        return (apiVersion, kind, ns, name) =>
        {
            if (kinds.ValueKind == JsonValueKind.Object && kinds.TryGetProperty($"{apiVersion}/{kind}", out var info)
                && info.TryGetProperty("error", out var err))
            {
                throw new TemplateFunctionException(err.GetString() ?? "lookup failed");
            }
            bool Matches(Dictionary<string, object?> obj)
            {
                var md = obj.GetValueOrDefault("metadata") as Dictionary<string, object?>;
                return obj.GetValueOrDefault("apiVersion") as string == apiVersion && obj.GetValueOrDefault("kind") as string == kind
                    && (ns.Length == 0 || md?.GetValueOrDefault("namespace") as string == ns);
            }
            if (name.Length > 0)
            {
                var found = objects.FirstOrDefault(obj => Matches(obj)
                    && (obj.GetValueOrDefault("metadata") as Dictionary<string, object?>)?.GetValueOrDefault("name") as string == name);
                return found ?? new Dictionary<string, object?>(StringComparer.Ordinal);
            }
            return new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["apiVersion"] = apiVersion,
                ["kind"] = kind + "List",
                ["items"] = objects.Where(Matches).Cast<object?>().ToList(),
            };
        };
    }
}
