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

    /// <summary>Writes a ustar header for a regular file: mode 0644, owner 0:0, mtime 0, no user or group names.</summary>
    public static void WriteHeader(Stream archive, string name, long size)
    {
        var header = new byte[512];
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        var prefix = Array.Empty<byte>();
        if (nameBytes.Length > 100)
        {
            var cut = name.LastIndexOf('/', Math.Min(name.Length - 1, 155));
            while (cut > 0 && System.Text.Encoding.UTF8.GetByteCount(name[(cut + 1)..]) > 100)
            {
                cut = -1;
            }
            if (cut <= 0 || System.Text.Encoding.UTF8.GetByteCount(name[..cut]) > 155)
            {
                throw new BundleException($"{name}: path too long for a bundle (at most 255 bytes, a 100-byte file name)");
            }
            prefix = System.Text.Encoding.UTF8.GetBytes(name[..cut]);
            nameBytes = System.Text.Encoding.UTF8.GetBytes(name[(cut + 1)..]);
        }
        nameBytes.CopyTo(header, 0);
        Octal(header, 100, 8, 0b110_100_100);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        if (size < 1L << 33)
        {
            Octal(header, 124, 12, size);
        }
        else
        {
            header[124] = 0x80; // base-256 (GNU/POSIX extension) for files of 8 GiB and more
            for (var i = 0; i < 8; i++)
            {
                header[135 - i] = (byte)(size >> (8 * i));
            }
        }
        Octal(header, 136, 12, 0);
        header[156] = (byte)'0';
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        Octal(header, 329, 8, 0);
        Octal(header, 337, 8, 0);
        prefix.CopyTo(header, 345);
        header.AsSpan(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }
        Octal(header, 148, 7, sum);
        archive.Write(header);
    }

    /// <summary>Zero bytes up to the next 512-byte boundary after a file of <paramref name="size"/> bytes.</summary>
    public static void WritePadding(Stream archive, long size)
    {
        var pad = (int)((512 - (size % 512)) % 512);
        if (pad > 0)
        {
            archive.Write(new byte[pad]);
        }
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public static void WriteEnd(Stream archive) => archive.Write(new byte[1024]);

    public static async Task WriteEntryAsync(Stream archive, string name, Stream content, long size, CancellationToken ct)
    {
        WriteHeader(archive, name, size);
        await content.CopyToAsync(archive, 1 << 20, ct).ConfigureAwait(false);
        WritePadding(archive, size);
    }

    /// <summary>Writes <paramref name="value"/> as zero-padded octal digits followed by a NUL in a field of <paramref name="width"/> bytes.</summary>
    private static void Octal(byte[] header, int offset, int width, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(width - 1, '0');
        System.Text.Encoding.ASCII.GetBytes(digits).CopyTo(header, offset);
        header[offset + width - 1] = 0;
    }
}
