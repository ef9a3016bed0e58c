using System.Security.Cryptography;
using System.Text;
using Ferry.Templates.Formatting;

namespace Ferry.Kustomize;

/// <summary>configMapGenerator and secretGenerator: literals, files and env files, with kustomize's content hash suffix.</summary>
internal static class Generators
{
    /// <summary>Adds the generated objects to <paramref name="resources"/>, or merges into (replaces) a base's.</summary>
    public static void Generate(Kustomization k, KustomizeRenderer.BuildContext context, List<Resource> resources)
    {
        var options = k.Map("generatorOptions");
        foreach (var field in new[] { "configMapGenerator", "secretGenerator" })
        {
            foreach (var entry in k.List(field))
            {
                var (generated, behavior) = One(k, context, entry, field, options);
                if (behavior == "create")
                {
                    resources.Add(generated);
                    continue;
                }
                var existing = resources.Where(r => r.Kind == generated.Kind && r.Names.Contains(generated.Name)
                    && (generated.Namespace.Length == 0 || r.Namespace == generated.Namespace)).ToList();
                if (existing.Count != 1)
                {
                    throw new KustomizeException($"{k.At(field)}: {field} '{generated.Name}' has behavior '{behavior}' but " +
                        (existing.Count == 0 ? "no base generates it; use behavior: create" : "more than one object has that name"));
                }
                Combine(existing[0], generated, behavior);
            }
        }
    }

    /// <summary>behavior merge (data and metadata added over the base's) or replace (the base's data dropped).</summary>
    private static void Combine(Resource into, Resource generated, string behavior)
    {
        foreach (var field in new[] { "data", "binaryData" })
        {
            var data = behavior == "replace" ? null : into.Object.GetValueOrDefault(field) as Dictionary<string, object?>;
            var add = generated.Object.GetValueOrDefault(field) as Dictionary<string, object?>;
            if (data is null && add is null)
            {
                into.Object.Remove(field);
                continue;
            }
            var merged = new Dictionary<string, object?>(data ?? [], StringComparer.Ordinal);
            foreach (var (key, value) in add ?? [])
            {
                merged[key] = value;
            }
            into.Object[field] = merged;
        }
        foreach (var field in new[] { "labels", "annotations" })
        {
            if (generated.Metadata.GetValueOrDefault(field) is Dictionary<string, object?> add)
            {
                var target = into.Metadata.GetValueOrDefault(field) as Dictionary<string, object?> ?? new(StringComparer.Ordinal);
                foreach (var (key, value) in add)
                {
                    target[key] = value;
                }
                into.Metadata[field] = target;
            }
        }
        into.NeedsHash = generated.NeedsHash;
    }

    private static (Resource Generated, string Behavior) One(Kustomization k, KustomizeRenderer.BuildContext context, object? entry,
        string field, Dictionary<string, object?> globalOptions)
    {
        var where = k.At(field);
        if (entry is not Dictionary<string, object?> g || g.GetValueOrDefault("name") is not string { Length: > 0 } name)
        {
            throw new KustomizeException($"{where}: every {field} entry needs a name");
        }
        var behavior = g.GetValueOrDefault("behavior") as string ?? "create";
        if (behavior is not ("create" or "merge" or "replace"))
        {
            throw new KustomizeException($"{where}: {field} '{name}' has behavior '{behavior}'; use create, merge or replace");
        }
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var literal in Strings(g, "literals", where))
        {
            var eq = literal.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new KustomizeException($"{where}: literal '{literal}' of {name} is not KEY=VALUE");
            }
            data[literal[..eq]] = Unquote(literal[(eq + 1)..]);
        }
        foreach (var file in Strings(g, "files", where))
        {
            var eq = file.IndexOf('=', StringComparison.Ordinal);
            var (key, path) = eq > 0 ? (file[..eq], file[(eq + 1)..]) : (System.IO.Path.GetFileName(file), file);
            data[key] = context.ReadText(System.IO.Path.Combine(k.Directory, path), where);
        }
        foreach (var env in Strings(g, "envs", where).Concat(g.GetValueOrDefault("env") is string single ? [single] : []))
        {
            foreach (var (key, value) in EnvFile(context.ReadText(System.IO.Path.Combine(k.Directory, env), where)))
            {
                data[key] = value;
            }
        }
        var secret = field == "secretGenerator";
        var obj = Object(name, secret, g, data);
        if (g.GetValueOrDefault("namespace") is string ns)
        {
            ((Dictionary<string, object?>)obj["metadata"]!)["namespace"] = ns;
        }
        var options = Merge(globalOptions, g.GetValueOrDefault("options") as Dictionary<string, object?>);
        ApplyOptions(obj, options, where);
        var resource = new Resource(obj, where) { NeedsHash = options.GetValueOrDefault("disableNameSuffixHash") is not true };
        return (resource, behavior);
    }

    private static Dictionary<string, object?> Object(string name, bool secret, Dictionary<string, object?> g, SortedDictionary<string, string> data)
    {
        var obj = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["apiVersion"] = "v1",
            ["kind"] = secret ? "Secret" : "ConfigMap",
            ["metadata"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = name },
        };
        if (data.Count > 0)
        {
            obj["data"] = data.ToDictionary(kv => kv.Key,
                kv => (object?)(secret ? Convert.ToBase64String(Encoding.UTF8.GetBytes(kv.Value)) : kv.Value), StringComparer.Ordinal);
        }
        if (secret)
        {
            obj["type"] = g.GetValueOrDefault("type") as string ?? "Opaque";
        }
        return obj;
    }

    private static Dictionary<string, object?> Merge(Dictionary<string, object?> global, Dictionary<string, object?>? local)
    {
        var merged = new Dictionary<string, object?>(global, StringComparer.Ordinal);
        foreach (var (key, value) in local ?? [])
        {
            if (value is Dictionary<string, object?> m && merged.GetValueOrDefault(key) is Dictionary<string, object?> g)
            {
                merged[key] = new Dictionary<string, object?>(g.Concat(m).GroupBy(kv => kv.Key).Select(x => x.Last()), StringComparer.Ordinal);
            }
            else
            {
                merged[key] = value;
            }
        }
        return merged;
    }

    private static void ApplyOptions(Dictionary<string, object?> obj, Dictionary<string, object?> options, string where)
    {
        var meta = (Dictionary<string, object?>)obj["metadata"]!;
        foreach (var field in new[] { "labels", "annotations" })
        {
            var pairs = Kustomization.StringMap(options.GetValueOrDefault(field), where);
            if (pairs.Count > 0)
            {
                meta[field] = pairs.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
            }
        }
        if (options.GetValueOrDefault("immutable") is true)
        {
            obj["immutable"] = true;
        }
    }

    /// <summary>
    /// kustomize's hash: sha256 of the JSON of kind, data (and a Secret's type) with an empty name (its lookup of
    /// "metadata/name" finds nothing), the first ten hex digits with 0 1 3 a e replaced so no word forms.
    /// </summary>
    internal static string Hash(Dictionary<string, object?> obj, bool secret)
    {
        var m = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["kind"] = secret ? "Secret" : "ConfigMap",
            ["name"] = "",
            ["data"] = obj.GetValueOrDefault("data") ?? "",
        };
        if (secret)
        {
            m["type"] = obj.GetValueOrDefault("type") ?? "";
        }
        var json = GoJson.Marshal(m);
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..10];
        return new string(hex.Select(c => c switch { '0' => 'g', '1' => 'h', '3' => 'k', 'a' => 'm', 'e' => 't', _ => c }).ToArray());
    }

    private static IEnumerable<string> Strings(Dictionary<string, object?> g, string field, string where) =>
        (g.GetValueOrDefault(field) as List<object?> ?? []).Select(x => x as string
            ?? throw new KustomizeException($"{where}: every entry of '{field}' must be a string"));

    private static string Unquote(string v) =>
        v.Length >= 2 && ((v[0] == '"' && v[^1] == '"') || (v[0] == '\'' && v[^1] == '\'')) ? v[1..^1] : v;

    /// <summary>An env file: KEY=VALUE lines; blank lines and # comments skipped; a bare KEY is refused.</summary>
    private static IEnumerable<(string Key, string Value)> EnvFile(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').TrimStart();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new KustomizeException($"env file line '{line}' is not KEY=VALUE");
            }
            yield return (line[..eq], line[(eq + 1)..]);
        }
    }
}
