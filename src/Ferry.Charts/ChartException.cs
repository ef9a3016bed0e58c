namespace Ferry.Charts;

/// <summary>A chart could not be loaded, validated or rendered. The message names the file (and line where known).</summary>
public sealed class ChartException : FerryException
{
    public ChartException()
        : base(FailureKind.Input, "chart error")
    {
    }

    public ChartException(string message)
        : base(FailureKind.Input, message)
    {
    }

    public ChartException(string message, Exception inner)
        : base(FailureKind.Input, message, inner)
    {
    }
}
