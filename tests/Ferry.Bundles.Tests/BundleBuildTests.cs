using System.Formats.Tar;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Oci;

namespace Ferry.Bundles.Tests;

/// <summary>Builds bundles from a copy of examples/ with charts of every source kind and images in a real registry.</summary>
public sealed class BundleBuildTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ferry-bundle-out-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static BundleBuildOptions Options(string spec, string output, Dictionary<string, string>? env = null, bool locked = false) => new()
    {
        SpecPath = spec,
        Output = output,
        Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
        EnvOverrides = env ?? [],
        Locked = locked,
    };

    [SkippableFact]
    public async Task Build_AllChartSources_VerifiesInspectsAndRebuildsByteIdentically()
    {
        using var product = new ProductSources();
        var first = Path.Combine(_out, "a.ferry");
        var result = await BundleBuilder.BuildAsync(Options(product.SpecPath, first));
        Assert.Equal(4, result.Apps);
        Assert.Equal(5, result.Images);
        Assert.Empty(BundleReader.Verify(first));

        using (var manifest = ManifestFile.Read(first))
        {
            var root = manifest.RootElement;
            var apps = root.GetProperty("apps").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
            Assert.Equal(["shop", "worker", "gateway", "edge"], apps.Keys);
            Assert.Equal("shop", apps["shop"].GetProperty("chart").GetProperty("name").GetString());
            Assert.Equal("1.4.2", apps["worker"].GetProperty("chart").GetProperty("version").GetString());
            Assert.Equal("0.9.0", apps["gateway"].GetProperty("chart").GetProperty("version").GetString());
            // the git chart's subchart images and hook images are discovered too
            var shopImages = apps["shop"].GetProperty("images").EnumerateArray().Select(i => i.GetString()).ToList();
            Assert.Equal(4, shopImages.Count);
            Assert.Contains($"{product.Registry.Address}/acme/redis:7.2.5", shopImages);
            Assert.Contains($"{product.Registry.Address}/acme/busybox:1.36", shopImages);
            // every image's manifest digest is the one the registry holds
            var images = root.GetProperty("images").EnumerateArray().ToDictionary(i => i.GetProperty("ref").GetString()!, i => i.GetProperty("digest").GetString());
            Assert.Equal(product.ImageDigests.Keys.Order(), images.Keys.Order());
            foreach (var (image, digest) in product.ImageDigests)
            {
                Assert.Equal(digest.Value, images[image]);
            }
            Assert.True(root.GetProperty("env").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "WORKER_PASSWORD").GetProperty("secret").GetBoolean());
            var files = root.GetProperty("files");
            var workerChart = apps["worker"].GetProperty("chart");
            Assert.Equal(workerChart.GetProperty("digest").GetString(), files.GetProperty(workerChart.GetProperty("file").GetString()!).GetString());
            Assert.True(files.TryGetProperty("values/shop.yaml.tmpl", out _));
            Assert.True(files.TryGetProperty("ferry.yaml", out _));
            // and the whole file is what its published schema (ferry schema bundle) describes
            Assert.Null(Ferry.Charts.Schema.JsonSchemaCheck.Problems(Format.FormatSchemas.BundleManifest, root.GetRawText()));
        }
        var inspect = BundleReader.Inspect(first);
        Assert.Contains("acme-suite", inspect, StringComparison.Ordinal);
        Assert.Contains(product.ImageDigests[$"{product.Registry.Address}/acme/worker:1.4.2"].Value, inspect, StringComparison.Ordinal);
        Assert.DoesNotContain("sample-only", inspect, StringComparison.Ordinal);

        // layers shared by all five images are stored once
        var entries = Entries(first);
        Assert.Equal(BundleBuilder.SumsName, entries[0]);
        Assert.Equal(entries.Count, entries.Distinct().Count());
        Assert.Equal(5 + 5 + 5 + 1, entries.Count(e => e.StartsWith("images/blobs/sha256/", StringComparison.Ordinal)));

        // same inputs, byte-identical archive (ferry.lock now exists; --locked accepts unchanged charts)
        var second = Path.Combine(_out, "b.ferry");
        await BundleBuilder.BuildAsync(Options(product.SpecPath, second, locked: true));
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [SkippableFact]
    public async Task Verify_FlippedByte_NamesTheFile()
    {
        using var product = new ProductSources();
        var bundle = Path.Combine(_out, "a.ferry");
        await BundleBuilder.BuildAsync(Options(product.ExampleSpec, bundle, new() { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" }));
        Assert.Empty(BundleReader.Verify(bundle));
        foreach (var target in new[] { "charts/worker/worker-1.4.2.tgz", Entries(bundle).First(e => e.StartsWith("images/blobs/", StringComparison.Ordinal)) })
        {
            var damaged = Path.Combine(_out, "damaged.ferry");
            FlipByte(bundle, damaged, target);
            var problem = Assert.Single(BundleReader.Verify(damaged));
            Assert.StartsWith(target + ": checksum mismatch", problem, StringComparison.Ordinal);
        }
        var truncated = Path.Combine(_out, "truncated.ferry");
        var bytes = File.ReadAllBytes(bundle);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.NotEmpty(BundleReader.Verify(truncated));
    }

    [SkippableFact]
    public async Task BundleImages_AreAnOciLayoutSkopeoAndTarRead()
    {
        using var product = new ProductSources();
        var bundle = Path.Combine(_out, "a.ferry");
        await BundleBuilder.BuildAsync(Options(product.ExampleSpec, bundle, new() { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" }));
        var extracted = Directory.CreateDirectory(Path.Combine(_out, "x")).FullName;
        var tar = System.Diagnostics.Process.Start("tar", ["-xf", bundle, "-C", extracted])!;
        tar.WaitForExit();
        Assert.Equal(0, tar.ExitCode);
        foreach (var (image, digest) in product.ImageDigests)
        {
            var raw = Oci.Tests.Skopeo.Run("inspect", "--raw", $"oci:{extracted}/images:{image}");
            Assert.Equal(digest, Digest.Of(System.Text.Encoding.UTF8.GetBytes(raw)));
        }
        // skopeo copies an image out of the bundle's layout into a registry
        var worker = $"{product.Registry.Address}/acme/worker:1.4.2";
        Oci.Tests.Skopeo.Run("copy", "--dest-tls-verify=false", $"oci:{extracted}/images:{worker}", $"docker://{product.Registry.Address}/copied/worker:1");
        Assert.Empty(OciLayout.Open(Path.Combine(extracted, "images")).Verify());
    }

    [SkippableFact]
    public async Task Build_ChartMoved_LockedRefuses()
    {
        using var product = new ProductSources();
        var first = Path.Combine(_out, "a.ferry");
        await BundleBuilder.BuildAsync(Options(product.ExampleSpec, first, new() { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme", ["WORKER_PASSWORD"] = "hunter2-secret" }));
        using (var manifest = ManifestFile.Read(first))
        {
            var inputs = manifest.RootElement.GetProperty("inputs");
            Assert.Equal("(secret)", inputs.GetProperty("envOverrides").GetProperty("WORKER_PASSWORD").GetString());
            Assert.Equal($"{product.Registry.Address}/acme", inputs.GetProperty("envOverrides").GetProperty("IMAGE_SOURCE").GetString());
        }
        using (var tar = BundleFile.OpenRead(first))
        using (var reader = new StreamReader(tar))
        {
            Assert.DoesNotContain("hunter2-secret", reader.ReadToEnd(), StringComparison.Ordinal);
        }
        File.AppendAllText(Path.Combine(product.Chart("worker"), "values.yaml"), "extra: true\n");
        var e = await Assert.ThrowsAsync<BundleException>(() => BundleBuilder.BuildAsync(
            Options(product.ExampleSpec, Path.Combine(_out, "b.ferry"), new() { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" }, locked: true)));
        Assert.Contains("app worker", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.lock", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Build_MissingImageOrUnreachableRegistry_NamesImageAndApp()
    {
        using var product = new ProductSources();
        var e = await Assert.ThrowsAsync<BundleException>(() => BundleBuilder.BuildAsync(
            Options(product.ExampleSpec, Path.Combine(_out, "a.ferry"), new() { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/nobody" })));
        Assert.Contains($"{product.Registry.Address}/nobody/", e.Message, StringComparison.Ordinal);
        Assert.Contains("used by", e.Message, StringComparison.Ordinal);

        var closed = Path.Combine(_out, "closed.ferry");
        e = await Assert.ThrowsAsync<BundleException>(() => BundleBuilder.BuildAsync(Options(product.ExampleSpec, closed, new() { ["IMAGE_SOURCE"] = "127.0.0.1:1/acme" })));
        Assert.Contains("127.0.0.1:1/acme/", e.Message, StringComparison.Ordinal);
        Assert.Contains("shop", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(closed));
    }

    [SkippableFact]
    public async Task Build_CorruptLayerInRegistry_NamesTheImageAndLeavesNoArchive()
    {
        // blobs are fetched side by side straight into their places in the archive: one that does not match its digest
        // fails the build with the image named, and neither the bundle nor its partial file is left behind
        using var product = new ProductSources();
        var largest = Directory.EnumerateFiles(product.Registry.Dir, "data", SearchOption.AllDirectories)
            .Where(f => f.Contains("/blobs/sha256/", StringComparison.Ordinal)).MaxBy(f => new FileInfo(f).Length)!;
        var bytes = File.ReadAllBytes(largest);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(largest, bytes);
        var output = Path.Combine(_out, "corrupt.ferry");
        var e = await Assert.ThrowsAsync<BundleException>(() => BundleBuilder.BuildAsync(Options(product.ExampleSpec, output,
            new() { ["IMAGE_SOURCE"] = $"{product.Registry.Address}/acme" })));
        var hex = Path.GetFileName(Path.GetDirectoryName(largest)!);
        Assert.Contains($"sha256:{hex}", e.Message, StringComparison.Ordinal);
        Assert.Contains("the registry's content is corrupt", e.Message, StringComparison.Ordinal);
        Assert.Matches($@"^image {Regex.Escape(product.Registry.Address)}/acme/[a-z-]+:[0-9.]+ \(used by ", e.Message);
        Assert.Empty(Directory.GetFiles(_out));
    }

    [SkippableFact]
    public async Task Build_MissingCharts_SayWhichAppAndSource()
    {
        using var product = new ProductSources();
        var spec = File.ReadAllText(product.SpecPath);
        var cases = new (string From, string To, string Expect)[]
        {
            ("name: worker, version: 1.4.2", "name: worker, version: 9.9.9", "not version 9.9.9 (available: 1.4.2, 1.3.0)"),
            ("name: worker, version: 1.4.2", "name: nothing, version: 1.4.2", "no chart named nothing"),
            ("ref: v2.3.0", "ref: v9.9.9", "git fetch"),
            ("charts/gateway\", version: 0.9.0", "charts/nothing\", version: 0.9.0", "app gateway"),
        };
        foreach (var (from, to, expect) in cases)
        {
            Assert.Contains(from, spec, StringComparison.Ordinal);
            File.WriteAllText(product.SpecPath, spec.Replace(from, to, StringComparison.Ordinal));
            var e = await Assert.ThrowsAsync<BundleException>(() => BundleBuilder.BuildAsync(Options(product.SpecPath, Path.Combine(_out, "x.ferry"))));
            Assert.Contains(expect, e.Message, StringComparison.Ordinal);
        }
    }

    private static List<string> Entries(string bundle)
    {
        using var fs = File.OpenRead(bundle);
        using var tar = new TarReader(fs);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } e)
        {
            names.Add(e.Name);
        }
        return names;
    }

    /// <summary>Copies the archive, flipping one byte in the middle of one file's content.</summary>
    private static void FlipByte(string from, string to, string target)
    {
        using var input = File.OpenRead(from);
        using var reader = new TarReader(input);
        using var output = File.Create(to);
        using var writer = new TarWriter(output, TarEntryFormat.Ustar);
        while (reader.GetNextEntry() is { } e)
        {
            var data = new MemoryStream();
            e.DataStream?.CopyTo(data);
            var bytes = data.ToArray();
            if (e.Name == target)
            {
                bytes[bytes.Length / 2] ^= 0x01;
            }
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, e.Name) { DataStream = new MemoryStream(bytes), ModificationTime = e.ModificationTime });
        }
    }
}
