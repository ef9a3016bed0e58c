using System.Text.RegularExpressions;
using Ferry.Templates.Values;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Bundles;

/// <summary>Reads and validates ferry.yaml; every problem is reported with file:line:col, all at once.</summary>
public static class SpecLoader
{
    /// <param name="checkFiles">False for the copy inside a bundle, whose chart paths point at the vendor's tree.</param>
    public static BundleSpec Load(string path, bool checkFiles = true)
    {
        if (!File.Exists(path))
        {
            throw new BundleException($"{path}: no such file; a bundle is described by a ferry.yaml (see 'ferry schema')");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (YamlException e)
        {
            throw new BundleException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new BundleException($"{path}:1:1: expected a mapping with apiVersion: ferry.dev/v1 and kind: Bundle");
        }
        var errors = new List<string>();
        string At(YamlNode n) => $"{path}:{n.Start.Line}:{n.Start.Column}";
        YamlNode? Get(YamlMappingNode m, string key) => m.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;
        string? Str(YamlMappingNode m, string key, string where, bool required = false)
        {
            var n = Get(m, key);
            if (n is null)
            {
                if (required)
                {
                    errors.Add($"{At(m)}: {where}{key} is required");
                }
                return null;
            }
            if (n is not YamlScalarNode s)
            {
                errors.Add($"{At(n)}: {where}{key} must be a string");
                return null;
            }
            return s.Value;
        }
        bool Bool(YamlMappingNode m, string key, bool dflt, string where)
        {
            var v = Str(m, key, where);
            if (v is null)
            {
                return dflt;
            }
            if (SpecRules.Boolean(v) is { } b)
            {
                return b;
            }
            errors.Add($"{At(Get(m, key)!)}: {where}{key} must be true or false, not \"{v}\"");
            return dflt;
        }
        void Known(YamlMappingNode m, string where, params string[] allowed) =>
            errors.AddRange(SpecRules.UnknownKeys(m, where, allowed).Select(u => $"{At(u.Key)}: {u.Message}"));
        List<string> Strings(YamlMappingNode m, string key, string where, List<string> dflt)
        {
            switch (Get(m, key))
            {
                case null:
                    return dflt;
                case YamlSequenceNode seq:
                    var list = new List<string>();
                    foreach (var item in seq.Children)
                    {
                        if (item is YamlScalarNode { Value: { } v })
                        {
                            list.Add(v);
                        }
                        else
                        {
                            errors.Add($"{At(item)}: each entry of {where}{key} must be a string");
                        }
                    }
                    return list;
                case var other:
                    errors.Add($"{At(other)}: {where}{key} must be a list (write [{(other as YamlScalarNode)?.Value}])");
                    return dflt;
            }
        }
        Known(root, "", "apiVersion", "kind", "metadata", "registry", "env", "envMigrations", "sampleEnv", "apps", "platforms", "imagePaths",
            "cluster", "kubernetes", "requirements");
        if (Str(root, "apiVersion", "", true) is { } api && api != "ferry.dev/v1")
        {
            errors.Add($"{At(Get(root, "apiVersion")!)}: apiVersion must be ferry.dev/v1");
        }
        if (Str(root, "kind", "", true) is { } kind && kind != "Bundle")
        {
            errors.Add($"{At(Get(root, "kind")!)}: kind must be Bundle");
        }
        string name = "", version = "";
        if (Get(root, "metadata") is YamlMappingNode md)
        {
            Known(md, "metadata.", "name", "version");
            name = Str(md, "name", "metadata.", true) ?? "";
            version = Str(md, "version", "metadata.", true) ?? "";
            if (name.Length > 0 && !SpecRules.IsDnsLabel(name))
            {
                errors.Add($"{At(Get(md, "name")!)}: metadata.name \"{name}\" must be a DNS label (lowercase letters, digits, " +
                    $"'-', at most {SpecRules.MaxDnsLabel} characters)");
            }
            if (version.Length > 0 && !SpecRules.IsSemVer(version))
            {
                errors.Add($"{At(Get(md, "version")!)}: metadata.version \"{version}\" must be a semantic version such as 2.3.0 or 2.3.0-rc.1");
            }
        }
        else
        {
            errors.Add($"{At(root)}: metadata (name, version) is required");
        }
        var rewrite = true;
        if (Get(root, "registry") is YamlMappingNode reg)
        {
            Known(reg, "registry.", "rewrite");
            rewrite = Bool(reg, "rewrite", true, "registry.");
        }
        else if (Get(root, "registry") is { } badRegistry)
        {
            errors.Add($"{At(badRegistry)}: registry must be a mapping (rewrite: true|false)");
        }
        var env = new List<EnvVar>();
        if (Get(root, "env") is YamlSequenceNode envs)
        {
            foreach (var e in envs)
            {
                if (e is not YamlMappingNode em)
                {
                    errors.Add($"{At(e)}: each env entry must be a mapping with name");
                    continue;
                }
                Known(em, "env[].", "name", "description", "required", "secret", "default", "pattern");
                var en = Str(em, "name", "env[].", true) ?? "";
                if (en.Length > 0 && !Regex.IsMatch(en, "^[A-Za-z_][A-Za-z0-9_]*$"))
                {
                    errors.Add($"{At(Get(em, "name")!)}: env name \"{en}\" must be letters, digits and '_'");
                }
                var pattern = Str(em, "pattern", "env[].");
                if (pattern is not null)
                {
                    try
                    {
                        _ = new Regex(pattern);
                    }
                    catch (ArgumentException ex)
                    {
                        errors.Add($"{At(Get(em, "pattern")!)}: pattern is not a valid regular expression: {ex.Message}");
                    }
                }
                if (env.Any(x => x.Name == en))
                {
                    errors.Add($"{At(em)}: env {en} is declared twice");
                }
                env.Add(new EnvVar(en, Str(em, "description", "env[].") ?? "", Bool(em, "required", false, "env[]."),
                    Bool(em, "secret", false, "env[]."), Str(em, "default", "env[]."), pattern));
            }
        }
        var apps = new List<AppSpec>();
        if (Get(root, "apps") is YamlSequenceNode appNodes && appNodes.Children.Count > 0)
        {
            foreach (var a in appNodes)
            {
                if (a is not YamlMappingNode am)
                {
                    errors.Add($"{At(a)}: each app must be a mapping with name and chart");
                    continue;
                }
                Known(am, "apps[].", "name", "namespace", "chart", "values", "dependsOn", "images");
                var an = Str(am, "name", "apps[].", true) ?? "";
                if (an.Length > 0 && !SpecRules.IsDnsLabel(an, SpecRules.MaxReleaseName))
                {
                    errors.Add($"{At(Get(am, "name")!)}: app name \"{an}\" must be a DNS label of at most {SpecRules.MaxReleaseName} characters " +
                        "(it is the Helm release name)");
                }
                var appNamespace = Str(am, "namespace", "apps[].");
                if (appNamespace is not null && !SpecRules.IsDnsLabel(appNamespace))
                {
                    errors.Add($"{At(Get(am, "namespace")!)}: app {an}: namespace \"{appNamespace}\" must be a Kubernetes namespace name " +
                        $"(lowercase letters, digits, '-', at most {SpecRules.MaxDnsLabel} characters)");
                }
                if (apps.Any(x => x.Name == an))
                {
                    errors.Add($"{At(am)}: app {an} is declared twice");
                }
                ChartSource? chart = null;
                if (Get(am, "chart") is YamlMappingNode cm)
                {
                    Known(cm, "chart.", "path", "repo", "name", "version", "oci", "git", "ref");
                    var src = new ChartSource(Str(cm, "path", "chart."), Str(cm, "repo", "chart."), Str(cm, "name", "chart."),
                        Str(cm, "version", "chart."),
                        Str(cm, "oci", "chart."), Str(cm, "git", "chart."), Str(cm, "ref", "chart."), null);
                    if (src.Git is not null)
                    {
                        src = src with { GitPath = Str(cm, "path", "chart.") , Path = null };
                    }
                    var kinds = new[] { src.Path, src.Repo, src.Oci, src.Git }.Count(x => x is not null);
                    if (kinds != 1)
                    {
                        errors.Add($"{At(cm)}: app {an}: chart needs exactly one of path, repo, oci or git");
                    }
                    else if (src.Repo is not null && (src.Name is null || src.Version is null))
                    {
                        errors.Add($"{At(cm)}: app {an}: a repo chart needs name and version");
                    }
                    else if (src.Oci is not null && src.Version is null)
                    {
                        errors.Add($"{At(cm)}: app {an}: an oci chart needs version");
                    }
                    else if (src.Git is not null && src.Ref is null)
                    {
                        errors.Add($"{At(cm)}: app {an}: a git chart needs ref (a tag or commit)");
                    }
                    chart = src;
                }
                else
                {
                    errors.Add($"{At(am)}: app {an}: chart is required");
                }
                var depends = Strings(am, "dependsOn", "apps[].", []);
                var images = Strings(am, "images", "apps[].", []);
                foreach (var img in images)
                {
                    if (!Oci.ImageReference.TryParse(img, out _, out var why))
                    {
                        errors.Add($"{At(Get(am, "images")!)}: app {an}: image \"{img}\": {why}");
                    }
                }
                var values = Str(am, "values", "apps[].");
                apps.Add(new AppSpec(an, appNamespace ?? "default", chart ?? new ChartSource(null, null, null, null, null, null, null, null),
                    values, depends, images, (int)am.Start.Line));
            }
        }
        else
        {
            errors.Add($"{At(root)}: apps is required (at least one app)");
        }
        foreach (var app in apps)
        {
            foreach (var d in app.DependsOn.Where(d => apps.All(x => x.Name != d)))
            {
                errors.Add($"{path}:{app.Line}:5: app {app.Name} depends on unknown app \"{d}\"");
            }
        }
        var cycle = FindCycle(apps);
        if (cycle is not null)
        {
            var first = apps.First(a => a.Name == cycle[0]);
            errors.Add($"{path}:{first.Line}:5: dependsOn has a cycle: {string.Join(" -> ", cycle)}; an app cannot wait for itself");
        }
        var platforms = Strings(root, "platforms", "", ["linux/amd64"]);
        foreach (var p in platforms)
        {
            try
            {
                Oci.Platform.Parse(p);
            }
            catch (Oci.OciException e)
            {
                errors.Add($"{At(Get(root, "platforms")!)}: platforms: {e.Message}");
            }
        }
        var sampleEnv = Str(root, "sampleEnv", "");
        var imagePaths = new List<ImagePath>();
        if (Get(root, "imagePaths") is YamlSequenceNode ips)
        {
            foreach (var item in ips.Children)
            {
                if (item is not YamlMappingNode im)
                {
                    errors.Add($"{At(item)}: each imagePaths entry must be a mapping with kind and path");
                    continue;
                }
                Known(im, "imagePaths[].", "kind", "path");
                var ipKind = Str(im, "kind", "imagePaths[].", true);
                var ipPath = Str(im, "path", "imagePaths[].", true);
                if (ipKind is null || ipPath is null)
                {
                    continue;
                }
                try
                {
                    imagePaths.Add(ImagePath.Parse(ipKind, ipPath));
                }
                catch (FormatException e)
                {
                    errors.Add($"{At(Get(im, "path")!)}: {e.Message}");
                }
            }
        }
        else if (Get(root, "imagePaths") is { } bad)
        {
            errors.Add($"{At(bad)}: imagePaths must be a list of {{ kind, path }}");
        }
        var migrations = new List<EnvMigration>();
        if (Get(root, "envMigrations") is YamlSequenceNode ems)
        {
            foreach (var item in ems.Children)
            {
                if (item is not YamlMappingNode mm || Get(mm, "rename") is null)
                {
                    errors.Add($"{At(item)}: each envMigrations entry must be {{ rename: OLD_KEY, to: NEW_KEY }}");
                    continue;
                }
                Known(mm, "envMigrations[].", "rename", "to");
                var from = Str(mm, "rename", "envMigrations[].", true);
                var to = Str(mm, "to", "envMigrations[].", true);
                if (from is null || to is null)
                {
                    continue;
                }
                if (env.All(v => v.Name != to))
                {
                    errors.Add($"{At(Get(mm, "to")!)}: envMigrations: {to} is not declared in env; declare it, or rename to a declared key");
                }
                if (env.Any(v => v.Name == from))
                {
                    errors.Add($"{At(Get(mm, "rename")!)}: envMigrations: {from} is still declared in env; remove it from env, since it " +
                        $"is renamed to {to}");
                }
                migrations.Add(new EnvMigration(from, to));
            }
        }
        else if (Get(root, "envMigrations") is { } badMigrations)
        {
            errors.Add($"{At(badMigrations)}: envMigrations must be a list of {{ rename: OLD_KEY, to: NEW_KEY }}");
        }
        ClusterSpec? cluster = null;
        if (Get(root, "cluster") is YamlMappingNode clusterNode)
        {
            foreach (var (ck, _) in clusterNode.Children)
            {
                if (ck is YamlScalarNode cks && cks.Value is not ("k3s" or "storage"))
                {
                    errors.Add($"{At(ck)}: unknown field cluster.{cks.Value} (allowed: k3s, storage)");
                }
            }
            if (Get(clusterNode, "k3s") is YamlMappingNode k3)
            {
                Known(k3, "cluster.k3s.", "version", "binary", "installScript", "images");
                var k3sVersion = Str(k3, "version", "cluster.k3s.", true);
                if (k3sVersion is not null && !Regex.IsMatch(k3sVersion, @"^v[0-9]+\.[0-9]+\.[0-9]+\+k3s[0-9]+$"))
                {
                    errors.Add($"{At(Get(k3, "version")!)}: cluster.k3s.version \"{k3sVersion}\" must look like v1.31.4+k3s1 (a k3s release tag)");
                }
                var binary = Str(k3, "binary", "cluster.k3s.", true);
                var script = Str(k3, "installScript", "cluster.k3s.", true);
                var airgap = Str(k3, "images", "cluster.k3s.");
                foreach (var (field, value) in new[] { ("binary", binary), ("images", airgap), ("installScript", script) })
                {
                    if (checkFiles && value is not null && !IsUrl(value)
                        && !File.Exists(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, value))))
                    {
                        errors.Add($"{At(Get(k3, field)!)}: cluster.k3s.{field} {value} does not exist (paths are relative to the spec; or give an " +
                            "https:// URL)");
                    }
                }
                var storage = Get(clusterNode, "storage") is YamlMappingNode sm ? Str(sm, "path", "cluster.storage.") : null;
                if (storage is not null && !storage.StartsWith('/'))
                {
                    errors.Add($"{At(Get((YamlMappingNode)Get(clusterNode, "storage")!, "path")!)}: cluster.storage.path must be an absolute path " +
                        "on the nodes");
                }
                if (k3sVersion is not null && binary is not null && script is not null)
                {
                    cluster = new ClusterSpec(new K3sSpec(k3sVersion, binary, airgap, script), storage ?? "/var/lib/rancher/k3s/storage");
                }
            }
            else
            {
                errors.Add($"{At(clusterNode)}: cluster needs k3s: {{ version, binary, installScript, images }}");
            }
        }
        KubernetesTarget? kubernetes = null;
        if (Get(root, "kubernetes") is YamlMappingNode kubeNode)
        {
            foreach (var (kk, _) in kubeNode.Children)
            {
                if (kk is YamlScalarNode kks && kks.Value is not ("version" or "apiVersions"))
                {
                    errors.Add($"{At(kk)}: unknown field kubernetes.{kks.Value} (allowed: version, apiVersions)");
                }
            }
            var kubeVersion = Str(kubeNode, "version", "kubernetes.");
            if (kubeVersion is not null && !KubernetesTarget.IsVersion(kubeVersion))
            {
                errors.Add($"{At(Get(kubeNode, "version")!)}: kubernetes.version \"{kubeVersion}\" is not a Kubernetes version; write the site's " +
                    "version, e.g. 1.31.4");
            }
            var apiVersions = new List<string>();
            switch (Get(kubeNode, "apiVersions"))
            {
                case null:
                    break;
                case YamlSequenceNode seq:
                    foreach (var item in seq.Children)
                    {
                        if (item is YamlScalarNode { Value: { Length: > 0 } av } && !av.Contains(' ', StringComparison.Ordinal))
                        {
                            apiVersions.Add(av);
                        }
                        else
                        {
                            errors.Add($"{At(item)}: kubernetes.apiVersions entries are group/version strings such as monitoring.coreos.com/v1");
                        }
                    }
                    break;
                case var badList:
                    errors.Add($"{At(badList)}: kubernetes.apiVersions must be a list of group/version strings");
                    break;
            }
            kubernetes = new KubernetesTarget(kubeVersion, apiVersions);
        }
        else if (Get(root, "kubernetes") is { } badKube)
        {
            errors.Add($"{At(badKube)}: kubernetes must be a mapping {{ version, apiVersions }}");
        }
        var requirements = Get(root, "requirements") is { } reqNode ? Requirements.Parse(reqNode, path, errors) : Requirements.None;
        var spec = new BundleSpec(name, version, rewrite, env, sampleEnv, apps, platforms, path)
        {
            ImagePaths = imagePaths, EnvMigrations = migrations, Cluster = cluster, Kubernetes = kubernetes, Requirements = requirements,
        };
        foreach (var app in apps)
        {
            if (!checkFiles)
            {
                break;
            }
            if (app.Chart.Path is not null && !File.Exists(spec.Resolve(app.Chart.Path)) && !Directory.Exists(spec.Resolve(app.Chart.Path)))
            {
                errors.Add($"{path}:{app.Line}:5: app {app.Name}: chart path {app.Chart.Path} does not exist (paths are " +
                    $"relative to {spec.BaseDirectory})");
            }
            if (app.Values is not null && !File.Exists(spec.Resolve(app.Values)))
            {
                errors.Add($"{path}:{app.Line}:5: app {app.Name}: values template {app.Values} does not exist");
            }
        }
        if (checkFiles && sampleEnv is not null && !File.Exists(spec.Resolve(sampleEnv)))
        {
            errors.Add($"{At(Get(root, "sampleEnv")!)}: sampleEnv {sampleEnv} does not exist");
        }
        if (errors.Count > 0)
        {
            throw new BundleException(string.Join("\n", errors));
        }
        return spec;
    }

    /// <summary>Whether a spec value is a URL (fetched at build) rather than a path.</summary>
    public static bool IsUrl(string value) => value.StartsWith("https://", StringComparison.Ordinal)
        || value.StartsWith("http://", StringComparison.Ordinal);

    private static List<string>? FindCycle(List<AppSpec> apps)
    {
        var state = new Dictionary<string, int>();
        var stack = new List<string>();
        List<string>? Visit(string n)
        {
            state[n] = 1;
            stack.Add(n);
            foreach (var d in apps.FirstOrDefault(a => a.Name == n)?.DependsOn ?? [])
            {
                if (state.GetValueOrDefault(d) == 1)
                {
                    return [.. stack.SkipWhile(x => x != d), d];
                }
                if (state.GetValueOrDefault(d) == 0 && apps.Any(a => a.Name == d) && Visit(d) is { } c)
                {
                    return c;
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[n] = 2;
            return null;
        }
        foreach (var a in apps)
        {
            if (state.GetValueOrDefault(a.Name) == 0 && Visit(a.Name) is { } c)
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>Reads a dotenv file (KEY=value lines, # comments, optional quotes).</summary>
    public static Dictionary<string, string> ReadDotEnv(string path)
    {
        try
        {
            return DotEnv.Parse(File.ReadAllText(path), path);
        }
        catch (FormatException e)
        {
            throw new BundleException(e.Message, e);
        }
    }
}
