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
    /// Server-side apply: the manager's applied configuration is merged (maps field by field; the lists Kubernetes
    /// marks as list-maps — containers, env, volumes, volumeMounts, ports, imagePullSecrets — item by item by their
    /// keys; other lists atomically);
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
        if (NameProblem(r, q.Name, applied) is { } problem)
        {
            return Invalid(r, q.Name, problem);
        }
        var key = (r.Group, r.Plural, q.Ns, q.Name);
        var exists = _objects.TryGetValue(key, out var current);
        var live = exists ? (JsonObject)current!.DeepClone() : new JsonObject { ["metadata"] = new JsonObject { ["name"] = q.Name } };
        if (!_owners.TryGetValue(key, out var owners))
        {
            _owners[key] = owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        }
        var ownersBefore = owners.ToDictionary(o => o.Key, o => o.Value.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        applied.Remove("status");
        var newPaths = Leaves(applied, "").Where(p => !Identity.Contains(p) && !p.StartsWith($"metadata{Sep}managedFields", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var conflicts = new List<(string Manager, string Field)>();
        foreach (var p in newPaths)
        {
            foreach (var (manager, paths) in owners)
            {
                if (manager != q.FieldManager && paths.Contains(p) && !JsonNode.DeepEquals(At(live, p), At(applied, p)))
                {
                    conflicts.Add((manager, "." + p.Replace(Sep, '.')));
                }
            }
        }
        if (conflicts.Count > 0 && !q.Force)
        {
            // kube-apiserver's answer: one message, and a FieldManagerConflict cause per field
            var (status, failure) = Failure(409, "Conflict", $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {string.Join("; ", conflicts.Select(c => $"conflict with \"{c.Manager}\": {c.Field}"))}", q.Name, r.Plural, r.Group);
            failure["details"]!["causes"] = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["type"] = "FieldManagerConflict", ["message"] = $"conflict with \"{c.Manager}\"", ["field"] = c.Field,
            }).ToArray());
            return (status, failure);
        }
        foreach (var (manager, paths) in owners.Where(o => o.Key != q.FieldManager))
        {
            paths.ExceptWith(newPaths);
        }
        var previous = owners.GetValueOrDefault(q.FieldManager) ?? [];
        // A list-map item's key field goes last, so the item stays findable while its other fields are removed.
        foreach (var gone in previous.Except(newPaths).Where(p => !owners.Any(o => o.Key != q.FieldManager && o.Value.Contains(p))).OrderBy(p => IsKeyLeaf(p) ? 1 : 0))
        {
            Remove(live, gone);
        }
        Merge(live, applied);
        owners[q.FieldManager] = newPaths;
        // An apply that changes neither the object nor who owns what is a no-op: kube-apiserver writes nothing, so
        // resourceVersion (and every watcher) stays put.
        if (exists && SameOwners(ownersBefore, owners) && JsonNode.DeepEquals(WithoutManagedFields(live), WithoutManagedFields(current!)))
        {
            return (200, current!.DeepClone());
        }
        live["metadata"]!["managedFields"] = new JsonArray(owners.Where(o => o.Value.Count > 0).Select(o => (JsonNode)new JsonObject
        {
            ["manager"] = o.Key,
            ["operation"] = "Apply",
            ["apiVersion"] = r.GroupVersion,
            ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = FieldsV1(o.Value),
        }).ToArray());
        return (exists ? 200 : 201, Store(r, q.Ns, q.Name, live).DeepClone());
    }

    private static bool SameOwners(Dictionary<string, List<string>> before, Dictionary<string, HashSet<string>> after) =>
        before.Where(b => b.Value.Count > 0).Select(b => b.Key).Order(StringComparer.Ordinal)
            .SequenceEqual(after.Where(a => a.Value.Count > 0).Select(a => a.Key).Order(StringComparer.Ordinal))
        && before.All(b => b.Value.Count == 0 || (after.TryGetValue(b.Key, out var now) && now.SetEquals(b.Value)));

    private static JsonObject WithoutManagedFields(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        (copy["metadata"] as JsonObject)?.Remove("resourceVersion");
        return copy;
    }

    /// <summary>
    /// The owned fields as structured-merge-diff's FieldsV1 writes them: <c>f:NAME</c> per field, <c>k:{"name":"app"}</c>
    /// per item of a keyed list (with <c>"."</c> for the item itself), <c>{}</c> at each leaf.
    /// </summary>
    private static JsonObject FieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var part in path.Split(Sep))
            {
                string name;
                var item = false;
                if (part.StartsWith('[') && part.EndsWith(']') && part.Contains('=', StringComparison.Ordinal))
                {
                    var key = new JsonObject();
                    foreach (var (field, json) in KeyParts(part))
                    {
                        key[field] = JsonNode.Parse(json);
                    }
                    name = "k:" + key.ToJsonString();
                    item = true;
                }
                else
                {
                    name = "f:" + part;
                }
                if (node[name] is not JsonObject next)
                {
                    node[name] = next = new JsonObject();
                    if (item)
                    {
                        next["."] = new JsonObject();
                    }
                }
                node = next;
            }
        }
        return root;
    }

    /// <summary>The key segment (<c>[name=app]</c>) of an item of a list-map field, or null when the list is atomic.</summary>
    private static string? ItemKey(string field, JsonNode? item)
    {
        if (item is not JsonObject o)
        {
            return null;
        }
        var key = Ferry.Kustomize.PatchStrategy.MergeKey(field, o.ContainsKey);
        if (key is null || o[key] is not JsonValue v)
        {
            return null;
        }
        // ports are keyed by number and protocol (TCP by default): 9094/TCP and 9094/UDP are two items
        return field == "ports"
            ? $"[{key}={v.ToJsonString()},protocol={(o["protocol"] ?? JsonValue.Create("TCP")).ToJsonString()}]"
            : $"[{key}={v.ToJsonString()}]";
    }

    /// <summary>The fields and JSON values of an item key segment (<c>[containerPort=80,protocol="TCP"]</c>).</summary>
    private static IEnumerable<(string Name, string Json)> KeyParts(string part) =>
        part[1..^1].Split(',').Select(kv => (kv[..kv.IndexOf('=', StringComparison.Ordinal)], kv[(kv.IndexOf('=', StringComparison.Ordinal) + 1)..]));

    private static bool IsKeyLeaf(string path)
    {
        var parts = path.Split(Sep);
        return parts.Length >= 2 && parts[^2].StartsWith('[') && KeyParts(parts[^2]).Any(k => k.Name == parts[^1]);
    }

    private static bool IsListMap(string field, JsonArray list) => list.Count > 0 && list.All(i => ItemKey(field, i) is not null);

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
            else if (v is JsonArray list && IsListMap(k, list))
            {
                foreach (var item in list)
                {
                    foreach (var p in Leaves((JsonObject)item!, path + Sep + ItemKey(k, item)))
                    {
                        yield return p;
                    }
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    /// <summary>One step along a path: a field of an object, or the keyed item of a list-map.</summary>
    private static JsonNode? Step(JsonNode? node, string previous, string part) => node switch
    {
        JsonObject o => o.TryGetPropertyValue(part, out var next) ? next : null,
        JsonArray a when part.StartsWith('[') => a.FirstOrDefault(i => ItemKey(previous, i) == part),
        _ => null,
    };

    private static JsonNode? At(JsonObject obj, string path)
    {
        JsonNode? n = obj;
        var previous = "";
        foreach (var part in path.Split(Sep))
        {
            n = Step(n, previous, part);
            previous = part;
        }
        return n;
    }

    /// <summary>Removes a leaf, then every object or list-map item the removal left empty.</summary>
    private static void Remove(JsonObject obj, string path)
    {
        var parts = path.Split(Sep);
        var chain = new List<JsonNode> { obj };
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var next = Step(chain[^1], i == 0 ? "" : parts[i - 1], parts[i]);
            if (next is not (JsonObject or JsonArray))
            {
                return;
            }
            chain.Add(next);
        }
        if (chain[^1] is not JsonObject last)
        {
            return;
        }
        last.Remove(parts[^1]);
        for (var i = chain.Count - 1; i > 0; i--)
        {
            var empty = chain[i] switch { JsonObject o => o.Count == 0, JsonArray a => a.Count == 0, _ => false };
            if (!empty)
            {
                break;
            }
            switch (chain[i - 1])
            {
                case JsonObject parent:
                    parent.Remove(parts[i - 1]);
                    break;
                case JsonArray list:
                    list.Remove(chain[i]);
                    break;
            }
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
            else if (v is JsonArray pl && target[k] is JsonArray tl && IsListMap(k, pl) && IsListMap(k, tl))
            {
                foreach (var item in pl)
                {
                    var key = ItemKey(k, item);
                    if (tl.FirstOrDefault(t => ItemKey(k, t) == key) is JsonObject existing)
                    {
                        Merge(existing, (JsonObject)item!);
                    }
                    else
                    {
                        tl.Add(item!.DeepClone());
                    }
                }
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
