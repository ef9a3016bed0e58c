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
/// A setting of an operation that resolves a failure. The libraries name the setting; each front end says how to
/// give it (the CLI shows its flag, as <c>(--force-unlock)</c>), so no library message spells a command-line flag.
/// </summary>
public enum Remedy
{
    /// <summary>Take over the deploy journal of a deploy that is gone.</summary>
    ForceUnlock,

    /// <summary>Which kubeconfig to use.</summary>
    Kubeconfig,

    /// <summary>Take over fields another field manager owns, and objects another release owns.</summary>
    ForceConflicts,

    /// <summary>The registry's address.</summary>
    Registry,

    /// <summary>Plain HTTP, or TLS without verification.</summary>
    Insecure,

    /// <summary>The CA certificate that signed the registry's certificate.</summary>
    CaFile,

    /// <summary>The registry user and password.</summary>
    Credentials,

    /// <summary>Which platforms of an image to take.</summary>
    Platform,

    /// <summary>Checking charts against ferry.lock (bundle build).</summary>
    Locked,

    /// <summary>The ferry executable a bundle carries.</summary>
    IncludeFerry,

    /// <summary>An env override of a bundle build.</summary>
    EnvOverride,

    /// <summary>The role of a node (server or agent).</summary>
    Role,

    /// <summary>The server an agent joins and its join token.</summary>
    JoinServer,

    /// <summary>The storage folder of the site registry a node runs.</summary>
    RegistryStorage,

    /// <summary>The TLS certificate and key of a registry Ferry serves.</summary>
    TlsCertificate,

    /// <summary>Preflight failures accepted by the operator.</summary>
    SkipPreflight,

    /// <summary>The destination repository of a copy.</summary>
    Destination,
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

    /// <summary>The settings that resolve this failure, if any; the message's last words describe them.</summary>
    public IReadOnlyList<Remedy> Remedies { get; init; } = [];
}
