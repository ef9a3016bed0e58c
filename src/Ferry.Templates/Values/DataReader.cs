using System.Globalization;
using System.Text.Json;
using Ferry.Templates.Yaml;

namespace Ferry.Templates.Values;

/// <summary>How decoded numbers are represented.</summary>
public enum NumberMode
{
    /// <summary>Every number is a float64 (Go's encoding/json into interface{}, and Helm's values).</summary>
    Float64,

    /// <summary>Integral numbers are Go ints (int64); others float64.</summary>
    IntWhenIntegral,
}

/// <summary>Decodes JSON and YAML documents into the template value model (maps, lists, scalars).</summary>
public static class DataReader
{
    public static object? FromJson(string json, NumberMode numbers = NumberMode.Float64)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        return FromJson(doc.RootElement, numbers);
    }

    public static object? FromJson(JsonElement e, NumberMode numbers = NumberMode.Float64)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    map[p.Name] = FromJson(p.Value, numbers);
                }
                return map;
            case JsonValueKind.Array:
                var list = new List<object?>();
                foreach (var item in e.EnumerateArray())
                {
                    list.Add(FromJson(item, numbers));
                }
                return list;
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                if (numbers == NumberMode.IntWhenIntegral && e.TryGetInt64(out var l))
                {
                    return l;
                }
                return e.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>
    /// Decodes the first YAML document the way Helm reads values (sigs.k8s.io/yaml: YAML 1.1 scalars, then JSON):
    /// numbers become float64 unless <paramref name="numbers"/> says otherwise. Without <paramref name="fileName"/>,
    /// failures are <see cref="YamlException"/>s worded as go-yaml words them (what Helm prints); with it, a
    /// <see cref="FormatException"/> that names the file, line and column.
    /// </summary>
    public static object? FromYaml(string yaml, NumberMode numbers = NumberMode.Float64, string? fileName = null)
    {
        try
        {
            return YamlReader.Read(yaml, numbers);
        }
        catch (YamlException e) when (fileName is not null)
        {
            var where = e.Line > 0 ? $"{fileName}:{e.Line}:{e.Column}" : fileName;
            throw new FormatException($"{where}: {e.Problem}", e);
        }
    }
}
