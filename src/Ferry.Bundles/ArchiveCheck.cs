using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Bundles;

/// <summary>
/// One verification pass over a bundle archive (<see cref="BundleReader.Verify"/>): each entry checked as it streams
/// by — SHA256SUMS first, then every file against it — and, at the end, what is missing and the signature.
/// </summary>
internal sealed class ArchiveCheck(string path)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private byte[]? _sumsBytes;
    private byte[]? _signature;

    /// <summary>What is wrong, in the order found.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>SHA256SUMS, once read (null until its entry).</summary>
    public Dictionary<string, string>? Sums { get; private set; }

    public void Read(TarEntry entry)
    {
        var name = entry.Name;
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            Problems.Add($"{name}: not a regular file ({entry.EntryType}); bundles hold only files");
        }
        else if (name.Length > BundleReader.MaxEntryName)
        {
            Problems.Add($"{name[..64]}...: an entry name of {name.Length} characters (a bundle's are short paths); the bundle was altered");
        }
        else if (!Ferry.Charts.ContainedPath.IsSafeEntryName(name))
        {
            Problems.Add($"{name}: path escapes the bundle");
        }
        else if (Sums is null)
        {
            ReadSums(entry);
        }
        else if (name == BundleSigner.SignatureName)
        {
            _signature = Bytes(entry);
        }
        else if (!_seen.Add(name))
        {
            Problems.Add($"{name}: appears twice in the archive (a later copy would replace the checked one); the bundle was altered");
        }
        else if (!Sums.TryGetValue(name, out var expected))
        {
            Problems.Add($"{name}: not listed in {BundleBuilder.SumsName} (unexpected file)");
        }
        else if (Convert.ToHexStringLower(SHA256.HashData(entry.DataStream ?? Stream.Null)) is var actual && actual != expected)
        {
            Problems.Add($"{name}: checksum mismatch (expected {expected}, got {actual}); the file is corrupt or was modified");
        }
    }

    /// <summary>After the last entry: files SHA256SUMS lists that never came, and the signature when a key is given.</summary>
    public void Finish(string? publicKey)
    {
        Problems.AddRange(Sums!.Keys.Where(k => !_seen.Contains(k)).Select(k => $"{k}: listed in {BundleBuilder.SumsName} but missing " +
            "from the archive"));
        if (publicKey is null)
        {
            return;
        }
        if (_signature is null)
        {
            Problems.Add($"{path}: not signed (sign it with 'ferry bundle sign' and the vendor's private key)");
        }
        else if (!BundleSigner.Verify(_sumsBytes!, _signature, publicKey))
        {
            Problems.Add($"{BundleSigner.SignatureName}: the signature does not match {publicKey}; the bundle was modified or signed by another key");
        }
    }

    private void ReadSums(TarEntry entry)
    {
        if (entry.Name != BundleBuilder.SumsName)
        {
            throw new BundleException($"{path}: not a Ferry bundle (the first entry must be {BundleBuilder.SumsName}, found {entry.Name})");
        }
        if (entry.Length > BundleReader.MaxSumsBytes)
        {
            throw new BundleException($"{path}: {BundleBuilder.SumsName} is {entry.Length} bytes, more than a bundle's checksum " +
                $"list can be ({BundleReader.MaxSumsBytes}); the bundle was altered: get a fresh copy from the vendor");
        }
        _sumsBytes = Bytes(entry);
        Sums = BundleReader.ParseSums(Encoding.UTF8.GetString(_sumsBytes), path);
    }

    private static byte[] Bytes(TarEntry entry)
    {
        using var ms = new MemoryStream();
        entry.DataStream?.CopyTo(ms);
        return ms.ToArray();
    }
}
