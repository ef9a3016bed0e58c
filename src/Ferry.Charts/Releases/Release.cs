namespace Ferry.Charts.Releases;

/// <summary>Helm's release statuses (the <c>status</c> label and <c>info.status</c>).</summary>
public static class ReleaseStatus
{
    public const string Unknown = "unknown";
    public const string Deployed = "deployed";
    public const string Uninstalled = "uninstalled";
    public const string Superseded = "superseded";
    public const string Failed = "failed";
    public const string Uninstalling = "uninstalling";
    public const string PendingInstall = "pending-install";
    public const string PendingUpgrade = "pending-upgrade";
    public const string PendingRollback = "pending-rollback";
}

/// <summary>A release's <c>info</c>: times, status, description, notes.</summary>
public sealed class ReleaseInfo
{
    public DateTimeOffset FirstDeployed { get; set; }

    public DateTimeOffset LastDeployed { get; set; }

    /// <summary>Zero (Go's zero time) unless uninstalled.</summary>
    public DateTimeOffset Deleted { get; set; } = DateTimeOffset.MinValue;

    public string Description { get; set; } = "";

    public string Status { get; set; } = ReleaseStatus.Unknown;

    public string Notes { get; set; } = "";

    /// <summary>Fields of <c>info</c> this version of Ferry does not know (e.g. Helm's <c>resources</c>), kept as raw JSON and written
    /// back.</summary>
    public List<KeyValuePair<string, string>> OtherFields { get; set; } = [];
}

/// <summary>A hook of a release, as Helm records it.</summary>
public sealed class ReleaseHook
{
    public string Name { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Path { get; set; } = "";

    public string Manifest { get; set; } = "";

    public List<HookEvent> Events { get; set; } = [];

    public DateTimeOffset LastRunStarted { get; set; } = DateTimeOffset.MinValue;

    public DateTimeOffset LastRunCompleted { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Unknown, Running, Succeeded, Failed or empty when never run.</summary>
    public HookPhase LastRunPhase { get; set; } = HookPhase.None;

    public int Weight { get; set; }

    public List<HookDeletePolicy> DeletePolicies { get; set; } = [];
}

/// <summary>
/// One revision of a release in Helm 3's format (<c>helm.sh/helm/v3/pkg/release.Release</c>). The chart and the
/// user-supplied values (<c>config</c>) are kept as JSON, so a release written by Helm round-trips unchanged.
/// </summary>
public sealed class Release
{
    public string Name { get; set; } = "";

    public string Namespace { get; set; } = "";

    public int Version { get; set; }

    public ReleaseInfo Info { get; set; } = new();

    /// <summary>The chart object (<c>metadata</c>, <c>lock</c>, <c>templates</c>, <c>values</c>, <c>schema</c>, <c>files</c>) as JSON.</summary>
    public string ChartJson { get; set; } = "null";

    /// <summary>The values the user supplied for this revision (Helm's <c>config</c>) as JSON; <c>{}</c> when none.</summary>
    public string ConfigJson { get; set; } = "{}";

    public string Manifest { get; set; } = "";

    public List<ReleaseHook> Hooks { get; set; } = [];

    /// <summary>Chart name from the chart JSON's metadata.</summary>
    public string ChartName { get; set; } = "";

    public string ChartVersion { get; set; } = "";

    public string AppVersion { get; set; } = "";

    /// <summary>How the release's objects were applied (Helm 4's <c>apply_method</c>): <c>ssa</c> (server-side, as Ferry applies), <c>csa</c>, or
    /// empty (Helm 3: client-side).</summary>
    public string ApplyMethod { get; set; } = "";

    /// <summary>Top-level fields this version of Ferry does not know, kept as raw JSON and written back unchanged.</summary>
    public List<KeyValuePair<string, string>> OtherFields { get; set; } = [];
}

/// <summary>Helm 4's apply methods.</summary>
public static class ApplyMethods
{
    public const string ServerSide = "ssa";
    public const string ClientSide = "csa";
}
