namespace Ferry.Charts;

/// <summary>A <c>dependencies:</c> entry of Chart.yaml (or requirements.yaml for apiVersion v1).</summary>
public sealed class ChartDependency
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public string Repository { get; set; } = "";

    public string Condition { get; set; } = "";

    public List<string> Tags { get; set; } = [];

    public bool Enabled { get; set; }

    /// <summary>Each item is a string (<c>exports.X</c> shorthand) or a map with <c>child</c> and <c>parent</c>.</summary>
    public List<object?> ImportValues { get; set; } = [];

    public string Alias { get; set; } = "";

    public ChartDependency Clone() => (ChartDependency)MemberwiseClone();

    internal Dictionary<string, object?> ToValue() => new(StringComparer.Ordinal)
    {
        ["Name"] = Name,
        ["Version"] = Version,
        ["Repository"] = Repository,
        ["Condition"] = Condition,
        ["Tags"] = Tags.Cast<object?>().ToList(),
        ["Enabled"] = Enabled,
        ["ImportValues"] = ImportValues.ToList(),
        ["Alias"] = Alias,
    };
}
