using System.Globalization;
using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// The requests kubectl sends beyond CRUD and server-side apply: JSON patch (RFC 6902), strategic merge patch (list
/// items merged by their key, <c>$patch: delete</c>), the <c>/scale</c> subresource of scalable workloads, and
/// <c>SelfSubjectAccessReview</c> (<c>kubectl auth can-i</c>).
/// </summary>
public sealed partial class ApiSimulator
{
    private static readonly HashSet<string> Scalable = new(StringComparer.Ordinal) { "deployments", "statefulsets", "replicasets", "replicationcontrollers" };

    /// <summary>The answer to one of those requests, or null when it is an ordinary one (called under the lock).</summary>
    private (int, JsonNode)? Special(ApiResource r, Request q)
    {
        if (r.Plural == "selfsubjectaccessreviews" && q.Method == "POST")
        {
            return Review(q);
        }
        if (q.Sub == "scale" && Scalable.Contains(r.Plural))
        {
            return Scale(r, q);
        }
        if (q.Method == "PATCH" && q.ContentType.StartsWith("application/json-patch+json", StringComparison.Ordinal))
        {
            return Patch(r, q, current => JsonPatch(current, q.Body ?? ""));
        }
        if (q.Method == "PATCH" && q.ContentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
        {
            if (r.Group.Contains('.', StringComparison.Ordinal) && _resources.All.Take(BuiltIn).All(b => b.Group != r.Group))
            {
                return Failure(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (strategic merge patch is not supported for custom resources)", q.Name, r.Plural, r.Group);
            }
            return Patch(r, q, current =>
            {
                StrategicMerge(current, JsonNode.Parse(q.Body ?? "{}") as JsonObject ?? throw new FormatException("a strategic merge patch is a JSON object"));
                return null;
            });
        }
        return null;
    }

    /// <summary>How many kinds are built in (CRDs are registered after them).</summary>
    private static readonly int BuiltIn = new ApiResources().All.Count;

    private (int, JsonNode) Patch(ApiResource r, Request q, Func<JsonObject, string?> change)
    {
        var key = (r.Group, r.Plural, q.Ns, q.Name);
        if (!_objects.TryGetValue(key, out var current))
        {
            return NotFound(r, q.Name);
        }
        var patched = (JsonObject)current.DeepClone();
        string? problem;
        try
        {
            problem = change(patched);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            problem = e.Message;
        }
        if (problem is not null)
        {
            return Failure(422, "Invalid", $"the server rejected our request due to an error in our request: {problem}", q.Name, r.Plural, r.Group);
        }
        if (q.Sub == "status")
        {
            patched["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
            _objects[key] = patched;
            Publish(r, q.Ns, "MODIFIED", patched);
            return (200, patched.DeepClone());
        }
        return (200, Store(r, q.Ns, q.Name, patched).DeepClone());
    }

    /// <summary>RFC 6902 on <paramref name="target"/>: add, remove, replace, move, copy, test. Null when it applied.</summary>
    private static string? JsonPatch(JsonObject target, string body)
    {
        foreach (var op in JsonNode.Parse(body) as JsonArray ?? throw new FormatException("a JSON patch is a JSON array of operations"))
        {
            var name = op?["op"]?.GetValue<string>();
            var path = op?["path"]?.GetValue<string>() ?? throw new FormatException("an operation has no path");
            switch (name)
            {
                case "add":
                    Put(target, path, op!["value"]?.DeepClone(), insert: true);
                    break;
                case "replace":
                    _ = Take(target, path);
                    Put(target, path, op!["value"]?.DeepClone(), insert: true);
                    break;
                case "remove":
                    _ = Take(target, path);
                    break;
                case "move":
                    Put(target, path, Take(target, op!["from"]!.GetValue<string>()), insert: true);
                    break;
                case "copy":
                    Put(target, path, Resolve(target, op!["from"]!.GetValue<string>()).DeepClone(), insert: true);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Resolve(target, path), op!["value"]))
                    {
                        return $"testing value {path} failed";
                    }
                    break;
                default:
                    return $"Unexpected kind: {name}";
            }
        }
        return null;
    }

    private static string[] Pointer(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    private static JsonNode Resolve(JsonNode root, string path)
    {
        var node = root;
        foreach (var part in Pointer(path))
        {
            node = node switch
            {
                JsonObject o when o[part] is { } child => child,
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count && a[i] is { } item => item,
                _ => throw new InvalidOperationException($"doc is missing path: \"{path}\""),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string path)
    {
        var parts = Pointer(path);
        if (parts.Length == 0)
        {
            throw new InvalidOperationException("the whole object cannot be replaced by a patch");
        }
        return (Resolve(root, "/" + string.Join('/', parts[..^1].Select(p => p.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)))), parts[^1]);
    }

    private static void Put(JsonNode root, string path, JsonNode? value, bool insert)
    {
        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                if (insert)
                {
                    a.Insert(i, value);
                }
                else
                {
                    a[i] = value;
                }
                break;
            default:
                throw new InvalidOperationException($"doc is missing path: \"{path}\"");
        }
    }

    private static JsonNode? Take(JsonNode root, string path)
    {
        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                var value = o[last];
                o.Remove(last);
                return value;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                var item = a[i];
                a.RemoveAt(i);
                return item;
            default:
                throw new InvalidOperationException($"doc is missing path: \"{path}\"");
        }
    }

    /// <summary>
    /// Strategic merge patch, reduced to what kubectl sends: maps merge, null deletes, lists of keyed items
    /// (containers, env, volumes, ports, …) merge by key with <c>$patch: delete</c> removing one, other lists are
    /// replaced; directives (<c>$setElementOrder/…</c>, <c>$retainKeys</c>) only steer order and are dropped.
    /// </summary>
    private static void StrategicMerge(JsonObject target, JsonObject patch)
    {
        foreach (var (k, v) in patch.ToList())
        {
            if (k.StartsWith('$'))
            {
                continue;
            }
            if (v is null)
            {
                target.Remove(k);
            }
            else if (v is JsonObject pv && target[k] is JsonObject tv)
            {
                StrategicMerge(tv, pv);
            }
            else if (v is JsonArray pl && target[k] is JsonArray tl && pl.All(i => ItemKey(k, i) is not null || i?["$patch"] is not null))
            {
                foreach (var item in pl.OfType<JsonObject>())
                {
                    var itemKey = ItemKey(k, item);
                    var existing = tl.OfType<JsonObject>().FirstOrDefault(t => ItemKey(k, t) == itemKey);
                    if (item["$patch"]?.GetValue<string>() == "delete")
                    {
                        if (existing is not null)
                        {
                            tl.Remove(existing);
                        }
                    }
                    else if (existing is not null)
                    {
                        StrategicMerge(existing, item);
                    }
                    else
                    {
                        tl.Add(item.DeepClone());
                    }
                }
            }
            else
            {
                target[k] = v.DeepClone();
            }
        }
    }

    /// <summary>The autoscaling/v1 Scale of a workload; PUT or PATCH of it sets spec.replicas.</summary>
    private (int, JsonNode) Scale(ApiResource r, Request q)
    {
        var key = (r.Group, r.Plural, q.Ns, q.Name);
        if (!_objects.TryGetValue(key, out var current))
        {
            return NotFound(r, q.Name);
        }
        if (q.Method is "PUT" or "PATCH")
        {
            var scale = JsonNode.Parse(q.Body ?? "{}") as JsonObject ?? [];
            if (scale["spec"]?["replicas"] is { } replicas)
            {
                var updated = (JsonObject)current.DeepClone();
                updated["spec"]!["replicas"] = replicas.DeepClone();
                current = Store(r, q.Ns, q.Name, updated);
            }
        }
        else if (q.Method != "GET")
        {
            return Failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", q.Name, r.Plural, r.Group);
        }
        var labels = current["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [];
        return (200, new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = q.Name, ["namespace"] = q.Ns,
                ["uid"] = current["metadata"]?["uid"]?.DeepClone(), ["resourceVersion"] = current["metadata"]?["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = current["metadata"]?["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = current["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = current["status"]?["replicas"]?.DeepClone() ?? 0,
                ["selector"] = string.Join(',', labels.Select(l => $"{l.Key}={l.Value}")),
            },
        });
    }

    /// <summary>kubectl auth can-i: allowed unless RBAC (Forbid, an impersonated user) says otherwise.</summary>
    private (int, JsonNode) Review(Request q)
    {
        var review = JsonNode.Parse(q.Body ?? "{}") as JsonObject ?? [];
        var resource = review["spec"]?["resourceAttributes"]?["resource"]?.GetValue<string>() ?? "";
        var allowed = q.ImpersonatedUser is null && !_forbidden.Contains(resource);
        review["kind"] = "SelfSubjectAccessReview";
        review["apiVersion"] = "authorization.k8s.io/v1";
        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        review["status"] = allowed ? new JsonObject { ["allowed"] = true, ["reason"] = "the simulator's user may do anything" } : new JsonObject { ["allowed"] = false };
        return (201, review);
    }
}
