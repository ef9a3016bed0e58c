namespace Ferry.Oci;

/// <summary>An OCI operation failed; the message names the image, blob or file and what to do.</summary>
public class OciException : FerryException
{
    public OciException()
        : base(FailureKind.Registry, "registry error")
    {
    }

    public OciException(string message)
        : base(FailureKind.Registry, message)
    {
    }

    public OciException(string message, Exception inner)
        : base(FailureKind.Registry, message, inner)
    {
    }
}

/// <summary>Content did not match its digest (or size): the data is corrupt or was tampered with.</summary>
public sealed class DigestMismatchException(string message) : OciException(message);

/// <summary>A registry answered with an error status that retrying will not fix.</summary>
public sealed class RegistryException(string message, int status) : OciException(message)
{
    public int Status { get; } = status;
}
