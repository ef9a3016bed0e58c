namespace Ferry.Kube;

/// <summary>A cluster operation failed; the message names the object and says what to do.</summary>
public sealed class KubeException : FerryException
{
    public KubeException()
        : base(FailureKind.Cluster, "cluster error")
    {
    }

    public KubeException(string message)
        : base(FailureKind.Cluster, message)
    {
    }

    public KubeException(string message, Exception inner)
        : base(FailureKind.Cluster, message, inner)
    {
    }

    /// <summary>For a server-side apply refused because other field managers own fields: which, and whose.</summary>
    public IReadOnlyList<FieldConflict> Conflicts { get; init; } = [];

    /// <summary>Refused before it changed anything (the release as it was): there is nothing to roll back.</summary>
    public bool NothingChanged { get; init; }
}

/// <summary>A field another manager (helm, kubectl, a controller) owns with a different value than the one applied.</summary>
public sealed record FieldConflict(string Manager, string Field);
