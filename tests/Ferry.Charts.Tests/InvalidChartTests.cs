using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Ferry.Charts.Tests;

/// <summary>Bad chart input is refused with an error that names the file (and line) and nothing is rendered.</summary>
public sealed class InvalidChartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-chart-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteChart(string name, Dictionary<string, string> files)
    {
        var root = Path.Combine(_dir, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        return root;
    }

    private static HelmTemplateResult Render(string chart) => HelmTemplate.Run(chart, new HelmTemplateOptions());

    [Fact]
    public void ChartYamlSyntaxError_NamesFileLineAndColumn()
    {
        var chart = WriteChart("bad-yaml", new() { ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: [1.0\n" });
        var r = Render(chart);
        Assert.False(r.Succeeded);
        Assert.Matches(@"bad-yaml/Chart\.yaml:4:\d+: ", r.Error);
    }

    [Theory]
    [InlineData("generated: \"2025-01-01\"\n", "Chart.lock: generated: \"2025-01-01\" is not an RFC 3339 time")]
    [InlineData("generated: 2025-02-30T05:06:07Z\n", "Chart.lock: generated: \"2025-02-30T05:06:07Z\" is not an RFC 3339 time")]
    [InlineData("generated: 12\n", "Chart.lock: field generated must be a time.Time")]
    [InlineData("dependencies: {name: x}\n", "Chart.lock: field dependencies must be a []*chart.Dependency (json: cannot unmarshal object into Go struct field Lock.dependencies")]
    [InlineData("- a\n", "Chart.lock: expected a YAML mapping for Lock")]
    [InlineData("digest: [\n", "Chart.lock:2:1: ")]
    [InlineData("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ndependencies: [*h]\n",
        "Chart.lock: document contains excessive aliasing")] // an alias bomb: refused at go-yaml's limit, as helm refuses it
    public void DamagedChartLock_IsRefusedAsHelmRefusesIt_NamingTheFile(string lockText, string expected)
    {
        var chart = WriteChart("bad-lock", new()
        {
            ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: 1.0.0\n",
            ["Chart.lock"] = lockText,
            ["templates/cm.yaml"] = "kind: ConfigMap\n",
        });
        var r = Render(chart);
        Assert.False(r.Succeeded);
        Assert.Contains("bad-lock/" + expected, r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-03-04T05:06:07Z", "2025-03-04T05:06:07Z")]
    [InlineData("2025-03-04T05:06:07.120000+00:00", "2025-03-04T05:06:07.12Z")]
    [InlineData("2025-03-04T05:06:07.000-00:00", "2025-03-04T05:06:07Z")]
    [InlineData("2025-03-04T05:06:07,5+02:00", "2025-03-04T05:06:07.5+02:00")]
    [InlineData("2025-03-04T05:06:07.1234567891234Z", "2025-03-04T05:06:07.123456789Z")]
    [InlineData("2025-03-04t05:06:07Z", null)]
    [InlineData("2025-03-04T24:06:07Z", null)]
    [InlineData("2025-03-04T05:06:07+24:00", null)]
    [InlineData("2025-03-04 05:06:07Z", null)]
    public void LockTime_IsWrittenAsGoWritesATime(string text, string? expected) => Assert.Equal(expected, ChartLock.GoTime(text));

    [Fact]
    public void InvalidChartType_NamesTheLineOfTheKey()
    {
        var chart = WriteChart("bad-type", new() { ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: 1.0.0\ntype: service\n" });
        var r = Render(chart);
        Assert.EndsWith("bad-type/Chart.yaml:4: validation: chart.metadata.type must be application or library", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidVersion_IsRejected()
    {
        var chart = WriteChart("bad-version", new() { ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: one\n" });
        Assert.Contains("bad-version/Chart.yaml:3: validation: chart.metadata.version \"one\" is invalid", Render(chart).Error, StringComparison.Ordinal);
    }

    /// <summary>As helm template/install: a dependency Chart.yaml declares must be in charts/ (helm 4.1.4's words).</summary>
    [Fact]
    public void DependencyMissingFromCharts_IsRefusedAsHelmRefusesIt()
    {
        var chart = WriteChart("deps", new()
        {
            ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - name: gone\n    version: 1.0.0\n    repository: https://charts.example.com\n  - name: db\n    version: 1.0.0\n    condition: db.enabled\n",
            ["templates/cm.yaml"] = "a: 1\n",
        });
        Assert.Equal("an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: gone, db", Render(chart).Error);
    }

    [Fact]
    public void MissingChartYaml_SaysWhatIsNeeded()
    {
        var chart = WriteChart("no-chart", new() { ["values.yaml"] = "a: 1\n" });
        Assert.Contains("Chart.yaml file is missing", Render(chart).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesYamlSyntaxError_NamesTheFile()
    {
        var chart = WriteChart("bad-values", new() { ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: 1.0.0\n", ["values.yaml"] = "a: [1,\n" });
        Assert.Matches(@"bad-values/values\.yaml:\d+:\d+: ", Render(chart).Error);
    }

    [Fact]
    public void TemplateParseError_NamesTemplateAndLine()
    {
        var chart = WriteChart("bad-template", new()
        {
            ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: 1.0.0\n",
            ["templates/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ nosuch .Values }}\n",
        });
        Assert.Equal("parse error at (x/templates/cm.yaml:4): function \"nosuch\" not defined", Render(chart).Error);
    }

    [Fact]
    public void RenderedInvalidYaml_NamesTheTemplate()
    {
        var chart = WriteChart("bad-output", new()
        {
            ["Chart.yaml"] = "apiVersion: v2\nname: x\nversion: 1.0.0\n",
            ["templates/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [unclosed\n",
        });
        Assert.StartsWith("YAML parse error on x/templates/cm.yaml:", Render(chart).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchiveWithPathTraversal_IsRefused()
    {
        var tgz = Path.Combine(_dir, "evil.tgz");
        using (var fs = File.Create(tgz))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz))
        {
            void Add(string name, string text)
            {
                var e = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
                tar.WriteEntry(e);
            }
            Add("evil/Chart.yaml", "apiVersion: v2\nname: evil\nversion: 1.0.0\n");
            Add("evil/../../etc/passwd", "root:x:0:0\n");
        }
        var r = Render(tgz);
        Assert.False(r.Succeeded);
        Assert.Contains("escapes the chart", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchiveWithLink_IsRefused()
    {
        var tgz = Path.Combine(_dir, "link.tgz");
        using (var fs = File.Create(tgz))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "l/Chart.yaml") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("apiVersion: v2\nname: l\nversion: 1.0.0\n")) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "l/templates/x.yaml") { LinkName = "/etc/passwd" });
        }
        Assert.Contains("is a link", Render(tgz).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SymlinkOutOfChartDirectory_IsRefused()
    {
        var chart = WriteChart("linked", new() { ["Chart.yaml"] = "apiVersion: v2\nname: linked\nversion: 1.0.0\n" });
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.CreateSymbolicLink(Path.Combine(chart, "templates", "secret.yaml"), "/etc/hostname");
        Assert.Contains("symbolic link points outside the chart", Render(chart).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FileOverHelmsSizeLimit_IsRefusedAsHelmRefusesIt()
    {
        var chart = WriteChart("big", new() { ["Chart.yaml"] = "apiVersion: v2\nname: big\nversion: 1.0.0\n" });
        Directory.CreateDirectory(Path.Combine(chart, "files"));
        File.WriteAllBytes(Path.Combine(chart, "files", "blob.bin"), new byte[ChartLoader.MaxFileBytes + 1]);
        Assert.Equal("chart file \"files/blob.bin\" is larger than the maximum file size 5242880", Render(chart).Error);
    }

    [Fact]
    public void ArchiveBombs_AreRefusedBeforeTheyAreRead()
    {
        string Archive(string name, int entries, long entrySize)
        {
            var tgz = Path.Combine(_dir, name + ".tgz");
            using var fs = File.Create(tgz);
            using var gz = new GZipStream(fs, CompressionLevel.Fastest);
            using var tar = new TarWriter(gz);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name + "/Chart.yaml") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"apiVersion: v2\nname: {name}\nversion: 1.0.0\n")) });
            for (var i = 0; i < entries; i++)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{name}/files/zero{i}.bin") { DataStream = new MemoryStream(new byte[entrySize]) });
            }
            return tgz;
        }
        // one entry past the per-file limit; and many entries each within it that expand past 100 MiB in total
        Assert.Contains("chart file \"files/zero0.bin\" is larger than the maximum file size 5242880", Render(Archive("fat", 1, ChartLoader.MaxFileBytes + 1)).Error, StringComparison.Ordinal);
        Assert.Contains("archive expands to more than 104857600 bytes", Render(Archive("bomb", 21, ChartLoader.MaxFileBytes)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedSubchartArchives_ShareOneExpansionLimit()
    {
        byte[] Tgz(string name, byte[]? nested)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            using (var tar = new TarWriter(gz))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name + "/Chart.yaml") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"apiVersion: v2\nname: {name}\nversion: 1.0.0\n")) });
                for (var i = 0; i < 19; i++)
                {
                    // 19 × 5 MiB: each archive alone stays under the 100 MiB bound
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{name}/files/zero{i}.bin") { DataStream = new MemoryStream(new byte[ChartLoader.MaxFileBytes]) });
                }
                if (nested is not null)
                {
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{name}/charts/inner-1.0.0.tgz") { DataStream = new MemoryStream(nested) });
                }
            }
            return ms.ToArray();
        }
        var outer = Path.Combine(_dir, "outer.tgz");
        File.WriteAllBytes(outer, Tgz("outer", Tgz("inner", null)));
        Assert.Contains("archive expands to more than 104857600 bytes (counting the subchart archives inside it)", Render(outer).Error, StringComparison.Ordinal);
        File.WriteAllBytes(outer, Tgz("outer", null));
        Assert.True(Render(outer).Succeeded);
    }

    [Fact]
    public void ArchiveChart_LoadsLikeADirectory()
    {
        var tgz = Path.Combine(_dir, "ok.tgz");
        using (var fs = File.Create(tgz))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "ok/Chart.yaml") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("apiVersion: v2\nname: ok\nversion: 1.0.0\n")) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "ok/templates/cm.yaml") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n")) });
        }
        var r = Render(tgz);
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal("---\n# Source: ok/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n", r.Output);
    }

    [Fact]
    public void KubeVersionConstraint_IsChecked()
    {
        var chart = WriteChart("kube", new() { ["Chart.yaml"] = "apiVersion: v2\nname: kube\nversion: 1.0.0\nkubeVersion: \"<1.30.0\"\n" });
        // helm's default Kubernetes version is its client's (helm 4.1.4: v1.35.0)
        var failed = Render(chart);
        Assert.Equal("chart requires kubeVersion: <1.30.0 which is incompatible with Kubernetes v1.35.0", failed.Error);
        Assert.True(failed.FailedWhileRendering);
        var ok = HelmTemplate.Run(chart, new HelmTemplateOptions { KubeVersion = "v1.29.2" });
        Assert.True(ok.Succeeded, ok.Error);
    }
}
