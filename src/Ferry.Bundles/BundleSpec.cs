namespace Ferry.Bundles;

/// <summary>One site setting every app may use (the deploy-env schema).</summary>
public sealed record EnvVar(string Name, string Description, bool Required, bool Secret, string? Default, string? Pattern);

/// <summary>k3s artifacts the bundle carries (each a path relative to ferry.yaml or an http(s) URL fetched at build).</summary>
public sealed record K3sSpec(string Version, string Binary, string? Images, string InstallScript);

/// <summary>The site cluster <c>ferry cluster install</c> sets up: k3s, and the local-path provisioner's storage folder.</summary>
public sealed record ClusterSpec(K3sSpec K3s, string StoragePath);

/// <summary>
/// The Kubernetes the product targets (<c>kubernetes:</c>): the version and extra API versions charts are rendered
/// for when no cluster is at hand (bundle build, image discovery, offline plans), as helm's --kube-version and
/// --api-versions. At deploy the site cluster's own version and API versions are used instead.
/// </summary>
public sealed record KubernetesTarget(string? Version, IReadOnlyList<string> ApiVersions)
{
    public static bool IsVersion(string v)
    {
        try
        {
            Ferry.Charts.Capabilities.ParseKubeVersion(v);
            return true;
        }
        catch (Ferry.Charts.ChartException)
        {
            return false;
        }
    }
}

/// <summary>An env key renamed between product versions: at deploy the site's value moves from <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record EnvMigration(string From, string To);

/// <summary>Where an app's chart comes from: exactly one of path, repo+name, oci, git.</summary>
public sealed record ChartSource(string? Path, string? Repo, string? Name, string? Version, string? Oci, string? Git, string? Ref, string? GitPath)
{
    public string Kind => Path is not null ? "path" : Repo is not null ? "repo" : Oci is not null ? "oci" : "git";

    public override string ToString() => Kind switch
    {
        "path" => Path!,
        "repo" => $"{Repo} {Name} {Version}",
        "oci" => $"{Oci}:{Version}",
        _ => $"{Git}@{Ref}{(GitPath is null ? "" : "//" + GitPath)}",
    };
}

/// <summary>
/// An app of the product: its chart (or plain manifests, or a kustomization, which the build wraps into a generated
/// chart), values template, namespace, ordering and extra images.
/// </summary>
public sealed record AppSpec(string Name, string Namespace, ChartSource Chart, string? Values, IReadOnlyList<string> DependsOn,
    IReadOnlyList<string> Images, int Line)
{
    /// <summary>manifests: files and folders of YAML (relative to ferry.yaml); null for a chart or kustomize app.</summary>
    public IReadOnlyList<string>? Manifests { get; init; }

    /// <summary>Whether manifests are Go templates rendered with <c>.Env</c> (the site's deploy-env) at deploy.</summary>
    public bool TemplateManifests { get; init; } = true;

    /// <summary>kustomize: the kustomization folder (path, a .tgz, or git + ref + path); null otherwise.</summary>
    public ChartSource? Kustomize { get; init; }

    /// <summary>What the app is made of: chart, manifests or kustomize.</summary>
    public string SourceKind => Manifests is not null ? "manifests" : Kustomize is not null ? "kustomize" : "chart";

    /// <summary>The app's source as ferry.yaml gives it, for messages.</summary>
    public string SourceText => SourceKind switch
    {
        "manifests" => "manifests " + string.Join(", ", Manifests!),
        "kustomize" => "kustomize " + Kustomize,
        _ => "chart " + Chart,
    };
}

/// <summary>ferry.yaml: the product's deploy repo as code.</summary>
public sealed record BundleSpec(
    string Name,
    string Version,
    bool RewriteRegistry,
    IReadOnlyList<EnvVar> Env,
    string? SampleEnv,
    IReadOnlyList<AppSpec> Apps,
    IReadOnlyList<string> Platforms,
    string SpecPath)
{
    /// <summary>Where images live in custom resources (kind + JSONPath), beyond the container lists found everywhere.</summary>
    public IReadOnlyList<ImagePath> ImagePaths { get; init; } = [];

    /// <summary>The cluster the bundle can install (<c>cluster:</c>), or null.</summary>
    public ClusterSpec? Cluster { get; init; }

    /// <summary>The Kubernetes charts render for when there is no cluster to ask (<c>kubernetes:</c>), or null.</summary>
    public KubernetesTarget? Kubernetes { get; init; }

    /// <summary>
    /// The Kubernetes version to render for without a cluster: <c>kubernetes.version</c>, else the version of the k3s
    /// the bundle installs (<c>cluster.k3s.version</c>; v1.31.4+k3s1 renders as v1.31.4, as helm's --kube-version), else Helm's default.
    /// </summary>
    public string TargetKubeVersion =>
        Kubernetes?.Version ?? Cluster?.K3s.Version ?? Ferry.Charts.Capabilities.DefaultKubeVersion;

    /// <summary>The render options for the target Kubernetes (its version, and its extra API versions added).</summary>
    public Ferry.Charts.HelmTemplateOptions ForTarget(Ferry.Charts.HelmTemplateOptions options) => options with
    {
        KubeVersion = TargetKubeVersion,
        ApiVersions = [.. options.ApiVersions, .. Kubernetes?.ApiVersions ?? []],
    };

    /// <summary>What the vendor requires of a site (<c>requirements:</c>), checked by preflight.</summary>
    public Requirements Requirements { get; init; } = Requirements.None;

    /// <summary>Env keys renamed since earlier versions, applied to the site's deploy-env (with backup) at deploy.</summary>
    public IReadOnlyList<EnvMigration> EnvMigrations { get; init; } = [];

    /// <summary>The folder paths in the spec are relative to.</summary>
    public string BaseDirectory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(SpecPath))!;

    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, relative));
}
