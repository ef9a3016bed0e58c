using System.Text.Json.Serialization;

namespace Ferry.Bundles.Format;

/// <summary>
/// ferry-bundle.json, the one truth of what a bundle holds: written by <see cref="BundleBuilder"/>, read back by
/// verify, inspect, deploy, plan and cluster install through <see cref="BundleManifestJson"/>. Property order is the
/// file's order; bundles are reproducible, so it must not change within an <see cref="ApiVersion"/>.
/// </summary>
public sealed record BundleManifest
{
    /// <summary>The version of this format.</summary>
    public const string CurrentApiVersion = "ferry.dev/v1";

    /// <summary>The kind every manifest carries.</summary>
    public const string ManifestKind = "BundleManifest";

    public string ApiVersion { get; init; } = CurrentApiVersion;

    public string Kind { get; init; } = ManifestKind;

    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    public ManifestRegistry Registry { get; init; } = new();

    /// <summary>The platforms (os/arch[/variant]) the images carry.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = [];

    /// <summary>The env schema the site's deploy-env is checked against.</summary>
    public IReadOnlyList<ManifestEnvVar> Env { get; init; } = [];

    public IReadOnlyList<ManifestApp>? Apps { get; init; }

    public IReadOnlyList<ManifestImage> Images { get; init; } = [];

    /// <summary>What the build was made from (reproducibility evidence; secret overrides masked).</summary>
    public ManifestInputs Inputs { get; init; } = new();

    /// <summary>Set for a delta bundle: the blobs it leaves out because the site has them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ManifestDelta? Delta { get; init; }

    /// <summary>The k3s artifacts for <c>ferry cluster install</c>, when the product carries a cluster.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ManifestCluster? Cluster { get; init; }

    /// <summary>The bundle path of the ferry executable the bundle carries, if any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ferry { get; init; }

    /// <summary>The SHA-256 of every file outside the image layout, by bundle path, ordinal order.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
}

public sealed record ManifestRegistry
{
    /// <summary>Whether deploy rewrites image references to the site registry.</summary>
    public bool Rewrite { get; init; }
}

public sealed record ManifestEnvVar
{
    public string Name { get; init; } = "";

    public string? Description { get; init; }

    public bool Required { get; init; }

    public bool Secret { get; init; }

    public string? Default { get; init; }

    public string? Pattern { get; init; }

    /// <summary>The schema entry as the env checks take it.</summary>
    public EnvVar ToEnvVar() => new(Name, Description ?? "", Required, Secret, Default, Pattern);
}

public sealed record ManifestApp
{
    public string Name { get; init; } = "";

    public string Namespace { get; init; } = "";

    public ManifestChart? Chart { get; init; }

    /// <summary>The bundle path of the app's values template, or null.</summary>
    public string? Values { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>The images the app uses, as the vendor's references.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];
}

public sealed record ManifestChart
{
    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    public string Digest { get; init; } = "";

    /// <summary>The bundle path of the chart archive.</summary>
    public string File { get; init; } = "";

    /// <summary>Where the chart came from (ferry.yaml's source, for people).</summary>
    public string Source { get; init; } = "";
}

public sealed record ManifestImage
{
    public string Ref { get; init; } = "";

    /// <summary>The digest of the image's (index) manifest, kept byte for byte on the site.</summary>
    public string Digest { get; init; } = "";

    public string MediaType { get; init; } = "";

    /// <summary>Bytes of the blobs the image carries for the bundle's platforms.</summary>
    public long Size { get; init; }

    public IReadOnlyList<ManifestImageSource> Sources { get; init; } = [];
}

/// <summary>Where an image was found: the app, the template and the path in it.</summary>
public sealed record ManifestImageSource(string App, string Template, string? Path);

public sealed record ManifestInputs
{
    /// <summary>The version of Ferry that built the bundle.</summary>
    public string? Ferry { get; init; }

    public string? SampleEnv { get; init; }

    /// <summary>The --env overrides of the build, by name, in ordinal order; secret values are masked.</summary>
    public IReadOnlyDictionary<string, string?> EnvOverrides { get; init; } = new Dictionary<string, string?>();

    /// <summary>The file name of the site inventory a delta bundle was built against.</summary>
    public string? Since { get; init; }
}

public sealed record ManifestDelta(string Since, IReadOnlyList<string> Requires);

public sealed record ManifestCluster(ManifestK3s K3s, string StoragePath);

/// <summary>The k3s artifacts, each a bundle path (images is optional).</summary>
public sealed record ManifestK3s(string Version, string Binary, string? Images, string InstallScript);

/// <summary>A site inventory (<c>ferry inventory -o site.json</c>): what a site registry holds, for delta bundles.</summary>
public sealed record SiteInventoryFile(string ApiVersion, string Kind, string? Registry, IReadOnlyList<string>? Blobs,
    IReadOnlyList<string>? Manifests);
