using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Ferry.Bundles;

/// <summary>The apps, cluster and kubernetes sections, and the files the spec names.</summary>
internal sealed partial class SpecReader
{
    /// <summary>Each app's mapping, by name, for problems found after the apps are read (dependencies, files).</summary>
    private readonly Dictionary<string, YamlMappingNode> _appNodes = new(StringComparer.Ordinal);

    private List<AppSpec> Apps(YamlMappingNode root)
    {
        var apps = new List<AppSpec>();
        if (Get(root, "apps") is not YamlSequenceNode { Children.Count: > 0 } appNodes)
        {
            Error(root, "apps is required (at least one app)");
            return apps;
        }
        foreach (var a in appNodes)
        {
            if (a is not YamlMappingNode am)
            {
                Error(a, "each app must be a mapping with name and chart");
                continue;
            }
            var app = App(am);
            if (apps.Any(x => x.Name == app.Name))
            {
                Error(am, $"app {app.Name} is declared twice");
            }
            _appNodes.TryAdd(app.Name, am);
            apps.Add(app);
        }
        foreach (var app in apps)
        {
            foreach (var d in app.DependsOn.Where(d => apps.All(x => x.Name != d)))
            {
                Error(Get(_appNodes[app.Name], "dependsOn") ?? _appNodes[app.Name], $"app {app.Name} depends on unknown app \"{d}\"");
            }
        }
        if (SpecLoader.FindCycle(apps) is { } cycle)
        {
            Error(_appNodes[cycle[0]], $"dependsOn has a cycle: {string.Join(" -> ", cycle)}; an app cannot wait for itself");
        }
        return apps;
    }

    private AppSpec App(YamlMappingNode am)
    {
        Known(am, "apps[].");
        var name = Str(am, "name", "apps[].", true) ?? "";
        if (name.Length > 0 && !SpecRules.IsDnsLabel(name, SpecRules.MaxReleaseName))
        {
            Error(Get(am, "name")!, $"app name \"{name}\" must be a DNS label of at most {SpecRules.MaxReleaseName} characters " +
                "(it is the Helm release name)");
        }
        var ns = Str(am, "namespace", "apps[].");
        if (ns is not null && !SpecRules.IsDnsLabel(ns))
        {
            Error(Get(am, "namespace")!, $"app {name}: namespace \"{ns}\" must be a Kubernetes namespace name " +
                $"(lowercase letters, digits, '-', at most {SpecRules.MaxDnsLabel} characters)");
        }
        var chart = Get(am, "chart") is YamlMappingNode cm ? Chart(cm, name) : null;
        var manifests = Get(am, "manifests") is null ? null : Strings(am, "manifests", "apps[].", []);
        var kustomize = Get(am, "kustomize") is YamlMappingNode km ? Kustomize(km, name) : null;
        if (new object?[] { chart, manifests, kustomize }.Count(x => x is not null) != 1)
        {
            Error(am, $"app {name}: needs exactly one of chart, manifests or kustomize");
        }
        if (manifests is { Count: 0 })
        {
            Error(Get(am, "manifests")!, $"app {name}: manifests lists no file or folder");
        }
        var depends = Strings(am, "dependsOn", "apps[].", []);
        var images = Strings(am, "images", "apps[].", []);
        foreach (var img in images)
        {
            if (!Oci.ImageReference.TryParse(img, out _, out var why))
            {
                Error(Get(am, "images")!, $"app {name}: image \"{img}\": {why}");
            }
        }
        return new AppSpec(name, ns ?? "default", chart ?? new ChartSource(null, null, null, null, null, null, null, null),
            Str(am, "values", "apps[]."), depends, images, (int)am.Start.Line)
        {
            Manifests = manifests,
            Kustomize = kustomize,
            TemplateManifests = Bool(am, "template", true, "apps[]."),
        };
    }

    private ChartSource Kustomize(YamlMappingNode km, string app)
    {
        Known(km, "kustomize.");
        var src = new ChartSource(Str(km, "path", "kustomize."), null, null, null, null, Str(km, "git", "kustomize."),
            Str(km, "ref", "kustomize."), null);
        if (src.Git is not null)
        {
            src = src with { GitPath = src.Path, Path = null };
        }
        if ((src.Path is null) == (src.Git is null))
        {
            Error(km, $"app {app}: kustomize needs exactly one of path (a folder or .tgz) or git (with ref)");
        }
        else if (src.Git is not null && src.Ref is null)
        {
            Error(km, $"app {app}: a git kustomization needs ref (a tag or commit)");
        }
        return src;
    }

    private ChartSource Chart(YamlMappingNode cm, string app)
    {
        Known(cm, "chart.");
        var src = new ChartSource(Str(cm, "path", "chart."), Str(cm, "repo", "chart."), Str(cm, "name", "chart."), Str(cm, "version", "chart."),
            Str(cm, "oci", "chart."), Str(cm, "git", "chart."), Str(cm, "ref", "chart."), null);
        if (src.Git is not null)
        {
            src = src with { GitPath = src.Path, Path = null };
        }
        if (new[] { src.Path, src.Repo, src.Oci, src.Git }.Count(x => x is not null) != 1)
        {
            Error(cm, $"app {app}: chart needs exactly one of path, repo, oci or git");
        }
        else if (src.Repo is not null && (src.Name is null || src.Version is null))
        {
            Error(cm, $"app {app}: a repo chart needs name and version");
        }
        else if (src.Oci is not null && src.Version is null)
        {
            Error(cm, $"app {app}: an oci chart needs version");
        }
        else if (src.Git is not null && src.Ref is null)
        {
            Error(cm, $"app {app}: a git chart needs ref (a tag or commit)");
        }
        return src;
    }

    private ClusterSpec? Cluster(YamlMappingNode root)
    {
        if (Get(root, "cluster") is not YamlMappingNode clusterNode)
        {
            return null;
        }
        Known(clusterNode, "cluster.");
        if (Get(clusterNode, "k3s") is not YamlMappingNode k3)
        {
            Error(clusterNode, "cluster needs k3s: { version, binary, installScript, images }");
            return null;
        }
        Known(k3, "cluster.k3s.");
        var version = Str(k3, "version", "cluster.k3s.", true);
        if (version is not null && !K3sVersion().IsMatch(version))
        {
            Error(Get(k3, "version")!, $"cluster.k3s.version \"{version}\" must look like v1.31.4+k3s1 (a k3s release tag)");
        }
        var binary = Str(k3, "binary", "cluster.k3s.", true);
        var script = Str(k3, "installScript", "cluster.k3s.", true);
        var airgap = Str(k3, "images", "cluster.k3s.");
        foreach (var (field, value) in new[] { ("binary", binary), ("images", airgap), ("installScript", script) })
        {
            if (checkFiles && value is not null && !SpecLoader.IsUrl(value)
                && !File.Exists(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, value))))
            {
                Error(Get(k3, field)!, $"cluster.k3s.{field} {value} does not exist (paths are relative to the spec; or give an https:// URL)");
            }
        }
        string? storage = null;
        if (Get(clusterNode, "storage") is YamlMappingNode sm)
        {
            Known(sm, "cluster.storage.");
            storage = Str(sm, "path", "cluster.storage.");
            if (storage is not null && !storage.StartsWith('/'))
            {
                Error(Get(sm, "path")!, "cluster.storage.path must be an absolute path on the nodes");
            }
        }
        return version is not null && binary is not null && script is not null
            ? new ClusterSpec(new K3sSpec(version, binary, airgap, script), storage ?? "/var/lib/rancher/k3s/storage")
            : null;
    }

    private KubernetesTarget? Kubernetes(YamlMappingNode root)
    {
        switch (Get(root, "kubernetes"))
        {
            case null:
                return null;
            case not YamlMappingNode and var bad:
                Error(bad, "kubernetes must be a mapping { version, apiVersions }");
                return null;
        }
        var kubeNode = (YamlMappingNode)Get(root, "kubernetes")!;
        Known(kubeNode, "kubernetes.");
        var kubeVersion = Str(kubeNode, "version", "kubernetes.");
        if (kubeVersion is not null && !KubernetesTarget.IsVersion(kubeVersion))
        {
            Error(Get(kubeNode, "version")!, $"kubernetes.version \"{kubeVersion}\" is not a Kubernetes version; write the site's " +
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
                        Error(item, "kubernetes.apiVersions entries are group/version strings such as monitoring.coreos.com/v1");
                    }
                }
                break;
            case var badList:
                Error(badList, "kubernetes.apiVersions must be a list of group/version strings");
                break;
        }
        return new KubernetesTarget(kubeVersion, apiVersions);
    }

    /// <summary>The charts, values templates and sample env the spec names exist (paths relative to the spec).</summary>
    private void CheckFiles(BundleSpec spec, YamlMappingNode root)
    {
        foreach (var app in spec.Apps)
        {
            var node = _appNodes.GetValueOrDefault(app.Name);
            var chartNode = node is null ? null : Get(node, "chart") is YamlMappingNode cm ? Get(cm, "path") : null;
            if (app.Chart.Path is not null && !File.Exists(spec.Resolve(app.Chart.Path)) && !Directory.Exists(spec.Resolve(app.Chart.Path)))
            {
                Error(chartNode ?? root, $"app {app.Name}: chart path {app.Chart.Path} does not exist (paths are relative to {spec.BaseDirectory})");
            }
            foreach (var m in (app.Manifests ?? []).Where(m => !File.Exists(spec.Resolve(m)) && !Directory.Exists(spec.Resolve(m))))
            {
                Error((node is null ? null : Get(node, "manifests")) ?? root,
                    $"app {app.Name}: manifests path {m} does not exist (paths are relative to {spec.BaseDirectory})");
            }
            if (app.Kustomize?.Path is { } kp && !File.Exists(spec.Resolve(kp)) && !Directory.Exists(spec.Resolve(kp)))
            {
                Error((node is null ? null : Get(node, "kustomize")) ?? root,
                    $"app {app.Name}: kustomize path {kp} does not exist (paths are relative to {spec.BaseDirectory})");
            }
            if (app.Values is not null && !File.Exists(spec.Resolve(app.Values)))
            {
                Error((node is null ? null : Get(node, "values")) ?? root, $"app {app.Name}: values template {app.Values} does not exist");
            }
        }
        if (spec.SampleEnv is { } sampleEnv && !File.Exists(spec.Resolve(sampleEnv)))
        {
            Error(Get(root, "sampleEnv")!, $"sampleEnv {sampleEnv} does not exist");
        }
    }

    [GeneratedRegex(@"^v[0-9]+\.[0-9]+\.[0-9]+\+k3s[0-9]+$")]
    private static partial Regex K3sVersion();
}
