namespace Ferry;

/// <summary>What kind of failure a <see cref="FerryException"/> is: whose input, or which system, it is about.</summary>
public enum FailureKind
{
    /// <summary>The command line itself (exit code 2).</summary>
    Usage,

    /// <summary>A file given to Ferry: a chart, ferry.yaml, a values file, an env file, a key.</summary>
    Input,

    /// <summary>A template that does not render.</summary>
    Render,

    /// <summary>A bundle or archive that fails its checksums, signature or format.</summary>
    Integrity,

    /// <summary>A registry: unreachable, refusing, or answering wrongly; or an image layout.</summary>
    Registry,

    /// <summary>A Kubernetes cluster: unreachable, refusing, or a workload that does not become ready.</summary>
    Cluster,
}

/// <summary>
/// The root of every error Ferry reports on purpose: its <see cref="Exception.Message"/> says what is wrong and what to
/// do (naming the file, line and column, or the image or app), and the one top-level handler prints it as
/// <c>ferry: message</c> — never a stack trace. Anything else reaching the top is a bug in Ferry.
/// </summary>
public abstract class FerryException : Exception
{
    protected FerryException(FailureKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public FailureKind Kind { get; }
}
