namespace Ferry.Charts;

/// <summary>The <c>.Release</c> object of a render.</summary>
public sealed record ReleaseOptions(string Name = "release-name", string Namespace = "default", int Revision = 1, bool IsInstall = true,
    bool IsUpgrade = false)
{
    internal Dictionary<string, object?> ToValue() => new(StringComparer.Ordinal)
    {
        ["Name"] = Name,
        ["Namespace"] = Namespace,
        ["Revision"] = (long)Revision,
        ["Service"] = "Helm",
        ["IsUpgrade"] = IsUpgrade,
        ["IsInstall"] = IsInstall,
    };
}
