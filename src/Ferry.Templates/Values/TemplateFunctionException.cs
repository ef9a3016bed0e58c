namespace Ferry.Templates.Values;

/// <summary>Thrown by a function body to report an error (Go's returned <c>error</c>).</summary>
public sealed class TemplateFunctionException : Exception
{
    public TemplateFunctionException()
    {
    }

    public TemplateFunctionException(string message)
        : base(message)
    {
    }

    public TemplateFunctionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
