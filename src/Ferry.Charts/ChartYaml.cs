using System.Collections;
using System.Globalization;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;
using Ferry.Templates.Yaml;

namespace Ferry.Charts;

/// <summary>
/// Reads Chart.yaml (and requirements.yaml) into <see cref="ChartMetadata"/> as Helm does — YAML, then JSON into Go
/// structs: field names match whatever their case, numbers and booleans given for text fields become text
/// (<c>version: 1.10</c> is "1.1", <c>appVersion: 1.0</c> is "1", an annotation <c>y</c> is "true"), unknown fields are
/// ignored, and a list or map where text is expected is an error naming the field.
/// </summary>
internal static class ChartYaml
{
    public static ChartMetadata ParseMetadata(string text, string file)
    {
        var (root, keyLines) = Read(text, file);
        var m = Fields(root, file, "Metadata");
        var md = new ChartMetadata
        {
            Name = Str(m, "name", file, "Metadata"),
            Home = Str(m, "home", file, "Metadata"),
            Sources = StrList(m, "sources", file, "Metadata"),
            Version = Str(m, "version", file, "Metadata"),
            Description = Str(m, "description", file, "Metadata"),
            Keywords = StrList(m, "keywords", file, "Metadata"),
            Icon = Str(m, "icon", file, "Metadata"),
            ApiVersion = Str(m, "apiVersion", file, "Metadata"),
            Condition = Str(m, "condition", file, "Metadata"),
            Tags = Str(m, "tags", file, "Metadata"),
            AppVersion = Str(m, "appVersion", file, "Metadata"),
            Deprecated = Bool(m, "deprecated", file, "Metadata"),
            KubeVersion = Str(m, "kubeVersion", file, "Metadata"),
            Type = Str(m, "type", file, "Metadata"),
        };
        foreach (var (key, line) in keyLines)
        {
            md.KeyLines[key] = line;
        }
        if (Get(m, "maintainers") is IList maintainers)
        {
            foreach (var item in maintainers)
            {
                var mm = Fields(item, file, "Maintainer");
                md.Maintainers.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["Email"] = Str(mm, "email", file, "Maintainer"),
                    ["Name"] = Str(mm, "name", file, "Maintainer"),
                    ["URL"] = Str(mm, "url", file, "Maintainer"),
                });
            }
        }
        else if (Get(m, "maintainers") is not null)
        {
            throw TypeError(file, "Metadata", "maintainers", "[]*chart.Maintainer", Get(m, "maintainers"));
        }
        switch (Get(m, "annotations"))
        {
            case IDictionary<string, object?> annotations:
                md.AnnotationsPresent = true;
                foreach (var (k, v) in annotations)
                {
                    md.Annotations[k] = v is null ? "" : Text(v) ?? throw TypeError(file, "Metadata", "annotations", "string", v);
                }
                break;
            case null:
                break;
            case var other:
                throw TypeError(file, "Metadata", "annotations", "map[string]string", other);
        }
        md.Dependencies = Dependencies(Get(m, "dependencies"), file);
        return md;
    }

    /// <summary>requirements.yaml's <c>dependencies:</c> (charts of apiVersion v1).</summary>
    public static List<ChartDependency> ParseRequirements(string text, string file)
    {
        var (root, _) = Read(text, file);
        return Dependencies(Get(Fields(root, file, "Requirements"), "dependencies"), file);
    }

    /// <summary>Chart.lock or requirements.lock, as Helm's loader reads it into chart.Lock.</summary>
    public static ChartLock ParseLock(string text, string file)
    {
        var (root, _) = Read(text, file);
        var m = Fields(root, file, "Lock");
        var generated = ChartLock.ZeroTime;
        switch (Get(m, "generated"))
        {
            case null:
                break;
            case string s:
                generated = ChartLock.GoTime(s) ?? throw new ChartException($"{file}: generated: \"{s}\" is not an RFC 3339 time " +
                    "(2006-01-02T15:04:05Z07:00); run `helm dependency update` to write the lock again");
                break;
            case var other:
                throw TypeError(file, "Lock", "generated", "time.Time", other);
        }
        return new ChartLock
        {
            Generated = generated,
            Digest = Str(m, "digest", file, "Lock"),
            Dependencies = Get(m, "dependencies") is null ? null : Dependencies(Get(m, "dependencies"), file, requireName: false),
        };
    }

    private static (object? Root, Dictionary<string, int> KeyLines) Read(string text, string file)
    {
        try
        {
            return YamlReader.ReadWithKeyLines(text, NumberMode.IntWhenIntegral);
        }
        catch (YamlException e)
        {
            var where = e.Line > 0 ? $"{file}:{e.Line}:{e.Column}" : file;
            throw new ChartException($"{where}: {e.Problem} (fix the YAML)", e);
        }
    }

    private static List<ChartDependency> Dependencies(object? value, string file, bool requireName = true)
    {
        if (value is null)
        {
            return [];
        }
        if (value is not IList list)
        {
            throw TypeError(file, requireName ? "Metadata" : "Lock", "dependencies", "[]*chart.Dependency", value);
        }
        var result = new List<ChartDependency>();
        foreach (var item in list)
        {
            if (item is not IDictionary<string, object?>)
            {
                throw new ChartException($"{file}: each dependency must be a mapping with name, version and repository");
            }
            var d = Fields(item, file, "Dependency");
            var dep = new ChartDependency
            {
                Name = Str(d, "name", file, "Dependency"),
                Version = Str(d, "version", file, "Dependency"),
                Repository = Str(d, "repository", file, "Dependency"),
                Condition = Str(d, "condition", file, "Dependency"),
                Tags = StrList(d, "tags", file, "Dependency"),
                Alias = Str(d, "alias", file, "Dependency"),
                Enabled = Bool(d, "enabled", file, "Dependency"),
            };
            switch (Get(d, "import-values"))
            {
                case IList values:
                    dep.ImportValues.AddRange(values.Cast<object?>());
                    break;
                case null:
                    break;
                case var other:
                    throw TypeError(file, "Dependency", "import-values", "[]interface {}", other);
            }
            if (requireName && dep.Name.Length == 0)
            {
                throw new ChartException($"{file}: validation: dependencies must have a name");
            }
            result.Add(dep);
        }
        return result;
    }

    /// <summary>An object's members as JSON decoding into a struct sees them: names compared without case, later wins.</summary>
    private static Dictionary<string, object?> Fields(object? value, string file, string goType)
    {
        var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        switch (value)
        {
            case null:
                return fields;
            case IDictionary<string, object?> map:
                foreach (var key in map.Keys.OrderBy(k => k, StringComparer.Ordinal))
                {
                    fields[key] = map[key];
                }
                return fields;
            default:
                throw new ChartException($"{file}: expected a YAML mapping for {goType} (json: cannot unmarshal {JsonKind(value)} into Go " +
                    $"value of type chart.{goType})");
        }
    }

    private static object? Get(Dictionary<string, object?> fields, string name) => fields.GetValueOrDefault(name);

    private static string Str(Dictionary<string, object?> fields, string name, string file, string goType)
    {
        var v = Get(fields, name);
        return v is null ? "" : Text(v) ?? throw TypeError(file, goType, name, "string", v);
    }

    private static List<string> StrList(Dictionary<string, object?> fields, string name, string file, string goType)
    {
        switch (Get(fields, name))
        {
            case null:
                return [];
            case IList list:
                return list.Cast<object?>().Select(v => v is null ? "" : Text(v) ?? throw TypeError(file, goType, name, "string", v)).ToList();
            case var other:
                throw TypeError(file, goType, name, "[]string", other);
        }
    }

    private static bool Bool(Dictionary<string, object?> fields, string name, string file, string goType) => Get(fields, name) switch
    {
        null => false,
        bool b => b,
        var other => throw TypeError(file, goType, name, "bool", other),
    };

    /// <summary>A scalar for a text field, as sigs.k8s.io/yaml converts it (floats with float32 precision); null for collections.</summary>
    private static string? Text(object v) => v switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => GoFloat.Format(d, 'g', -1, 32),
        bool b => b ? "true" : "false",
        _ => null,
    };

    private static string JsonKind(object? v) => v switch
    {
        IDictionary<string, object?> => "object",
        IList => "array",
        string => "string",
        bool => "bool",
        null => "null",
        _ => "number",
    };

    private static ChartException TypeError(string file, string goType, string field, string fieldType, object? value) =>
        new($"{file}: field {field} must be a {(fieldType == "string" ? "text value" : fieldType)} (json: " +
            $"cannot unmarshal {JsonKind(value)} into Go struct field {goType}.{field} of type {fieldType})");
}
