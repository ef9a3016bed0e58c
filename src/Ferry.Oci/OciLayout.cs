using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ferry.Oci;

/// <summary>
/// An OCI image layout directory (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>): blobs stored once
/// by digest, written atomically (temp file, verify, rename), tagged through
/// <c>org.opencontainers.image.ref.name</c> annotations. Interoperable with skopeo's <c>oci:</c> transport.
/// </summary>
public sealed class OciLayout
{
    private const string LayoutFile = "oci-layout";
    private const string IndexFile = "index.json";
    private readonly object _indexLock = new();

    private OciLayout(string root) => Root = root;

    public string Root { get; }

    /// <summary>
    /// Where blobs absent from the folder can be read instead (for example the entries of a bundle archive, so a
    /// deploy pushes layers straight from the bundle without copying them out): an opener, or null when unknown.
    /// </summary>
    public Func<Digest, Func<Stream>?>? ExternalBlobs { get; set; }

    /// <summary>Opens an existing layout; with <paramref name="create"/>, creates it when absent.</summary>
    public static OciLayout Open(string dir, bool create = false)
    {
        var root = Path.GetFullPath(dir);
        var layoutPath = Path.Combine(root, LayoutFile);
        if (!File.Exists(layoutPath))
        {
            if (!create)
            {
                throw new OciException($"{dir}: not an OCI image layout (no oci-layout file); create one by pulling images into it " +
                    "('ferry images pull')") { Remedies = [Remedy.Destination] };
            }
            Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
            File.WriteAllText(layoutPath, "{\"imageLayoutVersion\":\"1.0.0\"}");
            if (!File.Exists(Path.Combine(root, IndexFile)))
            {
                WriteAtomic(Path.Combine(root, IndexFile), Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"manifests\":[]}"));
            }
        }
        return new OciLayout(root);
    }

    public string BlobPath(Digest digest) => Path.Combine(Root, "blobs", digest.Algorithm, digest.Hex);

    /// <summary>
    /// An image's graph in this layout: the manifests an index names (empty for a plain manifest) and the distinct
    /// blobs (configs and layers) its manifests reference.
    /// </summary>
    public (IReadOnlyList<Descriptor> Children, IReadOnlyList<Descriptor> Blobs) Graph(Descriptor top)
    {
        var children = MediaTypes.IsIndex(top.MediaType) ? ManifestReader.Children(ReadBlob(top.Digest), top.MediaType).ToList() : [];
        var manifests = children.Count > 0 ? children : [top];
        return (children, manifests.SelectMany(m => ManifestReader.Children(ReadBlob(m.Digest), m.MediaType)).DistinctBy(d => d.Digest).ToList());
    }

    public bool Exists(Digest digest) => File.Exists(BlobPath(digest)) || ExternalBlobs?.Invoke(digest) is not null;

    public Stream OpenBlob(Digest digest)
    {
        var path = BlobPath(digest);
        if (!File.Exists(path))
        {
            return ExternalBlobs?.Invoke(digest)?.Invoke() ?? throw new OciException($"{Root}: blob {digest} is missing from the layout");
        }
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
    }

    public byte[] ReadBlob(Digest digest)
    {
        byte[] bytes;
        if (!File.Exists(BlobPath(digest)) && ExternalBlobs?.Invoke(digest) is { } open)
        {
            using var stream = open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        else
        {
            bytes = File.ReadAllBytes(BlobPath(digest));
        }
        var actual = Digest.Of(bytes);
        if (actual != digest)
        {
            throw new DigestMismatchException($"{Root}: blob {digest} is corrupt (its content hashes to {actual}); pull the image again");
        }
        return bytes;
    }

    /// <summary>Writes small content (manifests, configs) under its digest.</summary>
    public Descriptor WriteBlob(byte[] content, string mediaType)
    {
        var digest = Digest.Of(content);
        var path = BlobPath(digest);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WriteAtomic(path, content);
        }
        return new Descriptor(mediaType, digest, content.Length);
    }

    /// <summary>A temp file in the layout for streaming a blob; <see cref="CommitBlob"/> verifies and moves it into place.</summary>
    public string NewTempFile()
    {
        var dir = Path.Combine(Root, "blobs", ".tmp");
        Directory.CreateDirectory(dir);
        RemoveAbandonedTempFiles();
        return Path.Combine(dir, Guid.NewGuid().ToString("N"));
    }

    /// <summary>
    /// Partial downloads a killed pull left behind. A download in progress holds its file open exclusively (an
    /// advisory lock on Linux), so a file that can be opened exclusively is abandoned.
    /// </summary>
    public IReadOnlyList<string> AbandonedTempFiles()
    {
        var dir = Path.Combine(Root, "blobs", ".tmp");
        if (!Directory.Exists(dir))
        {
            return [];
        }
        var abandoned = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            try
            {
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }
                abandoned.Add(file);
            }
            catch (IOException)
            {
                // in use by a running download
            }
        }
        return abandoned;
    }

    private readonly Lock _sweep = new();
    private bool _tempSwept;

    // once per layout, before this process creates its own temp files (parallel downloads wait for the sweep)
    private void RemoveAbandonedTempFiles()
    {
        lock (_sweep)
        {
            if (_tempSwept)
            {
                return;
            }
            foreach (var file in AbandonedTempFiles())
            {
                File.Delete(file);
            }
            _tempSwept = true;
        }
    }

    public void CommitBlob(string tempFile, Digest expected, long expectedSize)
    {
        var size = new FileInfo(tempFile).Length;
        Digest actual;
        using (var fs = File.OpenRead(tempFile))
        {
            actual = Digest.FromHash(SHA256.HashData(fs));
        }
        if (actual != expected || size != expectedSize)
        {
            File.Delete(tempFile);
            throw new DigestMismatchException($"blob {expected}: received {size} bytes hashing to {actual} (expected {expectedSize} bytes); the " +
                "download was corrupt");
        }
        var path = BlobPath(expected);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(tempFile, path, overwrite: true);
    }

    /// <summary>The descriptors listed in index.json (a fresh list each call).</summary>
    public List<Descriptor> Manifests()
    {
        var path = Path.Combine(Root, IndexFile);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return [];
        }
        // read again only when the file changed: a push or deploy of N images resolves each by name, and parsing the
        // whole index for each was quadratic in N
        var stamp = (info.LastWriteTimeUtc, info.Length);
        lock (_indexLock)
        {
            if (_indexCache is { } cached && cached.Stamp == stamp)
            {
                return [.. cached.Manifests];
            }
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var manifests = doc.RootElement.TryGetProperty("manifests", out var m) ? m.EnumerateArray().Select(Descriptor.FromJson).ToList() : [];
        lock (_indexLock)
        {
            _indexCache = (stamp, manifests);
        }
        return [.. manifests];
    }

    private ((DateTime, long) Stamp, List<Descriptor> Manifests)? _indexCache;

    /// <summary>Finds the manifest tagged <paramref name="refName"/>, or the only one when null.</summary>
    public Descriptor Resolve(string? refName)
    {
        var all = Manifests();
        if (refName is null)
        {
            return all.Count == 1 ? all[0] : throw new OciException($"{Root}: holds {all.Count} images; name one (oci:{Root}:REF)");
        }
        return all.FirstOrDefault(d => RefName(d) == refName)
            ?? throw new OciException($"{Root}: no image named \"{refName}\"; run 'ferry images list {Root}' to see the names");
    }

    public static string? RefName(Descriptor d) => d.Annotations?.GetValueOrDefault(Descriptor.RefNameAnnotation);

    /// <summary>Adds (or retags) a manifest in index.json under a ref name.</summary>
    public void Tag(Descriptor manifest, string refName) => Tag([(manifest, refName)]);

    /// <summary>
    /// Tags several manifests with one rewrite of index.json, each as <see cref="Tag(Descriptor, string)"/> would (a call per
    /// image rewrites the whole index each time: quadratic in the number of images).
    /// </summary>
    public void Tag(IReadOnlyList<(Descriptor Manifest, string RefName)> tags)
    {
        lock (_indexLock)
        {
            var all = Manifests();
            foreach (var (manifest, refName) in tags)
            {
                all.RemoveAll(d => RefName(d) == refName);
                var annotations = new Dictionary<string, string>(manifest.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                {
                    [Descriptor.RefNameAnnotation] = refName,
                };
                all.Add(manifest with { Annotations = annotations });
            }
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciIndex,
                ["manifests"] = new JsonArray(all.Select(d => (JsonNode)d.ToJson()).ToArray()),
            };
            WriteAtomic(Path.Combine(Root, IndexFile), Encoding.UTF8.GetBytes(index.ToJsonString()));
            _indexCache = null;
        }
    }

    /// <summary>Every blob reachable from index.json (manifests, configs, layers).</summary>
    public HashSet<Digest> Reachable()
    {
        var seen = new HashSet<Digest>();
        var stack = new Stack<Descriptor>(Manifests());
        while (stack.Count > 0)
        {
            var d = stack.Pop();
            if (!seen.Add(d.Digest) || !(MediaTypes.IsIndex(d.MediaType) || MediaTypes.IsManifest(d.MediaType)) || !Exists(d.Digest))
            {
                continue;
            }
            foreach (var child in ManifestReader.Children(File.ReadAllBytes(BlobPath(d.Digest)), d.MediaType))
            {
                stack.Push(child);
            }
        }
        return seen;
    }

    /// <summary>Deletes blobs no image references; returns how many were removed.</summary>
    public int GarbageCollect()
    {
        var keep = Reachable();
        var removed = 0;
        var dir = Path.Combine(Root, "blobs", "sha256");
        foreach (var file in Directory.Exists(dir) ? Directory.EnumerateFiles(dir) : [])
        {
            if (Digest.TryParse("sha256:" + Path.GetFileName(file), out var d) && !keep.Contains(d))
            {
                File.Delete(file);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>Checks every reachable blob exists and matches its digest and size; returns the problems found.</summary>
    public List<string> Verify()
    {
        var problems = new List<string>();
        if (AbandonedTempFiles() is { Count: > 0 } leftovers)
        {
            problems.Add($"{leftovers.Count} partial download(s) left in blobs/.tmp by an interrupted pull; the next pull into this " +
                "layout removes them");
        }
        var sizes = new Dictionary<Digest, long>();
        var stack = new Stack<Descriptor>(Manifests());
        var seen = new HashSet<Digest>();
        while (stack.Count > 0)
        {
            var d = stack.Pop();
            if (!seen.Add(d.Digest))
            {
                continue;
            }
            var path = BlobPath(d.Digest);
            if (!File.Exists(path))
            {
                problems.Add($"blob {d.Digest} ({d.MediaType}) is missing");
                continue;
            }
            using (var fs = File.OpenRead(path))
            {
                var actual = Digest.FromHash(SHA256.HashData(fs));
                if (actual != d.Digest)
                {
                    problems.Add($"blob {d.Digest} is corrupt: its content hashes to {actual}");
                    continue;
                }
            }
            var size = new FileInfo(path).Length;
            if (size != d.Size)
            {
                problems.Add($"blob {d.Digest} has {size} bytes, its descriptor says {d.Size}");
            }
            if (MediaTypes.IsIndex(d.MediaType) || MediaTypes.IsManifest(d.MediaType))
            {
                foreach (var child in ManifestReader.Children(File.ReadAllBytes(path), d.MediaType))
                {
                    stack.Push(child);
                }
            }
        }
        return problems;
    }

    private static void WriteAtomic(string path, byte[] content)
    {
        var tmp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllBytes(tmp, content);
        File.Move(tmp, path, overwrite: true);
    }
}
