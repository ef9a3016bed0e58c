namespace Ferry.Kustomize;

/// <summary>
/// The dotted field paths of replacements and vars (<c>spec.template.spec.containers.[name=web].image</c>,
/// <c>spec.ports.0.port</c>, <c>containers[0].image</c>, <c>*</c> in targets): reading and writing one value.
/// </summary>
internal static class FieldPath
{
    public static List<string> Parse(string path)
    {
        var segments = new List<string>();
        var current = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var c in path)
        {
            if (c == '.' && depth == 0)
            {
                Add(segments, current);
                continue;
            }
            if (c == '[')
            {
                if (depth == 0 && current.Length > 0)
                {
                    Add(segments, current);
                }
                depth++;
            }
            current.Append(c);
            if (c == ']')
            {
                depth--;
                if (depth == 0)
                {
                    Add(segments, current);
                }
            }
        }
        Add(segments, current);
        return segments;
    }

    private static void Add(List<string> segments, System.Text.StringBuilder current)
    {
        if (current.Length > 0)
        {
            segments.Add(current.ToString());
        }
        current.Clear();
    }

    /// <summary>The values at the path (a wildcard or nothing gives none or many).</summary>
    public static List<object?> Get(object? node, List<string> segments)
    {
        var nodes = new List<object?> { node };
        foreach (var segment in segments)
        {
            nodes = nodes.SelectMany(n => Step(n, segment, create: false, out _)).ToList();
        }
        return nodes;
    }

    /// <summary>
    /// Sets the value at the path in every place it names; with <paramref name="create"/> missing mappings (and list
    /// elements selected by <c>[key=value]</c>) are made. Returns how many places were set.
    /// </summary>
    public static int Set(object? node, List<string> segments, Func<object?, object?> update, bool create)
    {
        var parents = new List<object?> { node };
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            parents = parents.SelectMany(p => Step(p, segment, create, out _)).ToList();
        }
        var last = segments[^1];
        var count = 0;
        foreach (var parent in parents)
        {
            switch (parent)
            {
                case Dictionary<string, object?> map when last == "*":
                    foreach (var key in map.Keys.ToList())
                    {
                        map[key] = update(map[key]);
                        count++;
                    }
                    break;
                case Dictionary<string, object?> map when map.ContainsKey(last) || create:
                    map[last] = update(map.GetValueOrDefault(last));
                    count++;
                    break;
                case List<object?> list when Index(last) is { } i && i < list.Count:
                    list[i] = update(list[i]);
                    count++;
                    break;
            }
        }
        return count;
    }

    private static int? Index(string segment)
    {
        var s = segment.StartsWith('[') && segment.EndsWith(']') ? segment[1..^1] : segment;
        return int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : null;
    }

    private static IEnumerable<object?> Step(object? node, string segment, bool create, out bool made)
    {
        made = false;
        switch (node)
        {
            case Dictionary<string, object?> map when segment == "*":
                return map.Values.ToList();
            case Dictionary<string, object?> map:
                if (map.TryGetValue(segment, out var value) && value is not null)
                {
                    return [value];
                }
                if (!create)
                {
                    return [];
                }
                var child = new Dictionary<string, object?>(StringComparer.Ordinal);
                map[segment] = child;
                made = true;
                return [child];
            case List<object?> list when segment == "*" || segment == "[*]":
                return list.ToList();
            case List<object?> list when Index(segment) is { } i:
                return i < list.Count ? [list[i]] : [];
            case List<object?> list when segment.StartsWith('[') && segment.Contains('=', StringComparison.Ordinal):
                var eq = segment.IndexOf('=', StringComparison.Ordinal);
                var (key, want) = (segment[1..eq], segment[(eq + 1)..^1]);
                var matches = list.OfType<Dictionary<string, object?>>()
                    .Where(e => e.GetValueOrDefault(key) is string or long or double or bool && Kustomization.Scalar(e[key], "") == want)
                    .Cast<object?>().ToList();
                if (matches.Count == 0 && create)
                {
                    var element = new Dictionary<string, object?>(StringComparer.Ordinal) { [key] = want };
                    list.Add(element);
                    made = true;
                    return [element];
                }
                return matches;
            default:
                return [];
        }
    }
}
