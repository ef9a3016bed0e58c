using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Ferry.Bundles.Format;

namespace Ferry.Bundles;

/// <summary>Verifies and inspects bundle archives by streaming through them once.</summary>
public static class BundleReader
{
    /// <summary>Checks every file against SHA256SUMS (streaming), refusing unsafe or unexpected entries. Returns the problems.</summary>
    /// <param name="publicKey">When given, the bundle must carry a valid ECDSA P-256 signature by its private key.</param>
    public static List<string> Verify(string path, string? publicKey = null)
    {
        var check = new ArchiveCheck(path);
        using var fs = new CheckedTarStream(OpenArchive(path));
        using var tar = new TarReader(fs);
        try
        {
            while (tar.GetNextEntry() is { } entry)
            {
                check.Read(entry);
            }
            if (!fs.Ended && check.Sums is not null)
            {
                check.Problems.Add($"{path}: the archive is truncated (it ends before its end-of-archive marker); get a fresh copy from the vendor");
            }
            if (fs.Problem is { } header)
            {
                check.Problems.Add($"{path}: the archive is damaged ({header}); get a fresh copy from the vendor");
            }
            // After the end-of-archive blocks Ferry writes only zeros (the record padding): anything else was added.
            if (TrailingData(fs) is > 0 and var extra)
            {
                check.Problems.Add($"{path}: {extra} bytes of data after the end of the archive; the bundle was altered: get a fresh copy " +
                    "from the vendor");
            }
        }
        catch (InvalidDataException e)
        {
            check.Problems.Add($"{path}: the archive is damaged ({e.Message})");
        }
        catch (EndOfStreamException e)
        {
            check.Problems.Add($"{path}: the archive is truncated ({e.Message})");
        }
        catch (ZstdSharp.ZstdException e)
        {
            check.Problems.Add($"{path}: the compressed archive is damaged (zstd: {e.Message}); get a fresh copy from the vendor");
        }
        if (check.Sums is null)
        {
            throw new BundleException(
                fs.GoodHeaders > 0 && !fs.Ended ? $"{path}: the archive is truncated (it ends inside its first entry); get a fresh copy " +
                    "from the vendor"
                : fs.Position == 0 && BundleFile.Storage(path).Zstd ? $"{path}: the compressed archive is truncated or damaged (zstd gave no " +
                    "data); get a fresh copy from the vendor"
                : $"{path}: empty or not a Ferry bundle");
        }
        check.Finish(publicKey);
        return check.Problems;
    }

    /// <summary>
    /// <see cref="Verify(string, string?)"/> with the site policy's key (PEM, from ConfigMap ferry-policy) when the site
    /// has one: the bundle must then be signed by it. Without one, the checksums alone.
    /// </summary>
    public static List<string> VerifyAgainstPolicy(string path, string? policyKeyPem)
    {
        if (policyKeyPem is null)
        {
            return Verify(path);
        }
        var keyFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(keyFile, policyKeyPem);
            return [.. Verify(path, keyFile).Select(p => p.Replace(keyFile, "the key of the site's policy (ConfigMap ferry-policy)",
                StringComparison.Ordinal))];
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    /// <summary>How many bytes follow the archive's end, counted from the first that is not zero (0: none).</summary>
    private static long TrailingData(Stream rest)
    {
        var buffer = new byte[64 * 1024];
        long offset = 0, firstNonZero = -1;
        int n;
        while ((n = rest.Read(buffer, 0, buffer.Length)) > 0)
        {
            var at = firstNonZero < 0 ? buffer.AsSpan(0, n).IndexOfAnyExcept((byte)0) : -1;
            if (at >= 0)
            {
                firstNonZero = offset + at;
            }
            offset += n;
        }
        return firstNonZero < 0 ? 0 : offset - firstNonZero;
    }

    // A checksum line per file: even a million files stay far below this; an entry name is a short relative path.
    internal const long MaxSumsBytes = 64L * 1024 * 1024;
    internal const int MaxEntryName = 1024;

    internal static Dictionary<string, string> ParseSums(string text, string path)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lineNo++;
            var sep = line.IndexOf("  ", StringComparison.Ordinal);
            if (sep != 64)
            {
                throw new BundleException($"{path}: {BundleBuilder.SumsName}:{lineNo}: malformed line");
            }
            sums[line[(sep + 2)..]] = line[..sep];
        }
        return sums;
    }

    private static Stream OpenArchive(string path) => BundleFile.OpenRead(path);

    /// <summary>
    /// Extracts a (verified) bundle into <paramref name="dir"/>: regular files only, no path leaving the directory, and
    /// every file's bytes checked against SHA256SUMS as they are written (so what lands on disk is what was verified,
    /// even if the archive changed since). Files <paramref name="inMemory"/> chooses (by name and size) are returned,
    /// checked the same way, instead of written: creating hundreds of small files costs more than reading them.
    /// </summary>
    public static Dictionary<string, byte[]> Extract(string path, string dir, Func<string, bool>? include = null,
        Func<string, long, bool>? inMemory = null)
    {
        var root = Path.GetFullPath(dir);
        using var fs = OpenArchive(path);
        using var tar = new TarReader(fs);
        Dictionary<string, string>? sums = null;
        var kept = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var buffer = new byte[1 << 16];
        while (tar.GetNextEntry() is { } entry)
        {
            var target = Ferry.Charts.ContainedPath.Resolve(root, entry.Name);
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || target is null)
            {
                throw new BundleException($"{path}: entry {entry.Name} is not a file inside the bundle; refusing to extract it");
            }
            string? expected = null;
            if (sums is null)
            {
                if (entry.Name != BundleBuilder.SumsName)
                {
                    throw new BundleException($"{path}: not a Ferry bundle (the first entry must be {BundleBuilder.SumsName}, found {entry.Name})");
                }
            }
            else if (entry.Name != BundleSigner.SignatureName && !sums.TryGetValue(entry.Name, out expected))
            {
                throw new BundleException($"{path}: {entry.Name} is not listed in {BundleBuilder.SumsName}; the bundle was altered: get a fresh " +
                    "copy from the vendor");
            }
            if (sums is not null && include is not null && !include(entry.Name))
            {
                continue;
            }
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var data = entry.DataStream ?? Stream.Null;
            if (sums is not null && inMemory is not null && inMemory(entry.Name, entry.Length))
            {
                var bytes = new byte[entry.Length];
                data.ReadExactly(bytes);
                hash.AppendData(bytes);
                kept[entry.Name] = bytes;
            }
            else
            {
                using var outFile = CreateFile(target);
                int n;
                while ((n = data.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    outFile.Write(buffer, 0, n);
                }
            }
            if (sums is null)
            {
                sums = ParseSums(File.ReadAllText(target), path);
            }
            else if (expected is not null && Convert.ToHexStringLower(hash.GetHashAndReset()) != expected)
            {
                throw new BundleException($"{path}: {entry.Name} does not match its checksum in {BundleBuilder.SumsName}; the bundle changed or is " +
                    "damaged: get a fresh copy from the vendor");
            }
        }
        return kept;
    }

    private static FileStream CreateFile(string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0); // writes come in 64 KiB pieces already
    }

    /// <summary>The files the bundle lists in SHA256SUMS (its first entry; nothing else is read).</summary>
    public static IReadOnlyCollection<string> ListFiles(string path) => Guard(path, () =>
    {
        using var fs = OpenArchive(path);
        using var tar = new TarReader(fs);
        var first = tar.GetNextEntry();
        if (first?.Name != BundleBuilder.SumsName)
        {
            throw new BundleException($"{path}: not a Ferry bundle (the first entry must be {BundleBuilder.SumsName})");
        }
        using var reader = new StreamReader(first.DataStream ?? Stream.Null, Encoding.UTF8);
        return (IReadOnlyCollection<string>)ParseSums(reader.ReadToEnd(), path).Keys;
    });

    /// <summary>Runs a read of the archive at <paramref name="path"/>, turning what a non-bundle or a damaged one throws into a clear
    /// error.</summary>
    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or KeyNotFoundException
            or InvalidOperationException or JsonException or ArgumentException or ZstdSharp.ZstdException)
        {
            throw new BundleException($"{path}: not a Ferry bundle, or a damaged one ({e.Message.TrimEnd('.')}); check the file, or get a fresh " +
                "copy from the vendor", e);
        }
    }

    /// <summary>
    /// <see cref="Verify"/>, and for a delta bundle against a site's inventory (<paramref name="sitePath"/>, a
    /// site.json): every blob it requires that the site lacks, as one more problem each.
    /// </summary>
    public static List<string> Verify(string path, string? publicKey, string? sitePath)
    {
        var problems = Verify(path, publicKey);
        if (sitePath is not null)
        {
            problems.AddRange(MissingOnSite(path, SiteInventory.Load(sitePath))
                .Select(d => $"{d}: required by this delta bundle but not on the site ({sitePath}); build a full bundle, or a delta from a newer " +
                    "inventory of the site"));
        }
        return problems;
    }

    /// <summary>The blobs a delta bundle requires from the site that the site's inventory lacks (empty for full bundles).</summary>
    public static IReadOnlyList<string> MissingOnSite(string path, SiteInventory site)
    {
        return ReadManifest(path).Delta is { } delta ? site.Missing(delta.Requires) : [];
    }

    /// <summary>Reads ferry-bundle.json from the archive.</summary>
    public static BundleManifest ReadManifest(string path) => Guard(path, () =>
    {
        using var fs = OpenArchive(path);
        using var tar = new TarReader(fs);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name == BundleBuilder.ManifestName)
            {
                using var ms = new MemoryStream();
                entry.DataStream?.CopyTo(ms);
                return BundleManifestJson.Read(ms.ToArray(), path);
            }
        }
        throw new BundleException($"{path}: no {BundleBuilder.ManifestName}; not a Ferry bundle");
    });

    /// <summary>A human summary: apps, charts, images with digests and sizes, env schema.</summary>
    public static string Inspect(string path) => Guard(path, () => InspectManifest(path));

    private static string InspectManifest(string path)
    {
        var r = ReadManifest(path);
        var sb = new StringBuilder();
        sb.Append($"Bundle {r.Name} {r.Version}  ({BundleFile.Length(path)} bytes, platforms {string.Join(", ", r.Platforms)})\n");
        if (r.Delta is { } delta)
        {
            sb.Append($"Delta since {delta.Since}: requires {delta.Requires.Count} blobs already on the site\n");
        }
        sb.Append("\nApps:\n");
        foreach (var a in r.Apps!)
        {
            var c = a.Chart!;
            var deps = string.Join(", ", a.DependsOn);
            var generated = c.Source.StartsWith("manifests ", StringComparison.Ordinal) || c.Source.StartsWith("kustomize ", StringComparison.Ordinal)
                ? $"  from {c.Source}" : "";
            sb.Append($"  {a.Name,-16} ns={a.Namespace,-12} chart={c.Name} {c.Version} ({c.Digest[..Math.Min(19, c.Digest.Length)]}…)")
                .Append(generated).Append(deps.Length > 0 ? "  dependsOn: " + deps : "").Append('\n');
        }
        sb.Append("\nImages:\n");
        foreach (var i in r.Images)
        {
            var usedBy = string.Join(", ", i.Sources.Select(s => s.App).Distinct());
            sb.Append($"  {i.Ref}\n      {i.Digest}  {i.Size} bytes  used by {usedBy}\n");
        }
        sb.Append("\nEnv:\n");
        foreach (var e in r.Env)
        {
            var flags = new List<string>();
            if (e.Required)
            {
                flags.Add("required");
            }
            if (e.Secret)
            {
                flags.Add("secret");
            }
            if (e.Default is { } d)
            {
                flags.Add($"default={d}");
            }
            sb.Append($"  {e.Name,-16} {string.Join(" ", flags),-28} {e.Description}\n");
        }
        return sb.ToString();
    }
}
