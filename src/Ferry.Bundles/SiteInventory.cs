using System.Text.Json;
using Ferry.Bundles.Format;
using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>
/// What a site registry holds (every manifest and blob digest reachable from its tags), recorded by
/// <c>ferry inventory</c>; <c>ferry bundle build --since</c> leaves those blobs out of a delta bundle.
/// </summary>
public sealed record SiteInventory(string Registry, IReadOnlySet<string> Blobs, IReadOnlySet<string> Manifests)
{
    public const string Kind = "SiteInventory";

    /// <summary>Walks the catalog, every tag and every manifest (index children included).</summary>
    public static async Task<SiteInventory> TakeAsync(RegistryClient client, string registry, IProgress<string>? log = null,
        CancellationToken ct = default)
    {
        var blobs = new SortedSet<string>(StringComparer.Ordinal);
        var manifests = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var repo in client.ListRepositoriesAsync(registry, ct).ConfigureAwait(false))
            {
                var tags = 0;
                await foreach (var tag in client.ListTagsAsync(registry, repo, ct).ConfigureAwait(false))
                {
                    tags++;
                    await WalkAsync(client, registry, repo, tag, blobs, manifests, ct).ConfigureAwait(false);
                }
                log?.Report($"{registry}/{repo}: {tags} tags");
            }
        }
        catch (OciException e)
        {
            throw new BundleException($"inventory of {registry}: {e.Message}", e);
        }
        return new SiteInventory(registry, blobs, manifests);
    }

    private static async Task WalkAsync(RegistryClient client, string registry, string repo, string reference, SortedSet<string> blobs,
        SortedSet<string> manifests, CancellationToken ct)
    {
        var m = await client.GetManifestAsync(registry, repo, reference, ct).ConfigureAwait(false);
        if (!manifests.Add(m.Digest.Value) && reference.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return;
        }
        foreach (var child in ManifestReader.Children(m.Bytes, m.MediaType))
        {
            if (MediaTypes.ManifestTypes.Contains(child.MediaType))
            {
                await WalkAsync(client, registry, repo, child.Digest.Value, blobs, manifests, ct).ConfigureAwait(false);
            }
            else
            {
                blobs.Add(child.Digest.Value);
            }
        }
    }

    public string ToJson() => JsonSerializer.Serialize(
        new SiteInventoryFile(BundleManifest.CurrentApiVersion, Kind, Registry, [.. Blobs.Order(StringComparer.Ordinal)],
            [.. Manifests.Order(StringComparer.Ordinal)]),
        BundleJsonContext.Default.SiteInventoryFile) + "\n";

    /// <summary>
    /// Reads what a site is known to hold: an inventory JSON, or a previous bundle (every blob it carried,
    /// plus what it required from the site if it was itself a delta).
    /// </summary>
    public static SiteInventory Load(string path)
    {
        if (!BundleFile.Exists(path))
        {
            throw new BundleException($"{path}: no such file (give a site inventory from 'ferry inventory' or a previous bundle)");
        }
        if (File.Exists(path))
        {
            using var probe = File.OpenRead(path);
            if (probe.ReadByte() == '{')
            {
                return LoadJson(path);
            }
        }
        var blobs = new HashSet<string>(StringComparer.Ordinal);
        var manifests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in BundleReader.ListFiles(path))
        {
            if (name.StartsWith("images/blobs/sha256/", StringComparison.Ordinal))
            {
                blobs.Add("sha256:" + name["images/blobs/sha256/".Length..]);
            }
        }
        blobs.UnionWith(BundleReader.ReadManifest(path).Delta?.Requires ?? []);
        return new SiteInventory(path, blobs, manifests);
    }

    private static SiteInventory LoadJson(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), BundleJsonContext.Default.SiteInventoryFile);
            if (file?.Kind != Kind)
            {
                throw new BundleException($"{path}: not a site inventory (kind must be {Kind}); create one with 'ferry inventory' " +
                    "from the site registry");
            }
            return new SiteInventory(file.Registry ?? "", Set(file.Blobs), Set(file.Manifests));
        }
        catch (JsonException e)
        {
            throw new BundleException($"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: not valid JSON ({e.Message})", e);
        }
        static HashSet<string> Set(IReadOnlyList<string>? digests) => (digests ?? []).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The blobs a delta bundle requires that this site does not have.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<string> required) => required.Where(d => !Blobs.Contains(d)).Order(StringComparer.Ordinal)
        .ToList();
}
