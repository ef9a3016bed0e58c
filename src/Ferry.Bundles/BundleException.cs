namespace Ferry.Bundles;

/// <summary>A bundle spec, build, verification or inspection failed; the message names the file (and position) or image.</summary>
public sealed class BundleException : FerryException
{
    public BundleException()
        : base(FailureKind.Input, "bundle error")
    {
    }

    public BundleException(string message)
        : base(FailureKind.Input, message)
    {
    }

    public BundleException(string message, Exception inner)
        : base(FailureKind.Input, message, inner)
    {
    }
}
