using Ferry.Bundles.Format;
using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>
/// A verified bundle extracted to a temporary folder for deploy or plan: its spec, its manifest
/// (ferry-bundle.json) and that manifest's digest, which identifies the bundle in the deploy journal.
/// Disposing deletes the folder.
/// </summary>
public sealed class OpenedBundle : IDisposable
{
    private ArchiveSlices? _slices;

    private readonly Dictionary<string, string> _sums;

    private OpenedBundle(string path, string work)
    {
        Path = path;
        Work = work;
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
        var plain = relative.Length > 0 && !relative.StartsWith('/') && !relative.Contains('\\', StringComparison.Ordinal)
            && relative.Split('/').All(seg => seg is not ("" or "." or ".."));
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Work, relative));
        if (!plain || !_sums.ContainsKey(relative) || !Ferry.Charts.ContainedPath.IsUnder(Work, full))
        {
            throw new BundleException($"{Path}: {what} is {GoQuote(relative)}, which is not a file of the bundle (paths in a bundle are relative " +
                $"and listed in {BundleBuilder.SumsName}); the bundle is damaged or was altered: get a fresh copy from the vendor");
        }
        var info = new FileInfo(full);
        if (!info.Exists || info.LinkTarget is not null)
        {
            throw new BundleException($"{Path}: {what} ({relative}) is listed in {BundleBuilder.SumsName} but was not extracted as a regular file; " +
                "the bundle is damaged: get a fresh copy from the vendor");
        }
        return full;
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
            BundleReader.Extract(bundle, folder.Path, name =>
                (withNodeFiles || (!name.StartsWith("cluster/", StringComparison.Ordinal) && !name.StartsWith("bin/", StringComparison.Ordinal)))
                && (slices is null || !name.StartsWith("images/blobs/", StringComparison.Ordinal)));
            return new OpenedBundle(bundle, folder.Path) { _slices = slices, _folder = folder };
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    private WorkFolder? _folder;

    public void Dispose()
    {
        _folder?.Dispose();
    }
}
