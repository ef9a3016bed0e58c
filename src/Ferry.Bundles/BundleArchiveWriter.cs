using System.Security.Cryptography;
using System.Text;
using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>A blob the archive streams straight from its registry.</summary>
internal sealed record RemoteBlob(Descriptor Blob, ImageReference From, string UsedBy);

/// <summary>
/// Writes a bundle's reproducible tar: SHA256SUMS first, then every file in ordinal order. Staged files (charts, values,
/// manifests, index.json) are copied; image blobs stream from the registry into the archive, verified on the way, so
/// layers are never staged on disk nor held in memory. An uncompressed bundle's layout is known before a byte is
/// fetched (every size is in a manifest), so its blobs are fetched side by side, each written straight into its place;
/// a zstd bundle takes them one after another.
/// </summary>
internal static class BundleArchiveWriter
{
    private const string BlobDir = "images/blobs/sha256/";

    public static async Task<BundleBuildResult> WriteAsync(string staging, Dictionary<string, RemoteBlob> remote, RegistryClient client,
        string output, BundleStorage storage, int apps, int images, CancellationToken ct)
    {
        var ordered = Files(staging, remote);
        var sumsBytes = Encoding.UTF8.GetBytes(await SumsAsync(staging, ordered, ct).ConfigureAwait(false));
        long bytes;
        using (var target = BundleFile.Create(output, storage))
        {
            var archive = target.Stream;
            await ReproducibleTar.WriteEntryAsync(archive, BundleBuilder.SumsName, new MemoryStream(sumsBytes), sumsBytes.Length, ct)
                .ConfigureAwait(false);
            var places = new List<(RemoteBlob Blob, long Offset)>();
            foreach (var f in ordered)
            {
                var staged = Path.Combine(staging, f);
                if (File.Exists(staged))
                {
                    await using var fs = new FileStream(staged, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
                    await ReproducibleTar.WriteEntryAsync(archive, f, fs, fs.Length, ct).ConfigureAwait(false);
                    continue;
                }
                var r = remote[f[BlobDir.Length..]];
                ReproducibleTar.WriteHeader(archive, f, r.Blob.Size);
                if (target.Positional is { } parts)
                {
                    places.Add((r, parts.Position)); // its bytes come later, side by side with the others
                    parts.Skip(r.Blob.Size);
                }
                else
                {
                    await CopyAsync(client, r, archive, ct).ConfigureAwait(false);
                }
                ReproducibleTar.WritePadding(archive, r.Blob.Size);
            }
            ReproducibleTar.WriteEnd(archive);
            if (target.Positional is { } positional)
            {
                // the largest first, so the last to finish is a small one
                await System.Threading.Tasks.Parallel.ForEachAsync(places.OrderByDescending(p => p.Blob.Blob.Size),
                    new ParallelOptions { MaxDegreeOfParallelism = client.Options.Parallelism, CancellationToken = ct },
                    async (p, token) => await CopyAsync(client, p.Blob, new ArchiveRegion(positional, p.Offset, p.Blob.Blob.Size), token)
                        .ConfigureAwait(false)).ConfigureAwait(false);
            }
            bytes = target.Commit();
        }
        return new BundleBuildResult(output, apps, images, bytes, Digest.Of(sumsBytes));
    }

    /// <summary>Every path the archive holds, in ordinal order: what is staged, and the blobs that stream from registries.</summary>
    private static List<string> Files(string staging, Dictionary<string, RemoteBlob> remote)
    {
        var files = Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(staging, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("images/blobs/.tmp", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var hex in remote.Keys)
        {
            files.Add(BlobDir + hex);
        }
        return files.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>SHA256SUMS: a blob's sum is its name (verified when fetched); a staged file's is computed.</summary>
    private static async Task<string> SumsAsync(string staging, List<string> ordered, CancellationToken ct)
    {
        var sums = new StringBuilder();
        foreach (var f in ordered)
        {
            string hex;
            if (f.StartsWith(BlobDir, StringComparison.Ordinal) && f.Length == BlobDir.Length + 64)
            {
                hex = f[BlobDir.Length..];
            }
            else
            {
                await using var fs = File.OpenRead(Path.Combine(staging, f));
                hex = Convert.ToHexStringLower(await SHA256.HashDataAsync(fs, ct).ConfigureAwait(false));
            }
            sums.Append(hex).Append("  ").Append(f).Append('\n');
        }
        return sums.ToString();
    }

    private static async Task CopyAsync(RegistryClient client, RemoteBlob r, Stream target, CancellationToken ct)
    {
        try
        {
            await client.CopyBlobAsync(r.From.Registry, r.From.Repository, r.Blob, target, null, ct).ConfigureAwait(false);
        }
        catch (OciException e)
        {
            throw new BundleException($"image {r.From} (used by {r.UsedBy}): {e.Message}", e);
        }
    }
}
