using Ferry.Charts;
using Ferry.Charts.Tests;

namespace Ferry.Bundles.Tests;

/// <summary>ferry.yaml validation, values templates and image discovery, without a registry.</summary>
public sealed class SpecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-spec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Valid = """
        apiVersion: ferry.dev/v1
        kind: Bundle
        metadata: { name: demo, version: 1.0.0 }
        env:
          - { name: DB_HOST, required: true }
          - { name: REPLICAS, default: "1", pattern: "^[0-9]+$" }
        apps:
          - name: api
            chart: { path: chart }
            values: api.yaml.tmpl
        """;

    [Fact]
    public void Cluster_IsValidatedAtLineAndColumn()
    {
        Write("chart/Chart.yaml", "apiVersion: v2\nname: api\nversion: 1.0.0\n");
        Write("api.yaml.tmpl", "{}\n");
        Write("k3s/k3s", "binary");
        var path = Write("ferry.yaml", Valid + """

            cluster:
              k3s: { version: "1.31", binary: k3s/k3s, installScript: k3s/missing.sh }
              storage: { path: relative/dir }
              extra: 1
            """);
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path));
        Assert.Contains("ferry.yaml:12:19: cluster.k3s.version \"1.31\" must look like v1.31.4+k3s1", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:12:59: cluster.k3s.installScript k3s/missing.sh does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:13:20: cluster.storage.path must be an absolute path", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:14:3: unknown field cluster.extra", e.Message, StringComparison.Ordinal);

        Write("k3s/install.sh", "#!/bin/sh\n");
        File.WriteAllText(path, Valid + "\ncluster:\n  k3s: { version: v1.31.4+k3s1, binary: k3s/k3s, installScript: k3s/install.sh, images: https://example.com/k3s-airgap-images-amd64.tar.zst }\n");
        var cluster = SpecLoader.Load(path).Cluster!;
        Assert.Equal(new K3sSpec("v1.31.4+k3s1", "k3s/k3s", "https://example.com/k3s-airgap-images-amd64.tar.zst", "k3s/install.sh"), cluster.K3s);
        Assert.Equal("/var/lib/rancher/k3s/storage", cluster.StoragePath);
    }

    [Fact]
    public void Load_ExampleSpec_ReadsAppsEnvAndOrder()
    {
        var spec = SpecLoader.Load(Path.Combine(TestPaths.Examples, "bundle", "ferry.yaml"));
        Assert.Equal("acme-suite", spec.Name);
        Assert.Equal(["shop", "worker", "gateway"], spec.Apps.Select(a => a.Name));
        Assert.Equal(["shop"], spec.Apps[1].DependsOn);
        Assert.True(spec.Env.Single(e => e.Name == "WORKER_PASSWORD").Secret);
        Assert.Equal("2", spec.Env.Single(e => e.Name == "SHOP_REPLICAS").Default);
    }

    [Theory]
    [InlineData("kind: Bundle", "kind: Bundel", "2:7", "kind must be Bundle")]
    [InlineData("metadata:", "metdata: {}\nmetadata:", "3:1", "unknown field metdata; did you mean metadata?")]
    [InlineData("chart: { path: chart }", "chart: { path: chart, oci: oci://x/y, version: 1.0.0 }", "9:12", "exactly one of path, repo, oci or git")]
    [InlineData("chart: { path: chart }", "chart: { repo: https://charts.example.com, name: x }", "9:12", "a repo chart needs name and version")]
    [InlineData("- name: api", "- name: Api_1", "8:11", "must be a DNS label")]
    [InlineData("pattern: \"^[0-9]+$\"", "pattern: \"([\"", "6:46", "not a valid regular expression")]
    public void Load_BadSpec_ErrorHasFileLineColumn(string from, string to, string at, string message)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "chart"));
        Write("api.yaml.tmpl", "");
        var path = Write("ferry.yaml", Valid.Replace(from, to, StringComparison.Ordinal));
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path));
        Assert.True(e.Message.Contains($"{path}:{at}", StringComparison.Ordinal), e.Message);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    /// <summary>What a careless hand writes: every one is an error at its line and column, none is silently ignored.</summary>
    [Theory]
    [InlineData("values: api.yaml.tmpl", "values: api.yaml.tmpl\n    valuse: x.yaml", "11:5", "unknown field apps[].valuse; did you mean values?")]
    [InlineData("chart: { path: chart }", "chart: { path: chart, verison: 1.0.0 }", "9:27", "unknown field chart.verison; did you mean version?")]
    [InlineData("- { name: DB_HOST, required: true }", "- { name: DB_HOST, requried: true }", "5:22", "unknown field env[].requried; did you mean required?")]
    [InlineData("kind: Bundle", "kind: Bundle\nregistry: { rewrit: false }", "3:13", "unknown field registry.rewrit; did you mean rewrite?")]
    [InlineData("required: true", "required: ture", "5:32", "env[].required must be true or false, not \"ture\"")]
    [InlineData("kind: Bundle", "kind: Bundle\nregistry: { rewrite: flase }", "3:22", "registry.rewrite must be true or false")]
    [InlineData("values: api.yaml.tmpl", "values: api.yaml.tmpl\n    dependsOn: web", "11:16", "apps[].dependsOn must be a list")]
    [InlineData("values: api.yaml.tmpl", "values: api.yaml.tmpl\n    images: nginx:1.27", "11:13", "apps[].images must be a list")]
    [InlineData("kind: Bundle", "kind: Bundle\nplatforms: linux/amd64", "3:12", "platforms must be a list")]
    [InlineData("values: api.yaml.tmpl", "values: api.yaml.tmpl\n    namespace: UPPER_NS", "11:16", "namespace \"UPPER_NS\" must be a Kubernetes namespace name")]
    [InlineData("name: demo,", "name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,", "3:19", "must be a DNS label")]
    [InlineData("version: 1.0.0", "version: 1.0", "3:34", "metadata.version \"1.0\" must be a semantic version")]
    [InlineData("version: 1.0.0", "version: 01.0.0", "3:34", "must be a semantic version")]
    public void Load_StrictSpec_RefusesWhatWasSilentlyIgnored(string from, string to, string at, string message)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "chart"));
        Write("api.yaml.tmpl", "");
        var path = Write("ferry.yaml", Valid.Replace(from, to, StringComparison.Ordinal));
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path));
        Assert.True(e.Message.Contains($"{path}:{at}: ", StringComparison.Ordinal), e.Message);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("True", true)]
    [InlineData("off", false)]
    [InlineData("FALSE", false)]
    public void Load_YamlBooleans_AreAccepted(string value, bool expected)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "chart"));
        Write("api.yaml.tmpl", "");
        var spec = SpecLoader.Load(Write("ferry.yaml", Valid.Replace("required: true", $"required: {value}", StringComparison.Ordinal)));
        Assert.Equal(expected, spec.Env.Single(v => v.Name == "DB_HOST").Required);
    }

    [Fact]
    public void Load_MissingChartPathAndCycle_AreReported()
    {
        Write("api.yaml.tmpl", "");
        var text = Valid + """

              - name: web
                chart: { path: chart }
                dependsOn: [api]
            """;
        text = text.Replace("values: api.yaml.tmpl", "values: api.yaml.tmpl\n    dependsOn: [web]", StringComparison.Ordinal);
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(Write("ferry.yaml", text)));
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
        Assert.Contains("chart path chart does not exist", e.Message, StringComparison.Ordinal);
        // each at its own place: the cycle at the first app, the missing chart at its path, an unknown dependency at dependsOn
        Assert.Contains("ferry.yaml:8:5: dependsOn has a cycle: api -> web -> api", e.Message, StringComparison.Ordinal);
        Assert.Contains("ferry.yaml:9:20: app api: chart path chart does not exist", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<BundleException>(() => SpecLoader.Load(Write("ferry.yaml", text.Replace("dependsOn: [api]", "dependsOn: [nope]", StringComparison.Ordinal))));
        Assert.Contains("ferry.yaml:14:16: app web depends on unknown app \"nope\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFields_AreRefusedInEverySection_AsTheSchemaAllowsThem()
    {
        var path = Write("ferry.yaml", """
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: { name: demo, version: 1.0.0, lables: x }
            registry: { rewrite: true, mirror: x }
            env:
              - { name: A, secert: true }
            envMigrations:
              - { rename: B, to: A, from: C }
            apps:
              - name: api
                chart: { path: chart, tag: x }
                image: x
            imagePaths:
              - { kind: Foo, path: .spec.image, where: x }
            cluster:
              k3s: { version: v1.31.4+k3s1, binary: https://x/k3s, installScript: https://x/i.sh, arch: x }
              storage: { path: /data, size: x }
              nodes: 3
            kubernetes: { version: 1.31.4, api: x }
            requirements: { nodes: 1, gpus: 2 }
            extras: 1
            """);
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path, checkFiles: false));
        var unknown = e.Message.Split('\n').Where(l => l.Contains("unknown field", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':') + 1)..]).ToList();
        Assert.Equal(
        [
            "21:1: unknown field extras (allowed: apiVersion, kind, metadata, registry, env, envMigrations, kubernetes, requirements, cluster, " +
                "sampleEnv, imagePaths, platforms, apps)",
            "3:41: unknown field metadata.lables (allowed: name, version)",
            "4:28: unknown field registry.mirror (allowed: rewrite)",
            "6:16: unknown field env[].secert; did you mean secret? (allowed: name, description, required, secret, default, pattern)",
            "12:5: unknown field apps[].image; did you mean images? (allowed: name, namespace, values, dependsOn, images, manifests, template, " +
                "kustomize, chart)",
            "11:27: unknown field chart.tag (allowed: path, repo, name, version, oci, git, ref)",
            "14:37: unknown field imagePaths[].where (allowed: kind, path)",
            "8:25: unknown field envMigrations[].from (allowed: rename, to)",
            "18:3: unknown field cluster.nodes (allowed: k3s, storage)",
            "16:87: unknown field cluster.k3s.arch (allowed: version, binary, images, installScript)",
            "17:27: unknown field cluster.storage.size (allowed: path)",
            "19:32: unknown field kubernetes.api (allowed: version, apiVersions)",
            "20:27: unknown field requirements.gpus (allowed: kubernetes, nodes, cpu, memory, storageClasses, nodeLabels)",
        ], unknown);
    }

    [Fact]
    public void ValuesTemplate_UnknownEnvKey_NamesFileLineColumnAndDeclaredKeys()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "chart"));
        Write("api.yaml.tmpl", "host: {{ .Env.DB_HOST }}\nport: {{ .Env.DB_PORT }}\n");
        var spec = SpecLoader.Load(Write("ferry.yaml", Valid));
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["DB_HOST"] = "db" };
        var e = Assert.Throws<BundleException>(() => ValuesTemplate.Render(spec.Resolve("api.yaml.tmpl"), "api.yaml.tmpl", spec, spec.Apps[0], env, ""));
        Assert.StartsWith("api.yaml.tmpl:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains(".Env.DB_PORT is not declared", e.Message, StringComparison.Ordinal);
        Assert.Contains("DB_HOST, REPLICAS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesTemplate_RendersEnvDefaultsAppAndBundle()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "chart"));
        Write("api.yaml.tmpl", "host: {{ .Env.DB_HOST }}\nreplicas: {{ .Env.REPLICAS }}\nname: {{ .App.Name }}-{{ .Bundle.Version }}\nreg: {{ .Registry | default \"none\" }}\n");
        var spec = SpecLoader.Load(Write("ferry.yaml", Valid));
        var values = ValuesTemplate.Render(spec.Resolve("api.yaml.tmpl"), "api.yaml.tmpl", spec, spec.Apps[0], new Dictionary<string, string> { ["DB_HOST"] = "db.local" }, "");
        Assert.Equal("db.local", values["host"]);
        Assert.Equal("api-1.0.0", values["name"]);
        Assert.Equal("none", values["reg"]);
        Assert.Equal("1", values["replicas"]?.ToString());
    }

    [Fact]
    public void DotEnv_ParsesCommentsQuotesAndRejectsJunkWithLine()
    {
        var ok = SpecLoader.ReadDotEnv(Write("a.env", "# comment\nA=1\n\nB=\"two words\"\nC=x=y\n"));
        Assert.Equal("1", ok["A"]);
        Assert.Equal("two words", ok["B"]);
        Assert.Equal("x=y", ok["C"]);
        var path = Write("b.env", "A=1\nnot a pair\n");
        var e = Assert.Throws<BundleException>(() => SpecLoader.ReadDotEnv(path));
        Assert.Contains($"{path}:2:1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_FindsEveryPodKindInitEphemeralAnnotationsAndCustomResources()
    {
        var manifests = new[]
        {
            new Manifest("c/templates/cron.yaml", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{name: i, image: \"busybox:1.36\"}]\n          containers: [{name: c, image: ghcr.io/acme/job@sha256:" + new string('a', 64) + "}]\n", "CronJob", "batch/v1", "nightly"),
            new Manifest("c/templates/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    helm.sh/images: |\n      - name: extra\n        image: quay.io/acme/extra:2\nspec:\n  ephemeralContainers: [{name: d, image: docker.io/library/debug:1}]\n  containers: [{name: c, image: \"busybox:1.36\"}]\n", "Pod", "v1", "p"),
            new Manifest("c/templates/cr.yaml", "apiVersion: acme.dev/v1\nkind: Database\nmetadata: {name: db}\nspec:\n  pods:\n    containers: [{name: pg, image: \"postgres:16\"}]\n", "Database", "acme.dev/v1", "db"),
        };
        var found = new Dictionary<string, List<ImageSource>>(StringComparer.Ordinal);
        ImageDiscovery.Discover("app", manifests, found);
        Assert.Equal(
            ["docker.io/library/busybox:1.36", "docker.io/library/debug:1", "docker.io/library/postgres:16", "ghcr.io/acme/job@sha256:" + new string('a', 64), "quay.io/acme/extra:2"],
            found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, found["docker.io/library/busybox:1.36"].Count);
        Assert.Contains(found["docker.io/library/busybox:1.36"], s => s.Path == "CronJob/nightly.spec.jobTemplate.spec.template.spec.initContainers[0].image");
        Assert.Equal("metadata.annotations[helm.sh/images]", Assert.Single(found["quay.io/acme/extra:2"]).Path);
    }

    [Fact]
    public void ImagePaths_FindImagesInCustomResources()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "chart"));
        Write("api.yaml.tmpl", "");
        var spec = SpecLoader.Load(Write("ferry.yaml", Valid + """

            imagePaths:
              - { kind: Database, path: "$.spec.image" }
              - { kind: Database, path: "$.spec.sidecars[*].image" }
              - { kind: "*", path: "$.spec['extraImages']" }
            """));
        Assert.Equal(3, spec.ImagePaths.Count);
        var manifest = new Manifest("c/templates/db.yaml", "apiVersion: acme.dev/v1\nkind: Database\nmetadata: {name: main}\nspec:\n  image: postgres:16\n  sidecars:\n    - {image: \"exporter:1\"}\n    - {image: \"backup:2\"}\n  extraImages: [\"quay.io/acme/a:1\", \"quay.io/acme/b:1\"]\n", "Database", "acme.dev/v1", "main");
        var other = new Manifest("c/templates/cache.yaml", "apiVersion: acme.dev/v1\nkind: Cache\nmetadata: {name: c}\nspec:\n  image: redis:7\n", "Cache", "acme.dev/v1", "c");
        var found = new Dictionary<string, List<ImageSource>>(StringComparer.Ordinal);
        ImageDiscovery.Discover("app", [manifest, other], found, spec.ImagePaths);
        Assert.Equal(
            ["docker.io/library/backup:2", "docker.io/library/exporter:1", "docker.io/library/postgres:16", "quay.io/acme/a:1", "quay.io/acme/b:1"],
            found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Database/main.spec.sidecars[1].image", Assert.Single(found["docker.io/library/backup:2"]).Path);
        Assert.Equal("Database/main.spec.extraImages[0]", Assert.Single(found["quay.io/acme/a:1"]).Path);
    }

    [Fact]
    public void ImagePaths_BadPath_ErrorAtFileLineColumn()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "chart"));
        Write("api.yaml.tmpl", "");
        var path = Write("ferry.yaml", Valid + "\nimagePaths:\n  - { kind: Database, path: \"$.spec[?(@.x)]\" }\n");
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path));
        Assert.Contains($"{path}:12:", e.Message, StringComparison.Ordinal);
        Assert.Contains("filters are not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSources_ExactlyOneOfChartManifestsOrKustomize_EachChecked()
    {
        var path = Write("ferry.yaml", """
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: { name: demo, version: 1.0.0 }
            apps:
              - name: both
                chart: { path: chart }
                manifests: [deploy]
              - name: neither
                namespace: x
              - name: missing
                manifests: [nowhere, also/missing.yaml]
              - name: kust
                kustomize: { ref: v1, overlay: prod }
              - name: kgit
                kustomize: { git: https://example.com/r.git }
              - name: fine
                manifests: [ok.yaml]
                template: maybe
            """);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "ok.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n");
        var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path));
        Assert.Contains(":5:5: app both: needs exactly one of chart, manifests or kustomize", e.Message, StringComparison.Ordinal);
        Assert.Contains(":8:5: app neither: needs exactly one of chart, manifests or kustomize", e.Message, StringComparison.Ordinal);
        Assert.Contains("app missing: manifests path nowhere does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("app missing: manifests path also/missing.yaml does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown field kustomize.overlay", e.Message, StringComparison.Ordinal);
        Assert.Contains("app kust: kustomize needs exactly one of path (a folder or .tgz) or git (with ref)", e.Message, StringComparison.Ordinal);
        Assert.Contains("app kgit: a git kustomization needs ref", e.Message, StringComparison.Ordinal);
        Assert.Contains("apps[].template must be true or false, not \"maybe\"", e.Message, StringComparison.Ordinal);
    }
}
