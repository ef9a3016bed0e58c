using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Ferry.Oci;
using Ferry.Oci.Tests;

namespace Ferry.Registry.Tests;

/// <summary><c>ferry registry serve</c> with Ferry's own client, with skopeo, raw HTTP, and across restarts.</summary>
public sealed class RegistryServerTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-registry-").FullName;
    private RegistryServer _server = null!;

    private string Storage => Path.Combine(_dir, "storage");

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<RegistryServer> StartAsync(int port = 0) =>
        RegistryServer.StartAsync(Storage, new IPEndPoint(IPAddress.Loopback, port == 0 ? Oci.Tests.Registry.FreePort() : port));

    private static RegistryClient Client(long chunkedThreshold = 1L << 30) =>
        new(new RegistryOptions { Insecure = true, MaxAttempts = 1, ChunkedUploadThreshold = chunkedThreshold, ChunkSize = 40 * 1024 });

    [Fact]
    public async Task FreeSpace_IsToldByFerrysRegistry_AndNotByDistribution()
    {
        using var client = Client();
        var free = await client.FreeBytesAsync(_server.Address);
        Assert.NotNull(free);
        var disk = new DriveInfo(Storage).AvailableFreeSpace;
        Assert.InRange(free!.Value, disk - (256L << 20), disk + (256L << 20)); // the disk's, give or take other writers
        using var distribution = Oci.Tests.Registry.Start();
        Assert.Null(await client.FreeBytesAsync(distribution.Address));
        // preflight's push probe deletes its blob where the registry allows it, and says when it could not
        var blob = "probe"u8.ToArray();
        var digest = Digest.Of(blob);
        await client.UploadBlobAsync(_server.Address, "acme/probe", new Descriptor("application/octet-stream", digest, blob.Length), () => new MemoryStream(blob));
        Assert.True(await client.BlobExistsAsync(_server.Address, "acme/probe", digest));
        Assert.True(await client.DeleteBlobAsync(_server.Address, "acme/probe", digest));
        Assert.False(await client.BlobExistsAsync(_server.Address, "acme/probe", digest));
        Assert.False(File.Exists(Path.Combine(Storage, "blobs", "sha256", digest.Hex))); // no repository links it: the data is gone too
        Assert.DoesNotContain("acme/probe", await client.ListRepositoriesAsync(_server.Address).ToListAsync());

        // a blob a manifest refers to stays (a delete never breaks a pull)
        var layout = OciLayout.Open(Path.Combine(_dir, "img"), create: true);
        var image = TestImages.Image(layout, "acme/kept:1", [TestImages.Layer(layout, 1000, 7)]);
        await new ImageCopier(client).PushAsync(layout, image, ImageReference.Parse($"{_server.Address}/acme/kept:1"));
        var layer = layout.Graph(image).Blobs[^1].Digest;
        Assert.False(await client.DeleteBlobAsync(_server.Address, "acme/kept", layer));
        Assert.True(await client.BlobExistsAsync(_server.Address, "acme/kept", layer));
    }

    [Fact]
    public async Task FerryPushesAndPulls_SingleMultiPlatformChunkedAndMounted()
    {
        var source = OciLayout.Open(Path.Combine(_dir, "source"), create: true);
        var base1 = TestImages.Layer(source, 200 * 1024, 1);
        TestImages.Image(source, "app:1.0", [base1, TestImages.Layer(source, 100 * 1024, 2)]);
        TestImages.MultiPlatform(source, "multi:2.0", 3);
        using var client = Client(chunkedThreshold: 64 * 1024); // every layer above 64 KiB goes in 40 KiB chunks
        var copier = new ImageCopier(client);
        var pushed = await copier.PushAsync(source, source.Resolve("app:1.0"), ImageReference.Parse($"{_server.Address}/acme/app:1.0"));
        var multi = await copier.PushAsync(source, source.Resolve("multi:2.0"), ImageReference.Parse($"{_server.Address}/acme/multi:2.0"));
        // The same layers in another repository: mounted, not uploaded again.
        var again = await copier.PushAsync(source, source.Resolve("app:1.0"), ImageReference.Parse($"{_server.Address}/other/app:1.0"));
        Assert.Equal(pushed.ManifestDigest, again.ManifestDigest);

        var target = OciLayout.Open(Path.Combine(_dir, "pulled"), create: true);
        var pulled = await copier.PullAsync(ImageReference.Parse($"{_server.Address}/acme/app:1.0"), target, null);
        Assert.Equal(pushed.ManifestDigest, pulled.ManifestDigest);
        var pulledMulti = await copier.PullAsync(ImageReference.Parse($"{_server.Address}/acme/multi:2.0"), target, null, allPlatforms: true);
        Assert.Equal(multi.ManifestDigest, pulledMulti.ManifestDigest);
        Assert.Empty(target.Verify());

        Assert.Equal(["1.0"], await client.ListTagsAsync(_server.Address, "acme/app").ToListAsync());
        Assert.Equal(["acme/app", "acme/multi", "other/app"], await client.ListRepositoriesAsync(_server.Address).ToListAsync());
    }

    [SkippableFact]
    public async Task Skopeo_CopiesInAndOut_AndEverythingSurvivesARestart()
    {
        var source = OciLayout.Open(Path.Combine(_dir, "source"), create: true);
        TestImages.Image(source, "web:3.1", [TestImages.Layer(source, 150 * 1024, 7), TestImages.Layer(source, 50 * 1024, 8)]);
        Skopeo.Run("copy", $"oci:{Path.Combine(_dir, "source")}:web:3.1", $"docker://{_server.Address}/acme/web:3.1", "--dest-tls-verify=false");
        var inspected = JsonNode.Parse(Skopeo.Run("inspect", "--raw", $"docker://{_server.Address}/acme/web:3.1", "--tls-verify=false"))!;
        Assert.Equal(2, inspected["layers"]!.AsArray().Count);

        // Restart on the same storage: the image is still there, byte for byte.
        var port = _server.EndPoint.Port;
        await _server.DisposeAsync();
        _server = await StartAsync(port);
        Skopeo.Run("copy", $"docker://{_server.Address}/acme/web:3.1", $"oci:{Path.Combine(_dir, "out")}:web", "--src-tls-verify=false");
        var copied = OciLayout.Open(Path.Combine(_dir, "out"));
        Assert.Empty(copied.Verify());
        Assert.Equal(source.Resolve("web:3.1").Digest, copied.Resolve("web").Digest);
    }

    [Fact]
    public async Task ResumableUpload_StatusThenTheRest_AndDistributionErrors()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_server.Address}") };
        var data = new byte[100_000];
        new Random(5).NextBytes(data);
        var digest = Digest.Of(data);

        using var start = await http.PostAsync("/v2/acme/blob/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.ToString();
        using (var chunk = new ByteArrayContent(data[..40_000]))
        {
            Assert.True(chunk.Headers.TryAddWithoutValidation("Content-Range", "0-39999")); // the distribution spec's form, not RFC 9110's
            using var patched = await http.PatchAsync(location, chunk);
            Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
        }
        // The client "lost" its state: ask where the upload stands, then resume from there.
        using var status = await http.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-39999", status.Headers.GetValues("Range").Single());
        using (var wrong = new ByteArrayContent(data[50_000..]))
        {
            Assert.True(wrong.Headers.TryAddWithoutValidation("Content-Range", "50000-99999"));
            using var rejected = await http.PatchAsync(location, wrong);
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, rejected.StatusCode);
        }
        using (var rest = new ByteArrayContent(data[40_000..]))
        {
            using var done = await http.PutAsync($"{location}?digest={digest}", rest);
            Assert.Equal(HttpStatusCode.Created, done.StatusCode);
            Assert.Equal(digest.Value, done.Headers.GetValues("Docker-Content-Digest").Single());
        }
        using (var range = new HttpRequestMessage(HttpMethod.Get, $"/v2/acme/blob/blobs/{digest}"))
        {
            range.Headers.Range = new RangeHeaderValue(99_990, null);
            using var partial = await http.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(data[99_990..], await partial.Content.ReadAsByteArrayAsync());
        }

        // Errors carry the distribution spec's codes.
        async Task<(HttpStatusCode, string)> Code(HttpResponseMessage r) => (r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!["errors"]![0]!["code"]!.GetValue<string>());
        using (var missing = await http.GetAsync($"/v2/acme/blob/blobs/{Digest.Of([1, 2, 3])}"))
        {
            Assert.Equal((HttpStatusCode.NotFound, "BLOB_UNKNOWN"), await Code(missing));
        }
        using (var bad = new ByteArrayContent([1, 2, 3]))
        using (var mismatch = await http.PostAsync($"/v2/acme/blob/blobs/uploads/?digest={digest}", bad))
        {
            Assert.Equal((HttpStatusCode.BadRequest, "DIGEST_INVALID"), await Code(mismatch));
        }
        var manifest = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Digest.Of([9])}}","size":1},"layers":[]}""";
        using (var body = new StringContent(manifest))
        {
            body.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
            using var orphan = await http.PutAsync("/v2/acme/blob/manifests/v1", body);
            Assert.Equal((HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN"), await Code(orphan));
        }
        using (var unknown = await http.GetAsync("/v2/acme/blob/manifests/nope"))
        {
            Assert.Equal((HttpStatusCode.NotFound, "MANIFEST_UNKNOWN"), await Code(unknown));
        }
        using (var badName = await http.GetAsync("/v2/Acme/blob/tags/list"))
        {
            Assert.Equal((HttpStatusCode.BadRequest, "NAME_INVALID"), await Code(badName));
        }
    }

    /// <summary>As distribution: a repository serves and lends (mount) only blobs pushed or mounted into it.</summary>
    [Fact]
    public async Task Blobs_BelongToTheirRepositories_AndMountNeedsTheSource()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_server.Address}") };
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(2048);
        var digest = Digest.Of(content);
        (await http.PostAsync($"/v2/team-a/app/blobs/uploads/?digest={digest}", new ByteArrayContent(content))).Dispose();
        using (var own = await http.GetAsync($"/v2/team-a/app/blobs/{digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        using (var other = await http.GetAsync($"/v2/team-b/app/blobs/{digest}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.Contains("BLOB_UNKNOWN", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        foreach (var from in new[] { "", "&from=team-c/app", "&from=../x" })
        {
            using var refused = await http.PostAsync($"/v2/team-b/app/blobs/uploads/?mount={digest}{from}", null);
            Assert.Equal(HttpStatusCode.Accepted, refused.StatusCode); // not mounted: an ordinary upload starts instead
        }
        using (var mount = await http.PostAsync($"/v2/team-b/app/blobs/uploads/?mount={digest}&from=team-a%2Fapp", null))
        {
            Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
        }
        using (var mounted = await http.GetAsync($"/v2/team-b/app/blobs/{digest}"))
        {
            Assert.Equal(content, await mounted.Content.ReadAsByteArrayAsync());
        }

        // a store from before repositories had blob links: what their manifests reference is linked on start
        var source = OciLayout.Open(Path.Combine(_dir, "source"), create: true);
        var image = TestImages.Image(source, "x", [TestImages.Layer(source, 5_000, 1)]);
        using (var client = Client())
        {
            await new ImageCopier(client).PushAsync(source, image, ImageReference.Parse($"{_server.Address}/legacy/x:1"));
        }
        var port = int.Parse(_server.Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        await _server.DisposeAsync();
        // layout 1: no _layout, no _blobs links, the repository's folders named "manifests" and "tags"
        File.Delete(Path.Combine(Storage, "_layout"));
        var legacyRepo = Path.Combine(Storage, "repositories", "legacy", "x");
        Directory.Delete(Path.Combine(legacyRepo, "_blobs"), recursive: true);
        Directory.Move(Path.Combine(legacyRepo, "_manifests"), Path.Combine(legacyRepo, "manifests"));
        Directory.Move(Path.Combine(legacyRepo, "_tags"), Path.Combine(legacyRepo, "tags"));
        _server = await StartAsync(port);
        var layer = ManifestReader.Children(source.ReadBlob(image.Digest), image.MediaType)[1].Digest;
        using var again = new HttpClient { BaseAddress = new Uri($"http://{_server.Address}") };
        using (var legacy = await again.GetAsync($"/v2/legacy/x/blobs/{layer}"))
        {
            Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        }
        using (var tags = await again.GetAsync("/v2/legacy/x/tags/list"))
        {
            Assert.Equal(["1"], System.Text.Json.Nodes.JsonNode.Parse(await tags.Content.ReadAsStringAsync())!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        }
        Assert.Equal("3", File.ReadAllText(Path.Combine(Storage, "_layout")).Trim());
    }

    [Fact]
    public async Task RepositoryNamesLikeTheStorageFolders_AreRepositoriesOfTheirOwn()
    {
        var source = OciLayout.Open(Path.Combine(_dir, "names"), create: true);
        var image = TestImages.Image(source, "x", [TestImages.Layer(source, 3_000, 5)]);
        var other = TestImages.Image(source, "y", [TestImages.Layer(source, 3_000, 6)]);
        using (var client = Client())
        {
            await new ImageCopier(client).PushAsync(source, image, ImageReference.Parse($"{_server.Address}/x:latest"));
            foreach (var name in new[] { "x/tags/latest", "x/manifests", "x/tags", "x/blobs" })
            {
                await new ImageCopier(client).PushAsync(source, other, ImageReference.Parse($"{_server.Address}/{name}:v2"));
            }
        }
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_server.Address}") };
        async Task<string[]> ListAsync(string path, string field) =>
            [.. System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(path))![field]!.AsArray().Select(t => t!.GetValue<string>())];
        Assert.Equal(["latest"], await ListAsync("/v2/x/tags/list", "tags"));
        Assert.Equal(["v2"], await ListAsync("/v2/x/tags/latest/tags/list", "tags"));
        Assert.Equal(["x", "x/blobs", "x/manifests", "x/tags", "x/tags/latest"], await ListAsync("/v2/_catalog", "repositories"));
        Assert.Empty(await ListAsync("/v2/_catalog?n=0", "repositories"));
        Assert.Equal(["x", "x/blobs"], await ListAsync("/v2/_catalog?n=2", "repositories"));
        Assert.Equal(5, (await ListAsync("/v2/_catalog?n=abc", "repositories")).Length);
        using (var manifest = await http.GetAsync("/v2/x/manifests/latest"))
        {
            Assert.Equal(image.Digest.Value, manifest.Headers.GetValues("Docker-Content-Digest").Single());
        }
        using (var manifest = await http.GetAsync("/v2/x/tags/latest/manifests/v2"))
        {
            Assert.Equal(other.Digest.Value, manifest.Headers.GetValues("Docker-Content-Digest").Single());
        }
        // a name component cannot start with '_', so none can be the storage's own folders
        using var refused = await http.GetAsync("/v2/x/_tags/tags/list");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("NAME_INVALID", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManifestOfAnotherMediaType_IsRefused_SoNothingIsServedAsHtml()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_server.Address}") };
        var content = new StringContent("<script>alert(1)</script>", System.Text.Encoding.UTF8, "text/html");
        using var response = await http.PutAsync("/v2/page/manifests/latest", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![0]!;
        Assert.Equal("MANIFEST_INVALID", error["code"]!.GetValue<string>());
        Assert.Contains("\"text/html\" is not a manifest media type", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        using var get = await http.GetAsync("/v2/page/manifests/latest");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task AManifestOverFourMiB_IsRefusedWhileItStreams()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_server.Address}") };
        var big = new byte[RegistryServer.MaxManifestBytes + 1];
        big.AsSpan().Fill((byte)' ');
        foreach (var chunked in new[] { false, true })
        {
            HttpContent content = chunked ? new StreamContent(new MemoryStream(big)) : new ByteArrayContent(big);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(MediaTypes.OciManifest);
            if (chunked)
            {
                content.Headers.ContentLength = null;
            }
            using var request = new HttpRequestMessage(HttpMethod.Put, "/v2/big/manifests/latest") { Content = content };
            request.Headers.TransferEncodingChunked = chunked;
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("MANIFEST_INVALID", body, StringComparison.Ordinal);
            Assert.Contains("larger than 4194304 bytes", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DistributionApi_HeadManifestPaginationMountAndCancel()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_server.Address}") };
        using (var root = await http.GetAsync("/v2/"))
        {
            Assert.Equal(HttpStatusCode.OK, root.StatusCode);
            Assert.Equal("registry/2.0", root.Headers.GetValues("Docker-Distribution-API-Version").Single());
        }
        var source = OciLayout.Open(Path.Combine(_dir, "source"), create: true);
        var image = TestImages.Image(source, "x", [TestImages.Layer(source, 10_000, 3)]);
        using var client = Client();
        var copier = new ImageCopier(client);
        foreach (var tag in new[] { "a", "b", "c" })
        {
            await copier.PushAsync(source, image, ImageReference.Parse($"{_server.Address}/lib/x:{tag}"));
        }

        using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/lib/x/manifests/b")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(image.Digest.Value, head.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(MediaTypes.OciManifest, head.Content.Headers.ContentType!.MediaType);
            Assert.Equal(image.Size, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
        using (var page = await http.GetAsync("/v2/lib/x/tags/list?n=2"))
        {
            Assert.Equal(["a", "b"], JsonNode.Parse(await page.Content.ReadAsStringAsync())!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Equal("</v2/lib/x/tags/list?n=2&last=b>; rel=\"next\"", page.Headers.GetValues("Link").Single());
        }
        using (var next = await http.GetAsync("/v2/lib/x/tags/list?n=2&last=b"))
        {
            Assert.Equal(["c"], JsonNode.Parse(await next.Content.ReadAsStringAsync())!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.False(next.Headers.Contains("Link"));
        }

        var layer = ManifestReader.Children(source.ReadBlob(image.Digest), image.MediaType)[1].Digest;
        using (var mount = await http.PostAsync($"/v2/other/y/blobs/uploads/?mount={layer}&from=lib/x", null))
        {
            Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
            Assert.Equal($"/v2/other/y/blobs/{layer}", mount.Headers.Location!.ToString());
        }
        using var start = await http.PostAsync("/v2/other/y/blobs/uploads/", null);
        var location = start.Headers.Location!.ToString();
        using (var cancel = await http.DeleteAsync(location))
        {
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        }
        using (var gone = await http.GetAsync(location))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("BLOB_UPLOAD_UNKNOWN", JsonNode.Parse(await gone.Content.ReadAsStringAsync())!["errors"]![0]!["code"]!.GetValue<string>());
        }
        // A manifest pushed by digest is served by digest, and not listed as a tag.
        using (var byDigest = await http.GetAsync($"/v2/lib/x/manifests/{image.Digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
            Assert.Equal(source.ReadBlob(image.Digest), await byDigest.Content.ReadAsByteArrayAsync());
        }
    }
}
