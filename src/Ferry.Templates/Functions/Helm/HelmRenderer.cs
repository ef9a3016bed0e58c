using Ferry.Templates.Values;

namespace Ferry.Templates.Functions.Helm;

/// <summary>One template to render: its name (e.g. <c>mychart/templates/deployment.yaml</c>), text and values.</summary>
public sealed record RenderTemplate(string Name, string Text, object? Values, string? BasePath = null);

/// <summary>A Helm-style render failure; <see cref="Exception.Message"/> is Helm's cleaned-up text.</summary>
public sealed class HelmRenderException : FerryException
{
    public HelmRenderException()
        : base(FailureKind.Render, "render error")
    {
    }

    public HelmRenderException(string message)
        : base(FailureKind.Render, message)
    {
    }

    public HelmRenderException(string message, Exception inner)
        : base(FailureKind.Render, message, inner)
    {
    }
}

/// <summary>
/// Helm's engine core without chart knowledge: every template is parsed into one set (in Helm's order),
/// each non-partial template is executed with its values and <c>missingkey=zero</c>, <c>&lt;no value&gt;</c> is
/// removed from the output, and errors are rewritten as Helm prints them
/// (<c>parse error at (name:line): ...</c>, <c>execution error at (name:line:col): ...</c>).
/// </summary>
public sealed partial class HelmRenderer(HelmFunctionOptions? options = null)
{
    private readonly HelmFunctionOptions _options = options ?? new HelmFunctionOptions();

    /// <summary>Helm's parse order: deeper paths first, then reverse lexical order.</summary>
    public static List<string> SortTemplates(IEnumerable<string> names)
    {
        var list = names.Select(n => (Name: n, Depth: n.AsSpan().Count('/'))).ToList();
        list.Sort((a, b) => a.Depth != b.Depth ? b.Depth.CompareTo(a.Depth) : string.CompareOrdinal(b.Name, a.Name));
        return [.. list.Select(x => x.Name)];
    }

    /// <summary>Renders every template; partials (base name starting with '_') are parsed but not rendered.</summary>
    public Dictionary<string, string> Render(IReadOnlyList<RenderTemplate> templates, CancellationToken cancellationToken = default)
    {
        var functions = HelmLibrary.Create(_options);
        var set = new Template("gotpl", new TemplateOptions { MissingKey = _options.Strict ? MissingKeyMode.Error : MissingKeyMode.Zero }, functions);
        HelmLibrary.Bind(set, _options);
        var byName = templates.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var order = SortTemplates(byName.Keys);
        if (set.TryParseAll([.. order.Select(n => KeyValuePair.Create(n, byName[n].Text))]) is { } failure)
        {
            throw new HelmRenderException(CleanupParseError(failure.Source, failure.Error.Message), failure.Error);
        }
        var output = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in order)
        {
            if (Path.GetFileName(name).StartsWith('_'))
            {
                continue;
            }
            try
            {
                var text = set.ExecuteTemplate(name, WithTemplate(byName[name].Values, name, byName[name].BasePath), cancellationToken);
                output[name] = text.Replace("<no value>", "", StringComparison.Ordinal);
            }
            catch (TemplateException e)
            {
                throw new HelmRenderException(CleanupExecError(name, e), e);
            }
        }
        return output;
    }

    /// <summary>Adds <c>.Template</c> (Name, BasePath) to a values map, as Helm does for each template.</summary>
    private static object? WithTemplate(object? values, string name, string? basePath)
    {
        if (values is not IDictionary<string, object?> map)
        {
            return values;
        }
        var copy = new GoTypedDictionary("common.Values", new Dictionary<string, object?>(map, StringComparer.Ordinal));
        if (basePath is null)
        {
            var idx = name.LastIndexOf("/templates", StringComparison.Ordinal);
            basePath = idx >= 0 ? name[..(idx + "/templates".Length)] : Path.GetDirectoryName(name) ?? "";
        }
        copy["Template"] = new GoTypedDictionary("common.Values", new Dictionary<string,
            object?>(StringComparer.Ordinal) { ["Name"] = name, ["BasePath"] = basePath });
        return copy;
    }

    private static string CleanupParseError(string name, string message)
    {
        var tokens = message.Split(": ");
        if (tokens.Length == 1)
        {
            return $"parse error in ({name}): {message}";
        }
        return $"parse error at ({tokens[1]}): {tokens[^1]}";
    }

    private static string CleanupExecError(string name, TemplateException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is HelmFailException fail)
            {
                var tokens = e.Message.Split(": ", 3);
                return tokens.Length == 3 ? $"execution error at ({tokens[1]}): {fail.Message}" : $"execution error in ({name}): {fail.Message}";
            }
        }
        return FormatTrace(e.Message);
    }

    /// <summary>
    /// Helm v4's readable form of a Go execution error chain: for each level <c>name:line:col</c>, then
    /// <c>  executing "name" at &lt;node&gt;:</c>, then either <c>    error calling include:</c> and the included
    /// template's chain from the left margin, or the cause indented by four spaces. A chain Helm cannot take
    /// apart (an error from any other function, such as <c>tpl</c> or a regular expression) is printed as Go wrote it.
    /// </summary>
    public static string FormatTrace(string message)
    {
        var sb = new System.Text.StringBuilder();
        var rest = message;
        while (true)
        {
            var m = TraceLevel().Match(rest);
            if (!m.Success)
            {
                // the end of an include chain that is not an execution error (e.g. no such template)
                return sb.Length > 0 && rest.StartsWith("template: ", StringComparison.Ordinal) ? sb.Append(rest).ToString().TrimEnd() : message;
            }
            sb.Append(m.Groups["loc"].Value).Append('\n');
            sb.Append("  executing ").Append(m.Groups["name"].Value).Append(" at <").Append(m.Groups["ctx"].Value).Append(">:\n");
            rest = m.Groups["rest"].Value;
            var call = CallError().Match(rest);
            if (!call.Success)
            {
                return sb.Append("    ").Append(rest).ToString().TrimEnd(); // helm trims the whole trace
            }
            if (call.Groups["fn"].Value != "include" || !call.Groups["inner"].Value.StartsWith("template: ", StringComparison.Ordinal))
            {
                return message;
            }
            sb.Append("    error calling include:\n");
            rest = call.Groups["inner"].Value;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(
        "^template: (?<loc>[^\\s]+?:\\d+:\\d+): executing (?<name>\"(?:[^\"\\\\]|\\\\.)*\") at <(?<ctx>.*?)>: (?<rest>.*)$",
            System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex TraceLevel();

    [System.Text.RegularExpressions.GeneratedRegex("^error calling (?<fn>\\w+): (?<inner>.*)$",
        System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex CallError();
}

/// <summary>The error of <c>required</c> and <c>fail</c>: Helm reports only its message, at the failing location.</summary>
public sealed class HelmFailException : FerryException
{
    public HelmFailException()
        : base(FailureKind.Render, "render error")
    {
    }

    public HelmFailException(string message)
        : base(FailureKind.Render, message)
    {
    }

    public HelmFailException(string message, Exception inner)
        : base(FailureKind.Render, message, inner)
    {
    }
}
