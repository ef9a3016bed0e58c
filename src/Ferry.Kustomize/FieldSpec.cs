namespace Ferry.Kustomize;

/// <summary>
/// One of kustomize's field specs: a path (segments split by '/', <c>\/</c> for a slash inside a key, lists traversed
/// wherever they are met) in the objects of a kind (and group, version; empty matches any), and whether a missing field
/// is created.
/// </summary>
internal sealed record FieldSpec(string Kind, string Path, bool Create = false, string Group = "", string Version = "")
{
    public bool Applies(Resource r) =>
        (Kind.Length == 0 || Kind == r.Kind) && (Group.Length == 0 || Group == r.Group) && (Version.Length == 0 || Version == r.Version);

    /// <summary>Replaces every value at the path with <paramref name="update"/>'s result (null in: the field is missing and created).</summary>
    public void Apply(Resource r, Func<object?, object?> update)
    {
        if (Applies(r))
        {
            Walk(r.Object, Segments(Path), 0, Create, update);
        }
    }

    private static List<string> Segments(string path)
    {
        var segments = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length && path[i + 1] == '/')
            {
                current.Append('/');
                i++;
            }
            else if (path[i] == '/')
            {
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(path[i]);
            }
        }
        segments.Add(current.ToString());
        return segments.Select(s => s.EndsWith("[]", StringComparison.Ordinal) ? s[..^2] : s).ToList();
    }

    private static void Walk(object? node, List<string> segments, int i, bool create, Func<object?, object?> update)
    {
        switch (node)
        {
            case List<object?> list:
                foreach (var item in list)
                {
                    Walk(item, segments, i, create, update);
                }
                return;
            case Dictionary<string, object?> map:
                var key = segments[i];
                var present = map.TryGetValue(key, out var value) && value is not null;
                if (i == segments.Count - 1)
                {
                    if (present || create)
                    {
                        map[key] = update(present ? value : null);
                    }
                    return;
                }
                if (!present && create)
                {
                    map[key] = value = new Dictionary<string, object?>(StringComparer.Ordinal);
                    present = true;
                }
                if (present)
                {
                    Walk(value, segments, i + 1, create, update);
                }
                return;
        }
    }
}
