using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Ferry.Oci;

/// <summary>
/// Progress of a transfer: bytes moved so far and in total, per image; and over the whole transfer
/// (<paramref name="AllDone"/> of <paramref name="AllTotal"/>), where a blob several images share counts once.
/// </summary>
public sealed record TransferProgress(string Image, long BytesDone, long BytesTotal, long AllDone = 0, long AllTotal = 0);

/// <summary>What a pull or push did for one image.</summary>
public sealed record TransferResult(string Image, Digest ManifestDigest, string MediaType, int Blobs, int BlobsSkipped, long Bytes);

/// <summary>An image's manifests (what a layout stores for it), the one its name points at, and the blobs they reference.</summary>
public sealed record ResolvedImage(ImageReference Image, IReadOnlyList<RegistryClient.ManifestResult> Manifests,
    RegistryClient.ManifestResult Tagged, IReadOnlyList<Descriptor> Blobs);

/// <summary>
/// Moves image graphs (index → manifests → config and layers) between registries and OCI layouts: blobs first,
/// in parallel, skipping what the destination has (and mounting across repositories of the same registry),
/// then manifests with their exact bytes so every digest is preserved.
/// </summary>
public sealed partial class ImageCopier(RegistryClient client, IProgress<TransferProgress>? progress = null)
{
    private readonly ConcurrentDictionary<(string Registry, Digest Digest), string> _knownRepos = new();
    private long _allDone;
    private long _allTotal;

    /// <summary>Reports an image's progress with the whole transfer's; <paramref name="unique"/> bytes also count towards it.</summary>
    private void Report(string image, long done, long total, long unique)
    {
        var all = unique == 0 ? Interlocked.Read(ref _allDone) : Interlocked.Add(ref _allDone, unique);
        progress?.Report(new TransferProgress(image, done, total, all, _allTotal));
    }

    /// <summary>Pulls an image into a layout. With platforms, an index is narrowed to the matching manifests
    /// (one platform stores that manifest itself; several store a new index of them); "all" keeps the index.</summary>
    /// <param name="skipBlob">Blobs (configs and layers) not to download, e.g. those a site already has (delta bundles).</param>
    public async Task<TransferResult> PullAsync(ImageReference image, OciLayout layout, IReadOnlyList<Platform>? platforms,
        bool allPlatforms = false, Func<Descriptor, bool>? skipBlob = null, CancellationToken ct = default) =>
        (await PullAllAsync([image], layout, platforms, allPlatforms, skipBlob, ct).ConfigureAwait(false))[0];

    /// <summary>
    /// Pulls several images at once: their manifests first, then every distinct blob once (from the first image that
    /// names it), largest first, in one pool of parallel downloads across all images, then each image's manifests
    /// and tag. Results are in the order of <paramref name="images"/>.
    /// </summary>
    public async Task<IReadOnlyList<TransferResult>> PullAllAsync(IReadOnlyList<ImageReference> images, OciLayout layout,
        IReadOnlyList<Platform>? platforms, bool allPlatforms = false, Func<Descriptor, bool>? skipBlob = null, CancellationToken ct = default)
    {
        // every image's manifests first, several at once (for many small images the round trips dominate)
        var resolvedAll = new ResolvedImage[images.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, images.Count),
            new ParallelOptions { MaxDegreeOfParallelism = client.Options.Parallelism, CancellationToken = ct },
            async (i, token) => resolvedAll[i] = await ResolveAsync(images[i], platforms, allPlatforms, token).ConfigureAwait(false))
            .ConfigureAwait(false);
        var pulls = new List<(ResolvedImage Resolved, List<Descriptor> Blobs, string Name, long Total)>();
        for (var i = 0; i < images.Count; i++)
        {
            var blobs = resolvedAll[i].Blobs.Where(d => skipBlob is null || !skipBlob(d)).ToList();
            pulls.Add((resolvedAll[i], blobs, images[i].ToString(), blobs.Sum(b => b.Size)));
        }
        var present = pulls.SelectMany(p => p.Blobs).Where(b => layout.Exists(b.Digest)).Select(b => b.Digest).ToHashSet();
        var done = new long[pulls.Count];
        var firsts = pulls.SelectMany((p, i) => p.Blobs.Select(b => (Index: i, Blob: b))).DistinctBy(x => x.Blob.Digest)
            .OrderByDescending(x => x.Blob.Size).ToList();
        (_allDone, _allTotal) = (0, firsts.Sum(x => x.Blob.Size));
        for (var i = 0; i < pulls.Count; i++)
        {
            Report(pulls[i].Name, 0, pulls[i].Total, 0);
        }
        void Moved(int i, long n, bool unique) => Report(pulls[i].Name, Interlocked.Add(ref done[i], n), pulls[i].Total, unique ? n : 0);
        await Parallel.ForEachAsync(firsts, new ParallelOptions { MaxDegreeOfParallelism = client.Options.Parallelism, CancellationToken = ct },
            async (x, token) =>
        {
            var image = pulls[x.Index].Resolved.Image;
            await client.DownloadBlobAsync(image.Registry, image.Repository, x.Blob, layout, new SyncProgress(n => Moved(x.Index, n, unique: true)),
                token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var results = new List<TransferResult>();
        var tags = new List<(Descriptor, string)>();
        var fetchedBy = firsts.ToDictionary(x => x.Blob.Digest, x => x.Index);
        for (var i = 0; i < pulls.Count; i++)
        {
            var (resolved, blobs, name, total) = pulls[i];
            foreach (var shared in blobs.Where(b => fetchedBy[b.Digest] != i))
            {
                Moved(i, shared.Size, unique: false); // came with an earlier image
            }
            tags.Add((WriteManifests(resolved, layout), resolved.Image.ToString()));
            var skipped = blobs.Count(b => present.Contains(b.Digest) || fetchedBy[b.Digest] != i);
            results.Add(new TransferResult(name, resolved.Tagged.Digest, resolved.Tagged.MediaType, blobs.Count, skipped, total));
        }
        layout.Tag(tags);
        return results;
    }

    /// <summary>Writes an image's manifests into a layout and tags it with the image's name (its blobs are not written).</summary>
    public static Descriptor StoreManifests(ResolvedImage resolved, OciLayout layout)
    {
        var topDescriptor = WriteManifests(resolved, layout);
        layout.Tag(topDescriptor, resolved.Image.ToString());
        return topDescriptor;
    }

    /// <summary>
    /// Writes an image's manifests into a layout, untagged: many images are tagged with one
    /// <see cref="OciLayout.Tag(IReadOnlyList{ValueTuple{Descriptor, string}})"/>.
    /// </summary>
    public static Descriptor WriteManifests(ResolvedImage resolved, OciLayout layout)
    {
        foreach (var m in resolved.Manifests)
        {
            layout.WriteBlob(m.Bytes, m.MediaType);
        }
        return layout.WriteBlob(resolved.Tagged.Bytes, resolved.Tagged.MediaType);
    }

    /// <summary>
    /// Fetches an image's manifests (for an index: the children for the wanted platforms, or all of them) and
    /// lists the blobs they reference; nothing is downloaded beyond manifests.
    /// </summary>
    public async Task<ResolvedImage> ResolveAsync(ImageReference image, IReadOnlyList<Platform>? platforms, bool allPlatforms = false,
        CancellationToken ct = default)
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
                throw new OciException($"{image}: no manifest for {string.Join(", ", wanted)}; the image has {available}: choose one of them")
                {
                    Remedies = [Remedy.Platform],
                };
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
    public async Task<TransferResult> PushAsync(OciLayout layout, Descriptor top, ImageReference target, bool blobsMayBeOnTarget = false,
        CancellationToken ct = default) =>
        (await PushAllAsync(layout, [(top, target)], blobsMayBeOnTarget, ct).ConfigureAwait(false))[0];

    /// <summary>
    /// Pushes several layout images at once: every distinct blob is uploaded once, largest first, in one pool of
    /// parallel uploads across all images (so the uploads keep the registry busy until the end instead of waiting
    /// for each image's largest layer); then each image gets the blobs other images uploaded by cross-repository
    /// mount, and its manifests with their exact bytes. Results are in the order of <paramref name="images"/>.
    /// </summary>
    public async Task<IReadOnlyList<TransferResult>> PushAllAsync(OciLayout layout, IReadOnlyList<(Descriptor Top, ImageReference Target)> images,
        bool blobsMayBeOnTarget = false, CancellationToken ct = default)
    {
        var pushes = new List<Push>();
        foreach (var (top, target) in images)
        {
            pushes.Add(await PlanAsync(layout, top, target, blobsMayBeOnTarget, ct).ConfigureAwait(false));
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = client.Options.Parallelism, CancellationToken = ct };
        // one GET per image first: an image already there under its name is done; a repository the registry lacks needs
        // no existence check per blob (its blobs cannot be there)
        var catalogs = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        foreach (var registry in pushes.Select(p => p.Target.Registry).Distinct(StringComparer.Ordinal))
        {
            catalogs[registry] = pushes.Count(p => p.Target.Registry == registry) >= CatalogWorthIt
                ? await KnownRepositoriesAsync(registry, ct).ConfigureAwait(false) : null;
        }
        await Parallel.ForEachAsync(pushes, parallel, async (push, token) =>
        {
            if (catalogs[push.Target.Registry] is { } known && !known.Contains(push.Target.Repository))
            {
                push.FreshRepository = true; // not in the catalog: nothing to ask about it
                return;
            }
            var (exists, manifest) = await client.ProbeManifestAsync(push.Target.Registry, push.Target.Repository,
                push.Target.Tag ?? push.Top.Digest.Value, token).ConfigureAwait(false);
            push.Complete = manifest == push.Top.Digest;
            push.FreshRepository = !exists;
        }).ConfigureAwait(false);
        var firsts = pushes.Where(p => !p.Complete).SelectMany(p => p.Blobs.Select(b => (Push: p, Blob: b)))
            .DistinctBy(x => (x.Push.Target.Registry, x.Blob.Digest))
            .OrderByDescending(x => x.Blob.Size)
            .ToList();
        (_allDone, _allTotal) = (0, firsts.Sum(x => x.Blob.Size));
        foreach (var push in pushes)
        {
            Report(push.Name, 0, push.Total, 0); // every image's size is known before the first byte moves
        }
        await Parallel.ForEachAsync(firsts, parallel, (x, token) => PushBlobAsync(layout, x.Push, x.Blob, unique: true, token)).ConfigureAwait(false);
        // then each image's own tail — the blobs other images brought (mounted), its manifests in order — with the images
        // side by side: for many small images these round trips, not the bytes, are most of the time
        var results = new TransferResult[pushes.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, pushes.Count), parallel, async (i, token) =>
            results[i] = await FinishPushAsync(layout, pushes[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <summary>Images to push to one registry from which its catalog is read first (one request instead of one per image).</summary>
    private const int CatalogWorthIt = 8;

    /// <summary>
    /// The repositories a registry lists in its catalog, or null when it will not say (no catalog, not allowed, more than
    /// 50,000): a repository not listed is new, so its image needs no probe and its blobs no existence check. A registry
    /// that leaves one out only costs a blob uploaded again; one that cannot be reached at all fails the push here.
    /// </summary>
    private async Task<HashSet<string>?> KnownRepositoriesAsync(string registry, CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var repository in client.ListRepositoriesAsync(registry, ct).ConfigureAwait(false))
            {
                if (!known.Add(repository) || known.Count > 50_000)
                {
                    return null; // a catalog that repeats itself or never ends is not one to trust
                }
            }
            return known;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException
            or (OciException and not RegistryUnreachableException))
        {
            return null;
        }
    }

    /// <summary>An image's blobs that other images uploaded (mounted or found), then its manifests, the tagged one last.</summary>
    private async Task<TransferResult> FinishPushAsync(OciLayout layout, Push push, CancellationToken ct)
    {
        if (push.Complete)
        {
            Report(push.Name, push.Total, push.Total, 0);
            return new TransferResult(push.Name, push.Top.Digest, push.Top.MediaType, push.Blobs.Count, push.Blobs.Count, push.Total);
        }
        foreach (var blob in push.Blobs.Where(b => !push.Present.ContainsKey(b.Digest)).ToList())
        {
            await PushBlobAsync(layout, push, blob, unique: false, ct).ConfigureAwait(false);
        }
        foreach (var m in push.Manifests)
        {
            await client.PutManifestAsync(push.Target.Registry, push.Target.Repository, m.Digest.Value, layout.ReadBlob(m.Digest), m.MediaType,
                ct).ConfigureAwait(false);
        }
        var digest = await client.PutManifestAsync(push.Target.Registry, push.Target.Repository, push.Target.Tag ?? push.Top.Digest.Value,
            layout.ReadBlob(push.Top.Digest), push.Top.MediaType, ct).ConfigureAwait(false);
        return new TransferResult(push.Name, digest, push.Top.MediaType, push.Blobs.Count, push.Skipped, push.Total);
    }

    /// <summary>One image on its way to a registry: what it needs there, and how far it got.</summary>
    private sealed class Push(Descriptor top, ImageReference target, IReadOnlyList<Descriptor> manifests, IReadOnlyList<Descriptor> blobs)
    {
        public Descriptor Top { get; } = top;

        public ImageReference Target { get; } = target;

        public string Name { get; } = target.ToString();

        /// <summary>The child manifests of an index (put before the index itself); empty for a plain manifest.</summary>
        public IReadOnlyList<Descriptor> Manifests { get; } = manifests;

        public IReadOnlyList<Descriptor> Blobs { get; } = blobs;

        public long Total { get; } = blobs.Sum(b => b.Size);

        /// <summary>Blobs known to be in the target repository now.</summary>
        public ConcurrentDictionary<Digest, bool> Present { get; } = new();

        public long Done;

        public int Skipped;

        /// <summary>The target already has this image under its name: nothing to send.</summary>
        public bool Complete;

        /// <summary>The registry has no such repository yet: none of the blobs can be there.</summary>
        public bool FreshRepository;
    }

    private async Task<Push> PlanAsync(OciLayout layout, Descriptor top, ImageReference target, bool blobsMayBeOnTarget, CancellationToken ct)
    {
        var (children, blobs) = layout.Graph(top);
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
                throw new OciException($"image {target}: {notThere.Count} blob(s) are neither in the " +
                    $"layout nor in {target.Registry}/{target.Repository}: {string.Join(", ", notThere)}");
            }
            blobs = [.. blobs.Except(absent)];
        }
        else if (absent.Count > 0)
        {
            throw new OciException($"{layout.Root}: image {target} references blobs missing from " +
                $"the layout ({string.Join(", ", absent.Take(3).Select(b => b.Digest))}); pull it again");
        }
        return new Push(top, target, children, blobs);
    }

    /// <summary>Puts one blob into the push's repository: found there, mounted from a repository it went to earlier, or uploaded.</summary>
    private async ValueTask PushBlobAsync(OciLayout layout, Push push, Descriptor blob, bool unique, CancellationToken ct)
    {
        var (registry, repository) = (push.Target.Registry, push.Target.Repository);
        _knownRepos.TryGetValue((registry, blob.Digest), out var from);
        var outcome = await client.UploadBlobAsync(registry, repository, blob, () => layout.OpenBlob(blob.Digest), from,
            new SyncProgress(n => Report(push.Name, Interlocked.Add(ref push.Done, n), push.Total, unique ? n : 0)),
            knownAbsent: push.FreshRepository, ct).ConfigureAwait(false);
        if (outcome != "uploaded")
        {
            Interlocked.Increment(ref push.Skipped);
        }
        _knownRepos[(registry, blob.Digest)] = repository;
        push.Present[blob.Digest] = true;
    }

    /// <summary>Where a layout image goes for <c>ferry images push DIR --to DEST</c>: bare tags go to DEST:tag,
    /// full references keep their repository path under DEST (or under DEST's registry when DEST has no path).</summary>
    public static ImageReference PushTarget(string refName, string destination)
    {
        if (destination.Contains("://", StringComparison.Ordinal))
        {
            throw new OciException($"{destination}: give the registry as HOST[:PORT][/PATH], without http:// or https:// (a plain-HTTP " +
                "registry is allowed with --insecure)") { Remedies = [Remedy.Destination] };
        }
        var slash = destination.IndexOf('/', StringComparison.Ordinal);
        var isFull = (refName.Contains('/', StringComparison.Ordinal) || refName.Contains(':', StringComparison.Ordinal)
            || refName.Contains('@', StringComparison.Ordinal))
            && ImageReference.TryParse(refName, out _, out _);
        if (!isFull)
        {
            if (slash < 0)
            {
                throw new OciException($"layout image \"{refName}\" is a bare tag; give a repository as the destination: {destination}/REPO")
                {
                    Remedies = [Remedy.Destination],
                };
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
