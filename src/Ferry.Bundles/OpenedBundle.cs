using Ferry.Bundles.Format;
using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>
/// A verified bundle extracted for deploy or plan — its charts and values templates kept in memory (up to a budget), the
/// rest in a temporary folder: its spec, its manifest (ferry-bundle.json) and that manifest's digest, which identifies
/// the bundle in the deploy journal. Disposing deletes the folder.
/// </summary>
public sealed class OpenedBundle : IDisposable
{
    private ArchiveSlices? _slices;

    private readonly Dictionary<string, string> _sums;

    private readonly Dictionary<string, byte[]> _inMemory;

    /// <summary>Largest chart or values template kept in memory; larger ones are extracted to disk.</summary>
    private const long InMemoryFileBytes = 16L << 20;

    /// <summary>How much of a bundle's charts and values templates is kept in memory at most; the rest is extracted to disk.</summary>
    private const long InMemoryBudget = 128L << 20;

    private OpenedBundle(string path, string work, Dictionary<string, byte[]> inMemory)
    {
        Path = path;
        Work = work;
        _inMemory = inMemory;
        _sums = BundleReader.ParseSums(File.ReadAllText(System.IO.Path.Combine(work, BundleBuilder.SumsName)), path);
        var bytes = File.ReadAllBytes(BundleFile(BundleBuilder.ManifestName, "the bundle manifest"));
        Manifest = BundleManifestJson.Read(bytes, path);
        Digest = Oci.Digest.Of(bytes).ToString();
        Spec = SpecLoader.Load(BundleFile("ferry.yaml", "the bundle's ferry.yaml"), checkFiles: false);
        Apps = BundleApps.Read(this);
    }

    /// <summary>The apps of the manifest, every path in them checked (see <see cref="BundleFile"/>) and every chart's digest.</summary>
    public IReadOnlyList<BundleApp> Apps { get; }

    /// <summary>
    /// The full path of a file the bundle carries, for a path read from the bundle itself: it must be relative,
    /// plain (no <c>..</c>, <c>.</c>, empty segment or backslash), listed in SHA256SUMS and extracted as a regular file
    /// under <see cref="Work"/>. Anything else is refused: a bundle never makes Ferry read outside it.
    /// </summary>
    public string BundleFile(string relative, string what)
    {
        var full = Require(relative, what);
        if (_inMemory.ContainsKey(relative))
        {
            throw new InvalidOperationException($"{relative} was kept in memory; read it with {nameof(ReadFile)}");
        }
        return full;
    }

    /// <summary>
    /// Checks that <paramref name="relative"/> names a file of the bundle (as <see cref="BundleFile"/> says), kept in memory or
    /// extracted; returns the full path it has, or would have, under <see cref="Work"/>.
    /// </summary>
    public string Require(string relative, string what)
    {
        var plain = relative.Length > 0 && !relative.StartsWith('/') && !relative.Contains('\\', StringComparison.Ordinal)
            && relative.Split('/').All(seg => seg is not ("" or "." or ".."));
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Work, relative));
        if (!plain || !_sums.ContainsKey(relative) || !Ferry.Charts.ContainedPath.IsUnder(Work, full))
        {
            throw new BundleException($"{Path}: {what} is {GoQuote(relative)}, which is not a file of the bundle (paths in a bundle are relative " +
                $"and listed in {BundleBuilder.SumsName}); the bundle is damaged or was altered: get a fresh copy from the vendor");
        }
        if (_inMemory.ContainsKey(relative))
        {
            return full;
        }
        var info = new FileInfo(full);
        if (!info.Exists || info.LinkTarget is not null)
        {
            throw new BundleException($"{Path}: {what} ({relative}) is listed in {BundleBuilder.SumsName} but was not extracted as a regular file; " +
                "the bundle is damaged: get a fresh copy from the vendor");
        }
        return full;
    }

    /// <summary>The content of a file of the bundle (checked as <see cref="Require"/> does): from memory when extraction kept it there, else
    /// from the extracted file.</summary>
    public byte[] ReadFile(string relative, string what)
    {
        var full = Require(relative, what);
        return _inMemory.TryGetValue(relative, out var bytes) ? bytes : File.ReadAllBytes(full);
    }

    /// <summary>A text file of the bundle, decoded as <see cref="File.ReadAllText(string)"/> does (UTF-8 unless a byte order mark says
    /// otherwise).</summary>
    public string ReadText(string relative, string what)
    {
        using var reader = new StreamReader(new MemoryStream(ReadFile(relative, what), writable: false), System.Text.Encoding.UTF8,
            detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>An app's chart, loaded afresh each time (rendering processes a chart's dependencies in place).</summary>
    public Ferry.Charts.Chart LoadChart(BundleApp app)
    {
        using var stream = new MemoryStream(ReadFile(app.ChartFile, $"the chart of app {app.Name}"), writable: false);
        return Ferry.Charts.ChartLoader.LoadArchive(stream, $"{Path}: {app.ChartFile}");
    }

    /// <summary>The SHA-256 SHA256SUMS lists for a file of the bundle (extraction checked the bytes against it).</summary>
    public string ListedDigest(string relative) => "sha256:" + _sums[relative];

    private static string GoQuote(string s) => Ferry.Templates.Formatting.GoQuote.Quote(s.Length > 200 ? s[..200] + "..." : s);

    public string Path { get; }

    public string Work { get; }

    public BundleSpec Spec { get; }

    /// <summary>ferry-bundle.json, its shape checked.</summary>
    public BundleManifest Manifest { get; }

    public string Digest { get; }

    /// <summary>"name version" of the product.</summary>
    public string Label => $"{Spec.Name} {Spec.Version}";

    public bool IsDelta => Manifest.Delta is not null;

    /// <summary>The bundle's image layout, or null when it carries no images; blobs are read from the archive in place when it is plain.</summary>
    public OciLayout? OpenImages()
    {
        var dir = System.IO.Path.Combine(Work, "images");
        if (!Directory.Exists(dir))
        {
            return null;
        }
        var layout = OciLayout.Open(dir);
        if (_slices is { } slices)
        {
            layout.ExternalBlobs = d => slices.Open($"images/blobs/{d.Algorithm}/{d.Hex}");
        }
        return layout;
    }

    /// <summary>Every image the bundle carries: its reference and manifest digest.</summary>
    public IEnumerable<(string Ref, string Digest)> Images =>
        Manifest.Images.Select(i => (i.Ref, i.Digest));

    /// <summary>
    /// Where each image lands in the site registry, pinned by digest. Pushing keeps manifest bytes, so the site
    /// digest is the one the bundle recorded.
    /// </summary>
    public Dictionary<string, string> SiteReferences(string siteRegistry) => Images.ToDictionary(
        i => i.Ref,
        i => $"{ImageCopier.PushTarget(i.Ref, siteRegistry) with { Digest = null }}@{i.Digest}",
        StringComparer.Ordinal);

    /// <summary>
    /// Verifies (checksums, and the signature when <paramref name="publicKey"/> is given) and extracts — without the
    /// k3s artifacts and the ferry binary unless <paramref name="withNodeFiles"/> (only <c>ferry cluster install</c> needs them).
    /// </summary>
    public static OpenedBundle Open(string bundle, string? publicKey, bool withNodeFiles = false)
    {
        var problems = BundleReader.Verify(bundle, publicKey);
        if (problems.Count > 0)
        {
            throw new BundleException($"{bundle}: verification failed, nothing was changed:\n  " + string.Join("\n  ", problems));
        }
        return Extract(bundle, withNodeFiles);
    }

    /// <summary>
    /// Like <see cref="Open(string, string?, bool)"/>, but a site policy key (PEM) also applies: the bundle must then be
    /// signed by it, and by <paramref name="publicKey"/> too when both are given. The checksum pass that checks the
    /// policy's signature is the one verification (a second runs only when both keys are given).
    /// </summary>
    public static OpenedBundle Open(string bundle, string? publicKey, string? policyKeyPem)
    {
        if (policyKeyPem is null)
        {
            return Open(bundle, publicKey);
        }
        var problems = BundleReader.VerifyAgainstPolicy(bundle, policyKeyPem);
        if (problems.Count > 0)
        {
            throw new BundleException($"{bundle}: the site's policy (ConfigMap ferry-policy) requires bundles signed by the vendor's key; " +
                "nothing was changed:\n  " + string.Join("\n  ", problems));
        }
        return publicKey is null ? Extract(bundle, withNodeFiles: false) : Open(bundle, publicKey);
    }

    /// <summary>Extracts a verified bundle; an uncompressed archive (one file or split) is read in place for image blobs (no copy of the layers), a
    /// zstd one is extracted whole.</summary>
    private static OpenedBundle Extract(string bundle, bool withNodeFiles)
    {
        var folder = WorkFolder.Create("ferry-bundle-");
        try
        {
            var slices = ArchiveSlices.TryIndex(bundle);
            var inMemory = BundleReader.Extract(bundle, folder.Path, name =>
                (withNodeFiles || (!name.StartsWith("cluster/", StringComparison.Ordinal) && !name.StartsWith("bin/", StringComparison.Ordinal)))
                && (slices is null || !name.StartsWith("images/blobs/", StringComparison.Ordinal)),
                KeepInMemory(InMemoryFileBytes, InMemoryBudget));
            return new OpenedBundle(bundle, folder.Path, inMemory) { _slices = slices, _folder = folder };
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Which files extraction keeps in memory: charts and values templates (what deploy and plan read, hundreds of small files
    /// for a large product) up to <paramref name="fileBytes"/> each, in archive order until they add up to <paramref name="budget"/>.
    /// </summary>
    internal static Func<string, long, bool> KeepInMemory(long fileBytes, long budget) => (name, size) =>
    {
        if (!(name.StartsWith("charts/", StringComparison.Ordinal) || name.StartsWith("values/", StringComparison.Ordinal))
            || size > fileBytes || size > budget)
        {
            return false;
        }
        budget -= size;
        return true;
    };

    private WorkFolder? _folder;

    public void Dispose()
    {
        _folder?.Dispose();
    }
}
