namespace Ferry.Templates.Functions;

/// <summary>An argument has the wrong Go type; reported without the "error calling" prefix, as Go's evalArg does.</summary>
public sealed class ArgumentTypeException : FerryException
{
    public ArgumentTypeException()
        : base(FailureKind.Render, "wrong argument type")
    {
    }

    public ArgumentTypeException(string message)
        : base(FailureKind.Render, message)
    {
    }

    public ArgumentTypeException(string message, Exception inner)
        : base(FailureKind.Render, message, inner)
    {
    }
}
