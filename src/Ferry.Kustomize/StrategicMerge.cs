namespace Ferry.Kustomize;

/// <summary>
/// Strategic merge patch for the built-in kinds: mappings merge, null deletes, lists of containers, env, volumes,
/// mounts and ports merge by their Kubernetes merge key (<c>$patch: delete</c> removes an element, <c>$patch: replace</c>
/// a whole list or mapping), other lists are replaced.
/// </summary>
internal static class StrategicMerge
{
    public static void Merge(Dictionary<string, object?> target, Dictionary<string, object?> patch)
    {
        if (patch.GetValueOrDefault("$patch") is "replace")
        {
            target.Clear();
        }
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$') || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }
            switch (value)
            {
                case null:
                    target.Remove(key);
                    break;
                case Dictionary<string, object?> m when m.GetValueOrDefault("$patch") is "delete":
                    target.Remove(key);
                    break;
                case Dictionary<string, object?> m when target.GetValueOrDefault(key) is Dictionary<string, object?> existing:
                    Merge(existing, m);
                    break;
                case List<object?> l when target.GetValueOrDefault(key) is List<object?> existing
                    && PatchStrategy.MergeKey(key, _ => false) is not null && l.All(x => x is Dictionary<string, object?>):
                    target[key] = MergeList(existing, l, key);
                    break;
                default:
                    target[key] = Strip(Patches.Clone(value));
                    break;
            }
        }
    }

    private static List<object?> MergeList(List<object?> existing, List<object?> patch, string field)
    {
        if (patch.Any(x => x is Dictionary<string, object?> d && d.Count == 1 && d.GetValueOrDefault("$patch") is "replace"))
        {
            return patch.Where(x => !(x is Dictionary<string, object?> d && d.ContainsKey("$patch"))).Select(x => Strip(Patches.Clone(x))).ToList();
        }
        // kustomize (kyaml's merge) lists the patch's elements first, in its order, then the others as they were
        var rest = existing.ToList();
        var result = new List<object?>();
        foreach (var item in patch.Cast<Dictionary<string, object?>>())
        {
            var key = PatchStrategy.MergeKey(field, item.ContainsKey);
            var match = key is null || !item.TryGetValue(key, out var wanted) ? null : rest.OfType<Dictionary<string, object?>>()
                .FirstOrDefault(e => Equals(Scalar(e.GetValueOrDefault(key)), Scalar(wanted)));
            if (match is not null)
            {
                rest.Remove(match);
            }
            if (item.GetValueOrDefault("$patch") is "delete")
            {
                continue;
            }
            if (match is not null)
            {
                Merge(match, item);
                result.Add(match);
            }
            else
            {
                result.Add(Strip(Patches.Clone(item)));
            }
        }
        result.AddRange(rest);
        return result;
    }

    private static string? Scalar(object? v) => v is null ? null : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A value added whole, without the patch directives inside it.</summary>
    private static object? Strip(object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> m:
                foreach (var key in m.Keys.Where(k => k.StartsWith('$')).ToList())
                {
                    m.Remove(key);
                }
                foreach (var key in m.Keys.ToList())
                {
                    m[key] = Strip(m[key]);
                }
                return m;
            case List<object?> l:
                return l.Select(Strip).ToList();
            default:
                return value;
        }
    }
}
