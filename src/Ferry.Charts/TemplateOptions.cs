namespace Ferry.Charts;

/// <summary>The options of <c>ferry template</c> (Helm's <c>helm template</c> flags).</summary>
public sealed record HelmTemplateOptions
{
    public string ReleaseName { get; init; } = "release-name";

    public string? NameTemplate { get; init; }

    public string Namespace { get; init; } = "default";

    public List<string> ValuesFiles { get; init; } = [];

    /// <summary>Values given programmatically (e.g. a rendered values template), applied before values files.</summary>
    public Dictionary<string, object?>? Values { get; init; }

    /// <summary>--set, --set-string, --set-json, --set-file, --set-literal expressions in command-line order.</summary>
    public List<ValueSet> Sets { get; init; } = [];

    public string KubeVersion { get; init; } = Capabilities.DefaultKubeVersion;

    public List<string> ApiVersions { get; init; } = [];

    /// <summary>
    /// A live cluster's version and API versions (its discovery), which replace <see cref="KubeVersion"/> and Helm's
    /// built-in API versions the way <c>helm install</c> renders against a cluster; <see cref="ApiVersions"/> still adds.
    /// </summary>
    public ClusterCapabilities? Cluster { get; init; }

    public bool IncludeCrds { get; init; }

    public bool SkipTests { get; init; }

    /// <summary>helm --no-hooks: hooks are rendered (and validated) but not printed.</summary>
    public bool NoHooks { get; init; }

    /// <summary>helm --is-upgrade: .Release.IsUpgrade true, .Release.IsInstall false.</summary>
    public bool IsUpgrade { get; init; }

    /// <summary>.Release.Revision: 1 for helm template; the revision being made when a deploy renders.</summary>
    public int Revision { get; init; } = 1;

    /// <summary>helm --skip-schema-validation: values.schema.json files are not checked.</summary>
    public bool SkipSchemaValidation { get; init; }

    public bool Debug { get; init; }

    /// <summary>
    /// A top-level <c>.Env</c> for every template (Ferry's manifests apps: plain YAML rendered with the site's
    /// deploy-env); null, as for every chart, leaves templates exactly as Helm renders them.
    /// </summary>
    public object? Env { get; init; }

    public List<string> ShowOnly { get; init; } = [];

    /// <summary>Helm's functions for the render (lint mode, lookup, clock).</summary>
    public Ferry.Templates.Functions.Helm.HelmFunctionOptions Functions { get; init; } = new();

    /// <summary>--output-dir: write each template's manifests under this directory instead of printing them.</summary>
    public string? OutputDir { get; init; }

    /// <summary>
    /// helm's --validate (with --kubeconfig/--kube-context): render for the cluster and have its API server check
    /// every object. Read by the command line, which talks to the cluster; the renderer itself never does.
    /// </summary>
    public bool Validate { get; init; }

    public string? Kubeconfig { get; init; }

    /// <summary>--output of <c>ferry lint</c> (text or json); the command line reads it.</summary>
    public string OutputFormat { get; init; } = "text";

    public string? KubeContext { get; init; }

    /// <summary>helm's --release-name: write under OutputDir/ReleaseName.</summary>
    public bool UseReleaseName { get; init; }

    /// <summary>
    /// The post-render seam: receives the sorted manifests (hooks included, in output order) and returns the
    /// manifests to print. Ferry's image rewriting plugs in here.
    /// </summary>
    public Func<IReadOnlyList<Manifest>, IReadOnlyList<Manifest>>? PostRender { get; init; }

    /// <summary>Resolves relative --values/--set-file paths (defaults to the current directory).</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();
}

/// <summary>How a <see cref="ValueSet"/> reads its expression, in the order Helm applies them (each kind after the one before).</summary>
public enum SetKind
{
    /// <summary><c>--set-json key=json</c></summary>
    Json,

    /// <summary><c>--set key=value</c>: typed as helm's strvals reads it</summary>
    Set,

    /// <summary><c>--set-string key=value</c></summary>
    String,

    /// <summary><c>--set-file key=path</c>: the file's text</summary>
    File,

    /// <summary><c>--set-literal key=value</c>: the value verbatim</summary>
    Literal,
}

/// <summary>One <c>--set</c>-family expression.</summary>
public sealed record ValueSet(SetKind Kind, string Expression)
{
    /// <summary>The flag that gives this kind, without dashes (<c>set-json</c>), as helm's messages name it.</summary>
    public string Flag => Kind switch
    {
        SetKind.Json => "set-json",
        SetKind.Set => "set",
        SetKind.String => "set-string",
        SetKind.File => "set-file",
        _ => "set-literal",
    };
}
