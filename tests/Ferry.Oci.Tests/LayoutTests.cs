namespace Ferry.Oci.Tests;

public sealed class LayoutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-layout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LayersAreStoredOnceAcrossImages()
    {
        var layout = OciLayout.Open(_dir, create: true);
        var shared = TestImages.Layer(layout, 10_000, 1);
        TestImages.Image(layout, "a:1", [shared, TestImages.Layer(layout, 100, 2)]);
        TestImages.Image(layout, "b:1", [shared, TestImages.Layer(layout, 100, 3)]);
        Assert.Equal(2, layout.Manifests().Count);
        // 3 layers + 2 configs + 2 manifests
        Assert.Equal(7, Directory.GetFiles(Path.Combine(_dir, "blobs", "sha256")).Length);
        Assert.Empty(layout.Verify());
    }

    [Fact]
    public void PartialDownloadsOfAKilledPull_AreReported_ThenRemoved_ButNotOnesInProgress()
    {
        var layout = OciLayout.Open(_dir, create: true);
        TestImages.Image(layout, "a:1", [TestImages.Layer(layout, 100, 1)]);
        var tmp = Directory.CreateDirectory(Path.Combine(_dir, "blobs", ".tmp")).FullName;
        File.WriteAllBytes(Path.Combine(tmp, "abandoned"), new byte[1000]);
        var inProgress = Path.Combine(tmp, "downloading");
        using (var held = new FileStream(inProgress, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Assert.Contains("1 partial download(s) left in blobs/.tmp", Assert.Single(OciLayout.Open(_dir).Verify()), StringComparison.Ordinal);
            var next = OciLayout.Open(_dir).NewTempFile();
            Assert.False(File.Exists(Path.Combine(tmp, "abandoned")));
            Assert.True(File.Exists(inProgress));
            Assert.StartsWith(tmp, next, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RetaggingReplacesTheIndexEntry()
    {
        var layout = OciLayout.Open(_dir, create: true);
        var first = TestImages.Image(layout, "app", [TestImages.Layer(layout, 100, 1)]);
        var second = TestImages.Image(layout, "app", [TestImages.Layer(layout, 100, 2)]);
        var entry = Assert.Single(layout.Manifests());
        Assert.Equal(second.Digest, entry.Digest);
        Assert.NotEqual(first.Digest, entry.Digest);
    }

    [Fact]
    public void TaggingManyAtOnce_WritesWhatTaggingEachWould_AndOthersSeeTheChange()
    {
        var one = OciLayout.Open(Path.Combine(_dir, "one"), create: true);
        var many = OciLayout.Open(Path.Combine(_dir, "many"), create: true);
        var tags = new List<(Descriptor, string)>();
        foreach (var (layout, seed) in new[] { (one, 1), (many, 1) })
        {
            var a = TestImages.Image(layout, "a:1", [TestImages.Layer(layout, 100, seed)]);
            var b = TestImages.Image(layout, "b:1", [TestImages.Layer(layout, 100, seed + 1)]);
            if (layout == one)
            {
                // the same tags one by one: a retag of a:1 replaces its entry and moves it last
                one.Tag(b, "c:1");
                one.Tag(a, "a:1");
            }
            else
            {
                tags.AddRange([(b, "c:1"), (a, "a:1")]);
            }
        }
        many.Tag(tags);
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "one", "index.json")), File.ReadAllText(Path.Combine(_dir, "many", "index.json")));
        Assert.Equal(["b:1", "c:1", "a:1"], many.Manifests().Select(OciLayout.RefName));

        // another handle on the same folder tags an image: this one's (cached) index sees it at once
        var before = many.Manifests();
        OciLayout.Open(Path.Combine(_dir, "many")).Tag(before[0], "d:1");
        Assert.Equal(["b:1", "c:1", "a:1", "d:1"], many.Manifests().Select(OciLayout.RefName));
        Assert.Equal(before[0].Digest, many.Resolve("d:1").Digest);
        many.Manifests().Clear(); // each call is a list of its own
        Assert.Equal(4, many.Manifests().Count);
    }

    [Fact]
    public void CorruptBlobIsDetectedAndNamed()
    {
        var layout = OciLayout.Open(_dir, create: true);
        var layer = TestImages.Layer(layout, 1000, 7);
        TestImages.Image(layout, "x", [layer]);
        File.WriteAllText(layout.BlobPath(layer.Layer.Digest), "tampered");
        var problem = Assert.Single(layout.Verify());
        Assert.Contains(layer.Layer.Digest.ToString(), problem, StringComparison.Ordinal);
        Assert.Contains("corrupt", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageCollectionRemovesOnlyUnreferencedBlobs()
    {
        var layout = OciLayout.Open(_dir, create: true);
        TestImages.Image(layout, "keep", [TestImages.Layer(layout, 100, 1)]);
        var orphan = layout.WriteBlob([1, 2, 3], "application/octet-stream");
        Assert.Equal(1, layout.GarbageCollect());
        Assert.False(layout.Exists(orphan.Digest));
        Assert.Empty(layout.Verify());
    }

    [Fact]
    public void OpeningANonLayoutSaysHowToCreateOne()
    {
        var e = Assert.Throws<OciException>(() => OciLayout.Open(Path.Combine(_dir, "nope")));
        Assert.Contains("not an OCI image layout", e.Message, StringComparison.Ordinal);
    }
}
