using Ferry.Oci;

namespace Ferry.Bundles.Tests;

/// <summary>zstd-compressed and split bundles: same content, every command reads them.</summary>
public sealed class StorageTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ferry-storage-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static BundleBuildOptions Options(ProductSources p, string output, BundleStorage storage) => new()
    {
        SpecPath = p.ExampleSpec,
        Output = output,
        Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
        EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{p.Registry.Address}/acme" },
        Storage = storage,
    };

    private static byte[] Tar(string bundle)
    {
        using var s = BundleFile.OpenRead(bundle);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    [SkippableFact]
    public async Task SplitAndZstd_HoldTheSameArchiveAndVerify()
    {
        using var product = new ProductSources();
        var plain = Path.Combine(_out, "plain.ferry");
        await BundleBuilder.BuildAsync(Options(product, plain, new BundleStorage(false, null)));
        var plainBytes = File.ReadAllBytes(plain);

        var split = Path.Combine(_out, "split.ferry");
        var result = await BundleBuilder.BuildAsync(Options(product, split, new BundleStorage(false, 64 * 1024)));
        Assert.False(File.Exists(split));
        var parts = BundleFile.Parts(split);
        Assert.Equal((plainBytes.Length + (64 * 1024) - 1) / (64 * 1024), parts.Count);
        Assert.All(parts.SkipLast(1), p => Assert.Equal(64 * 1024, new FileInfo(p).Length));
        Assert.Equal(plainBytes, parts.SelectMany(File.ReadAllBytes).ToArray());
        Assert.Equal(plainBytes.Length, result.Bytes);
        Assert.Empty(BundleReader.Verify(split));
        Assert.Empty(BundleReader.Verify(split + ".001"));
        Assert.Contains("acme-suite", BundleReader.Inspect(split + ".001"), StringComparison.Ordinal);

        // A split bundle is read in place like a plain one: nothing of the image blobs is copied out, and blobs that
        // cross from one part into the next read back whole (every digest checked).
        using (var opened = OpenedBundle.Open(split, publicKey: null))
        {
            Assert.False(Directory.Exists(Path.Combine(opened.Work, "images", "blobs")));
            var layout = opened.OpenImages()!;
            var blobs = layout.Manifests().SelectMany(m => ManifestReader.Children(layout.ReadBlob(m.Digest), m.MediaType)).DistinctBy(b => b.Digest).ToList();
            Assert.Contains(blobs, b => b.Size > 64 * 1024); // larger than a part: spans two or more
            foreach (var blob in blobs)
            {
                using var stream = layout.OpenBlob(blob.Digest);
                Assert.Equal(blob.Size, stream.Length);
                Assert.Equal(blob.Digest, Digest.FromHash(System.Security.Cryptography.SHA256.HashData(stream)));
            }
        }

        // a missing part is named by verify
        File.Move(parts[^1], parts[^1] + ".away");
        Assert.NotEmpty(BundleReader.Verify(split));
        File.Move(parts[^1] + ".away", parts[^1]);
        // so is a gap (a later part there, one before it missing), and a part cut short
        Assert.True(parts.Count >= 3);
        File.Move(parts[1], parts[1] + ".away");
        var gap = Assert.Throws<BundleException>(() => BundleReader.Verify(split));
        Assert.Equal($"{parts[1]} is missing, but {parts[2]} is there: copy every part of the bundle", gap.Message);
        File.Move(parts[1] + ".away", parts[1]);
        var whole = File.ReadAllBytes(parts[1]);
        File.WriteAllBytes(parts[1], whole[..^100]);
        var cut = Assert.Throws<BundleException>(() => BundleReader.Verify(split));
        Assert.StartsWith($"{parts[1]} is {whole.Length - 100} bytes where the parts before it are {whole.Length}", cut.Message, StringComparison.Ordinal);
        File.WriteAllBytes(parts[1], whole);
        Assert.Empty(BundleReader.Verify(split));

        var zstd = Path.Combine(_out, "z.ferry");
        await BundleBuilder.BuildAsync(Options(product, zstd, new BundleStorage(true, null)));
        Assert.True(BundleFile.Storage(zstd).Zstd);
        Assert.Equal(plainBytes, Tar(zstd));
        Assert.Empty(BundleReader.Verify(zstd));
        var zstd2 = Path.Combine(_out, "z2.ferry");
        await BundleBuilder.BuildAsync(Options(product, zstd2, new BundleStorage(true, null)));
        Assert.Equal(File.ReadAllBytes(zstd), File.ReadAllBytes(zstd2));

        var both = Path.Combine(_out, "both.ferry");
        await BundleBuilder.BuildAsync(Options(product, both, new BundleStorage(true, 32 * 1024)));
        Assert.True(BundleFile.Parts(both).Count > 1);
        Assert.Equal(plainBytes, Tar(both));

        // signing keeps the storage form; a previous split bundle works as --since
        BundleSigner.GenerateKey(Path.Combine(_out, "k.pem"), Path.Combine(_out, "k.pub.pem"));
        BundleSigner.SignBundle(both, Path.Combine(_out, "k.pem"));
        Assert.True(BundleFile.Storage(both).Zstd);
        Assert.True(BundleFile.Parts(both).Count > 1);
        Assert.Empty(BundleReader.Verify(both, Path.Combine(_out, "k.pub.pem")));
        Assert.Equal(SiteInventory.Load(plain).Blobs.Order(), SiteInventory.Load(both).Blobs.Order());
    }

    [Theory]
    [InlineData("4GiB", 4L << 30)]
    [InlineData("700MB", 700L << 20)]
    [InlineData("2g", 2L << 30)]
    [InlineData("1048576", 1L << 20)]
    public void ParseSize_BinaryUnits(string text, long expected) => Assert.Equal(expected, BundleFile.ParseSize(text));

    [Theory]
    [InlineData("4XB")]
    [InlineData("12")]
    [InlineData("-1G")]
    public void ParseSize_Rejects(string text) => Assert.Throws<BundleException>(() => BundleFile.ParseSize(text));
}
