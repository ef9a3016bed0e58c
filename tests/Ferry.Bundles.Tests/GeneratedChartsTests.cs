using System.Formats.Tar;
using System.IO.Compression;
using Ferry.Charts;
using Ferry.Kube.Tests;

namespace Ferry.Bundles.Tests;

/// <summary>
/// The charts the build generates for apps that are not charts: a kustomization from a folder, a .tgz and a git tag
/// renders the same; manifests become templates (or verbatim files); the archive is reproducible.
/// </summary>
public sealed class GeneratedChartsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-generated-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private BundleSpec Spec(string apps) => SpecLoader.Load(Write("ferry.yaml",
        "apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: { name: p, version: 2.0.1 }\nenv:\n  - { name: DOMAIN, default: d.example }\napps:\n" + apps));

    private static string Template(byte[] archive, string path)
    {
        using var ms = new MemoryStream(archive);
        var chart = ChartLoader.LoadArchive(ms, "generated");
        return System.Text.Encoding.UTF8.GetString((chart.Templates.Concat(chart.Files).First(f => f.Name == path)).Data);
    }

    private void Kustomization(string root)
    {
        Write($"{root}/base/kustomization.yaml", "resources: [cm.yaml]\nconfigMapGenerator:\n- name: gen\n  literals: [A=1]\n");
        Write($"{root}/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: \"{{ not a template }}\"\n");
        Write($"{root}/site/kustomization.yaml", "resources: [../base]\nnamePrefix: site-\n");
    }

    [Fact]
    public void Kustomize_FromAFolderATgzAndAGitTag_RendersTheSame()
    {
        Kustomization("src");
        var fromDir = Template(GeneratedCharts.FromKustomize(Spec("  - name: k\n    kustomize: { path: src/site }\n"),
            Spec("  - name: k\n    kustomize: { path: src/site }\n").Apps[0]), "ferry-manifests/kustomize.yaml");
        Assert.Contains("name: site-gen-", fromDir, StringComparison.Ordinal);
        Assert.Contains("k: '{{ not a template }}'", fromDir, StringComparison.Ordinal);

        using (var fs = File.Create(Path.Combine(_dir, "k.tgz")))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax))
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(_dir, "src"), "*", SearchOption.AllDirectories))
            {
                tar.WriteEntry(file, "overlays/" + Path.GetRelativePath(Path.Combine(_dir, "src"), file));
            }
        }
        // a .tgz whose one top folder holds no kustomization (only overlays below it) says so
        var tgzSpec = Spec("  - name: k\n    kustomize: { path: k.tgz }\n");
        var e = Assert.Throws<Kustomize.KustomizeException>(() => GeneratedCharts.FromKustomize(tgzSpec, tgzSpec.Apps[0]));
        Assert.Contains("no kustomization.yaml", e.Message, StringComparison.Ordinal);

        var repo = Path.Combine(_dir, "repo");
        ProductSources.Copy(Path.Combine(_dir, "src"), Path.Combine(repo, "deploy"));
        ProductSources.Git(repo, "init", "-q");
        ProductSources.Git(repo, "add", "-A");
        ProductSources.Git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "k");
        ProductSources.Git(repo, "tag", "v1");
        var gitSpec = Spec($"  - name: k\n    kustomize: {{ git: \"{repo}\", ref: v1, path: deploy/site }}\n");
        Assert.Equal(fromDir, Template(GeneratedCharts.FromKustomize(gitSpec, gitSpec.Apps[0]), "ferry-manifests/kustomize.yaml"));
    }

    [Fact]
    public void Kustomize_FromATgzWithTheKustomizationInsideItsTopFolder_Renders()
    {
        Write("one/kustomization.yaml", "resources: [cm.yaml]\nnamePrefix: site-\n");
        Write("one/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n");
        using (var fs = File.Create(Path.Combine(_dir, "site.tgz")))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax))
        {
            tar.WriteEntry(Path.Combine(_dir, "one/kustomization.yaml"), "site/kustomization.yaml");
            tar.WriteEntry(Path.Combine(_dir, "one/cm.yaml"), "site/cm.yaml");
        }
        var spec = Spec("  - name: k\n    kustomize: { path: site.tgz }\n");
        var rendered = Template(GeneratedCharts.FromKustomize(spec, spec.Apps[0]), "ferry-manifests/kustomize.yaml");
        Assert.Contains("name: site-plain", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifests_AreTemplatesOrVerbatim_InAReproducibleChart()
    {
        Write("m/app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { d: {{ .Env.DOMAIN | quote }} }\n");
        Write("m/app/notes.txt", "not yaml: left out");
        Write("m/crd.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c2 }\n");
        Write("r/rules.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: rules }\ndata:\n  rule: \"{{ $labels.instance }} is down\"\n");
        var spec = Spec("  - name: m\n    manifests: [m/app, m/crd.yaml]\n  - name: v\n    manifests: [r]\n    template: false\n");
        var templated = GeneratedCharts.FromManifests(spec, spec.Apps[0]);
        Assert.Equal(templated, GeneratedCharts.FromManifests(spec, spec.Apps[0]));
        Assert.Contains("{{ .Env.DOMAIN | quote }}", Template(templated, "templates/app/cm.yaml"), StringComparison.Ordinal);
        Assert.Contains("name: c2", Template(templated, "templates/crd.yaml"), StringComparison.Ordinal);
        using (var ms = new MemoryStream(templated))
        {
            var chart = ChartLoader.LoadArchive(ms, "generated");
            Assert.Equal(("m", "2.0.1", "2.0.1"), (chart.Name, chart.Metadata.Version, chart.Metadata.AppVersion));
            Assert.DoesNotContain(chart.Templates, t => t.Name.EndsWith(".txt", StringComparison.Ordinal));
        }
        var verbatim = GeneratedCharts.FromManifests(spec, spec.Apps[1]);
        Assert.Contains("{{ $labels.instance }}", Template(verbatim, "ferry-manifests/r/rules.yaml"), StringComparison.Ordinal);
        var path = Path.Combine(_dir, "v.tgz");
        File.WriteAllBytes(path, verbatim);
        var rendered = HelmTemplate.Run(path, new HelmTemplateOptions { ReleaseName = "v" });
        Assert.True(rendered.Succeeded, rendered.Error);
        Assert.Contains("rule: \"{{ $labels.instance }} is down\"", rendered.Output, StringComparison.Ordinal);
    }
}
