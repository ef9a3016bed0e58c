using System.Text.Json;
using Ferry.Oci;

namespace Ferry.Bundles.Tests;

/// <summary>Delta bundles: a site inventory (or a previous bundle) leaves out the blobs the site already has.</summary>
public sealed class DeltaBundleTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ferry-delta-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static BundleBuildOptions Options(ProductSources p, string output, string? since = null) => new()
    {
        SpecPath = p.ExampleSpec,
        Output = output,
        Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
        EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{p.Registry.Address}/acme" },
        Since = since,
    };

    private static SortedSet<string> Blobs(string bundle) =>
        new(BundleReader.ListFiles(bundle).Where(f => f.StartsWith("images/blobs/sha256/", StringComparison.Ordinal)).Select(f => "sha256:" + f[20..]), StringComparer.Ordinal);

    private static List<string> Requires(string bundle)
    {
        using var doc = ManifestFile.Read(bundle);
        return doc.RootElement.GetProperty("delta").GetProperty("requires").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    [SkippableFact]
    public async Task Delta_SinceInventory_HoldsExactlyTheNewBlobs()
    {
        using var product = new ProductSources();
        var full = Path.Combine(_out, "full.ferry");
        await BundleBuilder.BuildAsync(Options(product, full));

        // the site already has two of the five images
        using var site = Oci.Tests.Registry.Start();
        var seed = OciLayout.Open(Path.Combine(product.Dir, "seed"));
        using var client = new RegistryClient(new RegistryOptions { Insecure = true });
        var copier = new ImageCopier(client);
        var siteManifests = new List<Digest>();
        foreach (var name in new[] { "acme/shop:2.3.0", "acme/busybox:1.36" })
        {
            siteManifests.Add((await copier.PushAsync(seed, seed.Resolve(name), ImageReference.Parse($"{site.Address}/{name}"))).ManifestDigest);
        }
        var inventory = await SiteInventory.TakeAsync(client, site.Address);
        Assert.Equal(siteManifests.Select(d => d.Value).Order(), inventory.Manifests.Order());
        Assert.Equal(1 + 2 + 2, inventory.Blobs.Count); // shared base + own layer + config, per image
        var inventoryFile = Path.Combine(_out, "site.json");
        File.WriteAllText(inventoryFile, inventory.ToJson());

        var delta = Path.Combine(_out, "delta.ferry");
        await BundleBuilder.BuildAsync(Options(product, delta, inventoryFile));
        Assert.Empty(BundleReader.Verify(delta));
        var fullBlobs = Blobs(full);
        var manifests = product.ImageDigests.Values.Select(d => d.Value).ToHashSet();
        var expected = fullBlobs.Where(b => !inventory.Blobs.Contains(b)).ToList();
        Assert.Equal(expected, Blobs(delta));
        Assert.Equal(inventory.Blobs.Order(StringComparer.Ordinal), Requires(delta));
        Assert.All(manifests, m => Assert.Contains(m, Blobs(delta)));
        Assert.True(new FileInfo(delta).Length < new FileInfo(full).Length);
        Assert.Contains("requires 5 blobs", BundleReader.Inspect(delta), StringComparison.Ordinal);

        // the site it was made for has everything it requires; an empty site lacks all of it
        Assert.Empty(BundleReader.MissingOnSite(delta, SiteInventory.Load(inventoryFile)));
        using var empty = Oci.Tests.Registry.Start();
        var emptyInventory = await SiteInventory.TakeAsync(client, empty.Address);
        Assert.Equal(Requires(delta), BundleReader.MissingOnSite(delta, emptyInventory));
        Assert.Empty(BundleReader.MissingOnSite(full, emptyInventory));
    }

    [SkippableFact]
    public async Task Delta_SincePreviousBundle_CarriesOnlyManifests()
    {
        using var product = new ProductSources();
        var full = Path.Combine(_out, "full.ferry");
        await BundleBuilder.BuildAsync(Options(product, full));
        var delta = Path.Combine(_out, "delta.ferry");
        await BundleBuilder.BuildAsync(Options(product, delta, full));
        var manifests = product.ImageDigests.Values.Select(d => d.Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(manifests, Blobs(delta));
        Assert.Equal(Blobs(full).Except(manifests), Requires(delta));
    }

    [Fact]
    public void Inventory_NotAnInventory_SaysHowToMakeOne()
    {
        var path = Path.Combine(_out, "x.json");
        File.WriteAllText(path, "{\"kind\":\"Other\"}");
        var e = Assert.Throws<BundleException>(() => SiteInventory.Load(path));
        Assert.Contains("ferry inventory", e.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{\n  \"kind\": ");
        e = Assert.Throws<BundleException>(() => SiteInventory.Load(path));
        Assert.Contains($"{path}:2:", e.Message, StringComparison.Ordinal);
    }
}
