using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Ferry.Oci;

namespace Ferry.Registry;

/// <summary>
/// The registry's files, all under one folder so a restart loses nothing: blobs by digest (shared by every
/// repository, as in an OCI layout), per repository the manifests it holds (with their media types) and its tags,
/// and uploads in progress. Every write goes to a temporary file renamed into place.
/// </summary>
public sealed partial class RegistryStorage
{
    private readonly string _root;

    public RegistryStorage(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(_root, "blobs", "sha256"));
        Directory.CreateDirectory(Path.Combine(_root, "uploads"));
        Directory.CreateDirectory(Path.Combine(_root, "repositories"));
        MigrateLayout();
        PurgeStaleUploads();
    }

    /// <summary>Bytes free on the file system holding the storage folder (what a push may still use).</summary>
    public long FreeBytes => new DriveInfo(_root).AvailableFreeSpace;

    /// <summary>How long an upload may sit unfinished before it is removed (distribution's default upload purging age).</summary>
    public static readonly TimeSpan UploadMaxAge = TimeSpan.FromDays(7);

    private DateTime _lastPurge;

    /// <summary>Removes uploads untouched for <see cref="UploadMaxAge"/> (abandoned pushes); runs on start and at most hourly.</summary>
    private void PurgeStaleUploads()
    {
        _lastPurge = DateTime.UtcNow;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, "uploads")))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > UploadMaxAge && !_owned.ContainsKey(Path.GetFileName(file).Split('.')[0]))
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                    // removed by a concurrent purge or completion
                }
            }
        }
    }

    // ---- which repository holds which blob ----
    // Blobs are stored once, but a repository serves (and lets others mount) only the blobs pushed or mounted into it,
    // or referenced by its manifests, as distribution does. The links live in "_blobs", which no repository path
    // component can be named ('_' cannot start one).

    private string BlobLink(string repository, Digest digest) => Path.Combine(RepositoryPath(repository), "_blobs", digest.Hex);

    /// <summary>Whether <paramref name="repository"/> holds the blob.</summary>
    public bool HasBlob(string repository, Digest digest) => BlobExists(digest) && File.Exists(BlobLink(repository, digest));

    private void LinkBlob(string repository, Digest digest)
    {
        var link = BlobLink(repository, digest);
        if (!File.Exists(link))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.WriteAllBytes(link, []);
        }
    }

    /// <summary>
    /// Deletes a blob from a repository (its link; the data too once no repository links it). A blob one of the
    /// repository's manifests refers to is kept (false), so a delete never breaks a pull; so is one the repository lacks.
    /// </summary>
    public bool DeleteBlob(string repository, Digest digest)
    {
        if (!HasBlob(repository, digest))
        {
            return false;
        }
        var manifests = Path.Combine(RepositoryPath(repository), ManifestsFolder);
        // each entry of _manifests is named by the manifest's digest; the manifest itself is a blob
        if (Directory.Exists(manifests) && Directory.EnumerateFiles(manifests)
            .Select(m => Path.Combine(_root, "blobs", "sha256", Path.GetFileName(m)))
            .Any(m => File.Exists(m) && File.ReadAllText(m).Contains(digest.Value, StringComparison.Ordinal)))
        {
            return false;
        }
        File.Delete(BlobLink(repository, digest));
        var linked = Directory.EnumerateFiles(Path.Combine(_root, "repositories"), digest.Hex, SearchOption.AllDirectories)
            .Any(f => Path.GetFileName(Path.GetDirectoryName(f)) == "_blobs");
        if (!linked)
        {
            File.Delete(BlobPath(digest));
        }
        return true;
    }

    /// <summary>Cross-repository mount: when <paramref name="from"/> holds the blob it now belongs to <paramref name="repository"/> too.</summary>
    public bool Mount(string repository, string from, Digest digest)
    {
        if (!IsValidName(from) || !HasBlob(from, digest))
        {
            return false;
        }
        LinkBlob(repository, digest);
        return true;
    }

    // ---- the layout's version (file _layout) and the migrations of stores written by earlier versions ----
    // 1: no links; 2: blobs linked to repositories; 3: a repository's own folders are "_manifests" and "_tags", which
    // no repository name can collide with ("x/tags/latest" once made phantom tags of x).

    private const string ManifestsFolder = "_manifests";
    private const string TagsFolder = "_tags";
    private const int LayoutVersion = 3;

    private void MigrateLayout()
    {
        var marker = Path.Combine(_root, "_layout");
        var version = File.Exists(marker) && int.TryParse(File.ReadAllText(marker).Trim(), out var v) ? v : 1;
        if (version >= LayoutVersion)
        {
            return;
        }
        RenameRepositoryFolders();
        if (version < 2)
        {
            LinkExistingBlobs();
        }
        WriteAtomic(marker, System.Text.Encoding.ASCII.GetBytes($"{LayoutVersion}\n"));
    }

    /// <summary>Layout 1–2 to 3: every repository's "manifests" and "tags" folders become "_manifests" and "_tags".</summary>
    private void RenameRepositoryFolders()
    {
        var root = Path.Combine(_root, "repositories");
        // a repository's manifests folder holds files named by digest; deepest first, so no rename moves another
        var folders = Directory.EnumerateDirectories(root, "manifests", SearchOption.AllDirectories)
            .Where(d => Directory.EnumerateFiles(d).Any(f => Digest.TryParse("sha256:" + Path.GetFileName(f), out _)))
            .OrderByDescending(d => d.Count(c => c == Path.DirectorySeparatorChar)).ToList();
        foreach (var folder in folders)
        {
            var repo = Path.GetDirectoryName(folder)!;
            Directory.Move(folder, Path.Combine(repo, ManifestsFolder));
            if (Directory.Exists(Path.Combine(repo, "tags")))
            {
                Directory.Move(Path.Combine(repo, "tags"), Path.Combine(repo, TagsFolder));
            }
        }
    }

    // A store written before blobs were linked to repositories: link what each repository's manifests reference, once.
    private void LinkExistingBlobs()
    {
        foreach (var repository in Repositories())
        {
            foreach (var entry in Directory.EnumerateFiles(Path.Combine(RepositoryPath(repository), ManifestsFolder)))
            {
                if (!Digest.TryParse("sha256:" + Path.GetFileName(entry), out var digest) || !BlobExists(digest))
                {
                    continue;
                }
                LinkBlob(repository, digest);
                try
                {
                    foreach (var child in ManifestReader.Children(File.ReadAllBytes(BlobPath(digest)), File.ReadAllText(entry)))
                    {
                        LinkBlob(repository, child.Digest);
                    }
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or OciException)
                {
                    // a damaged manifest links nothing more; pulling it reports the damage
                }
            }
        }
    }

    /// <summary>Repository names as the distribution spec allows them: lowercase path components.</summary>
    public static bool IsValidName(string name) => name.Length <= 255 && RepositoryName().IsMatch(name);

    /// <summary>A NAME_INVALID error unless <paramref name="name"/> is a valid repository name.</summary>
    public static void CheckName(string name)
    {
        if (!IsValidName(name))
        {
            throw new DistributionException(400, "NAME_INVALID", $"invalid repository name \"{name}\"");
        }
    }

    public string BlobPath(Digest digest) => Path.Combine(_root, "blobs", "sha256", digest.Hex);

    public bool BlobExists(Digest digest) => File.Exists(BlobPath(digest));

    // ---- uploads ----

    public string StartUpload(string repository)
    {
        if (DateTime.UtcNow - _lastPurge > TimeSpan.FromHours(1))
        {
            PurgeStaleUploads();
        }
        var id = Guid.NewGuid().ToString("N");
        File.WriteAllText(UploadPath(id) + ".repo", repository);
        File.Create(UploadPath(id)).Dispose();
        return id;
    }

    /// <summary>Bytes received so far, or an UPLOAD_UNKNOWN error.</summary>
    public long UploadSize(string repository, string id)
    {
        using var owner = Own(id);
        return new FileInfo(CheckUpload(repository, id)).Length;
    }

    /// <summary>Appends a chunk; <paramref name="start"/> (from Content-Range) must be where the upload stands.</summary>
    public async Task<long> AppendAsync(string repository, string id, Stream body, long? start, CancellationToken ct)
    {
        using var owner = Own(id);
        return await AppendOwnedAsync(repository, id, body, start, ct).ConfigureAwait(false);
    }

    /// <summary>Appends the request's last bytes (may be none) and completes the upload, as one owner of it.</summary>
    public async Task AppendAndCompleteAsync(string repository, string id, Stream body, Digest digest, CancellationToken ct)
    {
        using var owner = Own(id);
        await AppendOwnedAsync(repository, id, body, null, ct).ConfigureAwait(false);
        await CompleteOwnedAsync(repository, id, digest, ct).ConfigureAwait(false);
    }

    private async Task<long> AppendOwnedAsync(string repository, string id, Stream body, long? start, CancellationToken ct)
    {
        var path = CheckUpload(repository, id);
        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        if (start is { } s && s != file.Length)
        {
            throw new DistributionException(416, "BLOB_UPLOAD_INVALID", $"chunk starts at {s}, but the upload holds {file.Length} bytes");
        }
        await body.CopyToAsync(file, 1 << 16, ct).ConfigureAwait(false);
        return file.Length;
    }

    /// <summary>
    /// Completes an upload: the bytes are first moved out of the upload (nothing can append to them any more), hashed,
    /// and only then, when they hash to <paramref name="digest"/>, renamed into the blob store. A blob already stored
    /// is never replaced (its bytes are the digest's by construction).
    /// </summary>
    private async Task CompleteOwnedAsync(string repository, string id, Digest digest, CancellationToken ct)
    {
        var path = CheckUpload(repository, id);
        var sealedPath = path + ".sealed";
        File.Move(path, sealedPath, overwrite: true);
        File.Delete(path + ".repo");
        try
        {
            Digest actual;
            await using (var file = new FileStream(sealedPath, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16, useAsync: true))
            {
                actual = Digest.FromHash(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
            }
            if (actual != digest)
            {
                throw new DistributionException(400, "DIGEST_INVALID", $"the upload hashes to {actual}, not {digest}; upload it again");
            }
            if (!BlobExists(digest))
            {
                try
                {
                    File.Move(sealedPath, BlobPath(digest), overwrite: false);
                }
                catch (IOException) when (BlobExists(digest))
                {
                    // another upload of the same content won the race: its bytes are the same digest
                }
            }
            LinkBlob(repository, digest);
        }
        finally
        {
            File.Delete(sealedPath);
        }
    }

    public void CancelUpload(string repository, string id)
    {
        using var owner = Own(id);
        var path = CheckUpload(repository, id);
        File.Delete(path);
        File.Delete(path + ".repo");
    }

    // One request at a time per upload: a PATCH racing the PUT that completes it (or two PATCHes) could otherwise
    // interleave bytes, or change them between hashing and storing.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _owned = new(StringComparer.Ordinal);

    private UploadOwner Own(string id)
    {
        if (!_owned.TryAdd(id, 0))
        {
            throw new DistributionException(416, "BLOB_UPLOAD_INVALID", $"upload {id} is being written by another request; send its chunks " +
                "one after another");
        }
        return new UploadOwner(this, id);
    }

    private readonly struct UploadOwner(RegistryStorage storage, string id) : IDisposable
    {
        public void Dispose() => storage._owned.TryRemove(id, out _);
    }

    // ---- manifests and tags ----

    /// <summary>Stores a manifest after checking every blob or manifest it references is here; tags it when the reference is a tag.</summary>
    public Digest PutManifest(string repository, string reference, byte[] manifest, string mediaType)
    {
        var digest = Digest.Of(manifest);
        if (Digest.TryParse(reference, out var named) && named != digest)
        {
            throw new DistributionException(400, "DIGEST_INVALID", $"the manifest hashes to {digest}, not {reference}");
        }
        List<Descriptor> children;
        try
        {
            children = ManifestReader.Children(manifest, mediaType);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or OciException)
        {
            throw new DistributionException(400, "MANIFEST_INVALID", $"the manifest is not a valid {mediaType}: {e.Message}");
        }
        var missing = children.Where(c => MediaTypes.IsIndex(mediaType) ? !HasManifest(repository, c.Digest) : !HasBlob(repository, c.Digest))
            .ToList();
        if (missing.Count > 0)
        {
            throw new DistributionException(400, MediaTypes.IsIndex(mediaType) ? "MANIFEST_UNKNOWN" : "MANIFEST_BLOB_UNKNOWN",
                $"the manifest references {string.Join(", ", missing.Select(m => m.Digest))}, which {(missing.Count == 1 ? "is" : "are")}" +
                    $" not in {repository}; push {(MediaTypes.IsIndex(mediaType) ? "the child manifests" : "the blobs")} first");
        }
        WriteAtomic(BlobPath(digest), manifest);
        LinkBlob(repository, digest);
        var repo = RepositoryPath(repository);
        Directory.CreateDirectory(Path.Combine(repo, ManifestsFolder));
        Directory.CreateDirectory(Path.Combine(repo, TagsFolder));
        WriteAtomic(Path.Combine(repo, ManifestsFolder, digest.Hex), System.Text.Encoding.UTF8.GetBytes(mediaType));
        if (!Digest.TryParse(reference, out _))
        {
            WriteAtomic(Path.Combine(repo, TagsFolder, reference), System.Text.Encoding.UTF8.GetBytes(digest.Value));
        }
        return digest;
    }

    /// <summary>A manifest by tag or digest: its bytes' path, digest and media type.</summary>
    public (string Path, Digest Digest, string MediaType) GetManifest(string repository, string reference)
    {
        var repo = RepositoryPath(repository);
        Digest digest;
        if (Digest.TryParse(reference, out var d))
        {
            digest = d;
        }
        else
        {
            var tag = Path.Combine(repo, TagsFolder, reference);
            if (!IsValidTag(reference) || !File.Exists(tag))
            {
                throw new DistributionException(404, "MANIFEST_UNKNOWN", $"manifest {repository}:{reference} is not in this registry");
            }
            digest = Digest.Parse(File.ReadAllText(tag).Trim());
        }
        var link = Path.Combine(repo, ManifestsFolder, digest.Hex);
        if (!File.Exists(link))
        {
            throw new DistributionException(404, "MANIFEST_UNKNOWN", $"manifest {repository}@{digest} is not in this registry");
        }
        return (BlobPath(digest), digest, File.ReadAllText(link));
    }

    public bool HasManifest(string repository, Digest digest) => File.Exists(Path.Combine(RepositoryPath(repository), ManifestsFolder, digest.Hex));

    public IReadOnlyList<string> Tags(string repository)
    {
        var dir = Path.Combine(RepositoryPath(repository), TagsFolder);
        if (!Directory.Exists(dir))
        {
            throw new DistributionException(404, "NAME_UNKNOWN", $"repository {repository} is not in this registry");
        }
        return [.. Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> Repositories()
    {
        var root = Path.Combine(_root, "repositories");
        return [.. Directory.EnumerateDirectories(root, ManifestsFolder, SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(root, Path.GetDirectoryName(d)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    public static bool IsValidTag(string tag) => TagName().IsMatch(tag);

    private string RepositoryPath(string repository)
    {
        CheckName(repository);
        return Path.Combine(_root, "repositories", repository);
    }

    private string UploadPath(string id) => Path.Combine(_root, "uploads", id);

    private string CheckUpload(string repository, string id)
    {
        var path = UploadPath(id);
        if (!UploadId().IsMatch(id) || !File.Exists(path) || File.ReadAllText(path + ".repo") != repository)
        {
            throw new DistributionException(404, "BLOB_UPLOAD_UNKNOWN", $"upload {id} is not in progress for {repository}; start a new one");
        }
        return path;
    }

    private static void WriteAtomic(string path, byte[] content)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryName();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex TagName();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex UploadId();
}
