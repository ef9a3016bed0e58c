using System.Text.Json;
using Ferry.Templates.Functions;
using Ferry.Templates.Syntax;
using Ferry.Templates.Values;

namespace Ferry.Templates.Conformance;

/// <summary>
/// Runs vector files in the gotemplate/sprig format of <c>../shared/conformance</c>: each case renders
/// <c>template</c> with <c>data</c> and compares with <c>expected</c>, or must fail in the given phase.
/// </summary>
public sealed class TemplateVectorRunner
{
    private readonly Func<FunctionRegistry> _functions;
    private readonly SkipList _skips;

    /// <param name="functions">Builds the function library for each case (builtins for gotemplate; Sprig later).</param>
    public TemplateVectorRunner(Func<FunctionRegistry>? functions = null, SkipList? skips = null)
    {
        _functions = functions ?? FunctionRegistry.CreateBuiltins;
        _skips = skips ?? SkipList.Embedded();
    }

    /// <summary>Whether a JSON document looks like this format (a top-level <c>cases</c> array of template vectors).</summary>
    public static bool Accepts(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("cases", out var cases)
        && cases.ValueKind == JsonValueKind.Array
        && (cases.GetArrayLength() == 0 || cases[0].TryGetProperty("template", out _));

    public ConformanceResult Run(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return Run(path, doc.RootElement);
    }

    public ConformanceResult Run(string path, JsonElement root)
    {
        var corpus = Path.GetFileNameWithoutExtension(path);
        var results = _skips.RunEach(corpus, root.GetProperty("cases"), RunCase).ToList();
        if (root.TryGetProperty("parse_ok", out var parseOk))
        {
            results.AddRange(_skips.RunEach(corpus, parseOk, RunParseCase, prefix: "parse: "));
        }
        results.AddRange(SkipList.Upstream(root));
        return new ConformanceResult(path, results);
    }

    private CaseResult RunParseCase(string name, JsonElement c)
    {
        var text = c.GetProperty("template").GetString() ?? "";
        var functions = _functions();
        foreach (var extra in new[] { "printf", "contains" })
        {
            if (!functions.Contains(extra))
            {
                functions.Add(TemplateFunction.Variadic(extra, 0, _ => null));
            }
        }
        try
        {
            var t = new Template("parse", functions: functions).Parse(text);
            if (c.TryGetProperty("tree_string", out var ts))
            {
                var sb = new System.Text.StringBuilder();
                t.Lookup("parse")!.Root.WriteTo(sb, quoteText: true);
                var expected = ts.GetString();
                if (sb.ToString() != expected)
                {
                    return new CaseResult(name, CaseOutcome.Failed, expected, sb.ToString());
                }
            }
            return new CaseResult(name, CaseOutcome.Passed);
        }
        catch (TemplateException e)
        {
            return new CaseResult(name, CaseOutcome.Failed, "parses", e.Message);
        }
    }

    private CaseResult RunCase(string name, JsonElement c)
    {
        var numbers = c.TryGetProperty("numbers", out var nm) && nm.GetString() == "int" ? NumberMode.IntWhenIntegral : NumberMode.Float64;
        var data = c.TryGetProperty("data", out var d) ? DataReader.FromJson(d, numbers) : null;
        var options = new TemplateOptions();
        if (c.TryGetProperty("options", out var opts))
        {
            foreach (var o in opts.EnumerateArray())
            {
                options = options.With(o.GetString() ?? "");
            }
        }
        if (c.TryGetProperty("delims", out var delims))
        {
            options = options with { LeftDelim = delims[0].GetString() ?? "{{", RightDelim = delims[1].GetString() ?? "}}" };
        }
        var mainName = c.TryGetProperty("template_name", out var tn) ? tn.GetString() ?? "main" : "main";
        var wantError = c.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.True;
        var phase = c.TryGetProperty("phase", out var ph) ? ph.GetString() : null;
        var wantMessage = c.TryGetProperty("error_message", out var em) ? em.GetString()
            : c.TryGetProperty("error_contains", out var ec) ? ec.GetString() : null;
        var template = new Template(mainName, options, _functions());
        string stage = "parse";
        try
        {
            ParseExtras(template, c, "templates_before");
            template.Parse(mainName, c.GetProperty("template").GetString() ?? "");
            ParseExtras(template, c, "templates_after");
            stage = "exec";
            var execute = c.TryGetProperty("execute", out var ex) ? ex.GetString() ?? mainName : mainName;
            var output = template.ExecuteTemplate(execute, data);
            if (wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, $"{phase} error{(wantMessage is null ? "" : ": " + wantMessage)}", output);
            }
            var expected = c.GetProperty("expected").GetString();
            return output == expected
                ? new CaseResult(name, CaseOutcome.Passed)
                : new CaseResult(name, CaseOutcome.Failed, expected, output);
        }
        catch (TemplateException e)
        {
            if (!wantError)
            {
                return new CaseResult(name, CaseOutcome.Failed, c.TryGetProperty("expected", out var x) ? x.GetString() : null, "error: "
                    + e.Message);
            }
            if (phase is not null && phase != stage)
            {
                return new CaseResult(name, CaseOutcome.Failed, $"{phase} error", $"{stage} error: {e.Message}");
            }
            var note = wantMessage is not null && !e.Message.Contains(wantMessage, StringComparison.Ordinal)
                ? $"message differs: want {wantMessage}; got {e.Message}"
                : null;
            return new CaseResult(name, CaseOutcome.Passed, Note: note);
        }
    }

    private static void ParseExtras(Template template, JsonElement c, string property)
    {
        if (!c.TryGetProperty(property, out var list))
        {
            return;
        }
        foreach (var t in list.EnumerateArray())
        {
            template.Parse(t.GetProperty("name").GetString() ?? "", t.GetProperty("text").GetString() ?? "");
        }
    }

    internal static string TreeString(Tree t)
    {
        var sb = new System.Text.StringBuilder();
        t.Root.WriteTo(sb, quoteText: true);
        return sb.ToString();
    }
}
