namespace Ferry.Templates.Yaml;

/// <summary>Which stage found a problem; go-yaml counts lines differently for scanner and parser errors.</summary>
internal enum YamlErrorKind
{
    Reader,
    Scanner,
    Parser,
    Decoder,
}

/// <summary>
/// Malformed or hostile YAML (a <see cref="FerryException"/> about its input). <see cref="Exception.Message"/> is
/// go-yaml v2's text (<c>yaml: line 4: did not find expected key</c>), which Helm prints, including its line
/// arithmetic: scanner errors give the 1-based line of the problem, parser errors its 0-based line, and no line at all
/// when that number is 0. <see cref="Line"/> and <see cref="Column"/> are the true 1-based position, for Ferry's own
/// messages.
/// </summary>
public sealed class YamlException : FerryException
{
    public YamlException()
        : base(FailureKind.Input, "yaml: malformed document")
    {
    }

    public YamlException(string message)
        : base(FailureKind.Input, message)
    {
    }

    public YamlException(string message, Exception inner)
        : base(FailureKind.Input, message, inner)
    {
    }

    internal YamlException(string message, string problem, int line, int column)
        : base(FailureKind.Input, message)
    {
        Problem = problem;
        Line = line;
        Column = column;
    }

    /// <summary>What is wrong, without go-yaml's "yaml: line N:" prefix.</summary>
    public string Problem { get; } = "";

    /// <summary>1-based line of the problem, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the problem, or 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message go-yaml v2 gives for a scanner, parser or reader error.</summary>
    internal static YamlException Syntax(YamlErrorKind kind, YamlMark contextMark, YamlMark problemMark, string problem)
    {
        var line = 0;
        if (problemMark.Line != 0)
        {
            line = problemMark.Line + (kind == YamlErrorKind.Scanner ? 1 : 0);
        }
        else if (contextMark.Line != 0)
        {
            line = contextMark.Line;
        }
        var where = line != 0 ? $"line {line}: " : "";
        return new YamlException($"yaml: {where}{problem}", problem, kind == YamlErrorKind.Reader ? 0 : problemMark.Line + 1,
            kind == YamlErrorKind.Reader ? 0 : problemMark.Column
                + 1);
    }

    /// <summary>A failure while building values (unknown anchor, excessive aliasing...), as go-yaml words it.</summary>
    internal static YamlException Decode(string problem) => new($"yaml: {problem}", problem, 0, 0);

    /// <summary>A failure of the JSON step after YAML (a key JSON cannot hold, an infinite number).</summary>
    internal static YamlException Json(string problem) => new(problem, problem, 0, 0);
}
