using System.Formats.Tar;
using System.IO.Compression;

namespace Ferry.Bundles;

/// <summary>Writes tar (and gzip) archives that are byte-identical for the same inputs: sorted entries, fixed mtime, owner and mode.</summary>
public static class ReproducibleTar
{
    public static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(0);

    public static void WriteFile(TarWriter tar, string name, Stream content)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            ModificationTime = Epoch,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
            DataStream = content,
        };
        tar.WriteEntry(entry);
    }

    /// <summary>Packages a chart directory as a Helm chart archive (<c>name/...</c> entries), honouring .helmignore.</summary>
    public static byte[] PackageChart(string dir, string chartName)
    {
        var root = Path.GetFullPath(dir);
        var ignorePath = Path.Combine(root, ".helmignore");
        var ignore = Charts.HelmIgnore.Parse(File.Exists(ignorePath) ? File.ReadAllText(ignorePath) : "");
        var files = new List<string>();
        void Walk(string abs, string rel)
        {
            foreach (var e in new DirectoryInfo(abs).EnumerateFileSystemInfos())
            {
                var r = rel.Length == 0 ? e.Name : $"{rel}/{e.Name}";
                var isDir = e is DirectoryInfo;
                if (ignore.Ignore(r, isDir) || r == ".git" || r.StartsWith(".git/", StringComparison.Ordinal))
                {
                    continue;
                }
                if (isDir)
                {
                    Walk(e.FullName, r);
                }
                else
                {
                    files.Add(r);
                }
            }
        }
        Walk(root, "");
        files.Sort(StringComparer.Ordinal);
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var f in files)
            {
                using var fs = File.OpenRead(Path.Combine(root, f));
                WriteFile(tar, $"{chartName}/{f}", fs);
            }
        }
        return ms.ToArray();
    }
}
