namespace Ferry.Charts;

/// <summary>
/// A Helm hook event (<c>helm.sh/hook</c>), typed as Helm's <c>release.HookEvent</c> is (a Go string type): compared
/// as a value, written by its wire name.
/// </summary>
public readonly record struct HookEvent(string Name)
{
    public static readonly HookEvent PreInstall = new("pre-install");
    public static readonly HookEvent PostInstall = new("post-install");
    public static readonly HookEvent PreDelete = new("pre-delete");
    public static readonly HookEvent PostDelete = new("post-delete");
    public static readonly HookEvent PreUpgrade = new("pre-upgrade");
    public static readonly HookEvent PostUpgrade = new("post-upgrade");
    public static readonly HookEvent PreRollback = new("pre-rollback");
    public static readonly HookEvent PostRollback = new("post-rollback");
    public static readonly HookEvent Test = new("test");

    /// <summary>Every event Helm knows; an annotation naming another is skipped, as Helm does.</summary>
    public static readonly IReadOnlyList<HookEvent> All =
        [PreInstall, PostInstall, PreDelete, PostDelete, PreUpgrade, PostUpgrade, PreRollback, PostRollback, Test];

    public override string ToString() => Name;
}

/// <summary>
/// A Helm hook delete policy (<c>helm.sh/hook-delete-policy</c>), typed as Helm's <c>release.HookDeletePolicy</c>: an
/// open set (Helm records whatever the annotation says), of which three have a meaning.
/// </summary>
public readonly record struct HookDeletePolicy(string Name)
{
    public static readonly HookDeletePolicy BeforeHookCreation = new("before-hook-creation");
    public static readonly HookDeletePolicy HookSucceeded = new("hook-succeeded");
    public static readonly HookDeletePolicy HookFailed = new("hook-failed");

    public override string ToString() => Name;
}

/// <summary>How a hook's last run went (Helm's <c>release.HookPhase</c>); <see cref="None"/> for a hook never run.</summary>
public readonly record struct HookPhase(string Name)
{
    public static readonly HookPhase None = new("");
    public static readonly HookPhase Unknown = new("Unknown");
    public static readonly HookPhase Running = new("Running");
    public static readonly HookPhase Succeeded = new("Succeeded");
    public static readonly HookPhase Failed = new("Failed");

    public override string ToString() => Name;
}
