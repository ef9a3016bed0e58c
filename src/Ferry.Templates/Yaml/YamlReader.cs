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
        if (new YamlComposer(text).TryRead(new YamlDecoder(numbers), out var quick))
        {
            return quick;
        }
        var composer = new YamlComposer(text);
        var root = composer.NextDocument();
        return root is null ? null : new YamlDecoder(numbers).Decode(root);
    }

    /// <summary>
    /// The first document's top-level <paramref name="keys"/> only — every other part is checked exactly as
    /// <see cref="Read"/> checks it (same errors, same limits) but not built: a rendered manifest's head (apiVersion,
    /// kind, metadata) without the cost of its spec. A document that is not a mapping, or merges keys into its top
    /// level, is read whole. Null for an empty text.
    /// </summary>
    public static object? ReadKeys(string text, IReadOnlySet<string> keys, NumberMode numbers = NumberMode.Float64)
    {
        if (new YamlComposer(text).TryReadKeys(keys, new YamlDecoder(numbers), out var quick))
        {
            return quick;
        }
        var composer = new YamlComposer(text);
        var root = composer.NextDocument();
        if (root is null)
        {
            return null;
        }
        var decoder = new YamlDecoder(numbers);
        if (root.Kind != YamlNodeKind.Mapping || HasMergeKey(root))
        {
            return decoder.Decode(root);
        }
        return decoder.DecodeKeys(root, keys);
    }

    private static bool HasMergeKey(YamlNode mapping)
    {
        for (var i = 0; i + 1 < mapping.Children.Count; i += 2)
        {
            if (mapping.Children[i].Kind == YamlNodeKind.Scalar && mapping.Children[i].Value == "<<")
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every document's value, in order.</summary>
    public static List<object?> ReadAll(string text, NumberMode numbers = NumberMode.Float64, bool yaml12 = false)
    {
        var composer = new YamlComposer(text);
        var documents = new List<object?>();
        while (composer.NextDocument() is { } root)
        {
            documents.Add(new YamlDecoder(numbers) { Yaml12 = yaml12 }.Decode(root));
        }
        return documents;
    }

    /// <summary>
    /// The first document's value, plus the 1-based line of each top-level mapping key (for messages that point at a
    /// field, such as Chart.yaml's).
    /// </summary>
    public static (object? Value, Dictionary<string, int> KeyLines) ReadWithKeyLines(string text, NumberMode numbers = NumberMode.Float64,
        bool yaml12 = false)
    {
        var composer = new YamlComposer(text);
        var root = composer.NextDocument();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root is null)
        {
            return (null, lines);
        }
        if (root.Kind == YamlNodeKind.Mapping)
        {
            for (var i = 0; i + 1 < root.Children.Count; i += 2)
            {
                if (root.Children[i].Kind == YamlNodeKind.Scalar)
                {
                    lines[root.Children[i].Value] = root.Children[i].Start.Line + 1;
                }
            }
        }
        return (new YamlDecoder(numbers) { Yaml12 = yaml12 }.Decode(root), lines);
    }
}
