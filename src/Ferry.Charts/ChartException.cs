namespace Ferry.Charts;

/// <summary>A chart could not be loaded, validated or rendered. The message names the file (and line where known).</summary>
public sealed class ChartException : Exception
{
    public ChartException()
    {
    }

    public ChartException(string message)
        : base(message)
    {
    }

    public ChartException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
