namespace Ferry.Kube;

/// <summary>A cluster operation failed; the message names the object and says what to do.</summary>
public sealed class KubeException : Exception
{
    public KubeException()
    {
    }

    public KubeException(string message)
        : base(message)
    {
    }

    public KubeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
