using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ferry.Oci;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Registry;

/// <summary>
/// <c>ferry registry serve</c>: a minimal OCI distribution registry on Kestrel — the pull and push endpoints
/// containerd/k3s, skopeo and Ferry use (<c>/v2/</c>, blobs with HEAD, GET and ranges, monolithic, chunked and
/// resumable uploads, cross-repository mounts, manifests by tag or digest, tag lists, the catalog), storing
/// everything in <see cref="RegistryStorage"/>. Optionally with TLS and htpasswd basic authentication
/// (<see cref="RegistryAccess"/>); without them, for a trusted network with <c>--insecure</c>/<c>registries.yaml</c>
/// http endpoints.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RegistryStorage _storage;
    private readonly RegistryAccess _access;

    private RegistryServer(WebApplication app, RegistryStorage storage, IPEndPoint endpoint, RegistryAccess access)
    {
        _app = app;
        _storage = storage;
        _access = access;
        EndPoint = endpoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>HOST:PORT clients use (127.0.0.1 when listening on any address).</summary>
    public string Address => $"{(EndPoint.Address.Equals(IPAddress.Any) ? "127.0.0.1" : EndPoint.Address.ToString())}:{EndPoint.Port}";

    /// <summary>The base URL, https when serving TLS.</summary>
    public string Url => $"{(_access.Certificate is null ? "http" : "https")}://{EndPoint}";

    public static async Task<RegistryServer> StartAsync(string storageDir, IPEndPoint endpoint, IProgress<string>? log = null,
        RegistryAccess? access = null, CancellationToken ct = default)
    {
        var storage = new RegistryStorage(storageDir);
        access ??= new RegistryAccess();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificate = access.Certificate;
        builder.WebHost.UseKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = null; // layers are as large as they are
            o.Listen(endpoint, l =>
            {
                if (certificate is not null)
                {
                    l.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var server = new RegistryServer(app, storage, endpoint, access);
        app.Run(ctx => server.HandleAsync(ctx, log));
        await app.StartAsync(ct).ConfigureAwait(false);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    private async Task HandleAsync(HttpContext ctx, IProgress<string>? log)
    {
        ctx.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        var path = ctx.Request.Path.Value ?? "";
        var method = ctx.Request.Method;
        try
        {
            if (_access.Authenticate(ctx.Connection.RemoteIpAddress, ctx.Request.Headers.Authorization, out var retryAfter) is null)
            {
                if (retryAfter is { } wait)
                {
                    var seconds = (int)Math.Ceiling(wait.TotalSeconds);
                    ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    throw new DistributionException(429, "TOOMANYREQUESTS", $"too many failed logins from this address; try again in {seconds} s");
                }
                ctx.Response.Headers.WWWAuthenticate = $"Basic realm=\"{RegistryAccess.Realm}\"";
                throw new DistributionException(401, "UNAUTHORIZED", "authentication required");
            }
            await RouteAsync(ctx, method, path).ConfigureAwait(false);
            log?.Report($"{method} {path} {ctx.Response.StatusCode}");
        }
        catch (DistributionException e)
        {
            log?.Report($"{method} {path} {e.Status} {e.Code}: {e.Message}");
            await ErrorAsync(ctx, e.Status, e.Code, e.Message).ConfigureAwait(false);
        }
        catch (OciException e)
        {
            await ErrorAsync(ctx, 400, "DIGEST_INVALID", e.Message).ConfigureAwait(false);
        }
    }

    private async Task RouteAsync(HttpContext ctx, string method, string path)
    {
        if (path is "/v2" or "/v2/")
        {
            await JsonAsync(ctx, 200, new JsonObject()).ConfigureAwait(false);
            return;
        }
        if (path == RegistryClient.StoragePath)
        {
            // Ferry's own extension (no repository can be named _ferry): the free space preflight checks a push against
            await JsonAsync(ctx, 200, new JsonObject { ["freeBytes"] = _storage.FreeBytes }).ConfigureAwait(false);
            return;
        }
        if (path == "/v2/_catalog")
        {
            await JsonAsync(ctx, 200, new JsonObject { ["repositories"] = Strings(Page(ctx, _storage.Repositories())) }).ConfigureAwait(false);
            return;
        }
        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            throw new DistributionException(404, "NOT_FOUND", $"{path} is not a registry endpoint");
        }
        var rest = path[4..];
        if (rest.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            var name = rest[..^"/tags/list".Length];
            await JsonAsync(ctx, 200, new JsonObject { ["name"] = name, ["tags"] = Strings(Page(ctx, _storage.Tags(name))) }).ConfigureAwait(false);
            return;
        }
        // The route is read from the end (a reference, digest or upload id has no '/'), so a repository may be named
        // like the endpoints themselves (x/blobs, x/manifests, x/blobs/uploads).
        var segments = rest.Split('/');
        string Name(int trailing) => string.Join('/', segments[..^trailing]);
        if (segments.Length >= 3 && segments[^2] == "manifests")
        {
            await ManifestAsync(ctx, method, Name(2), segments[^1]).ConfigureAwait(false);
            return;
        }
        if (segments.Length >= 4 && segments[^3] == "blobs" && segments[^2] == "uploads")
        {
            await UploadAsync(ctx, method, Name(3), segments[^1]).ConfigureAwait(false);
            return;
        }
        if (segments.Length >= 3 && segments[^2] == "blobs" && segments[^1] == "uploads")
        {
            await UploadAsync(ctx, method, Name(2), "").ConfigureAwait(false);
            return;
        }
        if (segments.Length >= 3 && segments[^2] == "blobs")
        {
            await BlobAsync(ctx, method, Name(2), Digest.Parse(segments[^1])).ConfigureAwait(false);
            return;
        }
        throw new DistributionException(404, "NOT_FOUND", $"{path} is not a registry endpoint");
    }

    private async Task BlobAsync(HttpContext ctx, string method, string name, Digest digest)
    {
        RegistryStorage.CheckName(name);
        if (method == "DELETE")
        {
            if (!_storage.DeleteBlob(name, digest))
            {
                throw _storage.HasBlob(name, digest)
                    ? new DistributionException(405, "UNSUPPORTED", $"blob {digest} is referenced by a manifest of {name}; delete the manifest first")
                    : new DistributionException(404, "BLOB_UNKNOWN", $"blob {digest} is not in repository {name}");
            }
            ctx.Response.StatusCode = 202;
            return;
        }
        if (method is not ("GET" or "HEAD"))
        {
            throw new DistributionException(405, "UNSUPPORTED", $"{method} on a blob is not supported");
        }
        if (!_storage.HasBlob(name, digest))
        {
            throw new DistributionException(404, "BLOB_UNKNOWN", $"blob {digest} is not in repository {name}");
        }
        var file = new FileInfo(_storage.BlobPath(digest));
        ctx.Response.Headers["Docker-Content-Digest"] = digest.Value;
        ctx.Response.Headers.AcceptRanges = "bytes";
        ctx.Response.ContentType = "application/octet-stream";
        long start = 0, end = file.Length - 1;
        if (ParseRange(ctx.Request.Headers.Range.ToString(), file.Length) is { } range)
        {
            (start, end) = range;
            ctx.Response.StatusCode = 206;
            ctx.Response.Headers.ContentRange = $"bytes {start}-{end}/{file.Length}";
        }
        ctx.Response.ContentLength = end - start + 1;
        if (method == "GET")
        {
            await ctx.Response.SendFileAsync(file.FullName, start, end - start + 1, ctx.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task UploadAsync(HttpContext ctx, string method, string name, string id)
    {
        var ct = ctx.RequestAborted;
        RegistryStorage.CheckName(name);
        var query = ctx.Request.Query;
        if (method == "POST" && id.Length == 0)
        {
            if (Digest.TryParse(query["mount"].ToString(), out var mount) && _storage.Mount(name, query["from"].ToString(), mount))
            {
                Created(ctx, name, mount);
                return;
            }
            var started = _storage.StartUpload(name);
            if (Digest.TryParse(query["digest"].ToString(), out var whole))
            {
                await _storage.AppendAndCompleteAsync(name, started, ctx.Request.Body, whole, ct).ConfigureAwait(false);
                Created(ctx, name, whole);
                return;
            }
            Accepted(ctx, name, started, 0);
            return;
        }
        switch (method)
        {
            case "PATCH":
                {
                    long? from = ctx.Request.Headers.ContentRange.ToString() is { Length: > 0 } cr && cr.Split('-')[0]
                        .Replace("bytes ", "", StringComparison.Ordinal) is var s
                        && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : null;
                    var size = await _storage.AppendAsync(name, id, ctx.Request.Body, from, ct).ConfigureAwait(false);
                    Accepted(ctx, name, id, size);
                    return;
                }
            case "PUT":
                {
                    if (!Digest.TryParse(query["digest"].ToString(), out var digest))
                    {
                        throw new DistributionException(400, "DIGEST_INVALID", "completing an upload needs ?digest=sha256:...");
                    }
                    await _storage.AppendAndCompleteAsync(name, id, ctx.Request.Body, digest, ct).ConfigureAwait(false);
                    Created(ctx, name, digest);
                    return;
                }
            case "GET":
                Accepted(ctx, name, id, _storage.UploadSize(name, id), status: 204);
                return;
            case "DELETE":
                _storage.CancelUpload(name, id);
                ctx.Response.StatusCode = 204;
                return;
            default:
                throw new DistributionException(405, "UNSUPPORTED", $"{method} on an upload is not supported");
        }
    }

    /// <summary>distribution's limit on a manifest body; a larger one is refused while it streams in, never buffered whole.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private static async Task<byte[]> ReadManifestBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxManifestBytes)
        {
            throw new DistributionException(400, "MANIFEST_INVALID", $"the manifest is larger than {MaxManifestBytes} bytes (the registry's limit)");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxManifestBytes)
            {
                throw new DistributionException(400, "MANIFEST_INVALID", $"the manifest is larger than {MaxManifestBytes} bytes (the " +
                    "registry's limit)");
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private async Task ManifestAsync(HttpContext ctx, string method, string name, string reference)
    {
        switch (method)
        {
            case "PUT":
                {
                    if (!Digest.TryParse(reference, out _) && !RegistryStorage.IsValidTag(reference))
                    {
                        throw new DistributionException(400, "TAG_INVALID", $"invalid tag \"{reference}\"");
                    }
                    var bytes = await ReadManifestBodyAsync(ctx).ConfigureAwait(false);
                    var mediaType = ctx.Request.ContentType is { Length: > 0 } t
                        && !t.StartsWith("application/octet-stream", StringComparison.Ordinal)
                        ? t.Split(';')[0].Trim() : ManifestReader.MediaTypeOf(bytes);
                    if (!MediaTypes.IsManifest(mediaType) && !MediaTypes.IsIndex(mediaType))
                    {
                        // the stored type is served back as Content-Type: only manifest types, never text/html and the like
                        throw new DistributionException(400, "MANIFEST_INVALID", $"\"{mediaType}\" is not a manifest media type (OCI or Docker " +
                            "image manifest or index)");
                    }
                    var digest = _storage.PutManifest(name, reference, bytes, mediaType);
                    ctx.Response.StatusCode = 201;
                    ctx.Response.Headers.Location = $"/v2/{name}/manifests/{digest}";
                    ctx.Response.Headers["Docker-Content-Digest"] = digest.Value;
                    return;
                }
            case "GET" or "HEAD":
                {
                    var (file, digest, mediaType) = _storage.GetManifest(name, reference);
                    var length = new FileInfo(file).Length;
                    ctx.Response.ContentType = mediaType;
                    ctx.Response.ContentLength = length;
                    ctx.Response.Headers["Docker-Content-Digest"] = digest.Value;
                    if (method == "GET")
                    {
                        await ctx.Response.SendFileAsync(file, 0, length, ctx.RequestAborted).ConfigureAwait(false);
                    }
                    return;
                }
            default:
                throw new DistributionException(405, "UNSUPPORTED", $"{method} on a manifest is not supported");
        }
    }

    private static void Created(HttpContext ctx, string name, Digest digest)
    {
        ctx.Response.StatusCode = 201;
        ctx.Response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        ctx.Response.Headers["Docker-Content-Digest"] = digest.Value;
    }

    private static void Accepted(HttpContext ctx, string name, string id, long size, int status = 202)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
        ctx.Response.Headers["Docker-Upload-UUID"] = id;
        ctx.Response.Headers["Range"] = $"0-{Math.Max(0, size - 1)}";
        ctx.Response.ContentLength = 0;
    }

    /// <summary>The <c>n</c>/<c>last</c> pagination of tag lists and the catalog, with a Link header to the next page.</summary>
    private static IReadOnlyList<string> Page(HttpContext ctx, IReadOnlyList<string> all)
    {
        var last = ctx.Request.Query["last"].ToString();
        var items = last.Length > 0 ? all.Where(x => string.CompareOrdinal(x, last) > 0).ToList() : [.. all];
        // distribution 2.8: an n that is not a number is ignored; n=0 asks for nothing
        if (int.TryParse(ctx.Request.Query["n"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == 0)
        {
            return [];
        }
        if (n > 0 && n < items.Count)
        {
            items = items.Take(n).ToList();
            ctx.Response.Headers.Link = $"<{ctx.Request.Path}?n={n}&last={Uri.EscapeDataString(items[^1])}>; rel=\"next\"";
        }
        return items;
    }

    private static (long Start, long End)? ParseRange(string header, long length)
    {
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }
        var parts = header[6..].Split('-');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start) || start >= length)
        {
            return null;
        }
        var end = long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? Math.Min(e, length - 1) : length - 1;
        return end < start ? null : (start, end);
    }

    private static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)i)]);

    private static async Task JsonAsync(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    private static Task ErrorAsync(HttpContext ctx, int status, string code, string message)
    {
        if (ctx.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        ctx.Response.Headers.Remove("Docker-Content-Digest");
        return JsonAsync(ctx, status, new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }) });
    }
}
