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

/// <summary>
/// A registry could not be talked to at all — nothing listening, a name that does not resolve, TLS refused, connections
/// dropped — after every retry: the whole registry, not one request, is the problem. Once a client has given up on a
/// registry so, its other requests there try once instead of retrying again (a push of 500 images to a mistyped address
/// fails in seconds, not after 500 retry rounds), and probes that treat a failed answer as "unknown" let this one through.
/// </summary>
public sealed class RegistryUnreachableException(string message, Exception inner) : OciException(message, inner);

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
