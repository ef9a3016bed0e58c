namespace Ferry.Templates.Values;

/// <summary>Thrown by a function body to report an error (Go's returned <c>error</c>).</summary>
public sealed class TemplateFunctionException : FerryException
{
    public TemplateFunctionException()
        : base(FailureKind.Render, "template function error")
    {
    }

    public TemplateFunctionException(string message)
        : base(FailureKind.Render, message)
    {
    }

    public TemplateFunctionException(string message, Exception inner)
        : base(FailureKind.Render, message, inner)
    {
    }
}
