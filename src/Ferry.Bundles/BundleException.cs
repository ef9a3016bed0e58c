namespace Ferry.Bundles;

/// <summary>A bundle spec, build, verification or inspection failed; the message names the file (and position) or image.</summary>
public sealed class BundleException : Exception
{
    public BundleException()
    {
    }

    public BundleException(string message)
        : base(message)
    {
    }

    public BundleException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
