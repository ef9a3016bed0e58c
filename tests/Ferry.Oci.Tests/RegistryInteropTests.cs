using System.Text.Json;

namespace Ferry.Oci.Tests;

/// <summary>Ferry against a real registry, with skopeo as the interop peer.</summary>
public sealed class RegistryInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-oci-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Sub(string name) => Path.Combine(_dir, name);

    private static RegistryClient Client(RegistryOptions? o = null) => new(o ?? new RegistryOptions { Insecure = true, RetryBaseDelay = TimeSpan.FromMilliseconds(5) });

    private static string SkopeoDigest(Registry reg, string image) =>
        JsonDocument.Parse(Skopeo.Run("inspect", "--raw", "--tls-verify=false", $"docker://{reg.Address}/{image}")) is var doc
            ? Digest.Of(System.Text.Encoding.UTF8.GetBytes(Skopeo.Run("inspect", "--raw", "--tls-verify=false", $"docker://{reg.Address}/{image}"))).ToString()
            : "";

    [SkippableFact]
    public async Task RegistryErrors_KeepTheRegistrysOwnCodes_AndTheRequest()
    {
        using var reg = Registry.Start();
        using var client = Client();
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(reg.Address, "acme/none", "1.0"));
        Assert.Equal(404, e.Status);
        Assert.Equal("GET", e.Method);
        Assert.EndsWith("/v2/acme/none/manifests/1.0", e.Url, StringComparison.Ordinal);
        var error = Assert.Single(e.Errors);
        Assert.Equal("MANIFEST_UNKNOWN", error.Code);
        Assert.Contains("MANIFEST_UNKNOWN: manifest unknown", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"errors\"", e.Message, StringComparison.Ordinal);
        Assert.Equal([new RegistryError("NAME_INVALID", "bad", "{\"x\":1}")], RegistryClient.DistributionErrors("{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"bad\",\"detail\":{\"x\":1}}]}"));
        Assert.Empty(RegistryClient.DistributionErrors("<html>502 Bad Gateway</html>"));
    }

    [SkippableFact]
    public async Task Copy_BetweenLayoutsAndRegistries_AsSkopeoNamesThem()
    {
        using var reg = Registry.Start();
        var layout = OciLayout.Open(Sub("copy-src"), create: true);
        var app = TestImages.Image(layout, "app:1.0", [TestImages.Layer(layout, 30_000, 9)]);
        using var client = Client();
        var copier = new ImageCopier(client);
        ImageLocation At(string text) => ImageLocation.TryParse(text, out var l, out var why) ? l! : throw new InvalidOperationException(why);

        var pushed = await copier.CopyAsync(At($"oci:{Sub("copy-src")}:app:1.0"), At($"docker://{reg.Address}/a/app:1.0"), null);
        var copied = await copier.CopyAsync(At($"docker://{reg.Address}/a/app:1.0"), At($"docker://{reg.Address}/b/app:1.0"), null);
        var pulled = await copier.CopyAsync(At($"docker://{reg.Address}/b/app:1.0"), At($"oci:{Sub("copy-dst")}:mine"), null);
        Assert.All(new[] { pushed, copied, pulled }, r => Assert.Equal(app.Digest, r.ManifestDigest));
        Assert.Equal(app.Digest.ToString(), SkopeoDigest(reg, "b/app:1.0"));
        Assert.Equal(app.Digest, OciLayout.Open(Sub("copy-dst")).Resolve("mine").Digest);
        await Assert.ThrowsAsync<OciException>(() => copier.CopyAsync(At("oci:x"), At("oci:y"), null));

        Assert.False(ImageLocation.TryParse("app:1.0", out _, out var why));
        Assert.Equal("\"app:1.0\" is neither oci:DIR[:NAME] nor docker://REF", why);
        Assert.False(ImageLocation.TryParse("docker://acme/App:1", out _, out _));
        Assert.Equal(("/tmp/l", "v1"), (At("oci:/tmp/l:v1").LayoutDir, At("oci:/tmp/l:v1").LayoutName));
    }

    [SkippableFact]
    public async Task FerryPushes_SkopeoReadsTheSameDigests()
    {
        using var reg = Registry.Start();
        var layout = OciLayout.Open(Sub("src"), create: true);
        var shared = TestImages.Layer(layout, 200_000, 1);
        var app = TestImages.Image(layout, "docker.io/acme/app:1.0", [shared, TestImages.Layer(layout, 50_000, 2)]);
        var web = TestImages.Image(layout, "docker.io/acme/web:2.0", [shared, TestImages.Layer(layout, 50_000, 3)]);
        using var client = Client();
        var copier = new ImageCopier(client);
        var r1 = await copier.PushAsync(layout, app, ImageCopier.PushTarget("docker.io/acme/app:1.0", reg.Address + "/site"));
        var r2 = await copier.PushAsync(layout, web, ImageCopier.PushTarget("docker.io/acme/web:2.0", reg.Address + "/site"));
        Assert.Equal(app.Digest, r1.ManifestDigest);
        Assert.Equal(1, r2.BlobsSkipped); // the shared layer was mounted from the first repository
        Assert.Equal(app.Digest.ToString(), SkopeoDigest(reg, "site/acme/app:1.0"));
        Assert.Equal(web.Digest.ToString(), SkopeoDigest(reg, "site/acme/web:2.0"));
        // skopeo copies it back out into its own OCI layout and Ferry verifies that layout.
        Skopeo.Run("copy", "--src-tls-verify=false", $"docker://{reg.Address}/site/acme/app:1.0", $"oci:{Sub("skopeo")}:1.0");
        var skopeoLayout = OciLayout.Open(Sub("skopeo"));
        Assert.Empty(skopeoLayout.Verify());
        Assert.Equal(app.Digest, skopeoLayout.Resolve("1.0").Digest);
    }

    [SkippableFact]
    public async Task PushOfManyImages_AsksTheCatalogOnce_InsteadOfAProbePerImage()
    {
        using var reg = Registry.Start();
        using var proxy = new FaultProxy(reg.Address, 0);
        var layout = OciLayout.Open(Sub("catalog"), create: true);
        var names = Enumerable.Range(1, 10).Select(i => $"docker.io/acme/app-{i}:1").ToList();
        var images = names.Select((n, i) => (Top: TestImages.Image(layout, n, [TestImages.Layer(layout, 1000, 100 + i)]), Name: n)).ToList();
        using var client = Client(new RegistryOptions { Insecure = true });
        var targets = images.Select(i => (i.Top, ImageCopier.PushTarget(i.Name, proxy.Address + "/site"))).ToList();
        var results = await new ImageCopier(client).PushAllAsync(layout, targets);
        Assert.Equal(images.Select(i => i.Top.Digest), results.Select(r => r.ManifestDigest));
        // one catalog read says none of the ten repositories exists: no tag list, no manifest probe, no blob HEAD
        Assert.Single(proxy.Requests, r => r.StartsWith("GET /v2/_catalog", StringComparison.Ordinal));
        Assert.DoesNotContain(proxy.Requests, r => r.Contains("/tags/list", StringComparison.Ordinal)
            || (r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/manifests/", StringComparison.Ordinal)));
        Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("HEAD ", StringComparison.Ordinal));
        Assert.Equal(images[^1].Top.Digest.ToString(), SkopeoDigest(reg, "site/acme/app-10:1"));

        // again: the catalog lists them all now, so each is probed (tag list, manifest) and found, and nothing is sent
        var again = proxy.Requests.Count;
        var repeat = await new ImageCopier(client).PushAllAsync(layout, targets);
        Assert.All(repeat, r => Assert.Equal(r.Blobs, r.BlobsSkipped));
        var second = proxy.Requests.Skip(again).ToList();
        Assert.Equal(1 + 20, second.Count);
        Assert.All(second, r => Assert.Matches("^GET /v2/(_catalog|site/acme/app-[0-9]+/(tags/list|manifests/1))", r));
    }

    [SkippableFact]
    public async Task PushAllAndPullAll_MoveEachBlobOnceLargestFirst_AndShareItAcrossRepositories()
    {
        using var reg = Registry.Start();
        using var proxy = new FaultProxy(reg.Address, 0);
        var layout = OciLayout.Open(Sub("many"), create: true);
        var shared = TestImages.Layer(layout, 300_000, 1);
        var images = new[] { ("docker.io/acme/a:1", 100_000, 2), ("docker.io/acme/b:1", 200_000, 3), ("docker.io/acme/c:1", 50_000, 4) }
            .Select(x => (Name: x.Item1, Top: TestImages.Image(layout, x.Item1, [shared, TestImages.Layer(layout, x.Item2, x.Item3)]))).ToList();
        using var client = Client(new RegistryOptions { Insecure = true, Parallelism = 1 });
        var reports = new System.Collections.Concurrent.ConcurrentQueue<TransferProgress>();
        var progress = new Recorder(reports);
        var results = await new ImageCopier(client, progress).PushAllAsync(layout, images.Select(i => (i.Top, ImageCopier.PushTarget(i.Name, proxy.Address + "/site"))).ToList());

        Assert.Equal(images.Select(i => i.Top.Digest), results.Select(r => r.ManifestDigest));
        Assert.Equal([0, 1, 1], results.Select(r => r.BlobsSkipped)); // b and c got the shared layer by mount
        var blobs = images.SelectMany(i => ManifestReader.Children(layout.ReadBlob(i.Top.Digest), i.Top.MediaType)).DistinctBy(b => b.Digest).ToList();
        var uploaded = proxy.Requests.Where(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("/blobs/uploads/", StringComparison.Ordinal))
            .Select(r => System.Text.RegularExpressions.Regex.Match(r, "digest=sha256(%3A|:)([0-9a-f]{64})").Groups[2].Value).ToList();
        // every distinct blob exactly once, the largest first (one at a time here, so the order is exact)
        Assert.Equal(blobs.OrderByDescending(b => b.Size).Select(b => b.Digest.Hex), uploaded);
        // progress: each image counts the shared layer, the whole transfer counts it once, and ends exactly at its total
        var unique = blobs.Sum(b => b.Size);
        Assert.All(reports, r => Assert.Equal(unique, r.AllTotal));
        Assert.Equal(unique, reports.Max(r => r.AllDone));
        Assert.True(images.Sum(i => reports.Where(r => r.Image.EndsWith(i.Name["docker.io/".Length..], StringComparison.Ordinal)).Max(r => r.BytesTotal)) > unique);
        Assert.Equal(2, proxy.Requests.Count(r => r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("mount=", StringComparison.Ordinal)));
        foreach (var (name, top) in images)
        {
            Assert.Equal(top.Digest.ToString(), SkopeoDigest(reg, "site/" + name["docker.io/".Length..]));
        }
        // the repositories were new: no blob was looked for before it was sent
        Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("HEAD ", StringComparison.Ordinal) && r.Contains("/blobs/", StringComparison.Ordinal));

        // the same images again: each is found under its name (its tag listed, then its manifest), and nothing is sent
        var again = proxy.Requests.Count;
        var repeat = await new ImageCopier(client).PushAllAsync(layout, images.Select(i => (i.Top, ImageCopier.PushTarget(i.Name, proxy.Address + "/site"))).ToList());
        Assert.Equal(images.Select(i => i.Top.Digest), repeat.Select(r => r.ManifestDigest));
        Assert.All(repeat, r => Assert.Equal(r.Blobs, r.BlobsSkipped));
        var second = proxy.Requests.Skip(again).ToList();
        Assert.Equal(6, second.Count);
        Assert.All(second, r => Assert.Matches("^GET .*/(tags/list|manifests/1) ", r));

        // Pulling them back at once: each distinct blob downloaded once, the largest first, the shared layer once.
        var before = proxy.Requests.Count;
        var back = OciLayout.Open(Sub("many-back"), create: true);
        reports.Clear();
        var pulled = await new ImageCopier(client, progress).PullAllAsync(images.Select(i => ImageCopier.PushTarget(i.Name, proxy.Address + "/site")).ToList(), back, null);
        Assert.Equal(images.Select(i => i.Top.Digest), pulled.Select(r => r.ManifestDigest));
        Assert.All(reports, r => Assert.Equal(unique, r.AllTotal));
        Assert.Equal(unique, reports.Max(r => r.AllDone));
        Assert.Equal([0, 1, 1], pulled.Select(r => r.BlobsSkipped));
        var downloaded = proxy.Requests.Skip(before).Where(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/blobs/sha256:", StringComparison.Ordinal))
            .Select(r => System.Text.RegularExpressions.Regex.Match(r, "/blobs/sha256:([0-9a-f]{64})").Groups[1].Value).ToList();
        Assert.Equal(blobs.OrderByDescending(b => b.Size).Select(b => b.Digest.Hex), downloaded);
        Assert.Empty(back.Verify());
    }

    [SkippableFact]
    public async Task SkopeoPushes_FerryPullsAndReadsSkopeoLayouts()
    {
        using var reg = Registry.Start();
        var layout = OciLayout.Open(Sub("gen"), create: true);
        var image = TestImages.Image(layout, "1.0", [TestImages.Layer(layout, 120_000, 9)]);
        Skopeo.Run("copy", "--dest-tls-verify=false", $"oci:{Sub("gen")}:1.0", $"docker://{reg.Address}/team/tool:1.0");
        using var client = Client();
        var pulled = OciLayout.Open(Sub("pulled"), create: true);
        var result = await new ImageCopier(client).PullAsync(ImageReference.Parse($"{reg.Address}/team/tool:1.0"), pulled, null);
        Assert.Equal(image.Digest, result.ManifestDigest);
        Assert.Empty(pulled.Verify());
        Assert.Equal($"{reg.Address}/team/tool:1.0", OciLayout.RefName(Assert.Single(pulled.Manifests())));
        // A skopeo-written layout tagged with a bare tag pushes to REGISTRY/REPO:tag.
        Skopeo.Run("copy", "--src-tls-verify=false", $"docker://{reg.Address}/team/tool:1.0", $"oci:{Sub("bare")}:2.5");
        var bare = OciLayout.Open(Sub("bare"));
        var target = ImageCopier.PushTarget("2.5", $"{reg.Address}/mirror/tool");
        var pushed = await new ImageCopier(client).PushAsync(bare, bare.Resolve("2.5"), target);
        Assert.Equal(image.Digest, pushed.ManifestDigest);
        Assert.Equal(image.Digest.ToString(), SkopeoDigest(reg, "mirror/tool:2.5"));
    }

    [SkippableFact]
    public async Task MultiPlatformIndex_SelectsOrKeepsPlatforms()
    {
        using var reg = Registry.Start();
        var layout = OciLayout.Open(Sub("multi"), create: true);
        var index = TestImages.MultiPlatform(layout, "multi:1", 11);
        using var client = Client();
        var copier = new ImageCopier(client);
        await copier.PushAsync(layout, index, ImageReference.Parse($"{reg.Address}/multi:1"));

        var all = OciLayout.Open(Sub("all"), create: true);
        var kept = await copier.PullAsync(ImageReference.Parse($"{reg.Address}/multi:1"), all, null, allPlatforms: true);
        Assert.Equal(index.Digest, kept.ManifestDigest);
        Assert.Empty(all.Verify());

        var arm = OciLayout.Open(Sub("arm"), create: true);
        var one = await copier.PullAsync(ImageReference.Parse($"{reg.Address}/multi:1"), arm, [Platform.Parse("linux/arm64")]);
        Assert.Equal(MediaTypes.OciManifest, one.MediaType);
        var children = ManifestReader.Children(layout.ReadBlob(index.Digest), MediaTypes.OciIndex);
        Assert.Equal(children.Single(c => c.Platform!.Architecture == "arm64").Digest, one.ManifestDigest);

        var e = await Assert.ThrowsAsync<OciException>(() => copier.PullAsync(ImageReference.Parse($"{reg.Address}/multi:1"), arm, [Platform.Parse("linux/s390x")]));
        Assert.Contains("linux/amd64, linux/arm64", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AuthenticatedTlsRegistry_NeedsCredentialsAndTrustsTheGivenCa()
    {
        using var reg = Registry.Start("ferry", "s3cret", tls: true);
        var layout = OciLayout.Open(Sub("auth"), create: true);
        var image = TestImages.Image(layout, "x", [TestImages.Layer(layout, 10_000, 5)]);
        using (var anonymous = new RegistryClient(new RegistryOptions { CaFile = reg.CaFile, MaxAttempts = 1 }))
        {
            var e = await Assert.ThrowsAsync<RegistryException>(() => new ImageCopier(anonymous).PushAsync(layout, image, ImageReference.Parse($"{reg.Address}/secure/x:1")));
            Assert.Contains("authentication required", e.Message, StringComparison.Ordinal);
        }
        using (var untrusted = new RegistryClient(new RegistryOptions { Username = "ferry", Password = "s3cret", MaxAttempts = 1 }))
        {
            var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => new ImageCopier(untrusted).PushAsync(layout, image, ImageReference.Parse($"{reg.Address}/secure/x:1")));
            Assert.Contains("its TLS certificate is not trusted", e.Message, StringComparison.Ordinal);
            Assert.Contains("give the CA that signed it, or skip verification", e.Message, StringComparison.Ordinal);
            Assert.Equal([Remedy.CaFile, Remedy.Insecure], e.Remedies);
            Assert.DoesNotContain("inner exception", e.Message, StringComparison.Ordinal);
        }
        using var client = new RegistryClient(new RegistryOptions { Username = "ferry", Password = "s3cret", CaFile = reg.CaFile });
        var pushed = await new ImageCopier(client).PushAsync(layout, image, ImageReference.Parse($"{reg.Address}/secure/x:1"));
        Assert.Equal(image.Digest, pushed.ManifestDigest);
        var digest = Skopeo.Run("inspect", "--format", "{{.Digest}}", "--creds", "ferry:s3cret", "--cert-dir", Path.GetDirectoryName(reg.CaFile)!, $"docker://{reg.Address}/secure/x:1").Trim();
        Assert.Equal(image.Digest.ToString(), digest);
    }

    [SkippableFact]
    public async Task ConnectionFailures_SayWhatToDo()
    {
        using var reg = Registry.Start(); // plain HTTP
        using var client = new RegistryClient(new RegistryOptions { MaxAttempts = 1 });
        async Task<string> Failure(string reference)
        {
            var image = ImageReference.Parse(reference);
            return (await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.GetManifestAsync(image.Registry, image.Repository, image.Tag!))).Message;
        }
        Assert.Equal($"{reg.Address} answers plain HTTP, not HTTPS: allow plain HTTP with this registry", await Failure($"{reg.Address}/a/b:1"));
        var closed = $"127.0.0.1:{Registry.FreePort()}";
        Assert.Equal($"{closed}: nothing accepts connections there: is the registry running, and is that its port?", await Failure($"{closed}/a/b:1"));
        var dns = await Failure("registry.ferry-test.invalid/a/b:1");
        Assert.StartsWith("registry.ferry-test.invalid: the host name registry.ferry-test.invalid does not resolve", dns, StringComparison.Ordinal);
        Assert.DoesNotContain("--insecure", dns, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ChunkedUpload_IsUsedAboveTheThreshold()
    {
        using var reg = Registry.Start();
        using var proxy = new FaultProxy(reg.Address, 0);
        var layout = OciLayout.Open(Sub("chunk"), create: true);
        var layer = TestImages.Layer(layout, 300_000, 21);
        var image = TestImages.Image(layout, "big", [layer]);
        using var client = Client(new RegistryOptions { Insecure = true, ChunkedUploadThreshold = 1000, ChunkSize = 64 * 1024 });
        var r = await new ImageCopier(client).PushAsync(layout, image, ImageReference.Parse($"{proxy.Address}/chunked:1"));
        Assert.Equal(image.Digest.ToString(), SkopeoDigest(reg, "chunked:1"));
        // the layer went in full chunks of 64 KiB straight from its file, then the rest
        var patches = proxy.Requests.Where(q => q.StartsWith("PATCH ", StringComparison.Ordinal))
            .Select(q => long.Parse(q[(q.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var size = layer.Layer.Size;
        Assert.Equal([.. Enumerable.Repeat(64L * 1024, (int)(size / (64 * 1024))), size % (64 * 1024)], patches);

        // a source that cannot seek goes a buffered chunk at a time, and arrives whole too
        var bytes = layout.ReadBlob(layer.Layer.Digest);
        var unseekable = await client.UploadBlobAsync(reg.Address, "chunked-stream", layer.Layer, () => new OneWay(new MemoryStream(bytes)));
        Assert.Equal("uploaded", unseekable);
        using (var check = new MemoryStream())
        {
            await client.CopyBlobAsync(reg.Address, "chunked-stream", layer.Layer, check);
            Assert.Equal(bytes, check.ToArray());
        }
        var back = OciLayout.Open(Sub("chunk-back"), create: true);
        await new ImageCopier(client).PullAsync(ImageReference.Parse($"{reg.Address}/chunked:1"), back, null);
        Assert.Empty(back.Verify());
        Assert.Equal(r.Bytes, back.Manifests().Count == 1 ? r.Bytes : -1);
    }

    [SkippableFact]
    public async Task ABlobDamagedInTransit_IsDownloadedOnceMore_ThenThePullGivesUp()
    {
        using var reg = Registry.Start();
        using var proxy = new FaultProxy(reg.Address, 0);
        var layout = OciLayout.Open(Sub("damage"), create: true);
        var image = TestImages.Image(layout, "img", [TestImages.Layer(layout, 100_000, 300)]);
        using var client = Client(new RegistryOptions { Insecure = true, RetryBaseDelay = TimeSpan.FromMilliseconds(2) });
        var copier = new ImageCopier(client);
        await copier.PushAsync(layout, image, ImageReference.Parse($"{proxy.Address}/damage/img:1"));

        proxy.CorruptBlobGets = 1; // once: the second download is whole
        var back = OciLayout.Open(Sub("damage-once"), create: true);
        Assert.Equal(image.Digest, (await copier.PullAsync(ImageReference.Parse($"{proxy.Address}/damage/img:1"), back, null)).ManifestDigest);
        Assert.Empty(back.Verify());
        Assert.Equal(1, proxy.Faults);

        proxy.CorruptBlobGets = 1000; // every time: one retry, then a clear failure and nothing stored
        var before = proxy.Requests.Count;
        var again = OciLayout.Open(Sub("damage-always"), create: true);
        var e = await Assert.ThrowsAsync<DigestMismatchException>(() => copier.PullAsync(ImageReference.Parse($"{proxy.Address}/damage/img:1"), again, null));
        Assert.Contains("the registry's content is corrupt", e.Message, StringComparison.Ordinal);
        var downloads = proxy.Requests.Skip(before).Where(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/blobs/sha256:", StringComparison.Ordinal))
            .GroupBy(r => r).Select(g => g.Count()).ToList();
        Assert.Contains(2, downloads);                // the failing blob: downloaded twice
        Assert.All(downloads, n => Assert.True(n <= 2)); // and never more
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Sub("damage-always"), "blobs"), "*", SearchOption.AllDirectories));
    }

    [SkippableTheory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    public async Task FaultyNetwork_PushAndPullStillCompleteWithVerifiedDigests(double failureRate)
    {
        using var reg = Registry.Start();
        using var proxy = new FaultProxy(reg.Address, failureRate);
        var layout = OciLayout.Open(Sub("faulty"), create: true);
        var images = Enumerable.Range(0, 3).Select(i => TestImages.Image(layout, $"img{i}", [TestImages.Layer(layout, 150_000, 100 + i), TestImages.Layer(layout, 80_000, 200 + i)])).ToList();
        using var client = Client(new RegistryOptions { Insecure = true, MaxAttempts = 30, RetryBaseDelay = TimeSpan.FromMilliseconds(2) });
        var copier = new ImageCopier(client);
        for (var i = 0; i < images.Count; i++)
        {
            var pushed = await copier.PushAsync(layout, images[i], ImageReference.Parse($"{proxy.Address}/faulty/img{i}:1"));
            Assert.Equal(images[i].Digest, pushed.ManifestDigest);
        }
        var back = OciLayout.Open(Sub("faulty-back"), create: true);
        for (var i = 0; i < images.Count; i++)
        {
            var pulled = await copier.PullAsync(ImageReference.Parse($"{proxy.Address}/faulty/img{i}:1"), back, null);
            Assert.Equal(images[i].Digest, pulled.ManifestDigest);
        }
        Assert.Empty(back.Verify());
        Assert.True(failureRate == 0 || proxy.Faults > 5, $"only {proxy.Faults} faults were injected");
        // And the registry itself holds exactly what Ferry sent.
        Assert.Equal(images[0].Digest.ToString(), SkopeoDigest(reg, "faulty/img0:1"));
    }
}

public sealed class HelmChartArtifactTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-helm-oci-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public async Task HelmChartArtifacts_PushAndPullLikeImages()
    {
        using var reg = Registry.Start();
        var layout = OciLayout.Open(Path.Combine(_dir, "src"), create: true);
        var chartTgz = new byte[4096];
        new Random(3).NextBytes(chartTgz);
        var content = layout.WriteBlob(chartTgz, MediaTypes.HelmChartContent);
        var config = layout.WriteBlob("{\"name\":\"web\",\"version\":\"2.3.0\",\"apiVersion\":\"v2\"}"u8.ToArray(), MediaTypes.HelmChartConfig);
        var manifest = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"config\":{config.ToJson().ToJsonString()},\"layers\":[{content.ToJson().ToJsonString()}]}}");
        var desc = layout.WriteBlob(manifest, MediaTypes.OciManifest);
        layout.Tag(desc, "2.3.0");
        using var client = new RegistryClient(new RegistryOptions { Insecure = true });
        var copier = new ImageCopier(client);
        await copier.PushAsync(layout, desc, ImageReference.Parse($"{reg.Address}/charts/web:2.3.0"));
        var pulled = OciLayout.Open(Path.Combine(_dir, "dst"), create: true);
        var r = await copier.PullAsync(ImageReference.Parse($"{reg.Address}/charts/web:2.3.0"), pulled, null);
        Assert.Equal(desc.Digest, r.ManifestDigest);
        var layer = ManifestReader.Children(pulled.ReadBlob(r.ManifestDigest), MediaTypes.OciManifest).Single(d => d.MediaType == MediaTypes.HelmChartContent);
        Assert.Equal(chartTgz, File.ReadAllBytes(pulled.BlobPath(layer.Digest)));
    }
}

/// <summary>Keeps every progress report (the copier reports from several threads).</summary>
internal sealed class Recorder(System.Collections.Concurrent.ConcurrentQueue<TransferProgress> into) : IProgress<TransferProgress>
{
    public void Report(TransferProgress value) => into.Enqueue(value);
}

/// <summary>A stream that can only be read forward (a pipe, say).</summary>
internal sealed class OneWay(Stream inner) : ReadOnlyWrapper(inner)
{
    public override long Position { get => Inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);
}
