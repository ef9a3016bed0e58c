namespace Ferry.Kustomize;

/// <summary>RFC 6902 JSON patch operations (add, remove, replace, move, copy, test) on one object.</summary>
internal static class Json6902
{
    public static void Apply(Resource r, List<object?> ops, string where)
    {
        foreach (var raw in ops)
        {
            if (raw is not Dictionary<string, object?> op || op.GetValueOrDefault("op") is not string name
                || op.GetValueOrDefault("path") is not string path)
            {
                throw new KustomizeException($"{where}: every JSON 6902 operation needs 'op' and 'path'");
            }
            var fail = $"{where}: {name} {path} on {r.Kind} {r.Name}";
            switch (name)
            {
                case "add":
                    Add(r.Object, path, Patches.Clone(op.GetValueOrDefault("value")), fail);
                    break;
                case "remove":
                    Remove(r.Object, path, fail);
                    break;
                case "replace":
                    Remove(r.Object, path, fail);
                    Add(r.Object, path, Patches.Clone(op.GetValueOrDefault("value")), fail);
                    break;
                case "move":
                    var moved = Remove(r.Object, From(op, fail), fail);
                    Add(r.Object, path, moved, fail);
                    break;
                case "copy":
                    Add(r.Object, path, Patches.Clone(Get(r.Object, From(op, fail), fail)), fail);
                    break;
                case "test":
                    var actual = Ferry.Templates.Formatting.GoJson.Marshal(Get(r.Object, path, fail));
                    if (actual != Ferry.Templates.Formatting.GoJson.Marshal(op.GetValueOrDefault("value")))
                    {
                        throw new KustomizeException($"{fail}: the test failed (the value differs)");
                    }
                    break;
                default:
                    throw new KustomizeException($"{where}: unknown JSON 6902 operation '{name}'");
            }
        }
    }

    private static string From(Dictionary<string, object?> op, string fail) =>
        op.GetValueOrDefault("from") as string ?? throw new KustomizeException($"{fail}: needs 'from'");

    private static List<string> Tokens(string path, string fail)
    {
        if (path.Length == 0)
        {
            return [];
        }
        if (path[0] != '/')
        {
            throw new KustomizeException($"{fail}: a path must start with '/'");
        }
        return path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static (object Parent, string Last) Parent(Dictionary<string, object?> obj, string path, string fail)
    {
        var tokens = Tokens(path, fail);
        if (tokens.Count == 0)
        {
            throw new KustomizeException($"{fail}: the whole object cannot be the target");
        }
        object? current = obj;
        foreach (var t in tokens.Take(tokens.Count - 1))
        {
            current = Step(current, t, fail);
        }
        return (current ?? throw new KustomizeException($"{fail}: the path does not exist"), tokens[^1]);
    }

    private static object? Step(object? current, string token, string fail) => current switch
    {
        Dictionary<string, object?> m when m.TryGetValue(token, out var v) => v,
        List<object?> l when int.TryParse(token, out var i) && i >= 0 && i < l.Count => l[i],
        _ => throw new KustomizeException($"{fail}: the path does not exist (at '{token}')"),
    };

    private static object? Get(Dictionary<string, object?> obj, string path, string fail) =>
        Tokens(path, fail).Aggregate((object?)obj, (current, t) => Step(current, t, fail));

    private static void Add(Dictionary<string, object?> obj, string path, object? value, string fail)
    {
        var (parent, last) = Parent(obj, path, fail);
        switch (parent)
        {
            case Dictionary<string, object?> m:
                m[last] = value;
                break;
            case List<object?> l when last == "-":
                l.Add(value);
                break;
            case List<object?> l when int.TryParse(last, out var i) && i >= 0 && i <= l.Count:
                l.Insert(i, value);
                break;
            default:
                throw new KustomizeException($"{fail}: cannot add at '{last}'");
        }
    }

    private static object? Remove(Dictionary<string, object?> obj, string path, string fail)
    {
        var (parent, last) = Parent(obj, path, fail);
        switch (parent)
        {
            case Dictionary<string, object?> m when m.Remove(last, out var old):
                return old;
            case List<object?> l when int.TryParse(last, out var i) && i >= 0 && i < l.Count:
                var item = l[i];
                l.RemoveAt(i);
                return item;
            default:
                throw new KustomizeException($"{fail}: the path does not exist (at '{last}')");
        }
    }
}
