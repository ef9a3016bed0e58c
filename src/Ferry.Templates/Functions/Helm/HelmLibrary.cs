using System.Collections;
using System.Globalization;
using Ferry.Templates.Formatting;
using Ferry.Templates.Functions.Sprig;
using Ferry.Templates.Time;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Helm;

/// <summary>
/// Helm's template function map: Go builtins, Sprig (without <c>env</c>, <c>expandenv</c> and
/// <c>getHostByName</c>: templates cannot read the process environment or the network) and Helm's own
/// functions (<c>include tpl required toYaml fromYaml toJson fromJson toToml fromToml lookup</c>, durations).
/// </summary>
public static class HelmLibrary
{
    /// <summary>Names Helm removes from Sprig, with the reason Ferry gives when a template calls them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Forbidden = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["env"] = "templates cannot read the process environment; pass settings as values (.Env in Ferry values templates)",
        ["expandenv"] = "templates cannot read the process environment; pass settings as values",
    };

    /// <summary>The function map for one render. Call <see cref="Bind"/> on the template that uses it for include/tpl.</summary>
    public static FunctionRegistry Create(HelmFunctionOptions? options = null)
    {
        options ??= new HelmFunctionOptions();
        var r = SprigLibrary.Create(options.Clock);
        foreach (var (name, reason) in Forbidden)
        {
            r.Forbid(name, reason);
        }
        r.Add(TemplateFunction.Fixed("toYaml", 1, a => TryOrEmpty(() => GoYaml.Marshal(a[0]).TrimEnd('\n'))));
        r.Add(TemplateFunction.Fixed("mustToYaml", 1, a => GoYaml.Marshal(a[0]).TrimEnd('\n')));
        r.Add(TemplateFunction.Fixed("toYamlPretty", 1, a => TryOrEmpty(() => GoYaml.Marshal(a[0], indentSequences: true).TrimEnd('\n'))));
        r.Add(TemplateFunction.Fixed("fromYaml", 1, a => FromYaml(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("fromYamlArray", 1, a => FromYamlArray(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("toJson", 1, a => TryOrEmpty(() => GoJson.Marshal(a[0]))));
        r.Add(TemplateFunction.Fixed("mustToJson", 1, a => GoJson.Marshal(a[0])));
        r.Add(TemplateFunction.Fixed("fromJson", 1, a => FromJson(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("fromJsonArray", 1, a => FromJsonArray(AsString(a[0]))));
        // the toml encoder's errors become the text; its reflect panic on nil is a template error
        r.Add(TemplateFunction.Fixed("toToml", 1, a => a[0] is null
            ? throw new TemplateFunctionException("reflect: call of reflect.Value.Type on zero Value")
            : TryOrMessage(() => GoToml.Marshal(a[0]))));
        r.Add(TemplateFunction.Fixed("mustToToml", 1, a => GoToml.Marshal(a[0])));
        r.Add(TemplateFunction.Fixed("fromToml", 1, a => FromToml(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("required", 2, a => Required(AsString(a[0]), a[1], options)));
        // Helm resolves nothing unless DNS is enabled; Ferry templates never use the network.
        r.Add(TemplateFunction.Fixed("getHostByName", 1, _ => ""));
        r.Add(TemplateFunction.Fixed("fail", 1, a =>
        {
            if (!options.LintMode)
            {
                throw new HelmFailException(AsString(a[0]));
            }
            options.LintWarning?.Invoke("Fail: " + AsString(a[0]));
            return "";
        }));
        var lookup = options.Lookup;
        r.Add(TemplateFunction.Fixed("lookup", 4, a => lookup is null
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : lookup(AsString(a[0]), AsString(a[1]), AsString(a[2]), AsString(a[3]))));
        DurationFunctions.Register(r);
        r.Add(TemplateFunction.Fixed("include", 2, _ => throw new TemplateFunctionException("include is not bound to a template set (call " +
            "HelmLibrary.Bind)")));
        r.Add(TemplateFunction.Fixed("tpl", 2, _ => throw new TemplateFunctionException("tpl is not bound to a template set (call " +
            "HelmLibrary.Bind)")));
        GoSignatures.Apply(r);
        return r;
    }

    /// <summary>Binds <c>include</c> and <c>tpl</c> to <paramref name="template"/>'s set, as Helm closes them over its template.</summary>
    public static Template Bind(Template template, HelmFunctionOptions? options = null)
    {
        options ??= new HelmFunctionOptions();
        var included = new Dictionary<string, int>(StringComparer.Ordinal);
        template.Functions.Add(TemplateFunction.Fixed("include", 2, a => Include(template, included, AsString(a[0]), a[1]))
            .WithParams(GoParam.String, GoParam.Any));
        template.Functions.Add(TemplateFunction.Fixed("tpl", 2, a => Tpl(template, options, AsString(a[0]), a[1]))
            .WithParams(GoParam.String, GoParam.Any));
        return template;
    }

    private const int RecursionMax = 1000;

    private static string Include(Template t, Dictionary<string, int> included, string name, object? data)
    {
        included.TryGetValue(name, out var n);
        if (n > RecursionMax || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateFunctionException($"rendering template has a nested reference name: {name}: unable to execute template");
        }
        included[name] = n + 1;
        try
        {
            return t.ExecuteTemplate(name, data);
        }
        finally
        {
            included[name]--;
        }
    }

    /// <summary>How deep tpl may call tpl (each level holds a copy of the template set; charts use two or three).</summary>
    private const int TplDepthMax = 100;

    [ThreadStatic]
    private static int _tplDepth;

    private static string Tpl(Template parent, HelmFunctionOptions options, string text, object? vals)
    {
        // Helm has no bound here (a tpl that renders itself exhausts Go's stack and kills helm); Ferry stops with an error
        if (_tplDepth >= TplDepthMax || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateFunctionException($"tpl nested more than {TplDepthMax} deep: does a value render itself with tpl?");
        }
        _tplDepth++;
        try
        {
            return TplOnce(parent, options, text, vals);
        }
        finally
        {
            _tplDepth--;
        }
    }

    private static string TplOnce(Template parent, HelmFunctionOptions options, string text, object? vals)
    {
        var clone = parent.Clone(parent.Options with { MissingKey = options.Strict ? MissingKeyMode.Error : MissingKeyMode.Zero });
        Bind(clone, options);
        // Helm 4 parses the text as a new template named like its root set ("gotpl"), so errors say "gotpl:line:col"
        var name = parent.Name;
        Syntax.Tree tree;
        TemplateException failure;
        try
        {
            tree = clone.ParseTree(name, text);
        }
        catch (TemplateException e)
        {
            throw new TemplateFunctionException($"cannot parse template {GoQuote.Quote(text)}: {e.Message}", e);
        }
        try
        {
            return clone.ExecuteTree(tree, vals).Replace("<no value>", "", StringComparison.Ordinal);
        }
        catch (TemplateException e)
        {
            failure = e;
        }
        throw new TemplateFunctionException($"error during tpl function execution for {GoQuote.Quote(text)}: {failure.Message}", failure);
    }

    private static object? Required(string warn, object? val, HelmFunctionOptions options)
    {
        if (val is null || (val is string s && s.Length == 0))
        {
            if (options.LintMode)
            {
                options.LintWarning?.Invoke("Missing required value: " + warn);
                return "";
            }
            throw new HelmFailException(warn);
        }
        return val;
    }

    private static string TryOrEmpty(Func<string> f)
    {
        try
        {
            return f();
        }
        catch (TemplateFunctionException)
        {
            return "";
        }
    }

    private static object? YamlToJsonValue(string text)
    {
        try
        {
            return DataReader.FromYaml(text);
        }
        catch (Exception e) when (e is FormatException or Ferry.Templates.Yaml.YamlException)
        {
            throw new TemplateFunctionException($"error converting YAML to JSON: {e.Message}");
        }
    }

    private static Dictionary<string, object?> FromYaml(string text)
    {
        try
        {
            return YamlToJsonValue(text) switch
            {
                Dictionary<string, object?> d => d,
                null => new Dictionary<string, object?>(StringComparer.Ordinal),
                var other => ErrorMap($"error unmarshaling JSON: while decoding JSON: json: " +
                    $"cannot unmarshal {JsonKind(other)} into Go value of type map[string]interface {{}}"),
            };
        }
        catch (TemplateFunctionException e)
        {
            return ErrorMap(e.Message);
        }
    }

    private static List<object?> FromYamlArray(string text)
    {
        try
        {
            return YamlToJsonValue(text) switch
            {
                List<object?> l => l,
                null => [],
                var other => [$"error unmarshaling JSON: while decoding JSON: json: " +
                    $"cannot unmarshal {JsonKind(other)} into Go value of type []interface {{}}"],
            };
        }
        catch (TemplateFunctionException e)
        {
            return [e.Message];
        }
    }

    private static Dictionary<string, object?> FromJson(string text)
    {
        try
        {
            return EncodingFunctions.ParseJson(text) switch
            {
                Dictionary<string, object?> d => d,
                null => new Dictionary<string, object?>(StringComparer.Ordinal),
                var other => ErrorMap($"json: cannot unmarshal {JsonKind(other)} into Go value of type map[string]interface {{}}"),
            };
        }
        catch (TemplateFunctionException e)
        {
            return ErrorMap(e.Message);
        }
    }

    private static List<object?> FromJsonArray(string text)
    {
        try
        {
            return EncodingFunctions.ParseJson(text) switch
            {
                List<object?> l => l,
                null => [],
                var other => [$"json: cannot unmarshal {JsonKind(other)} into Go value of type []interface {{}}"],
            };
        }
        catch (TemplateFunctionException e)
        {
            return [e.Message];
        }
    }

    private static Dictionary<string, object?> FromToml(string text)
    {
        try
        {
            return GoToml.Parse(text);
        }
        catch (TemplateFunctionException e)
        {
            return ErrorMap(e.Message);
        }
    }

    private static Dictionary<string, object?> ErrorMap(string message) => new(StringComparer.Ordinal) { ["Error"] = message };

    private static string JsonKind(object? v) => v switch
    {
        IDictionary<string, object?> => "object",
        IList => "array",
        string => "string",
        bool => "bool",
        _ => "number",
    };

    internal static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);

    internal static GoTime? AsTime(object? v) => v as GoTime;

    private static string TryOrMessage(Func<string> f)
    {
        try
        {
            return f();
        }
        catch (TemplateFunctionException e)
        {
            return e.Message;
        }
    }
}
