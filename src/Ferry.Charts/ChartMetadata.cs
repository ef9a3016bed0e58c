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

    /// <summary>Whether Chart.yaml has an <c>annotations</c> map (absent, Go leaves the map nil).</summary>
    internal bool AnnotationsPresent { get; set; }

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

    /// <summary>
    /// The <c>.Chart</c> value for templates: like Helm 4, a <c>map[string]interface {}</c> of the metadata's Go field
    /// names (plus <c>IsRoot</c>); lists are <c>[]interface {}</c>, maintainers and dependencies maps, annotations a
    /// <c>map[string]string</c>. A missing key is "no value", as for any map.
    /// </summary>
    internal Dictionary<string, object?> ToTemplateObject(bool isRoot) => new(StringComparer.Ordinal)
    {
        ["APIVersion"] = ApiVersion,
        ["Annotations"] = new GoTypedDictionary("map[string]string", Annotations, isNil: !AnnotationsPresent),
        ["AppVersion"] = AppVersion,
        ["Condition"] = Condition,
        ["Dependencies"] = Dependencies.Select(d => (object?)d.ToValue()).ToList(),
        ["Deprecated"] = Deprecated,
        ["Description"] = Description,
        ["Home"] = Home,
        ["Icon"] = Icon,
        ["IsRoot"] = isRoot,
        ["Keywords"] = Keywords.Cast<object?>().ToList(),
        ["KubeVersion"] = KubeVersion,
        ["Maintainers"] = Maintainers.Select(m => (object?)new Dictionary<string, object?>(m, StringComparer.Ordinal)).ToList(),
        ["Name"] = Name,
        ["Sources"] = Sources.Cast<object?>().ToList(),
        ["Tags"] = Tags,
        ["Type"] = Type,
        ["Version"] = Version,
    };
}
