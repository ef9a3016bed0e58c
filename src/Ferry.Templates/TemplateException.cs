namespace Ferry.Templates;

/// <summary>Where a template error arose.</summary>
public enum TemplatePhase
{
    Parse,
    Execute,
}

/// <summary>
/// A template failed to parse or execute. <see cref="Exception.Message"/> follows Go's wording,
/// e.g. <c>template: top:7:20: executing "three" at &lt;index "hi" $&gt;: error calling index: index out of range: 5</c>.
/// </summary>
public sealed class TemplateException : FerryException
{
    public TemplateException(TemplatePhase phase, string message, string? templateName = null, int line = 0, int column = -1, Exception? inner = null)
        : base(FailureKind.Render, message, inner)
    {
        Phase = phase;
        TemplateName = templateName;
        Line = line;
        Column = column;
    }

    public TemplateException()
        : this(TemplatePhase.Execute, "template error")
    {
    }

    public TemplateException(string message)
        : this(TemplatePhase.Execute, message)
    {
    }

    public TemplateException(string message, Exception inner)
        : this(TemplatePhase.Execute, message, inner: inner)
    {
    }

    public TemplatePhase Phase { get; }

    /// <summary>The name of the template source the error points into.</summary>
    public string? TemplateName { get; }

    /// <summary>1-based line, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>0-based column (Go's byte offset on the line), or -1 when unknown.</summary>
    public int Column { get; }
}
