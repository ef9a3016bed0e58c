namespace Ferry.Charts;

/// <summary>A loaded Helm chart: metadata, templates, other files, default values and its subcharts.</summary>
public sealed class Chart
{
    public ChartMetadata Metadata { get; set; } = new();

    /// <summary>Files under <c>templates/</c>.</summary>
    public List<ChartFile> Templates { get; } = [];

    /// <summary>Every other file (README, crds/, data files for <c>.Files</c>).</summary>
    public List<ChartFile> Files { get; } = [];

    private Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>values.yaml, decoded with Helm's rules.</summary>
    public Dictionary<string, object?> Values
    {
        get => _values;
        set
        {
            _values = value;
            HasValues = true;
        }
    }

    /// <summary>Whether values were given (values.yaml, or set by dependency processing); a release records null otherwise.</summary>
    public bool HasValues { get; private set; }

    /// <summary>values.schema.json, when present.</summary>
    public byte[]? Schema { get; set; }

    /// <summary>Chart.lock (requirements.lock for apiVersion v1), when present.</summary>
    public ChartLock? Lock { get; set; }

    /// <summary>Loaded subcharts (from charts/).</summary>
    public List<Chart> Dependencies { get; private set; } = [];

    public Chart? Parent { get; private set; }

    /// <summary>The source the chart was loaded from (directory or archive path), for error messages.</summary>
    public string Source { get; set; } = "";

    public string Name => Metadata.Name;

    public bool IsRoot => Parent is null;

    public bool IsLibrary => Metadata.Type == "library";

    /// <summary>Helm's ChartFullPath: <c>parent/charts/child</c>.</summary>
    public string FullPath => Parent is null ? Name : $"{Parent.FullPath}/charts/{Name}";

    public void SetDependencies(IEnumerable<Chart> charts)
    {
        Dependencies = [];
        foreach (var c in charts)
        {
            AddDependency(c);
        }
    }

    public void AddDependency(Chart chart)
    {
        chart.Parent = this;
        Dependencies.Add(chart);
    }

    /// <summary>A copy sharing files and values but with its own metadata and dependency list (for aliases).</summary>
    public Chart CloneShallow()
    {
        var c = new Chart { Metadata = Metadata.Clone(), Schema = Schema, Source = Source, Lock = Lock, _values = _values, HasValues = HasValues };
        c.Templates.AddRange(Templates);
        c.Files.AddRange(Files);
        foreach (var d in Dependencies)
        {
            c.AddDependency(d.CloneShallow());
        }
        return c;
    }

    /// <summary>CRD files (<c>crds/*.yaml|yml|json</c>) of this chart and its subcharts, parents first.</summary>
    public IEnumerable<(string Path, ChartFile File)> CrdObjects()
    {
        foreach (var f in Files.Where(f => f.Name.StartsWith("crds/", StringComparison.Ordinal) && IsManifestExtension(f.Name)))
        {
            yield return ($"{FullPath}/{f.Name}", f);
        }
        foreach (var d in Dependencies)
        {
            foreach (var crd in d.CrdObjects())
            {
                yield return crd;
            }
        }
    }

    private static bool IsManifestExtension(string name) =>
        name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal)
            || name.EndsWith(".json", StringComparison.Ordinal);
}
