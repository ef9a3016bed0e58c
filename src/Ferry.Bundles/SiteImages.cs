using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>
/// The bundle's images and the site registry: a reachability check before any change, the delta-bundle check (the
/// site must already hold every blob a delta left out), and the push itself (blobs the site has are skipped).
/// </summary>
internal static class SiteImages
{
    /// <summary>Fails, before anything changes, when the site registry cannot be reached or refuses the credentials.</summary>
    public static async Task CheckReachableAsync(OpenedBundle bundle, string siteRegistry, RegistryClient registry, CancellationToken ct)
    {
        var first = bundle.Images.FirstOrDefault();
        if (first.Ref is null)
        {
            return;
        }
        var target = ImageCopier.PushTarget(first.Ref, siteRegistry);
        try
        {
            await registry.BlobExistsAsync(target.Registry, target.Repository, Digest.Parse(first.Digest), ct).ConfigureAwait(false);
        }
        catch (OciException e)
        {
            throw new BundleException($"site registry {siteRegistry}: {e.Message}; nothing was changed; check the site registry's address, its TLS " +
                "trust and its credentials", e)
            {
                Remedies = [Remedy.Registry, Remedy.Insecure, Remedy.CaFile, Remedy.Credentials],
            };
        }
    }

    /// <summary>A delta bundle leaves out blobs the site had: make sure it still has every one before pushing anything.</summary>
    public static async Task CheckDeltaAsync(OpenedBundle bundle, string siteRegistry, RegistryClient registry, CancellationToken ct)
    {
        if (!bundle.IsDelta || bundle.OpenImages() is not { } layout)
        {
            return;
        }
        var missing = new List<string>();
        foreach (var (source, _) in bundle.Images)
        {
            var target = ImageCopier.PushTarget(source, siteRegistry);
            foreach (var blob in layout.Graph(layout.Resolve(source)).Blobs.Where(b => !layout.Exists(b.Digest)))
            {
                if (!await registry.BlobExistsAsync(target.Registry, target.Repository, blob.Digest, ct).ConfigureAwait(false))
                {
                    missing.Add($"{blob.Digest} (image {source}, expected in {target.Registry}/{target.Repository})");
                }
            }
        }
        if (missing.Count > 0)
        {
            throw new BundleException($"{bundle.Path} is a delta bundle, but the site registry lacks {missing.Count} blob(s) it requires; nothing " +
                "was changed (deploy the full bundle instead):\n  " + string.Join("\n  ", missing.Distinct()));
        }
    }

    /// <summary>Pushes every image of the bundle, checking each lands with the digest the bundle recorded.</summary>
    /// <summary>
    /// Before anything changes: the bundle's image layout opens, and every image the manifest lists resolves in it to
    /// the digest the manifest recorded (a damaged images/index.json must stop a deploy before the journal is taken).
    /// </summary>
    public static void CheckLayout(OpenedBundle bundle)
    {
        try
        {
            var layout = bundle.OpenImages();
            foreach (var (reference, digest) in bundle.Images)
            {
                if (layout is null)
                {
                    throw new OciException($"the bundle lists {reference} but carries no image layout");
                }
                var resolved = layout.Resolve(reference);
                if (resolved.Digest.ToString() != digest)
                {
                    throw new OciException($"{reference} resolves to {resolved.Digest}, not {digest} as the manifest records");
                }
            }
        }
        catch (Exception e) when (
            e is OciException or System.Text.Json.JsonException or IOException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BundleException($"{bundle.Path}: the bundle's images are damaged ({e.Message}); nothing was changed: get a fresh copy " +
                "from the vendor", e);
        }
    }

    public static async Task PushAsync(OpenedBundle bundle, string siteRegistry, RegistryClient registry, IProgress<string>? log,
        IProgress<TransferProgress>? progress, CancellationToken ct)
    {
        if (bundle.OpenImages() is not { } layout)
        {
            return;
        }
        var copier = new ImageCopier(registry, progress);
        var images = bundle.Images.Select(i => (i.Ref, i.Digest, Target: ImageCopier.PushTarget(i.Ref, siteRegistry))).ToList();
        foreach (var (source, _, target) in images)
        {
            log?.Report($"pushing {source} to {target}");
        }
        IReadOnlyList<TransferResult> pushed;
        try
        {
            // one pool of uploads across all images: each shared layer once, the registry kept busy to the end
            pushed = await copier.PushAllAsync(layout, images.Select(i => (layout.Resolve(i.Ref), i.Target)).ToList(),
                blobsMayBeOnTarget: bundle.IsDelta, ct: ct).ConfigureAwait(false);
        }
        catch (OciException e)
        {
            throw new BundleException($"pushing images to the site registry {siteRegistry} failed: {e.Message}; no app was changed yet, " +
                "re-run ferry deploy", e);
        }
        for (var i = 0; i < images.Count; i++)
        {
            if (pushed[i].ManifestDigest.ToString() != images[i].Digest)
            {
                throw new BundleException($"image {images[i].Ref}: the site registry " +
                    $"stored it as {pushed[i].ManifestDigest}, but the bundle recorded {images[i].Digest}; no app was changed");
            }
        }
    }
}
