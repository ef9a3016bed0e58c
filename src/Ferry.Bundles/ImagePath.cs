using System.Collections;

namespace Ferry.Bundles;

/// <summary>
/// Where images live in a custom resource: a kind (or <c>*</c>) and a JSONPath subset — <c>$</c>, <c>.field</c>,
/// <c>['field']</c>, <c>[n]</c>, <c>[*]</c>, <c>.*</c> — whose matches are image references (strings or lists of strings).
/// Declared in ferry.yaml under <c>imagePaths</c>.
/// </summary>
public sealed class ImagePath
{
    private readonly List<Step> _steps;

    private ImagePath(string kind, string path, List<Step> steps)
    {
        Kind = kind;
        Path = path;
        _steps = steps;
    }

    public string Kind { get; }

    public string Path { get; }

    private sealed record Step(string? Field, int? Index, bool Wildcard);

    /// <summary>Parses a path; the error message says what is wrong (for file:line:col reporting).</summary>
    public static ImagePath Parse(string kind, string path)
    {
        var steps = new List<Step>();
        var i = 0;
        if (path.StartsWith('$'))
        {
            i = 1;
        }
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                var start = i;
                while (i < path.Length && path[i] is not ('.' or '['))
                {
                    i++;
                }
                var field = path[start..i];
                if (field.Length == 0)
                {
                    throw new FormatException($"imagePaths: \"{path}\": empty field name at offset {start}");
                }
                steps.Add(field == "*" ? new Step(null, null, true) : new Step(field, null, false));
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FormatException($"imagePaths: \"{path}\": unclosed [ at offset {i}");
                }
                var inner = path[(i + 1)..close].Trim();
                if (inner == "*")
                {
                    steps.Add(new Step(null, null, true));
                }
                else if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
                {
                    steps.Add(new Step(inner[1..^1], null, false));
                }
                else if (int.TryParse(inner, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                {
                    steps.Add(new Step(null, n, false));
                }
                else
                {
                    throw new FormatException($"imagePaths: \"{path}\": [{inner}] must be a number, * or a quoted name (filters are not supported)");
                }
                i = close + 1;
            }
            else
            {
                throw new FormatException($"imagePaths: \"{path}\": expected . or [ at offset {i}");
            }
        }
        if (steps.Count == 0)
        {
            throw new FormatException($"imagePaths: \"{path}\": the path selects nothing (write e.g. $.spec.image)");
        }
        return new ImagePath(kind, path, steps);
    }

    public bool AppliesTo(string kind) => Kind == "*" || string.Equals(Kind, kind, StringComparison.Ordinal);

    /// <summary>Every string the path selects in a parsed document, with its concrete location.</summary>
    public IEnumerable<(string Value, string Location)> Select(object? document)
    {
        var current = new List<(object? Node, string Location)> { (document, "") };
        foreach (var step in _steps)
        {
            var next = new List<(object? Node, string Location)>();
            foreach (var (node, loc) in current)
            {
                switch (node)
                {
                    case Dictionary<string, object?> map when step.Wildcard:
                        next.AddRange(map.Select(kv => ((object?)kv.Value, $"{loc}.{kv.Key}")));
                        break;
                    case Dictionary<string, object?> map when step.Field is not null && map.TryGetValue(step.Field, out var v):
                        next.Add((v, $"{loc}.{step.Field}"));
                        break;
                    case IList list when step.Wildcard:
                        for (var k = 0; k < list.Count; k++)
                        {
                            next.Add((list[k], $"{loc}[{k}]"));
                        }
                        break;
                    case IList list when step.Index is { } n && n < list.Count:
                        next.Add((list[n], $"{loc}[{n}]"));
                        break;
                }
            }
            current = next;
        }
        foreach (var (node, loc) in current)
        {
            if (node is string s && s.Length > 0)
            {
                yield return (s, loc);
            }
            else if (node is IList items)
            {
                for (var k = 0; k < items.Count; k++)
                {
                    if (items[k] is string item && item.Length > 0)
                    {
                        yield return (item, $"{loc}[{k}]");
                    }
                }
            }
        }
    }
}
