using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Ferry.Kube.Tests;

namespace Ferry.EndToEnd.Tests.HostileInput;

/// <summary>The folder the hostile inputs are made in, with one valid bundle and key pair to damage or misuse.</summary>
public sealed class HostileWorkspace : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("ferry-hostile-").FullName;

    /// <summary>A valid bundle (one chart, no images), built in-process once.</summary>
    public string Bundle { get; private set; } = "";

    public string PrivateKey => Path.Combine(Dir, "vendor.pem");

    public async Task InitializeAsync()
    {
        Bundle = Path.Combine(Dir, "valid.ferry");
        var (code, _, err) = await Site.Ferry("bundle", "build", Spec("valid", App("")), "-o", Bundle);
        Assert.True(code == 0, err);
        (code, _, err) = await Site.Ferry("keygen", "-o", Path.Combine(Dir, "vendor"));
        Assert.True(code == 0, err);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    public string File(string name, byte[] content)
    {
        var path = Path.Combine(Dir, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>An OCI image layout of <paramref name="count"/> small images named docker.io/acme/app-N:1.</summary>
    public string Layout(string name, int count)
    {
        var layout = Ferry.Oci.OciLayout.Open(Path.Combine(Dir, name), create: true);
        for (var i = 1; i <= count; i++)
        {
            Ferry.Oci.Tests.TestImages.Image(layout, $"docker.io/acme/app-{i}:1", [Ferry.Oci.Tests.TestImages.Layer(layout, 200, i)]);
        }
        return layout.Root;
    }

    /// <summary>A folder of files (paths relative to it), for kustomize and manifests apps; returns its name.</summary>
    public string Folder(string name, params (string Path, string Content)[] files)
    {
        foreach (var (file, content) in files)
        {
            var path = Path.Combine(Dir, name, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllText(path, content);
        }
        Directory.CreateDirectory(Path.Combine(Dir, name));
        return name;
    }

    /// <summary>A symbolic link inside folder <paramref name="name"/> to <paramref name="target"/>; returns the folder name.</summary>
    public string FolderWithLink(string name, string link, string target, params (string Path, string Content)[] files)
    {
        Folder(name, files);
        System.IO.File.CreateSymbolicLink(Path.Combine(Dir, name, link), target);
        return name;
    }

    /// <summary>A .tgz of one file of <paramref name="bytes"/> zeros next to a kustomization (an archive bomb).</summary>
    public string KustomizeBomb(string name, long bytes) =>
        TarGz(name, ("k/kustomization.yaml", new MemoryStream("resources: [zeros.yaml]\n"u8.ToArray())), ("k/zeros.yaml", new ZeroStream(bytes)));

    /// <summary>A chart folder: Chart.yaml (null: none), values.yaml and one template.</summary>
    public string Chart(string name, string? chartYaml = "apiVersion: v2\nname: c\nversion: 0.1.0\n", string values = "", string template = "a: 1\n")
    {
        var dir = Directory.CreateDirectory(Path.Combine(Dir, "charts", name)).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "templates"));
        if (chartYaml is not null)
        {
            System.IO.File.WriteAllText(Path.Combine(dir, "Chart.yaml"), chartYaml);
        }
        System.IO.File.WriteAllText(Path.Combine(dir, "values.yaml"), values);
        System.IO.File.WriteAllText(Path.Combine(dir, "templates", "t.yaml"), template);
        return dir;
    }

    /// <summary>A valid chart folder changed by <paramref name="change"/> (links, FIFOs).</summary>
    public string ChartWith(string name, Action<string> change)
    {
        var dir = Chart(name);
        change(dir);
        return dir;
    }

    public string Tgz(string name, params (string Path, string Content)[] entries)
    {
        var path = Path.Combine(Dir, name);
        HostileCases.WriteTarGz(path, entries);
        return path;
    }

    public string TgzWithLink(string name)
    {
        var path = Path.Combine(Dir, name);
        using var fs = System.IO.File.Create(path);
        using var gz = new GZipStream(fs, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "c/Chart.yaml") { DataStream = new MemoryStream("apiVersion: v2\nname: c\nversion: 0.1.0\n"u8.ToArray()) });
        tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "c/templates/passwd.yaml") { LinkName = "/etc/passwd" });
        return path;
    }

    /// <summary>A chart archive holding one file of <paramref name="bytes"/> zeros (a few hundred KiB compressed).</summary>
    public string Bomb(string name, long bytes) =>
        TarGz(name, ("c/Chart.yaml", new MemoryStream("apiVersion: v2\nname: c\nversion: 0.1.0\n"u8.ToArray())), ("c/templates/zeros.yaml", new ZeroStream(bytes)));

    /// <summary>A support bundle (a .tar.gz with support/info.json) one of whose files holds <paramref name="bytes"/> zeros.</summary>
    public string SupportBomb(string name, long bytes) =>
        TarGz(name, ("support/info.json", new MemoryStream("{}"u8.ToArray())), ("support/namespaces/x/pods.json", new ZeroStream(bytes)));

    private string TarGz(string name, params (string Entry, Stream Data)[] entries)
    {
        var path = Path.Combine(Dir, name);
        using var fs = System.IO.File.Create(path);
        using var gz = new GZipStream(fs, CompressionLevel.SmallestSize);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (entry, data) in entries)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry) { DataStream = data });
        }
        return path;
    }

    /// <summary>An uncompressed tar whose one entry holds <paramref name="bytes"/> zeros.</summary>
    public string TarOfZeros(string name, string entry, long bytes)
    {
        var path = Path.Combine(Dir, name);
        using var fs = System.IO.File.Create(path);
        using var tar = new TarWriter(fs, TarEntryFormat.Pax, leaveOpen: true);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry) { DataStream = new ZeroStream(bytes) });
        return path;
    }

    public string Truncated(string name, string source)
    {
        var bytes = System.IO.File.ReadAllBytes(source);
        return File(name, bytes[..(bytes.Length / 2)]);
    }

    public string Mutated(string name, Func<byte[], byte[]> change) => File(name, change(System.IO.File.ReadAllBytes(Bundle)));

    /// <summary>One app entry of a ferry.yaml (chart: the example gateway), with extra lines.</summary>
    public string App(string extra, string name = "a") =>
        $"  - name: {name}\n    chart: {{ path: \"{Ferry.Charts.Tests.TestPaths.Chart("gateway")}\" }}\n{extra}";

    /// <summary>A ferry.yaml whose apps (and anything before them) are <paramref name="body"/>.</summary>
    public string Spec(string name, string body)
    {
        var (before, apps) = body.Contains("  - name:", StringComparison.Ordinal)
            ? (body[..body.IndexOf("  - name:", StringComparison.Ordinal)], body[body.IndexOf("  - name:", StringComparison.Ordinal)..])
            : (body, "");
        return File(name + ".yaml", Encoding.UTF8.GetBytes($"apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: {{ name: x, version: 1.0.0 }}\n{before}apps:\n{apps}"));
    }
}
