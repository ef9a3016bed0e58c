using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Templates.Values;

namespace Ferry.Kube.Tests;

/// <summary>Server-side apply and JSON merge patch.</summary>
public sealed partial class ApiSimulator
{
    private const char Sep = '\u001f';

    private static readonly HashSet<string> Identity = new(StringComparer.Ordinal) { "apiVersion", "kind", $"metadata{Sep}name", $"metadata{Sep}namespace" };

    /// <summary>
    /// Server-side apply: the manager's applied configuration is merged (maps field by field, lists atomically);
    /// fields it applied before and no longer applies are removed unless another manager owns them; a field owned by
    /// another manager with a different value is a conflict unless forced (then ownership moves).
    /// </summary>
    private (int, JsonNode) Apply(ApiResource r, Request q, JsonObject applied)
    {
        if (q.FieldManager.Length == 0)
        {
            return Failure(400, "BadRequest", "PATCH /apply requires fieldManager to be set", q.Name, r.Plural, r.Group);
        }
        var appliedName = applied["metadata"]?["name"]?.GetValue<string>();
        if (appliedName != q.Name)
        {
            return Failure(400, "BadRequest", $"the name of the object ({appliedName}) does not match the name on the URL ({q.Name})", q.Name, r.Plural, r.Group);
        }
        if (!DnsSubdomain().IsMatch(q.Name))
        {
            return Invalid(r, q.Name);
        }
        var key = (r.Group, r.Plural, q.Ns, q.Name);
        var exists = _objects.TryGetValue(key, out var current);
        var live = exists ? (JsonObject)current!.DeepClone() : new JsonObject { ["metadata"] = new JsonObject { ["name"] = q.Name } };
        if (!_owners.TryGetValue(key, out var owners))
        {
            _owners[key] = owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        }
        applied.Remove("status");
        var newPaths = Leaves(applied, "").Where(p => !Identity.Contains(p) && !p.StartsWith($"metadata{Sep}managedFields", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var conflicts = new List<string>();
        foreach (var p in newPaths)
        {
            foreach (var (manager, paths) in owners)
            {
                if (manager != q.FieldManager && paths.Contains(p) && !JsonNode.DeepEquals(At(live, p), At(applied, p)))
                {
                    conflicts.Add($"conflict with \"{manager}\": .{p.Replace(Sep, '.')}");
                }
            }
        }
        if (conflicts.Count > 0 && !q.Force)
        {
            return Failure(409, "Conflict", $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {string.Join("; ", conflicts)}", q.Name, r.Plural, r.Group);
        }
        foreach (var (manager, paths) in owners.Where(o => o.Key != q.FieldManager))
        {
            paths.ExceptWith(newPaths);
        }
        var previous = owners.GetValueOrDefault(q.FieldManager) ?? [];
        foreach (var gone in previous.Except(newPaths).Where(p => !owners.Any(o => o.Key != q.FieldManager && o.Value.Contains(p))))
        {
            Remove(live, gone);
        }
        Merge(live, applied);
        owners[q.FieldManager] = newPaths;
        live["metadata"]!["managedFields"] = new JsonArray(owners.Where(o => o.Value.Count > 0).Select(o => (JsonNode)new JsonObject
        {
            ["manager"] = o.Key,
            ["operation"] = "Apply",
            ["apiVersion"] = r.GroupVersion,
            ["fieldsType"] = "FieldsV1",
            ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }).ToArray());
        return (exists ? 200 : 201, Store(r, q.Ns, q.Name, live).DeepClone());
    }

    private static IEnumerable<string> Leaves(JsonObject obj, string prefix)
    {
        foreach (var (k, v) in obj)
        {
            var path = prefix.Length == 0 ? k : prefix + Sep + k;
            if (v is JsonObject child && child.Count > 0)
            {
                foreach (var p in Leaves(child, path))
                {
                    yield return p;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    private static JsonNode? At(JsonObject obj, string path)
    {
        JsonNode? n = obj;
        foreach (var part in path.Split(Sep))
        {
            n = n is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
        }
        return n;
    }

    private static void Remove(JsonObject obj, string path)
    {
        var parts = path.Split(Sep);
        var chain = new List<JsonObject> { obj };
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (chain[^1][parts[i]] is not JsonObject next)
            {
                return;
            }
            chain.Add(next);
        }
        chain[^1].Remove(parts[^1]);
        for (var i = chain.Count - 1; i > 0 && chain[i].Count == 0; i--)
        {
            chain[i - 1].Remove(parts[i - 1]);
        }
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (k, v) in patch.ToList())
        {
            if (v is JsonObject pv && target[k] is JsonObject tv)
            {
                Merge(tv, pv);
            }
            else
            {
                target[k] = v?.DeepClone();
            }
        }
    }

    /// <summary>RFC 7386 JSON merge patch: null deletes, objects merge, everything else replaces.</summary>
    private static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (k, v) in patch.ToList())
        {
            if (v is null)
            {
                target.Remove(k);
            }
            else if (v is JsonObject pv && target[k] is JsonObject tv)
            {
                MergePatch(tv, pv);
            }
            else
            {
                target[k] = v.DeepClone();
            }
        }
    }

    private static JsonNode? YamlToJson(string text) =>
        text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : JsonSerializer.SerializeToNode(DataReader.FromYaml(text, NumberMode.IntWhenIntegral));
}
