using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Ferry.Oci;

/// <summary>Manifest and blob operations.</summary>
public sealed partial class RegistryClient
{
    /// <summary>A fetched manifest: its exact bytes, media type and digest.</summary>
    public sealed record ManifestResult(byte[] Bytes, string MediaType, Digest Digest);

    /// <summary>
    /// What a push needs to know before sending anything, asked without failing: whether the repository exists (its tag
    /// list answers NAME_UNKNOWN when not; a manifest GET cannot tell, distribution says MANIFEST_UNKNOWN either way) and,
    /// when the reference is a tag it lists (or a digest), the digest of the manifest it names. Anything unexpected
    /// answers "exists, no manifest", so a caller falls back to its usual checks — but a registry that cannot be reached at
    /// all is thrown (<see cref="RegistryUnreachableException"/>): every check after this one would fail the same way.
    /// </summary>
    public async Task<(bool RepositoryExists, Digest? Manifest)> ProbeManifestAsync(string registry, string repository, string reference,
        CancellationToken ct = default)
    {
        try
        {
            if (!Digest.TryParse(reference, out _))
            {
                using var tags = await SendAsync(registry, b => new HttpRequestMessage(HttpMethod.Get, new Uri(b, $"/v2/{repository}/tags/list")), ct)
                    .ConfigureAwait(false);
                var body = await tags.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (tags.StatusCode == HttpStatusCode.NotFound)
                {
                    return (!body.Contains("NAME_UNKNOWN", StringComparison.Ordinal), null);
                }
                if (!tags.IsSuccessStatusCode || !body.Contains($"\"{reference}\"", StringComparison.Ordinal))
                {
                    return (true, null);
                }
            }
            using var r = await SendAsync(registry, b => ManifestGet(b, repository, reference), ct).ConfigureAwait(false);
            return (true, r.IsSuccessStatusCode ? Digest.Of(await r.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false)) : null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or (OciException and not RegistryUnreachableException))
        {
            return (true, null);
        }
    }

    /// <summary>A GET of a manifest that accepts every manifest media type Ferry reads.</summary>
    private static HttpRequestMessage ManifestGet(Uri registryBase, string repository, string reference)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, new Uri(registryBase, $"/v2/{repository}/manifests/{reference}"));
        foreach (var mt in MediaTypes.ManifestTypes)
        {
            req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mt));
        }
        return req;
    }

    public async Task<ManifestResult> GetManifestAsync(string registry, string repository, string reference, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var r = await SendAsync(registry, b => ManifestGet(b, repository, reference), ct).ConfigureAwait(false);
            if (!r.IsSuccessStatusCode)
            {
                throw await ErrorAsync(r, $"{registry}/{repository}:{reference}", ct).ConfigureAwait(false);
            }
            byte[] bytes;
            try
            {
                bytes = await r.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when ((e is HttpRequestException or IOException) && attempt < _options.MaxAttempts)
            {
                await BackoffAsync(attempt, ct).ConfigureAwait(false);
                continue;
            }
            var digest = Digest.Of(bytes);
            if (Digest.TryParse(reference, out var expected) && expected != digest)
            {
                if (attempt < _options.MaxAttempts)
                {
                    await BackoffAsync(attempt, ct).ConfigureAwait(false);
                    continue;
                }
                throw new DigestMismatchException($"{registry}/{repository}@{reference}: manifest content hashes to {digest}");
            }
            var mediaType = r.Content.Headers.ContentType?.MediaType;
            if (string.IsNullOrEmpty(mediaType) || !MediaTypes.ManifestTypes.Contains(mediaType))
            {
                mediaType = ManifestReader.MediaTypeOf(bytes);
            }
            return new ManifestResult(bytes, mediaType, digest);
        }
    }

    public async Task<bool> BlobExistsAsync(string registry, string repository, Digest digest, CancellationToken ct = default)
    {
        using var r = await SendAsync(registry, b => new HttpRequestMessage(HttpMethod.Head, new Uri(b, $"/v2/{repository}/blobs/{digest}")), ct)
            .ConfigureAwait(false);
        if (r.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        if (!r.IsSuccessStatusCode)
        {
            throw await ErrorAsync(r, $"{registry}/{repository}@{digest}", ct).ConfigureAwait(false);
        }
        // Trust a 2xx only when it names the blob: a proxy or broken server answering 200 must not make
        // Ferry skip an upload (the manifest push would then fail with "blob unknown").
        return r.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() == digest.Value;
    }

    /// <summary>Where <c>ferry registry serve</c> tells its free space (an extension; no repository can be named <c>_ferry</c>).</summary>
    public const string StoragePath = "/v2/_ferry/storage";

    /// <summary>The bytes free in the registry's storage, when the registry says (<c>ferry registry serve</c> does); else null.</summary>
    public async Task<long?> FreeBytesAsync(string registry, CancellationToken ct = default)
    {
        using var r = await SendAsync(registry, b => new HttpRequestMessage(HttpMethod.Get, new Uri(b, StoragePath)), ct).ConfigureAwait(false);
        if (!r.IsSuccessStatusCode || r.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return null;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            return doc.RootElement.TryGetProperty("freeBytes", out var free) && free.TryGetInt64(out var bytes) && bytes >= 0 ? bytes : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes a blob from a repository (DELETE /v2/NAME/blobs/DIGEST). False when the registry does not allow deletes
    /// (distribution answers 405 unless storage.delete is enabled) or no longer has the blob.
    /// </summary>
    public async Task<bool> DeleteBlobAsync(string registry, string repository, Digest digest, CancellationToken ct = default)
    {
        using var r = await SendAsync(registry, b => new HttpRequestMessage(HttpMethod.Delete, new Uri(b, $"/v2/{repository}/blobs/{digest}")), ct)
            .ConfigureAwait(false);
        if (r.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound)
        {
            return false;
        }
        if (!r.IsSuccessStatusCode)
        {
            throw await ErrorAsync(r, $"{registry}/{repository}@{digest}", ct).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>Downloads a blob into a layout, resuming with Range requests after failures and verifying digest and size.</summary>
    public async Task DownloadBlobAsync(string registry, string repository, Descriptor blob, OciLayout layout, IProgress<long>? progress = null,
        CancellationToken ct = default)
    {
        if (layout.Exists(blob.Digest))
        {
            progress?.Report(blob.Size);
            return;
        }
        // Bytes damaged in transit (a flaky proxy, a bad NIC) get one more download from zero before the pull gives up.
        for (var attempt = 1; ; attempt++)
        {
            var temp = layout.NewTempFile();
            long reported = 0;
            var counted = progress is null ? null : new CountingProgress(progress, n => reported += n);
            try
            {
                await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    await CopyBlobAsync(registry, repository, blob, file, counted, ct).ConfigureAwait(false);
                    await file.FlushAsync(ct).ConfigureAwait(false);
                }
                var path = layout.BlobPath(blob.Digest);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(temp, path, overwrite: true);
                return;
            }
            catch (DigestMismatchException) when (attempt == 1)
            {
                progress?.Report(-reported); // the retry counts the blob again
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }
    }

    private sealed class CountingProgress(IProgress<long> inner, Action<long> count) : IProgress<long>
    {
        public void Report(long value)
        {
            count(value);
            inner.Report(value);
        }
    }

    /// <summary>
    /// Streams a blob into <paramref name="target"/> (which need not be seekable), resuming with Range requests
    /// after failures, and verifies its size and digest at the end. Exactly <c>blob.Size</c> bytes are written
    /// when it succeeds; on a digest mismatch it throws and the target holds bad bytes (callers discard it).
    /// </summary>
    public async Task CopyBlobAsync(string registry, string repository, Descriptor blob, Stream target, IProgress<long>? progress = null,
        CancellationToken ct = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16); // one per blob in flight, not per blob: thousands of small blobs
        try
        {
            await CopyBlobAttemptsAsync(registry, repository, blob, target, progress, hash, buffer, ct).ConfigureAwait(false);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task CopyBlobAttemptsAsync(string registry, string repository, Descriptor blob, Stream target, IProgress<long>? progress,
        IncrementalHash hash, byte[] buffer, CancellationToken ct)
    {
        long have = 0;
        for (var attempt = 1; ; attempt++)
        {
            var from = have;
            using var r = await SendAsync(registry, b =>
            {
                var req = new HttpRequestMessage(HttpMethod.Get, new Uri(b, $"/v2/{repository}/blobs/{blob.Digest}"));
                if (from > 0)
                {
                    req.Headers.Range = new RangeHeaderValue(from, null);
                }
                return req;
            }, ct).ConfigureAwait(false);
            if (!r.IsSuccessStatusCode)
            {
                throw await ErrorAsync(r, $"{registry}/{repository}@{blob.Digest}", ct).ConfigureAwait(false);
            }
            // The server ignored the range: skip what was already written.
            var skip = from > 0 && r.StatusCode != HttpStatusCode.PartialContent ? from : 0;
            try
            {
                await using var body = await r.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                int n;
                while ((n = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    var chunk = buffer.AsMemory(0, n);
                    if (skip > 0)
                    {
                        var drop = (int)Math.Min(skip, n);
                        skip -= drop;
                        chunk = chunk[drop..];
                        if (chunk.IsEmpty)
                        {
                            continue;
                        }
                    }
                    if (have + chunk.Length > blob.Size)
                    {
                        throw new DigestMismatchException($"{registry}/{repository}@{blob.Digest}: the registry sent " +
                            $"more than the {blob.Size} bytes the manifest declares");
                    }
                    hash.AppendData(chunk.Span);
                    await target.WriteAsync(chunk, ct).ConfigureAwait(false);
                    have += chunk.Length;
                    progress?.Report(chunk.Length);
                }
            }
            catch (Exception e) when ((e is IOException or HttpRequestException) && attempt < _options.MaxAttempts)
            {
                await BackoffAsync(attempt, ct).ConfigureAwait(false);
                continue;
            }
            if (have < blob.Size && attempt < _options.MaxAttempts)
            {
                await BackoffAsync(attempt, ct).ConfigureAwait(false);
                continue; // truncated body: resume from where it stopped
            }
            break;
        }
        var actual = Digest.FromHash(hash.GetHashAndReset());
        if (actual != blob.Digest || have != blob.Size)
        {
            throw new DigestMismatchException($"{registry}/{repository}@{blob.Digest}: received {have} bytes hashing to {actual}" +
                $", expected {blob.Size} bytes; the registry's content is corrupt");
        }
    }

    /// <summary>Uploads a blob unless present; tries a cross-repository mount first when a source repository is given.</summary>
    /// <returns>"exists", "mounted" or "uploaded".</returns>
    public async Task<string> UploadBlobAsync(string registry, string repository, Descriptor blob, Func<Stream> open, string? mountFrom = null,
        IProgress<long>? progress = null, bool knownAbsent = false, CancellationToken ct = default)
    {
        // a mount answers for a blob already there too (201), so it needs no existence check first: one round trip, not two;
        // nor does a blob for a repository the registry does not have yet
        var mounting = mountFrom is not null && mountFrom != repository;
        if (!mounting && !knownAbsent && await BlobExistsAsync(registry, repository, blob.Digest, ct).ConfigureAwait(false))
        {
            progress?.Report(blob.Size);
            return "exists";
        }
        for (var attempt = 1; ; attempt++)
        {
            var reported = 0L;
            try
            {
                var query = mounting ? $"?mount={blob.Digest}&from={Uri.EscapeDataString(mountFrom!)}" : "";
                Uri location;
                using (var start = await SendAsync(registry, b =>
                    new HttpRequestMessage(HttpMethod.Post,
                        new Uri(b, $"/v2/{repository}/blobs/uploads/{query}")) { Content = new ByteArrayContent([]) }, ct).ConfigureAwait(false))
                {
                    if (start.StatusCode == HttpStatusCode.Created && query.Length > 0)
                    {
                        progress?.Report(blob.Size);
                        return "mounted";
                    }
                    if (start.StatusCode != HttpStatusCode.Accepted || start.Headers.Location is null)
                    {
                        throw await ErrorAsync(start, $"{registry}/{repository}: starting the upload of {blob.Digest}", ct).ConfigureAwait(false);
                    }
                    location = Absolute(start.RequestMessage!.RequestUri!, start.Headers.Location);
                }
                if (blob.Size > _options.ChunkedUploadThreshold)
                {
                    location = await UploadChunksAsync(registry, repository, blob, open, location, n => { reported += n; progress?.Report(n); }, ct)
                        .ConfigureAwait(false);
                    using var finish = await SendAsync(registry, _ =>
                        new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest)) { Content = new ByteArrayContent([]) }, ct,
                            retry: false).ConfigureAwait(false);
                    if (finish.StatusCode != HttpStatusCode.Created)
                    {
                        throw await ErrorAsync(finish, $"{registry}/{repository}: completing the upload of {blob.Digest}", ct).ConfigureAwait(false);
                    }
                    return "uploaded";
                }
                using var put = await SendAsync(registry, _ =>
                {
                    var stream = new ProgressStream(open(), n => { reported += n; progress?.Report(n); });
                    var content = new StreamContent(stream, 1 << 20);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    content.Headers.ContentLength = blob.Size;
                    return new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest)) { Content = content };
                }, ct, retry: false).ConfigureAwait(false);
                if (put.StatusCode == HttpStatusCode.Created)
                {
                    return "uploaded";
                }
                if (!Transient(put.StatusCode))
                {
                    throw await ErrorAsync(put, $"{registry}/{repository}: uploading {blob.Digest}", ct).ConfigureAwait(false);
                }
                throw new IOException($"transient {(int)put.StatusCode} while uploading");
            }
            catch (Exception e) when (e is IOException or HttpRequestException or RegistryUnreachableException)
            {
                if (!WorthRetrying(registry, attempt) || (e.InnerException is HttpRequestException tls && Hopeless(tls)))
                {
                    if (e is RegistryUnreachableException)
                    {
                        GiveUpOn(registry);
                    }
                    throw;
                }
                progress?.Report(-reported);
                await BackoffAsync(attempt, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// PATCHes a blob in chunks of <c>ChunkSize</c>. A seekable source (a layout's file, a bundle read in place) is sent
    /// chunk by chunk straight from where it lies, so several large uploads at once hold no chunk in memory; only a
    /// source that cannot seek is read into one buffer a chunk at a time.
    /// </summary>
    private async Task<Uri> UploadChunksAsync(string registry, string repository, Descriptor blob, Func<Stream> open, Uri location,
        Action<long> progress, CancellationToken ct)
    {
        await using var source = open();
        var origin = source.CanSeek ? source.Position : 0;
        var buffer = source.CanSeek ? null : new byte[Math.Min(_options.ChunkSize, (int)Math.Min(blob.Size, int.MaxValue))];
        long offset = 0;
        while (offset < blob.Size)
        {
            var start = offset;
            var length = (int)Math.Min(_options.ChunkSize, blob.Size - offset);
            if (buffer is not null)
            {
                length = await ReadFullyAsync(source, buffer, ct).ConfigureAwait(false);
            }
            else if (origin + start + length > source.Length)
            {
                length = (int)Math.Max(0, source.Length - origin - start);
            }
            if (length == 0)
            {
                throw new OciException($"blob {blob.Digest}: source ended after {offset} of {blob.Size} bytes");
            }
            using var r = await SendAsync(registry, _ =>
            {
                HttpContent content = buffer is not null ? new ByteArrayContent(buffer, 0, length)
                    : new StreamContent(new StreamWindow(source, origin + start, length), 1 << 20);
                content.Headers.ContentLength = length;
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
                return new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
            }, ct, retry: false).ConfigureAwait(false);
            if (r.StatusCode != HttpStatusCode.Accepted || r.Headers.Location is null)
            {
                if (Transient(r.StatusCode))
                {
                    throw new IOException($"transient {(int)r.StatusCode} during a chunk upload");
                }
                throw await ErrorAsync(r, $"{registry}/{repository}: uploading a chunk of {blob.Digest}", ct).ConfigureAwait(false);
            }
            location = Absolute(r.RequestMessage!.RequestUri!, r.Headers.Location);
            offset += length;
            progress(length);
        }
        return location;
    }

    private static async Task<int> ReadFullyAsync(Stream source, byte[] buffer, CancellationToken ct)
    {
        var n = 0;
        while (n < buffer.Length)
        {
            var read = await source.ReadAsync(buffer.AsMemory(n), ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            n += read;
        }
        return n;
    }

    public async Task<Digest> PutManifestAsync(string registry, string repository, string reference, byte[] manifest, string mediaType,
        CancellationToken ct = default)
    {
        using var r = await SendAsync(registry, b =>
        {
            var content = new ByteArrayContent(manifest);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, new Uri(b, $"/v2/{repository}/manifests/{reference}")) { Content = content };
        }, ct).ConfigureAwait(false);
        if (r.StatusCode != HttpStatusCode.Created)
        {
            throw await ErrorAsync(r, $"{registry}/{repository}:{reference}: pushing the manifest", ct).ConfigureAwait(false);
        }
        var digest = Digest.Of(manifest);
        if (r.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var reported)
            && reported != digest)
        {
            throw new DigestMismatchException($"{registry}/{repository}:{reference}: the registry stored the manifest as {reported}, not {digest}");
        }
        return digest;
    }

    private static Uri Absolute(Uri request, Uri location) => location.IsAbsoluteUri ? location : new Uri(request, location);

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var s = location.ToString();
        return new Uri(s + (s.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest.Value));
    }

    /// <summary>Counts bytes read for progress reporting.</summary>
    private sealed class ProgressStream(Stream source, Action<long> report) : ReadOnlyWrapper(source)
    {
        public override long Length => Inner.Length;

        public override long Position { get => Inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Inner.Read(buffer, offset, count);
            report(n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            report(n);
            return n;
        }
    }
}
