using Ferry.Kustomize;

namespace Ferry.Kustomize.Tests;

/// <summary>Hostile or unsupported kustomizations fail with the file, line and what to do — never half-rendered.</summary>
public sealed class KustomizeErrorTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("ferry-kustomize-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void UnsupportedField_NamesFileLineAndWhatToDo()
    {
        Write("kustomization.yaml", "resources: []\nhelmCharts:\n- name: x\n");
        var e = Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(root));
        Assert.Contains("kustomization.yaml:2: the kustomize field 'helmCharts' is not supported", e.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl kustomize", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceOutsideTheSource_IsRefused()
    {
        var outside = Directory.CreateTempSubdirectory("ferry-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
            Write("app/kustomization.yaml", $"resources:\n- {Path.Combine(outside, "cm.yaml")}\n");
            var e = Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(Path.Combine(root, "app"), root));
            Assert.Contains("outside the kustomize source", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void LinkThatEscapes_IsRefused()
    {
        Write("kustomization.yaml", "resources:\n- link.yaml\n");
        File.CreateSymbolicLink(Path.Combine(root, "link.yaml"), "/etc/hostname");
        var e = Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(root));
        Assert.Contains("outside the kustomize source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteResource_IsRefusedAsOffline()
    {
        Write("kustomization.yaml", "resources:\n- https://github.com/x/y//base?ref=v1\n");
        var e = Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(root));
        Assert.Contains("offline", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BaseThatIncludesItself_StopsAtTheDepthLimit()
    {
        Write("kustomization.yaml", "resources:\n- .\n");
        var e = Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(root));
        Assert.Contains("nest more than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenYaml_NamesLineAndColumn()
    {
        Write("kustomization.yaml", "resources:\n- cm.yaml\n");
        Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n");
        var e = Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(root));
        Assert.Matches(@"cm\.yaml:\d+:\d+: ", e.Message);
    }

    [Fact]
    public void PatchThatMatchesNothing_SaysSo() => Assert.Contains("matches no resource",
        ErrorOverOneConfigMap("resources:\n- cm.yaml\npatchesStrategicMerge:\n- |\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: nope\n"),
        StringComparison.Ordinal);

    /// <summary>The error of rendering <paramref name="kustomization"/> over one ConfigMap, cm.yaml, named x.</summary>
    private string ErrorOverOneConfigMap(string kustomization)
    {
        Write("kustomization.yaml", kustomization);
        Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
        return Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(root)).Message;
    }

    [Fact]
    public void MissingKustomization_SaysWhatIsNeeded()
    {
        var e = Assert.Throws<KustomizeException>(() => KustomizeRenderer.Render(root));
        Assert.Contains("no kustomization.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetPatternThatIsNoRegex_SaysSo() => Assert.Contains("the target pattern '[web' is not a regular expression",
        ErrorOverOneConfigMap("resources:\n- cm.yaml\npatches:\n- target: { name: \"[web\" }\n  patch: '[{op: add, path: /data, value: {}}]'\n"),
        StringComparison.Ordinal);

    [Fact]
    public void SourceUnderALinkedFolder_IsInsideItself()
    {
        Write("real/kustomization.yaml", "resources: [cm.yaml]\n");
        Write("real/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
        var link = Path.Combine(root, "linked");
        Directory.CreateSymbolicLink(link, Path.Combine(root, "real"));
        Assert.Contains("name: x", KustomizeRenderer.Render(link, link), StringComparison.Ordinal);
    }
}
