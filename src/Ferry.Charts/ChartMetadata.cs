using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>Chart.yaml. Exposed to templates as <c>.Chart</c> with Helm's Go field names (Name, Version, AppVersion, ...).</summary>
public sealed class ChartMetadata
{
    public string Name { get; set; } = "";

    public string Home { get; set; } = "";

    public List<string> Sources { get; set; } = [];

    public string Version { get; set; } = "";

    public string Description { get; set; } = "";

    public List<string> Keywords { get; set; } = [];

    public List<Dictionary<string, object?>> Maintainers { get; set; } = [];

    public string Icon { get; set; } = "";

    public string ApiVersion { get; set; } = "";

    public string Condition { get; set; } = "";

    public string Tags { get; set; } = "";

    public string AppVersion { get; set; } = "";

    public bool Deprecated { get; set; }

    public Dictionary<string, object?> Annotations { get; set; } = new(StringComparer.Ordinal);

    public string KubeVersion { get; set; } = "";

    public List<ChartDependency> Dependencies { get; set; } = [];

    public string Type { get; set; } = "";

    /// <summary>Line of each top-level key in Chart.yaml, so validation errors can point at it.</summary>
    internal Dictionary<string, int> KeyLines { get; } = new(StringComparer.Ordinal);

    public ChartMetadata Clone()
    {
        var m = (ChartMetadata)MemberwiseClone();
        m.Dependencies = Dependencies.Select(d => d.Clone()).ToList();
        return m;
    }

    /// <summary>The <c>.Chart</c> object for templates (adds <c>IsRoot</c>).</summary>
    internal ITemplateObject ToTemplateObject(bool isRoot) => new StructObject("chart.Metadata", new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["Name"] = Name,
        ["Home"] = Home,
        ["Sources"] = Sources.Cast<object?>().ToList(),
        ["Version"] = Version,
        ["Description"] = Description,
        ["Keywords"] = Keywords.Cast<object?>().ToList(),
        ["Maintainers"] = Maintainers.Cast<object?>().ToList(),
        ["Icon"] = Icon,
        ["APIVersion"] = ApiVersion,
        ["Condition"] = Condition,
        ["Tags"] = Tags,
        ["AppVersion"] = AppVersion,
        ["Deprecated"] = Deprecated,
        ["Annotations"] = Annotations,
        ["KubeVersion"] = KubeVersion,
        ["Dependencies"] = Dependencies.Select(d => (object?)d.ToValue()).ToList(),
        ["Type"] = Type,
        ["IsRoot"] = isRoot,
    });
}
