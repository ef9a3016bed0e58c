namespace Ferry.Registry;

/// <summary>Why a registry request failed, as an OCI distribution error code (BLOB_UNKNOWN, MANIFEST_UNKNOWN, ...).</summary>
public sealed class DistributionException : FerryException
{
    public DistributionException()
        : this(500, "UNKNOWN", "registry error")
    {
    }

    public DistributionException(string message)
        : this(500, "UNKNOWN", message)
    {
    }

    public DistributionException(string message, Exception inner)
        : base(FailureKind.Registry, message, inner)
    {
        (Status, Code) = (500, "UNKNOWN");
    }

    public DistributionException(int status, string code, string message)
        : base(FailureKind.Registry, message)
    {
        (Status, Code) = (status, code);
    }

    public int Status { get; }

    public string Code { get; }
}
