using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.Charts.Tests;
using Ferry.Kube;

namespace Ferry.Bundles.Tests;

/// <summary>
/// Bundles whose checksums are consistent (unsigned, so verification passes) but whose manifest points outside the
/// bundle, at another chart, or is not a manifest: opening them must refuse, name the problem, and never read (or
/// print) the outside file.
/// </summary>
public sealed class HostileBundleTests : IDisposable
{
    private const string Secret = "TOPSECRET-do-not-read";
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-hostile-").FullName;

    public HostileBundleTests()
    {
        File.WriteAllText(Path.Combine(_dir, "outside.yaml"), $"password: {Secret}\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> BuildAsync()
    {
        var spec = Path.Combine(_dir, "ferry.yaml");
        File.WriteAllText(spec, $"""
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: {"{"} name: edge, version: 1.0.0 {"}"}
            apps:
              - name: gateway
                chart: {"{"} path: "{TestPaths.Chart("gateway")}" {"}"}
            """);
        var bundle = Path.Combine(_dir, "edge.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = spec, Output = bundle });
        return bundle;
    }

    /// <summary>Every entry of a plain bundle archive, in order.</summary>
    private static List<(string Name, byte[] Data)> ReadEntries(string bundle)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using var fs = File.OpenRead(bundle);
        using var tar = new TarReader(fs);
        while (tar.GetNextEntry() is { } e)
        {
            using var ms = new MemoryStream();
            e.DataStream?.CopyTo(ms);
            entries.Add((e.Name, ms.ToArray()));
        }
        return entries;
    }

    /// <summary>Writes entries as a plain bundle archive, as given (no checksum recomputed).</summary>
    private static void WriteEntries(string bundle, IEnumerable<(string Name, byte[] Data)> entries)
    {
        using var output = File.Create(bundle);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        foreach (var (name, data) in entries)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
    }

    /// <summary>Rewrites a bundle: entries changed by <paramref name="change"/>, SHA256SUMS recomputed so it stays consistent.</summary>
    internal static void Repack(string bundle, Action<Dictionary<string, byte[]>> change)
    {
        var entries = ReadEntries(bundle).ToDictionary(e => e.Name, e => e.Data, StringComparer.Ordinal);
        change(entries);
        var sums = new StringBuilder();
        foreach (var (name, data) in entries.Where(kv => kv.Key != "SHA256SUMS"))
        {
            sums.Append(Convert.ToHexStringLower(SHA256.HashData(data))).Append("  ").Append(name).Append('\n');
        }
        entries["SHA256SUMS"] = Encoding.UTF8.GetBytes(sums.ToString());
        WriteEntries(bundle, new[] { "SHA256SUMS" }.Concat(entries.Keys.Where(k => k != "SHA256SUMS")).Select(k => (k, entries[k])));
    }

    private static void EditManifest(Dictionary<string, byte[]> entries, Action<JsonObject> edit)
    {
        var manifest = JsonNode.Parse(entries["ferry-bundle.json"])!.AsObject();
        edit(manifest);
        entries["ferry-bundle.json"] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    private static JsonObject App(JsonObject manifest) => manifest["apps"]![0]!.AsObject();

    private static string Refused(string bundle)
    {
        Assert.Empty(BundleReader.Verify(bundle)); // the checksums are consistent: only the manifest is hostile
        var e = Assert.Throws<BundleException>(() => OpenedBundle.Open(bundle, null).Dispose());
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
        return e.Message;
    }

    [Fact]
    public async Task WorkFoldersAKilledFerryLeft_AreRemovedByTheNextRun_ButNotOnesInUse()
    {
        var tmp = Path.GetTempPath();
        var abandoned = Directory.CreateDirectory(Path.Combine(tmp, $"ferry-bundle-killed{Guid.NewGuid():N}")).FullName;
        File.WriteAllText(Path.Combine(abandoned, "x"), "left behind");
        File.WriteAllText(abandoned + ".lock", "");
        var inUse = Directory.CreateDirectory(Path.Combine(tmp, $"ferry-bundle-running{Guid.NewGuid():N}")).FullName;
        try
        {
            using (new FileStream(inUse + ".lock", FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                var bundle = await BuildAsync();
                Assert.False(Directory.Exists(abandoned));
                Assert.False(File.Exists(abandoned + ".lock"));
                Assert.True(Directory.Exists(inUse));
                using (OpenedBundle.Open(bundle, null))
                {
                    Assert.True(Directory.Exists(inUse));
                }
            }
        }
        finally
        {
            Directory.Delete(inUse, recursive: true);
            File.Delete(inUse + ".lock");
        }
    }

    [Fact]
    public async Task DuplicateEntriesAndHugeNames_AreVerificationProblems()
    {
        var bundle = await BuildAsync();
        var entries = ReadEntries(bundle);
        var yaml = entries.First(e => e.Name == "ferry.yaml");
        WriteEntries(bundle, [.. entries, (yaml.Name, "apiVersion: evil\n"u8.ToArray())]);
        Assert.Contains(BundleReader.Verify(bundle), p => p.Contains("ferry.yaml: appears twice in the archive", StringComparison.Ordinal));

        WriteEntries(bundle, [.. entries, (new string('a', 5000), [1])]);
        Assert.Contains(BundleReader.Verify(bundle), p => p.Contains("an entry name of 5000 characters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValuesPathOutsideTheBundle_IsRefused()
    {
        var bundle = await BuildAsync();
        Repack(bundle, entries => EditManifest(entries, m => App(m)["values"] = Path.Combine(_dir, "outside.yaml")));
        Assert.Contains("which is not a file of the bundle", Refused(bundle), StringComparison.Ordinal);

        Repack(bundle, entries => EditManifest(entries, m => App(m)["values"] = "../" + Path.GetFileName(_dir) + "/outside.yaml"));
        var message = Refused(bundle);
        Assert.Contains("values template of app gateway", message, StringComparison.Ordinal);
        Assert.Contains("get a fresh copy from the vendor", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartPathOutsideTheBundle_IsRefused()
    {
        var bundle = await BuildAsync();
        var outsideChart = Path.Combine(_dir, "other.tgz");
        Repack(bundle, entries =>
        {
            File.WriteAllBytes(outsideChart, entries[JsonNode.Parse(entries["ferry-bundle.json"])!["apps"]![0]!["chart"]!["file"]!.GetValue<string>()]);
            EditManifest(entries, m => App(m)["chart"]!["file"] = outsideChart);
        });
        Assert.Contains("the chart of app gateway", Refused(bundle), StringComparison.Ordinal);

        Repack(bundle, entries => EditManifest(entries, m => App(m)["chart"]!["file"] = "charts/./gateway.tgz"));
        Assert.Contains("not a file of the bundle", Refused(bundle), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartThatIsNotTheRecordedOne_IsRefused()
    {
        var bundle = await BuildAsync();
        // another chart's bytes under the same name, the checksum list updated, the manifest's digest left alone
        Repack(bundle, entries =>
        {
            var file = JsonNode.Parse(entries["ferry-bundle.json"])!["apps"]![0]!["chart"]!["file"]!.GetValue<string>();
            entries[file] = [.. entries[file], 0];
        });
        Assert.Contains("is not the chart the bundle was built with", Refused(bundle), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartThatIsNotAChart_IsARenderErrorNamingTheAppAndTheBundlesFile()
    {
        var bundle = await BuildAsync();
        string file = "";
        // every record consistent (checksum list and the manifest's digest), only the chart's bytes are not an archive
        Repack(bundle, entries =>
        {
            file = JsonNode.Parse(entries["ferry-bundle.json"])!["apps"]![0]!["chart"]!["file"]!.GetValue<string>();
            entries[file] = "not a chart"u8.ToArray();
            EditManifest(entries, m => App(m)["chart"]!["digest"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(entries[file])));
        });
        using var opened = OpenedBundle.Open(bundle, null);
        var e = Assert.Throws<BundleException>(() =>
            AppRenderer.Render(opened, opened.Spec.Apps[0], new SiteEnv(new Dictionary<string, string>(), new HashSet<string>()), "site.local:5000"));
        Assert.StartsWith("app gateway: rendering its chart with the site env failed: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{bundle}: {file}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(opened.Work, e.Message, StringComparison.Ordinal); // no temporary folder a user cannot find
    }

    [Fact]
    public async Task ManifestThatIsNotOne_IsAClearError()
    {
        var bundle = await BuildAsync();
        Repack(bundle, entries => entries["ferry-bundle.json"] = "{ not json"u8.ToArray());
        Assert.Contains("ferry-bundle.json is not valid JSON", Refused(bundle), StringComparison.Ordinal);

        Repack(bundle, entries => entries["ferry-bundle.json"] = """{"apps": 3}"""u8.ToArray());
        Assert.Contains("has no apps list", Refused(bundle), StringComparison.Ordinal);

        Repack(bundle, entries => entries["ferry-bundle.json"] = """{"apps": [{"name": "gateway", "chart": {"file": 1}}]}"""u8.ToArray());
        Assert.Contains("app gateway chart has no file", Refused(bundle), StringComparison.Ordinal);

        // each place named: the app by its name, else its index; a list that is not one; a missing object
        foreach (var (manifest, expected) in new[]
        {
            ("""{"apps": [{"name": "gateway", "chart": {"file": "x", "digest": 5}}]}""", "app gateway chart has no digest"),
            ("""{"apps": [{"name": "gateway", "chart": {"file": "x"}}]}""", "app gateway chart has no digest"),
            ("""{"apps": [{"chart": {}}]}""", "apps[0] has no name"),
            ("""{"apps": [{"name": "gateway"}]}""", "app gateway has no chart"),
            ("""{"apps": [], "images": 7}""", "the manifest has no images list"),
            ("""{"apps": [], "images": [{"ref": "nginx:1", "size": "big"}]}""", "image nginx:1 has no size"),
            ("""[1, 2]""", "is not a JSON object"),
            ("""{}""", "has no apps list"),
        })
        {
            Repack(bundle, entries => entries["ferry-bundle.json"] = Encoding.UTF8.GetBytes(manifest));
            var message = Refused(bundle);
            Assert.Contains($"ferry-bundle.json: {expected}; the bundle is damaged", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheManifestModel_WritesBackTheBytesItRead()
    {
        var bundle = await BuildAsync();
        var bytes = ReadEntries(bundle).Single(e => e.Name == "ferry-bundle.json").Data;
        var manifest = Format.BundleManifestJson.Read(bytes, bundle);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Format.BundleManifestJson.Write(manifest));
        Assert.Equal(Format.BundleManifest.CurrentApiVersion, manifest.ApiVersion);
        Assert.Equal("gateway", Assert.Single(manifest.Apps!).Name);
        Assert.Null(manifest.Delta);
        Assert.DoesNotContain("\"delta\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataAfterTheArchive_AndADamagedHeader_AreReported()
    {
        var bundle = await BuildAsync();
        Assert.Empty(BundleReader.Verify(bundle));
        var bytes = File.ReadAllBytes(bundle);

        var appended = Path.Combine(_dir, "appended.ferry");
        File.WriteAllBytes(appended, [.. bytes, .. "#!/bin/sh\nrm -rf /\n"u8, .. new byte[1000]]);
        var problem = Assert.Single(BundleReader.Verify(appended));
        Assert.Equal($"{appended}: 1019 bytes of data after the end of the archive; the bundle was altered: get a fresh copy from the vendor", problem);

        // the owner field of the second entry's header: no file content changes, the header checksum no longer holds
        var sumsSize = Convert.ToInt64(System.Text.Encoding.ASCII.GetString(bytes, 124, 11), 8);
        var second = 512 + (int)((sumsSize + 511) / 512 * 512);
        var damaged = (byte[])bytes.Clone();
        damaged[second + 108] = (byte)'7';
        var path = Path.Combine(_dir, "header.ferry");
        File.WriteAllBytes(path, damaged);
        Assert.Contains($"{path}: the archive is damaged (the tar header at byte {second} is damaged (checksum", Assert.Single(BundleReader.Verify(path)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedBundles_AreReportedTruncated()
    {
        var bundle = await BuildAsync();
        var bytes = File.ReadAllBytes(bundle);
        var plain = Path.Combine(_dir, "cut.ferry");
        File.WriteAllBytes(plain, bytes[..(bytes.Length * 3 / 5)]);
        Assert.Contains(BundleReader.Verify(plain), p => p.StartsWith($"{plain}: the archive is truncated", StringComparison.Ordinal));

        var zstd = Path.Combine(_dir, "edge.zst.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = Path.Combine(_dir, "ferry.yaml"), Output = zstd, Storage = new BundleStorage(Zstd: true, SplitBytes: null) });
        var compressed = File.ReadAllBytes(zstd);
        var cut = Path.Combine(_dir, "cut.zst.ferry");
        File.WriteAllBytes(cut, compressed[..(compressed.Length / 2)]);
        List<string> problems;
        try
        {
            problems = BundleReader.Verify(cut);
        }
        catch (BundleException e)
        {
            problems = [e.Message];
        }
        Assert.Contains(problems, p => p.Contains("truncated", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("not a Ferry bundle", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACompressedBundleWithAFlippedByte_IsReportedDamaged()
    {
        var spec = Path.Combine(_dir, "ferry.yaml");
        await BuildAsync();
        var bundle = Path.Combine(_dir, "edge.zst.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = spec, Output = bundle, Storage = new BundleStorage(Zstd: true, SplitBytes: null) });
        Assert.Empty(BundleReader.Verify(bundle));
        var bytes = File.ReadAllBytes(bundle);
        var damaged = 0;
        foreach (var at in new[] { bytes.Length / 3, bytes.Length / 2, bytes.Length * 2 / 3 })
        {
            var copy = (byte[])bytes.Clone();
            copy[at] ^= 0x5a;
            var path = Path.Combine(_dir, $"flipped-{at}.ferry");
            File.WriteAllBytes(path, copy);
            List<string> problems;
            try
            {
                problems = BundleReader.Verify(path);
            }
            catch (BundleException e)
            {
                problems = [e.Message];
            }
            Assert.NotEmpty(problems);
            damaged += problems.Count(p => p.Contains("damaged", StringComparison.Ordinal) || p.Contains("checksum mismatch", StringComparison.Ordinal));
        }
        Assert.True(damaged > 0, "each flip is found as damage or a checksum mismatch");
    }

    [Fact]
    public async Task Extraction_ChecksEveryByteAgainstTheChecksums()
    {
        var bundle = await BuildAsync();
        // a file changed after its checksum was written (as if the archive changed between verify and extract)
        Repack(bundle, _ => { });
        var entries = ReadEntries(bundle);
        WriteEntries(bundle, entries.Select(e => (e.Name, e.Name == "ferry.yaml" ? [.. e.Data, (byte)'\n'] : e.Data)));
        var work = Directory.CreateDirectory(Path.Combine(_dir, "x")).FullName;
        var e2 = Assert.Throws<BundleException>(() => BundleReader.Extract(bundle, work));
        Assert.Contains("ferry.yaml does not match its checksum", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extraction_ChecksChartsKeptInMemoryAgainstTheChecksumsToo()
    {
        var bundle = await BuildAsync();
        var entries = ReadEntries(bundle);
        var chart = entries.Single(e => e.Name.StartsWith("charts/", StringComparison.Ordinal)).Name;
        WriteEntries(bundle, entries.Select(e => (e.Name, e.Name == chart ? [.. e.Data, 0] : e.Data)));
        var work = Directory.CreateDirectory(Path.Combine(_dir, "x")).FullName;
        var e2 = Assert.Throws<BundleException>(() => BundleReader.Extract(bundle, work, inMemory: (_, _) => true));
        Assert.Contains($"{chart} does not match its checksum", e2.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(work, chart)), "a chart kept in memory is never written");
    }

    [Fact]
    public async Task OpenedBundle_KeepsChartsInMemory_AndGivesBackTheVerifiedBytes()
    {
        var bundle = await BuildAsync();
        using var opened = OpenedBundle.Open(bundle, null);
        var app = Assert.Single(opened.Apps);
        Assert.False(Directory.Exists(Path.Combine(opened.Work, "charts")), "charts are not extracted to disk");
        var bytes = opened.ReadFile(app.ChartFile, "the chart");
        Assert.Equal(opened.ListedDigest(app.ChartFile), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal("gateway", opened.LoadChart(app).Metadata.Name);
        // the same containment rules as files on disk: a path the bundle does not list is refused
        var e = Assert.Throws<BundleException>(() => opened.ReadFile("charts/../../outside.yaml", "the chart"));
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeepInMemory_TakesChartsAndValuesOnly_EachUnderItsLimit_UntilTheBudgetIsSpent()
    {
        var keep = OpenedBundle.KeepInMemory(fileBytes: 10, budget: 25);
        Assert.False(keep("ferry.yaml", 1));
        Assert.False(keep("cluster/k3s", 1));
        Assert.False(keep("images/blobs/sha256/ab", 1));
        Assert.False(keep("charts/a/big.tgz", 11));
        Assert.True(keep("charts/a/a.tgz", 10));
        Assert.True(keep("values/a.yaml.tmpl", 10));
        Assert.False(keep("charts/b/b.tgz", 6)); // 5 bytes of budget left
        Assert.True(keep("charts/c/c.tgz", 5));
        Assert.False(keep("values/d.yaml.tmpl", 1));
    }
}
