namespace Ferry.Charts;

/// <summary>The options of <c>ferry template</c> (Helm's <c>helm template</c> flags).</summary>
public sealed class HelmTemplateOptions
{
    public string ReleaseName { get; set; } = "release-name";

    public string? NameTemplate { get; set; }

    public string Namespace { get; set; } = "default";

    public List<string> ValuesFiles { get; } = [];

    /// <summary>--set, --set-string, --set-json, --set-file expressions in command-line order.</summary>
    public List<(string Kind, string Expression)> Sets { get; } = [];

    public string KubeVersion { get; set; } = Capabilities.DefaultKubeVersion;

    public List<string> ApiVersions { get; } = [];

    public bool IncludeCrds { get; set; }

    public bool SkipTests { get; set; }

    public bool Debug { get; set; }

    public List<string> ShowOnly { get; } = [];

    /// <summary>Resolves relative --values/--set-file paths (defaults to the current directory).</summary>
    public string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();
}
