namespace Ferry.Charts;

/// <summary>
/// The one containment check for everything read from an archive or written under a folder: an entry name must stay
/// inside the folder it belongs to, and a resolved path (a symbolic link's target, a file to write) must lie under its
/// root. Used by chart archives and folders, bundles, and <c>template --output-dir</c>.
/// </summary>
public static class ContainedPath
{
    /// <summary>Whether an archive entry name is relative and never climbs: no leading '/', no drive letter, no '..' component.</summary>
    public static bool IsSafeEntryName(string name) =>
        name.Length > 0 && !name.StartsWith('/') && !(name.Length > 1 && name[1] == ':') && !name.Split('/').Contains("..");

    /// <summary>Whether the full path <paramref name="path"/> is <paramref name="root"/> itself (when <paramref name="rootItself"/>) or lies under
    /// it.</summary>
    public static bool IsUnder(string root, string path, bool rootItself = false)
    {
        var prefix = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal)
            || (rootItself && Path.TrimEndingDirectorySeparator(path) == Path.TrimEndingDirectorySeparator(root));
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or null when it would leave it.</summary>
    public static string? Resolve(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return IsUnder(Path.GetFullPath(root), full) ? full : null;
    }
}
