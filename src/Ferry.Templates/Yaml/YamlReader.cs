using Ferry.Templates.Values;

namespace Ferry.Templates.Yaml;

/// <summary>
/// Reads YAML into template values the way Helm does (sigs.k8s.io/yaml over go-yaml v2): same scalars, same
/// keys, same errors, same limits. Helm reads the first document of a text; <see cref="ReadAll"/> reads every one.
/// </summary>
public static class YamlReader
{
    /// <summary>The first document's value (null for an empty text); a <see cref="YamlException"/> when it is not valid YAML.</summary>
    public static object? Read(string text, NumberMode numbers = NumberMode.Float64)
    {
        var composer = new YamlComposer(text);
        var root = composer.NextDocument();
        return root is null ? null : new YamlDecoder(numbers).Decode(root);
    }

    /// <summary>Every document's value, in order.</summary>
    public static List<object?> ReadAll(string text, NumberMode numbers = NumberMode.Float64)
    {
        var composer = new YamlComposer(text);
        var documents = new List<object?>();
        while (composer.NextDocument() is { } root)
        {
            documents.Add(new YamlDecoder(numbers).Decode(root));
        }
        return documents;
    }
}
