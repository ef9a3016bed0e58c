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

/// <summary>One entry of a registry's <c>errors</c> array (OCI distribution spec): a code such as MANIFEST_UNKNOWN, a message, and detail.</summary>
public sealed record RegistryError(string Code, string Message, string? Detail);

/// <summary>
/// A registry answered with an error status that retrying will not fix: the status, the request (method and URL), and
/// the registry's own errors when its body held them.
/// </summary>
public sealed class RegistryException(string message, int status) : OciException(message)
{
    public int Status { get; } = status;

    public string Method { get; init; } = "";

    public string Url { get; init; } = "";

    public IReadOnlyList<RegistryError> Errors { get; init; } = [];
}
