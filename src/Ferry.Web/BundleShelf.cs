using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ferry.Bundles;

namespace Ferry.Web;

/// <summary>A bundle in the console's folder.</summary>
public sealed record ShelfBundle(string Name, long Size, DateTimeOffset Modified);

/// <summary>
/// What checking a bundle found: no problems means verified (checksums, and the signatures required: the site policy's
/// key, the console's <c>--key</c>); <see cref="SignedBy"/> names the keys that were checked, or is empty.
/// </summary>
public sealed record ShelfCheck(IReadOnlyList<string> Problems, string SignedBy)
{
    public bool Verified => Problems.Count == 0;
}

/// <summary>
/// The console's bundle folder (<c>--bundles DIR</c>). Only plain files directly inside it with a safe name are bundles
/// (no path, no link, no hidden file); an upload streams to a hidden part file and becomes a bundle only once its
/// checksums verify, so a broken or cut-off upload leaves nothing behind and is simply started again.
/// </summary>
public sealed class BundleShelf(string dir, string? publicKey = null)
{
    private const string PartPrefix = ".upload-";
    private readonly ConcurrentDictionary<string, (long Size, DateTime Modified, ShelfCheck Check)> _checks = new(StringComparer.Ordinal);

    public string Dir { get; } = Path.GetFullPath(dir);

    /// <summary>Whether a name is one a bundle in the folder may have: letters, digits, '.', '_', '+', '-', not starting with '.'.</summary>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= 128 } && char.IsAsciiLetterOrDigit(name[0])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '-');

    /// <summary>The bundles in the folder, newest first.</summary>
    public IReadOnlyList<ShelfBundle> List() =>
        [.. new DirectoryInfo(Dir).EnumerateFiles().Where(f => IsName(f.Name) && (f.Attributes & FileAttributes.ReparsePoint) == 0)
            .OrderByDescending(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new ShelfBundle(f.Name, f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)))];

    /// <summary>The path of the bundle called <paramref name="name"/>, or null when there is no such bundle in the folder.</summary>
    public string? Find(string? name)
    {
        if (!IsName(name))
        {
            return null;
        }
        var file = new FileInfo(Path.Combine(Dir, name!));
        return file.Exists && (file.Attributes & FileAttributes.ReparsePoint) == 0 ? file.FullName : null;
    }

    /// <summary>
    /// Verifies a bundle (checksums, the signature by <paramref name="policyKeyPem"/> when the site requires one, and by the
    /// console's key when it was given one); the answer is kept while the file's size and time stay the same, so a
    /// multi-GB bundle is read once.
    /// </summary>
    public ShelfCheck Check(string name, string? policyKeyPem)
    {
        var path = Find(name) ?? throw new BundleException($"{name}: no such bundle in {Dir}");
        var info = new FileInfo(path);
        var key = $"{name}\n{policyKeyPem}";
        if (_checks.TryGetValue(key, out var known) && known.Size == info.Length && known.Modified == info.LastWriteTimeUtc)
        {
            return known.Check;
        }
        var check = Verify(path, policyKeyPem);
        _checks[key] = (info.Length, info.LastWriteTimeUtc, check);
        return check;
    }

    /// <summary>The checks deploy makes before it changes anything: the policy's key in the checksum pass, the console's key in a second.</summary>
    private ShelfCheck Verify(string path, string? policyKeyPem)
    {
        var problems = BundleReader.VerifyAgainstPolicy(path, policyKeyPem);
        if (publicKey is not null && problems.Count == 0)
        {
            problems = BundleReader.Verify(path, publicKey);
        }
        string?[] keys = [policyKeyPem is null ? null : "the key the site's policy requires",
            publicKey is null ? null : "the vendor key the console was given"];
        return new ShelfCheck(problems, string.Join(" and ", keys.OfType<string>()));
    }

    /// <summary>
    /// Streams an upload into the folder as <paramref name="name"/>: to a hidden part file first, verified, then renamed.
    /// Returns the problems (the upload is then deleted); an existing bundle of that name is never replaced.
    /// </summary>
    public async Task<IReadOnlyList<string>> SaveAsync(string name, Stream content, string? policyKeyPem, CancellationToken ct)
    {
        if (!IsName(name))
        {
            return [$"\"{name}\" is not a usable bundle file name (letters, digits, '.', '_', '+' and '-'): rename the file and upload it again"];
        }
        var target = Path.Combine(Dir, name);
        if (File.Exists(target))
        {
            return [$"{name} is already in the bundle folder: pick it from the list, or rename the file to upload another copy"];
        }
        var part = Path.Combine(Dir, PartPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".part");
        try
        {
            await using (var file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, 1 << 20, ct).ConfigureAwait(false);
            }
            ShelfCheck check;
            try
            {
                check = Verify(part, policyKeyPem);
            }
            catch (BundleException e)
            {
                check = new ShelfCheck([e.Message], "");
            }
            if (!check.Verified)
            {
                return [.. check.Problems.Select(p => p.Replace(part, name, StringComparison.Ordinal))];
            }
            File.Move(part, target, overwrite: false);
            var saved = new FileInfo(target);
            _checks[$"{name}\n{policyKeyPem}"] = (saved.Length, saved.LastWriteTimeUtc, check);
            return [];
        }
        finally
        {
            File.Delete(part);
        }
    }

    /// <summary>Removes part files an interrupted upload left (at start-up: no upload is running then).</summary>
    public void RemoveLeftovers()
    {
        foreach (var part in Directory.EnumerateFiles(Dir, PartPrefix + "*.part"))
        {
            File.Delete(part);
        }
    }
}
