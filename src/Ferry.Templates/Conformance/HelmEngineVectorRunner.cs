using System.Text.Json;
using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;

namespace Ferry.Templates.Conformance;

/// <summary>
/// Runs <c>helm/engine.json</c>-format vectors: Helm's function map (<c>func</c>, <c>funcmap</c>), the engine's
/// template-set rendering and error cleanup (<c>render_templates</c>) and parse order (<c>sort_templates</c>).
/// Whole-chart renders (<c>render</c>) need chart loading and are run by a <see cref="ChartRenderHook"/> when one is given.
/// </summary>
public sealed class HelmEngineVectorRunner(SkipList? skips = null, Func<JsonElement, CaseResult>? chartRenderHook = null)
{
    private readonly SkipList _skips = skips ?? SkipList.Embedded();

    /// <summary>Runs a <c>render</c> vector (chart + values); supplied by Ferry.Charts.</summary>
    public Func<JsonElement, CaseResult>? ChartRenderHook { get; } = chartRenderHook;

    public static bool Accepts(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("vectors", out var v) && v.ValueKind == JsonValueKind.Array
        && root.TryGetProperty("kinds", out _);

    public ConformanceResult Run(string path, JsonElement root)
    {
        var corpus = Path.GetFileNameWithoutExtension(path);
        var results = _skips.RunEach(corpus, root.GetProperty("vectors"), (name, v) => v.GetProperty("kind").GetString() switch
        {
            "func" => RunFunc(name, v),
            "funcmap" => RunFuncMap(name, v),
            "render_templates" => RunRenderTemplates(name, v),
            "sort_templates" => RunSort(name, v),
            "render" when ChartRenderHook is not null => ChartRenderHook(v),
            var kind => new CaseResult(name, CaseOutcome.Skipped, Note: $"kind '{kind}' needs the chart engine (Ferry.Charts)"),
        }).ToList();
        results.AddRange(SkipList.Upstream(root));
        return new ConformanceResult(path, results);
    }

    private static CaseResult RunFunc(string name, JsonElement v)
    {
        var data = v.TryGetProperty("data", out var d) ? DataReader.FromJson(d) : null;
        var wantError = v.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.True;
        try
        {
            var t = new Template("func", functions: HelmLibrary.Create());
            HelmLibrary.Bind(t);
            var output = t.Parse(v.GetProperty("template").GetString() ?? "").Execute(data);
            if (wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, "an error", output);
            }
            var expected = v.GetProperty("expected").GetString();
            return output == expected ? new CaseResult(name, CaseOutcome.Passed) : new CaseResult(name, CaseOutcome.Failed, expected, output);
        }
        catch (TemplateException ex)
        {
            return wantError
                ? new CaseResult(name, CaseOutcome.Passed)
                : new CaseResult(name, CaseOutcome.Failed, v.TryGetProperty("expected", out var x) ? x.GetString() : null, "error: " + ex.Message);
        }
    }

    private static CaseResult RunFuncMap(string name, JsonElement v)
    {
        var registry = HelmLibrary.Create();
        var problems = new List<string>();
        foreach (var f in v.GetProperty("required").EnumerateArray())
        {
            if (!registry.Contains(f.GetString()!))
            {
                problems.Add($"missing {f.GetString()}");
            }
        }
        foreach (var f in v.GetProperty("forbidden").EnumerateArray())
        {
            if (registry.Contains(f.GetString()!))
            {
                problems.Add($"has forbidden {f.GetString()}");
            }
        }
        return problems.Count == 0 ? new CaseResult(name, CaseOutcome.Passed)
            : new CaseResult(name, CaseOutcome.Failed, "required present, forbidden absent", string.Join(", ", problems));
    }

    private static CaseResult RunSort(string name, JsonElement v)
    {
        var input = v.GetProperty("input").EnumerateArray().Select(x => x.GetString()!).ToList();
        var expected = string.Join("\n", v.GetProperty("expected_order").EnumerateArray().Select(x => x.GetString()));
        var got = string.Join("\n", HelmRenderer.SortTemplates(input));
        return got == expected ? new CaseResult(name, CaseOutcome.Passed) : new CaseResult(name, CaseOutcome.Failed, expected, got);
    }

    private static CaseResult RunRenderTemplates(string name, JsonElement v)
    {
        var lint = v.TryGetProperty("engine", out var eng) && eng.TryGetProperty("lint_mode", out var lm) && lm.ValueKind == JsonValueKind.True;
        var templates = v.GetProperty("templates").EnumerateObject()
            .Select(p => new RenderTemplate(p.Name, p.Value.GetProperty("tpl").GetString() ?? "", DataReader.FromJson(p.Value.GetProperty("vals"))))
            .ToList();
        var wantError = v.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.True;
        try
        {
            var output = new HelmRenderer(new HelmFunctionOptions { LintMode = lint }).Render(templates);
            if (wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, "error: " + (v.TryGetProperty("error_message", out var m) ? m.GetString() : ""),
                    string.Join("\n", output.Values));
            }
            foreach (var exp in v.GetProperty("expected").EnumerateObject())
            {
                var got = output.GetValueOrDefault(exp.Name);
                if (got != exp.Value.GetString())
                {
                    return new CaseResult(name, CaseOutcome.Failed, $"{exp.Name}: {exp.Value.GetString()}", $"{exp.Name}: {got}");
                }
            }
            if (v.TryGetProperty("expected_count", out var count) && count.GetInt32() != output.Count)
            {
                return new CaseResult(name, CaseOutcome.Failed, $"{count.GetInt32()} outputs", $"{output.Count} outputs");
            }
            return new CaseResult(name, CaseOutcome.Passed);
        }
        catch (HelmRenderException ex)
        {
            if (!wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, "success", "error: " + ex.Message);
            }
            var want = v.TryGetProperty("error_message", out var m) ? m.GetString() : null;
            return want is null || want == ex.Message
                ? new CaseResult(name, CaseOutcome.Passed)
                : new CaseResult(name, CaseOutcome.Failed, want, ex.Message);
        }
    }
}
