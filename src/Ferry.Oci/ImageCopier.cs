using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Ferry.Oci;

/// <summary>Progress of a transfer: bytes moved so far and in total, per image.</summary>
public sealed record TransferProgress(string Image, long BytesDone, long BytesTotal);

/// <summary>What a pull or push did for one image.</summary>
public sealed record TransferResult(string Image, Digest ManifestDigest, string MediaType, int Blobs, int BlobsSkipped, long Bytes);

/// <summary>An image's manifests (what a layout stores for it), the one its name points at, and the blobs they reference.</summary>
public sealed record ResolvedImage(ImageReference Image, IReadOnlyList<RegistryClient.ManifestResult> Manifests, RegistryClient.ManifestResult Tagged, IReadOnlyList<Descriptor> Blobs);

/// <summary>
/// Moves image graphs (index → manifests → config and layers) between registries and OCI layouts: blobs first,
/// in parallel, skipping what the destination has (and mounting across repositories of the same registry),
/// then manifests with their exact bytes so every digest is preserved.
/// </summary>
public sealed class ImageCopier(RegistryClient client, IProgress<TransferProgress>? progress = null)
{
    private readonly ConcurrentDictionary<(string Registry, Digest Digest), string> _knownRepos = new();

    /// <summary>Pulls an image into a layout. With platforms, an index is narrowed to the matching manifests
    /// (one platform stores that manifest itself; several store a new index of them); "all" keeps the index.</summary>
    /// <param name="skipBlob">Blobs (configs and layers) not to download, e.g. those a site already has (delta bundles).</param>
    public async Task<TransferResult> PullAsync(ImageReference image, OciLayout layout, IReadOnlyList<Platform>? platforms, bool allPlatforms = false, Func<Descriptor, bool>? skipBlob = null, CancellationToken ct = default)
    {
        var resolved = await ResolveAsync(image, platforms, allPlatforms, ct).ConfigureAwait(false);
        var blobs = resolved.Blobs.Where(d => skipBlob is null || !skipBlob(d)).ToList();
        var total = blobs.Sum(b => b.Size);
        long done = 0;
        var skipped = blobs.Count(b => layout.Exists(b.Digest));
        var name = image.ToString();
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = client.Options.Parallelism, CancellationToken = ct }, async (blob, token) =>
        {
            await client.DownloadBlobAsync(image.Registry, image.Repository, blob, layout, new SyncProgress(n => progress?.Report(new TransferProgress(name, Interlocked.Add(ref done, n), total))), token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        StoreManifests(resolved, layout);
        return new TransferResult(name, resolved.Tagged.Digest, resolved.Tagged.MediaType, blobs.Count, skipped, total);
    }

    /// <summary>Writes an image's manifests into a layout and tags it with the image's name (its blobs are not written).</summary>
    public static Descriptor StoreManifests(ResolvedImage resolved, OciLayout layout)
    {
        foreach (var m in resolved.Manifests)
        {
            layout.WriteBlob(m.Bytes, m.MediaType);
        }
        var topDescriptor = layout.WriteBlob(resolved.Tagged.Bytes, resolved.Tagged.MediaType);
        layout.Tag(topDescriptor, resolved.Image.ToString());
        return topDescriptor;
    }

    /// <summary>
    /// Fetches an image's manifests (for an index: the children for the wanted platforms, or all of them) and
    /// lists the blobs they reference; nothing is downloaded beyond manifests.
    /// </summary>
    public async Task<ResolvedImage> ResolveAsync(ImageReference image, IReadOnlyList<Platform>? platforms, bool allPlatforms = false, CancellationToken ct = default)
    {
        var top = await client.GetManifestAsync(image.Registry, image.Repository, image.Reference, ct).ConfigureAwait(false);
        var toStore = new List<RegistryClient.ManifestResult>();
        RegistryClient.ManifestResult tagged;
        if (MediaTypes.IsIndex(top.MediaType) && !allPlatforms)
        {
            var wanted = platforms is { Count: > 0 } ? platforms : [new Platform("linux", "amd64")];
            var children = ManifestReader.Children(top.Bytes, top.MediaType);
            var selected = children.Where(c => c.Platform is not null && wanted.Any(w => w.Matches(c.Platform))).ToList();
            if (selected.Count == 0)
            {
                var available = string.Join(", ", children.Select(c => c.Platform?.ToString() ?? "unknown"));
                throw new OciException($"{image}: no manifest for {string.Join(", ", wanted)}; the image has {available} (choose with --platform)");
            }
            foreach (var child in selected)
            {
                toStore.Add(await client.GetManifestAsync(image.Registry, image.Repository, child.Digest.Value, ct).ConfigureAwait(false));
            }
            if (selected.Count == 1)
            {
                tagged = toStore[0];
            }
            else
            {
                var index = new JsonObject
                {
                    ["schemaVersion"] = 2,
                    ["mediaType"] = MediaTypes.OciIndex,
                    ["manifests"] = new JsonArray(selected.Select(d => (JsonNode)d.ToJson()).ToArray()),
                };
                var bytes = System.Text.Encoding.UTF8.GetBytes(index.ToJsonString());
                tagged = new RegistryClient.ManifestResult(bytes, MediaTypes.OciIndex, Digest.Of(bytes));
            }
        }
        else if (MediaTypes.IsIndex(top.MediaType))
        {
            foreach (var child in ManifestReader.Children(top.Bytes, top.MediaType))
            {
                toStore.Add(await client.GetManifestAsync(image.Registry, image.Repository, child.Digest.Value, ct).ConfigureAwait(false));
            }
            tagged = top;
        }
        else
        {
            toStore.Add(top);
            tagged = top;
        }

        var blobs = toStore.SelectMany(m => ManifestReader.Children(m.Bytes, m.MediaType)).DistinctBy(d => d.Digest).ToList();
        return new ResolvedImage(image, toStore, tagged, blobs);
    }

    /// <summary>Pushes a layout image (its manifest bytes unchanged) to <paramref name="target"/>.</summary>
    /// <param name="blobsMayBeOnTarget">A delta layout: blobs it lacks must already be in the target repository (checked, then skipped).</param>
    public async Task<TransferResult> PushAsync(OciLayout layout, Descriptor top, ImageReference target, bool blobsMayBeOnTarget = false, CancellationToken ct = default)
    {
        var manifests = new List<Descriptor>();
        if (MediaTypes.IsIndex(top.MediaType))
        {
            manifests.AddRange(ManifestReader.Children(layout.ReadBlob(top.Digest), top.MediaType));
        }
        else
        {
            manifests.Add(top);
        }
        var blobs = manifests.SelectMany(m => ManifestReader.Children(layout.ReadBlob(m.Digest), m.MediaType)).DistinctBy(d => d.Digest).ToList();
        var absent = blobs.Where(b => !layout.Exists(b.Digest)).ToList();
        if (absent.Count > 0 && blobsMayBeOnTarget)
        {
            var notThere = new List<string>();
            foreach (var b in absent)
            {
                if (!await client.BlobExistsAsync(target.Registry, target.Repository, b.Digest, ct).ConfigureAwait(false))
                {
                    notThere.Add(b.Digest.ToString());
                }
            }
            if (notThere.Count > 0)
            {
                throw new OciException($"image {target}: {notThere.Count} blob(s) are neither in the layout nor in {target.Registry}/{target.Repository}: {string.Join(", ", notThere)}");
            }
            blobs = blobs.Except(absent).ToList();
        }
        else if (absent.Count > 0)
        {
            throw new OciException($"{layout.Root}: image {target} references blobs missing from the layout ({string.Join(", ", absent.Take(3).Select(b => b.Digest))}); pull it again");
        }
        var total = blobs.Sum(b => b.Size);
        long done = 0;
        var skipped = 0;
        var name = target.ToString();
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = client.Options.Parallelism, CancellationToken = ct }, async (blob, token) =>
        {
            _knownRepos.TryGetValue((target.Registry, blob.Digest), out var from);
            var outcome = await client.UploadBlobAsync(target.Registry, target.Repository, blob, () => layout.OpenBlob(blob.Digest), from,
                new SyncProgress(n => progress?.Report(new TransferProgress(name, Interlocked.Add(ref done, n), total))), token).ConfigureAwait(false);
            if (outcome != "uploaded")
            {
                Interlocked.Increment(ref skipped);
            }
            _knownRepos[(target.Registry, blob.Digest)] = target.Repository;
        }).ConfigureAwait(false);
        if (MediaTypes.IsIndex(top.MediaType))
        {
            foreach (var m in manifests)
            {
                await client.PutManifestAsync(target.Registry, target.Repository, m.Digest.Value, layout.ReadBlob(m.Digest), m.MediaType, ct).ConfigureAwait(false);
            }
        }
        var bytes = layout.ReadBlob(top.Digest);
        var digest = await client.PutManifestAsync(target.Registry, target.Repository, target.Tag ?? top.Digest.Value, bytes, top.MediaType, ct).ConfigureAwait(false);
        return new TransferResult(name, digest, top.MediaType, blobs.Count, skipped, total);
    }

    /// <summary>Where a layout image goes for <c>ferry images push DIR --to DEST</c>: bare tags go to DEST:tag,
    /// full references keep their repository path under DEST (or under DEST's registry when DEST has no path).</summary>
    public static ImageReference PushTarget(string refName, string destination)
    {
        var slash = destination.IndexOf('/', StringComparison.Ordinal);
        var isFull = (refName.Contains('/', StringComparison.Ordinal) || refName.Contains(':', StringComparison.Ordinal) || refName.Contains('@', StringComparison.Ordinal))
            && ImageReference.TryParse(refName, out _, out _);
        if (!isFull)
        {
            if (slash < 0)
            {
                throw new OciException($"layout image \"{refName}\" is a bare tag; give a repository: --to {destination}/REPO");
            }
            return ImageReference.Parse($"{destination}:{refName}");
        }
        var source = ImageReference.Parse(refName);
        return source.WithRegistry(destination) with { Digest = source.Tag is null ? source.Digest : null };
    }

    /// <summary>An IProgress that reports synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
