using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Ferry.EndToEnd.Tests.HostileInput;

/// <summary>One hostile input: its class (the table's row), its name, and the ferry command line that meets it.</summary>
public sealed record HostileCase(string Class, string Name, Func<HostileWorkspace, string[]> Arguments);

/// <summary>
/// The catalogue: every class of hostile or careless input a vendor, a site or an attacker hands ferry — chart
/// archives, chart folders, templates, ferry.yaml, bundles, CLI arguments (the registry API is driven over HTTP by
/// the suite itself). Each must end in one clear error within the time and memory bounds.
/// </summary>
public static class HostileCases
{
    private const string ChartYaml = "apiVersion: v2\nname: c\nversion: 0.1.0\n";

    public static IEnumerable<HostileCase> All() => Archives().Concat(Charts()).Concat(Templates()).Concat(Specs()).Concat(AppSources()).Concat(Bundles()).Concat(SupportBundles()).Concat(Cli());

    private static IEnumerable<HostileCase> Archives()
    {
        const string C = "chart archives";
        yield return new(C, "empty .tgz", w => ["template", "x", w.File("empty.tgz", [])]);
        yield return new(C, "gzip header, garbage after", w => ["template", "x", w.File("garbage.tgz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])]);
        yield return new(C, "entry ../ escaping the chart", w => ["template", "x", w.Tgz("traversal.tgz", ("c/Chart.yaml", ChartYaml), ("c/../../evil.yaml", "x: 1\n"))]);
        yield return new(C, "absolute entry path", w => ["template", "x", w.Tgz("absolute.tgz", ("c/Chart.yaml", ChartYaml), ("/etc/evil.yaml", "x: 1\n"))]);
        yield return new(C, "symlink entry to /etc/passwd", w => ["template", "x", w.TgzWithLink("link.tgz")]);
        yield return new(C, "expands to 300 MB (archive bomb)", w => ["template", "x", w.Bomb("bomb.tgz", 300 << 20)]);
        yield return new(C, "cut in half", w => ["template", "x", w.Truncated("half.tgz", w.Tgz("whole.tgz", ("c/Chart.yaml", ChartYaml), ("c/values.yaml", new string('v', 40_000) + ": 1\n")))]);
        yield return new(C, "not gzip at all", w => ["template", "x", w.File("text.tgz", "just text\n"u8.ToArray())]);
    }

    private static IEnumerable<HostileCase> Charts()
    {
        const string C = "chart folders";
        yield return new(C, "no Chart.yaml", w => ["template", "x", w.Chart("nochart", chartYaml: null)]);
        yield return new(C, "Chart.yaml flow mapping unclosed", w => ["template", "x", w.Chart("flow", chartYaml: "apiVersion: v2\nname: {c\nversion: 0.1.0\n")]);
        yield return new(C, "Chart.yaml version not semver", w => ["template", "x", w.Chart("semver", chartYaml: "apiVersion: v2\nname: c\nversion: one\n")]);
        yield return new(C, "values.yaml alias bomb", w => ["template", "x", w.Chart("laughs", values: AliasBomb())]);
        yield return new(C, "values.yaml 1,000,000 levels deep", w => ["template", "x", w.Chart("deepvalues", values: "a: " + new string('[', 1_000_000) + new string(']', 1_000_000) + "\n")]);
        yield return new(C, "symlink loop", w => ["template", "x", w.ChartWith("loop", dir => { File.CreateSymbolicLink(Path.Combine(dir, "a"), Path.Combine(dir, "b")); File.CreateSymbolicLink(Path.Combine(dir, "b"), Path.Combine(dir, "a")); })]);
        yield return new(C, "dangling symlink", w => ["template", "x", w.ChartWith("dangling", dir => File.CreateSymbolicLink(Path.Combine(dir, "gone.txt"), Path.Combine(dir, "nothing")))]);
        yield return new(C, "symlink to /etc/passwd", w => ["template", "x", w.ChartWith("escape", dir => File.CreateSymbolicLink(Path.Combine(dir, "templates", "passwd.yaml"), "/etc/passwd"))]);
        yield return new(C, "FIFO among the templates", w => ["template", "x", w.ChartWith("fifo", dir => Mkfifo(Path.Combine(dir, "templates", "pipe.yaml")))]);
        yield return new(C, "missing dependency", w => ["template", "x", w.Chart("deps", chartYaml: ChartYaml + "dependencies:\n  - name: gone\n    version: 1.0.0\n    repository: https://charts.example.com\n")]);
    }

    private static IEnumerable<HostileCase> Templates()
    {
        const string C = "templates";
        yield return new(C, "parse error", w => ["template", "x", w.Chart("parse", template: "{{ if }}")]);
        yield return new(C, "if nested 10,000 deep", w => ["template", "x", w.Chart("nested", template: string.Concat(Enumerable.Repeat("{{ if true }}", 10_000)) + string.Concat(Enumerable.Repeat("{{ end }}", 10_000)))]);
        yield return new(C, "include of itself", w => ["template", "x", w.Chart("selfinclude", template: "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}")]);
        yield return new(C, "tpl recursion", w => ["template", "x", w.Chart("tplloop", template: "{{ tpl .Values.t . }}", values: "t: \"{{ tpl .Values.t . }}\"\n")]);
        yield return new(C, "until 1,000,000,000", w => ["template", "x", w.Chart("until", template: "{{ range until 1000000000 }}x{{ end }}")]);
        yield return new(C, "toJson of a 10,000-deep dict", w => ["template", "x", w.Chart("deepdict", template: "{{ $d := dict }}{{ range until 10000 }}{{ $d = dict \"a\" $d }}{{ end }}{{ toJson $d }}")]);
        yield return new(C, "mustToYaml of a dict holding itself", w => ["template", "x", w.Chart("selfdict", template: "{{ $d := dict }}{{ $_ := set $d \"me\" $d }}{{ mustToYaml $d }}")]);
        yield return new(C, "deepCopy of a dict holding itself", w => ["template", "x", w.Chart("selfcopy", template: "{{ $d := dict }}{{ $_ := set $d \"me\" $d }}{{ deepCopy $d }}")]);
        yield return new(C, "--set list index 999999999", w => ["template", "x", w.Chart("setindex"), "--set", "a[999999999]=1"]);
        yield return new(C, "fromYaml alias bomb", w => ["template", "x", w.Chart("fromyaml", template: "{{ fromYaml .Values.y | toJson }}", values: "y: |\n" + string.Join('\n', AliasBomb().Split('\n').Select(l => "  " + l)) + "\n")]);
        yield return new(C, "reads the process environment", w => ["template", "x", w.Chart("env", template: "{{ env \"HOME\" }}{{ expandenv \"$HOME\" }}{{ required \"env must be empty\" (env \"HOME\") }}")]);
        yield return new(C, "render --data alias bomb", w => ["render", w.File("t.tmpl", "{{ .a }}"u8.ToArray()), "--data", w.File("bomb.yaml", Encoding.UTF8.GetBytes(AliasBomb()))]);
        yield return new(C, "render undefined template", w => ["render", w.File("u.tmpl", "{{ template \"nowhere\" }}"u8.ToArray())]);
    }

    private static IEnumerable<HostileCase> Specs()
    {
        const string C = "ferry.yaml";
        string[] Build(HostileWorkspace w, string name, string body) => ["bundle", "build", w.Spec(name, body), "-o", Path.Combine(w.Dir, name + ".ferry")];
        yield return new(C, "unknown key (typo)", w => Build(w, "typo", w.App("    namepsace: edge\n")));
        yield return new(C, "boolean 'ture'", w => Build(w, "ture", "env:\n  - { name: DOMAIN, required: ture }\n" + w.App("")));
        yield return new(C, "dependsOn cycle", w => Build(w, "cycle", w.App("    dependsOn: [b]\n") + w.App("    dependsOn: [a]\n", "b")));
        yield return new(C, "dependsOn as a scalar", w => Build(w, "scalar", w.App("    dependsOn: b\n")));
        yield return new(C, "namespace UPPER_NS", w => Build(w, "upper", w.App("    namespace: UPPER_NS\n")));
        yield return new(C, "80-character name", w => Build(w, "long", w.App("", new string('a', 80))));
        yield return new(C, "metadata.version not semver", w => ["bundle", "build", w.File("badver.yaml", Encoding.UTF8.GetBytes("apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: { name: x, version: one }\n" + w.App(""))), "-o", Path.Combine(w.Dir, "v.ferry")]);
        yield return new(C, "flow mapping unclosed", w => ["bundle", "build", w.File("flow.yaml", "apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: { name: x, version: 1.0.0\n"u8.ToArray()), "-o", Path.Combine(w.Dir, "f.ferry")]);
        yield return new(C, "binary garbage", w => ["bundle", "build", w.File("garbage.yaml", [0, 1, 2, 0xff, 0xfe, 0x80, 10]), "-o", Path.Combine(w.Dir, "g.ferry")]);
        yield return new(C, "platform 'linux'", w => Build(w, "platform", "platforms: [linux]\n" + w.App("")));
        yield return new(C, "requirements not quantities", w => Build(w, "requirements", "requirements: { cpu: lots, memory: -4Gi, nodes: 1e99, kubernetes: \">= banana\" }\n" + w.App("")));
        yield return new(C, "output folder missing", w => ["bundle", "build", w.Spec("out", w.App("")), "-o", Path.Combine(w.Dir, "no", "such", "dir", "x.ferry")]);
    }

    /// <summary>Kustomize and manifests apps: what a vendor's source tree (or an attacker's) can hand the build.</summary>
    private static IEnumerable<HostileCase> AppSources()
    {
        const string C = "kustomize and manifests apps";
        const string Cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n";
        string[] Kustomize(HostileWorkspace w, string name, string source) =>
            ["bundle", "build", w.Spec(name, $"  - name: k\n    kustomize: {{ path: {source} }}\n"), "-o", Path.Combine(w.Dir, name + ".ferry")];
        string[] Manifests(HostileWorkspace w, string name, string source) =>
            ["bundle", "build", w.Spec(name, $"  - name: m\n    manifests: [{source}]\n"), "-o", Path.Combine(w.Dir, name + ".ferry")];
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}]\n"));
        yield return new(C, "resource linked to /etc/passwd", w => Kustomize(w, "klink",
            w.FolderWithLink("klink", "passwd.yaml", "/etc/passwd", ("kustomization.yaml", "resources: [passwd.yaml]\n"))));
        yield return new(C, "base that includes itself", w => Kustomize(w, "kself", w.Folder("kself", ("kustomization.yaml", "resources: [.]\n"))));
        yield return new(C, "alias bomb in kustomization.yaml", w => Kustomize(w, "kbomb", w.Folder("kbomb", ("kustomization.yaml", laughs))));
        yield return new(C, "resource 100,000 levels deep", w => Kustomize(w, "kdeep", w.Folder("kdeep",
            ("kustomization.yaml", "resources: [deep.yaml]\n"), ("deep.yaml", new string('[', 100_000) + new string(']', 100_000)))));
        yield return new(C, "remote base", w => Kustomize(w, "kremote", w.Folder("kremote",
            ("kustomization.yaml", "resources: [https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.0.0]\n"))));
        yield return new(C, "helmCharts (unsupported field)", w => Kustomize(w, "khelm", w.Folder("khelm",
            ("kustomization.yaml", "helmCharts:\n- name: x\n  repo: https://example.com\n"))));
        yield return new(C, "patch into a missing path", w => Kustomize(w, "kpatch", w.Folder("kpatch", ("cm.yaml", Cm),
            ("kustomization.yaml", "resources: [cm.yaml]\npatches:\n- target: { kind: ConfigMap }\n  patch: '[{op: remove, path: /data/x/y}]'\n"))));
        yield return new(C, ".tgz entry escaping with ../", w => Kustomize(w, "kescape",
            Path.GetFileName(w.Tgz("kescape.tgz", ("k/kustomization.yaml", "resources: [cm.yaml]\n"), ("k/../../evil.yaml", Cm)))));
        yield return new(C, ".tgz of 300 MB zeros (archive bomb)", w => Kustomize(w, "kzeros", Path.GetFileName(w.KustomizeBomb("kzeros.tgz", 300L << 20))));
        yield return new(C, "manifests folder with a link to /etc/passwd", w => Manifests(w, "mlink",
            w.FolderWithLink("mlink", "passwd.yaml", "/etc/passwd", ("cm.yaml", Cm))));
        yield return new(C, "manifest template that does not parse", w => Manifests(w, "mtmpl", w.Folder("mtmpl", ("cm.yaml", Cm + "data: {{ .Env.X \n"))));
        yield return new(C, "manifest template reading an undeclared env key", w => Manifests(w, "menv",
            w.Folder("menv", ("cm.yaml", Cm + "data: { a: {{ .Env.NOT_DECLARED | quote }} }\n"))));
    }

    private static IEnumerable<HostileCase> Bundles()
    {
        const string C = "bundles";
        yield return new(C, "/etc/passwd as a bundle", w => ["bundle", "verify", "/etc/passwd"]);
        yield return new(C, "empty file", w => ["bundle", "inspect", w.File("empty.ferry", [])]);
        yield return new(C, "cut in half", w => ["bundle", "verify", w.Truncated("half.ferry", w.Bundle)]);
        yield return new(C, "garbage appended", w => ["bundle", "verify", w.Mutated("appended.ferry", b => [.. b, .. "trailing garbage"u8.ToArray()])]);
        yield return new(C, "tar header bit flipped", w => ["bundle", "verify", w.Mutated("header.ferry", b => { b[520] ^= 0x10; return b; })]);
        yield return new(C, "content byte flipped", w => ["bundle", "verify", w.Mutated("content.ferry", b => { b[b.Length / 2] ^= 0x01; return b; })]);
        yield return new(C, "deploy of a damaged bundle", w => ["deploy", w.Mutated("deploy.ferry", b => { b[b.Length / 2] ^= 0x01; return b; }), "--registry", "127.0.0.1:1"]);
        yield return new(C, "verify --key given the private key", w => ["bundle", "verify", w.Bundle, "--key", w.PrivateKey]);
        yield return new(C, "a directory as a bundle", w => ["bundle", "verify", w.Dir]);
        yield return new(C, "SHA256SUMS of 200 MB", w => ["bundle", "verify", w.TarOfZeros("sums.ferry", "SHA256SUMS", 200L << 20)]);
    }

    private static IEnumerable<HostileCase> SupportBundles()
    {
        const string C = "support bundles";
        const string Info = "{\"kubernetes\": \"v1.31.4+k3s1\"}";
        yield return new(C, "/etc/passwd as a support bundle", _ => ["support-bundle", "analyze", "/etc/passwd"]);
        yield return new(C, "empty file", w => ["support-bundle", "analyze", w.File("empty.tar.gz", [])]);
        yield return new(C, "a file of 300 MB zeros inside (archive bomb)", w => ["support-bundle", "analyze", w.SupportBomb("support-bomb.tar.gz", 300 << 20)]);
        yield return new(C, "JSON 100,000 levels deep", w => ["support-bundle", "analyze", w.Tgz("deep-support.tar.gz", ("support/info.json", Info), ("support/releases.json", new string('[', 100_000) + new string(']', 100_000)))]);
        yield return new(C, "cut in half", w => ["support-bundle", "analyze", w.Truncated("half-support.tar.gz", w.Tgz("whole-support.tar.gz", ("support/info.json", Info), ("support/deploys.json", "[" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"{{\"product\":\"p{i}\",\"state\":\"failed\"}}")) + "]")))]);
        yield return new(C, "a chart archive, not a support bundle", w => ["support-bundle", "analyze", w.Tgz("chart.tgz", ("c/Chart.yaml", ChartYaml))]);
    }

    private static IEnumerable<HostileCase> Cli()
    {
        const string C = "CLI arguments";
        yield return new(C, "unknown command", _ => ["bundle", "biuld"]);
        yield return new(C, "unknown flag", _ => ["template", "--nope"]);
        yield return new(C, "flag without its value", w => ["deploy", w.Bundle, "--registry"]);
        yield return new(C, "--parallel abc", w => ["deploy", w.Bundle, "--registry", "127.0.0.1:1", "--parallel", "abc"]);
        yield return new(C, "--parallel 0", w => ["deploy", w.Bundle, "--registry", "127.0.0.1:1", "--parallel", "0"]);
        yield return new(C, "--timeout forever", w => ["deploy", w.Bundle, "--registry", "127.0.0.1:1", "--timeout", "forever"]);
        yield return new(C, "--force-conflicts= without apps", w => ["deploy", w.Bundle, "--registry", "127.0.0.1:1", "--force-conflicts="]);
        yield return new(C, "keygen into a missing folder", w => ["keygen", "-o", Path.Combine(w.Dir, "missing", "k")]);
        yield return new(C, "plan --env-file missing", w => ["plan", w.Bundle, "--registry", "127.0.0.1:1", "--env-file", Path.Combine(w.Dir, "missing.env")]);
        yield return new(C, "env import of a missing file", w => ["env", "import", Path.Combine(w.Dir, "missing.env")]);
        yield return new(C, "--kubeconfig that is not one", _ => ["get", "values", "x", "--kubeconfig", "/etc/passwd"]);
        yield return new(C, "deploy without a kubeconfig", w => ["deploy", w.Bundle, "--registry", "127.0.0.1:1"]);
        yield return new(C, "images push of a missing layout", w => ["images", "push", Path.Combine(w.Dir, "nolayout"), "--to", "127.0.0.1:1/x"]);
        yield return new(C, "images push of 12 images to a closed port", w => ["images", "push", w.Layout("twelve", 12), "--to", $"127.0.0.1:{Ferry.Oci.Tests.Registry.FreePort()}"]);
        yield return new(C, "image reference with a scheme", w => ["images", "pull", "https://registry.example.com/a:1", "--to", Path.Combine(w.Dir, "pulled")]);
        yield return new(C, "registry serve on unusable storage", _ => ["registry", "serve", "--storage", "/proc/no-such-storage", "--addr", "127.0.0.1:0"]);
        yield return new(C, "--platform linux (no architecture)", w => ["bundle", "build", w.Spec("plat", w.App("")), "-o", Path.Combine(w.Dir, "p.ferry"), "--platform", "linux"]);
        yield return new(C, "--include-ferry of a text file", w => ["bundle", "build", w.Spec("incl", w.App("")), "-o", Path.Combine(w.Dir, "i.ferry"), "--include-ferry", "/etc/passwd"]);
    }

    /// <summary>"Billion laughs": nine levels of nine aliases each.</summary>
    public static string AliasBomb()
    {
        var sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 1; level < 9; level++)
        {
            var (prev, name) = ((char)('a' + level - 1), (char)('a' + level));
            sb.Append(name).Append(": &").Append(name).Append(" [").Append(string.Join(",", Enumerable.Repeat("*" + prev, 9))).Append("]\n");
        }
        return sb.ToString();
    }

    private static void Mkfifo(string path)
    {
        using var p = System.Diagnostics.Process.Start("mkfifo", path)!;
        p.WaitForExit();
    }

    internal static void WriteTar(Stream gz, params (string Path, string Content)[] entries)
    {
        using var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (path, content) in entries)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        }
    }

    internal static void WriteTarGz(string file, params (string Path, string Content)[] entries)
    {
        using var fs = File.Create(file);
        using var gz = new GZipStream(fs, CompressionLevel.Fastest);
        WriteTar(gz, entries);
    }
}
