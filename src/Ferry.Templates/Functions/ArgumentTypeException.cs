namespace Ferry.Templates.Functions;

/// <summary>An argument has the wrong Go type; reported without the "error calling" prefix, as Go's evalArg does.</summary>
public sealed class ArgumentTypeException : Exception
{
    public ArgumentTypeException()
    {
    }

    public ArgumentTypeException(string message)
        : base(message)
    {
    }

    public ArgumentTypeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
