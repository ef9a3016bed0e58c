using Ferry.Templates.Values;
using Ferry.Templates.Yaml;

namespace Ferry.Kustomize;

/// <summary>One kustomization file, read with the line of each field so errors point at it.</summary>
internal sealed class Kustomization
{
    internal static readonly string[] FileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace", "namePrefix", "nameSuffix",
        "commonLabels", "labels", "commonAnnotations", "images", "replicas", "patches", "patchesStrategicMerge",
        "patchesJson6902", "configMapGenerator", "secretGenerator", "generatorOptions", "replacements", "vars",
    };

    private Kustomization(string directory, string path, Dictionary<string, object?> fields, Dictionary<string, int> lines)
    {
        (Directory, Path, Fields, Lines) = (directory, path, fields, lines);
    }

    public string Directory { get; }
    public string Path { get; }
    public Dictionary<string, object?> Fields { get; }
    public Dictionary<string, int> Lines { get; }

    /// <summary>Where a field is written, for messages: <c>dir/kustomization.yaml:12</c>.</summary>
    public string At(string field) => Lines.TryGetValue(field, out var line) ? $"{Path}:{line}" : Path;

    public static Kustomization Load(string directory)
    {
        var files = FileNames.Select(n => System.IO.Path.Combine(directory, n)).Where(File.Exists).ToList();
        if (files.Count == 0)
        {
            throw new KustomizeException($"{directory}: no kustomization.yaml (or kustomization.yml, Kustomization) in it; " +
                "a kustomize source must be a folder with one");
        }
        if (files.Count > 1)
        {
            var names = string.Join(", ", files.Select(System.IO.Path.GetFileName));
            throw new KustomizeException($"{directory}: found more than one kustomization file ({names}); keep one");
        }
        var path = files[0];
        object? value;
        Dictionary<string, int> lines;
        try
        {
            (value, lines) = YamlReader.ReadWithKeyLines(File.ReadAllText(path), NumberMode.IntWhenIntegral, yaml12: true);
        }
        catch (YamlException e)
        {
            throw new KustomizeException($"{path}:{e.Line}:{e.Column}: {e.Problem}", e);
        }
        if (value is not Dictionary<string, object?> fields)
        {
            throw new KustomizeException($"{path}: a kustomization must be a mapping of fields (resources, patches, …)");
        }
        var k = new Kustomization(directory, path, fields, lines);
        foreach (var key in fields.Keys.Where(key => !Supported.Contains(key)))
        {
            throw new KustomizeException($"{k.At(key)}: the kustomize field '{key}' is not supported by Ferry's kustomize " +
                "renderer; render this kustomization with kubectl kustomize and ship the output as a manifests app");
        }
        return k;
    }

    public string? String(string field) => Fields.GetValueOrDefault(field) switch
    {
        null => null,
        string s => s,
        var other => throw new KustomizeException($"{At(field)}: '{field}' must be a string, not {Describe(other)}"),
    };

    public List<object?> List(string field) => Fields.GetValueOrDefault(field) switch
    {
        null => [],
        List<object?> l => l,
        var other => throw new KustomizeException($"{At(field)}: '{field}' must be a list, not {Describe(other)}"),
    };

    public List<string> Strings(string field) => List(field).Select(item => item as string
        ?? throw new KustomizeException($"{At(field)}: every entry of '{field}' must be a string")).ToList();

    public Dictionary<string, object?> Map(string field) => Fields.GetValueOrDefault(field) switch
    {
        null => new Dictionary<string, object?>(StringComparer.Ordinal),
        Dictionary<string, object?> m => m,
        var other => throw new KustomizeException($"{At(field)}: '{field}' must be a mapping, not {Describe(other)}"),
    };

    /// <summary>A string-to-string mapping (labels, annotations); numbers and booleans become their text as kustomize does.</summary>
    public static Dictionary<string, string> StringMap(object? value, string where) => value switch
    {
        null => [],
        Dictionary<string, object?> m => m.ToDictionary(kv => kv.Key, kv => Scalar(kv.Value, where), StringComparer.Ordinal),
        _ => throw new KustomizeException($"{where}: expected a mapping of names to values"),
    };

    public static string Scalar(object? value, string where) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long or double => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        null => "",
        _ => throw new KustomizeException($"{where}: expected a plain value, not {Describe(value)}"),
    };

    internal static string Describe(object? value) => value switch
    {
        List<object?> => "a list",
        Dictionary<string, object?> => "a mapping",
        string => "a string",
        _ => "a " + (value?.GetType().Name.ToLowerInvariant() ?? "null"),
    };
}
