using System.Buffers.Binary;
using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>
/// The ferry executable a bundle carries (<c>bundle build --include-ferry</c>) must start on the site: a Linux ELF
/// executable for one of the bundle's platforms, statically linked (no loader, no glibc version, no libssl asked of
/// the host), as <c>./build.sh publish</c> makes it. Checked at build time, where a wrong file can still be replaced.
/// </summary>
public static class SiteExecutable
{
    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;

    /// <summary>Throws a <see cref="BundleException"/> naming what is wrong with <paramref name="path"/> as the site's
    /// ferry for a bundle of <paramref name="platforms"/>.</summary>
    public static void Check(string path, IReadOnlyCollection<Platform> platforms)
    {
        var header = new byte[64];
        using var file = File.OpenRead(path);
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
            || !header.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
        {
            throw Refused($"{path} is not a 64-bit Linux executable; give the one ./build.sh publish makes (out/linux-x64/ferry or " +
                "out/linux-arm64/ferry)");
        }
        var arch = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(18)) switch
        {
            62 => "amd64",
            183 => "arm64",
            var m => $"ELF machine {m}",
        };
        if (!platforms.Any(p => p.Architecture == arch))
        {
            throw Refused($"{path} is for linux/{arch}, but the bundle is for {string.Join(", ", platforms.Select(p => p.ToString()))}; give the " +
                $"executable for the site's architecture (./build.sh publish linux-{(platforms.First().Architecture == "arm64" ? "arm64" : "x64")})");
        }
        var phoff = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32));
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(54));
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(56));
        if (phoff < 64 || phentsize < 4 || phoff + (long)phentsize * phnum > file.Length)
        {
            throw Refused($"{path} is a damaged ELF file (its program headers lie outside it)");
        }
        var table = new byte[phentsize * phnum];
        file.Position = phoff;
        file.ReadExactly(table);
        for (var i = 0; i < phnum; i++)
        {
            var type = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(i * phentsize));
            if (type is PtInterp or PtDynamic)
            {
                throw Refused($"{path} is dynamically linked: it would need the site's glibc and libssl versions; give the static executable " +
                    "./build.sh publish makes (not FERRY_LINK=dynamic)");
            }
        }
    }

    private static BundleException Refused(string what) => new($"the ferry executable to carry: {what}") { Remedies = [Remedy.IncludeFerry] };
}
