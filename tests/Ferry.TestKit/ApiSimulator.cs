using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.Kube.Tests;

/// <summary>How the simulator's controller treats a workload: become ready, fail, or never finish.</summary>
public enum Outcome
{
    Ready,
    Fail,
    Hang,
}

/// <summary>
/// A loopback Kubernetes API server for tests, over real HTTP so the real KubernetesClient is exercised:
/// discovery (<c>/api</c>, <c>/apis</c>, resource lists), CRUD for core, apps, batch, networking, rbac and
/// apiextensions kinds and for CRDs once created, namespaces, <c>resourceVersion</c>/<c>generation</c> and 409
/// conflicts, Kubernetes <c>Status</c> error bodies (400, 403, 404, 409, 422), label selectors, server-side
/// apply with per-manager field ownership and list-maps merged by key (fields a manager stops applying are removed; conflicts unless forced),
/// JSON merge patches, the status subresource, and controllers that make Deployments/StatefulSets/Jobs ready,
/// failed or stuck as their pod templates say (or as told; see ApiSimulator.Controller.cs).
/// </summary>
public sealed partial class ApiSimulator : IDisposable
{
    private readonly WebApplication _app;
    private readonly ApiResources _resources = new();
    private readonly Dictionary<(string Group, string Plural, string Ns, string Name), JsonObject> _objects = [];
    private readonly Dictionary<(string Group, string Plural, string Ns, string Name), Dictionary<string, HashSet<string>>> _owners = [];
    private readonly Dictionary<string, (Outcome Outcome, long? Generation)> _outcomes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forbidden = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _version = 1000;

    public ApiSimulator()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.Run(HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        // the namespaces every cluster starts with (charts put RBAC for the API server's readers into kube-system)
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Store(_resources.Find("", "v1", "namespaces")!, "", ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        }
        SeedCluster();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>What <c>/version</c> reports (a k3s release by default, as the sites run).</summary>
    public string GitVersion { get; set; } = "v1.31.4+k3s1";

    /// <summary>Writes a kubeconfig whose only context points at this simulator (token auth, plain HTTP); returns its path.</summary>
    public string WriteKubeconfig(string path)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: sim
                cluster: {"{"} server: "{Url}" {"}"}
            contexts:
              - name: sim
                context: {"{"} cluster: sim, user: ferry {"}"}
            users:
              - name: ferry
                user: {"{"} token: test {"}"}
            current-context: sim
            """);
        return path;
    }

    /// <summary>Called with (method, path) before a request is served; tests use it to kill a client mid-operation.</summary>
    public Action<string, string>? OnRequest { get; set; }

    /// <summary>Makes every request on a resource (plural) answer 403, as RBAC would.</summary>
    public void Forbid(string plural)
    {
        lock (_lock)
        {
            _forbidden.Add(plural);
        }
    }

    /// <summary>What the controller does with the workload of this name (default: it becomes ready), optionally only at one generation.</summary>
    public void SetOutcome(string name, Outcome outcome, long? onlyAtGeneration = null)
    {
        lock (_lock)
        {
            _outcomes[name] = (outcome, onlyAtGeneration);
        }
    }

    /// <summary>A copy of a stored object, or null.</summary>
    public JsonObject? Get(string group, string plural, string ns, string name)
    {
        lock (_lock)
        {
            return _objects.TryGetValue((group, plural, ns, name), out var o) ? (JsonObject)o.DeepClone() : null;
        }
    }

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
    }

    private JsonObject Store(ApiResource r, string ns, string name, JsonObject obj)
    {
        var key = (r.Group, r.Plural, ns, name);
        _objects.TryGetValue(key, out var previous);
        var md = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = md;
        md["name"] = name;
        if (r.Namespaced)
        {
            md["namespace"] = ns;
        }
        md["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
        md["uid"] = previous?["metadata"]?["uid"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
        md["creationTimestamp"] = previous?["metadata"]?["creationTimestamp"]?.GetValue<string>()
            ?? DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        // kube-apiserver's defaulting: a workload without spec.replicas gets 1
        if (r.Kind is "Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController" && obj["spec"] is JsonObject spec
            && spec["replicas"] is null)
        {
            spec["replicas"] = 1L;
        }
        var generation = previous?["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        if (previous is null || !JsonNode.DeepEquals(previous["spec"], obj["spec"]))
        {
            generation++;
        }
        // kube-apiserver keeps metadata.generation for objects with a spec (workloads, CRDs, ...), not for ConfigMaps or Secrets.
        if (obj["spec"] is not null && r.Kind is not ("Service" or "Node"))
        {
            md["generation"] = generation;
        }
        else
        {
            md.Remove("generation");
        }
        obj["apiVersion"] = r.GroupVersion;
        obj["kind"] = r.Kind;
        _objects[key] = obj;
        Publish(r, ns, previous is null ? "ADDED" : "MODIFIED", obj);
        if (r.Kind == "CustomResourceDefinition")
        {
            _resources.Register(obj);
            obj["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Established", ["status"] = "True" }) };
        }
        Reconcile(obj);
        return obj;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var segs = (ctx.Request.Path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = ctx.Request.Method;
        string group, version;
        string[] rest;
        if (segs is ["version"] && method == "GET")
        {
            var m = System.Text.RegularExpressions.Regex.Match(GitVersion, @"^v(\d+)\.(\d+)");
            await Json(ctx, 200, new JsonObject
            {
                ["major"] = m.Groups[1].Value,
                ["minor"] = m.Groups[2].Value,
                ["gitVersion"] = GitVersion,
                ["gitCommit"] = "0000000000000000000000000000000000000000",
                ["gitTreeState"] = "clean",
                ["buildDate"] = "2026-01-01T00:00:00Z",
                ["goVersion"] = "go1.24.0",
                ["compiler"] = "gc",
                ["platform"] = "linux/amd64",
            });
            return;
        }
        if (segs.Length >= 2 && segs[0] == "openapi" && segs[1] == "v3" && method == "GET")
        {
            var document = OpenApiV3(segs);
            await Json(ctx, document is null ? 404 : 200, document ?? Failure(404, "NotFound", "the server could not find the requested resource", "", "").Item2);
            return;
        }
        if (segs.Length >= 1 && segs[0] == "api")
        {
            if (segs.Length == 1)
            {
                await Json(ctx, 200, new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"), ["serverAddressByClientCIDRs"] = new JsonArray() });
                return;
            }
            (group, version, rest) = ("", segs[1], segs[2..]);
        }
        else if (segs.Length >= 1 && segs[0] == "apis")
        {
            if (segs.Length == 1)
            {
                JsonObject list;
                lock (_lock)
                {
                    list = _resources.GroupList();
                }
                await Json(ctx, 200, list);
                return;
            }
            if (segs.Length < 3)
            {
                await Json(ctx, 404, Failure(404, "NotFound", "the server could not find the requested resource", "", "").Item2);
                return;
            }
            (group, version, rest) = (segs[1], segs[2], segs[3..]);
        }
        else
        {
            await Json(ctx, 404, Failure(404, "NotFound", "the server could not find the requested resource", "", "").Item2);
            return;
        }
        if (rest.Length == 0)
        {
            JsonObject? list;
            lock (_lock)
            {
                list = _resources.ResourceList(group, version);
            }
            await Json(ctx, list is null ? 404 : 200, list ?? Failure(404, "NotFound", "the server could not find the requested resource", "", "").Item2);
            return;
        }
        string ns = "", plural, name, sub;
        if (rest[0] == "namespaces" && rest.Length >= 3)
        {
            (ns, plural, name, sub) = (rest[1], rest[2], rest.ElementAtOrDefault(3) ?? "", rest.ElementAtOrDefault(4) ?? "");
        }
        else
        {
            (plural, name, sub) = (rest[0], rest.ElementAtOrDefault(1) ?? "", rest.ElementAtOrDefault(2) ?? "");
        }
        string? bodyText = null;
        var contentType = ctx.Request.ContentType ?? "";
        if (method is "POST" or "PUT" or "PATCH")
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            if (contentType.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal))
            {
                try
                {
                    bodyText = ProtobufToJson(buffer.ToArray(), out var why);
                    if (bodyText is null)
                    {
                        await Json(ctx, 415, Failure(415, "UnsupportedMediaType", why, name, plural, group).Item2);
                        return;
                    }
                }
                catch (FormatException e)
                {
                    await Json(ctx, 400, Failure(400, "BadRequest", $"the body of the request was in an unknown format: {e.Message}", name, plural, group).Item2);
                    return;
                }
                contentType = "application/json";
            }
            else
            {
                bodyText = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
        }
        OnRequest?.Invoke(method, ctx.Request.Path.Value ?? "");
        if (method == "GET" && group.Length == 0 && plural == "pods" && sub == "log" && ns.Length > 0)
        {
            await ServeLogAsync(ctx, ns, name);
            return;
        }
        var request = new Request(method, group, version, plural, ns, name, sub, bodyText, contentType,
            ctx.Request.Query["labelSelector"].ToString(), ctx.Request.Query["fieldSelector"].ToString(), ctx.Request.Query["fieldManager"].ToString(), ctx.Request.Query["force"].ToString() == "true",
            ctx.Request.Headers["Impersonate-User"].ToString() is { Length: > 0 } user ? user : null);
        var accept = ctx.Request.Headers.Accept.ToString();
        if (method == "GET" && name.Length == 0 && ctx.Request.Query["watch"].ToString() is "true" or "1")
        {
            await WatchAsync(ctx, request, WantsTable(accept));
            return;
        }
        var dryRun = ctx.Request.Query["dryRun"].ToString();
        if (dryRun.Length > 0 && dryRun != "All")
        {
            await Json(ctx, 400, Failure(400, "BadRequest", $"Invalid dry run value: {dryRun}: supported values: \"All\"", "", "").Item2);
            return;
        }
        ApiResource? resource;
        lock (_lock)
        {
            resource = _resources.Find(group, version, plural);
        }
        var (invalid, warnings) = sub.Length > 0 || resource is null ? (null, [])
            : ValidateFields(ctx.Request.Query["fieldValidation"].ToString(), bodyText, contentType, resource.Kind, version, name, plural, group);
        if (invalid is { } refused)
        {
            await Json(ctx, refused.Item1, refused.Item2);
            return;
        }
        int code;
        JsonNode result;
        lock (_lock)
        {
            (code, result) = dryRun == "All" && method != "GET" ? DryRun(request) : Dispatch(request);
        }
        if (method == "GET" && code == 200 && sub.Length == 0 && resource is not null && WantsTable(accept))
        {
            result = ToTable(resource.Kind, result);
        }
        foreach (var warning in warnings)
        {
            ctx.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
        await Json(ctx, code, result);
    }

    private sealed record Request(string Method, string Group, string Version, string Plural, string Ns, string Name, string Sub, string? Body, string ContentType, string Selector, string FieldSelector, string FieldManager, bool Force, string? ImpersonatedUser);

    private (int, JsonNode) Dispatch(Request q)
    {
        var r = _resources.Find(q.Group, q.Version, q.Plural);
        if (r is null || (q.Ns.Length > 0 && !r.Namespaced))
        {
            return Failure(404, "NotFound", "the server could not find the requested resource", "", "");
        }
        // RBAC, reduced: the simulator's own user may do anything but what Forbid() took away; an impersonated user
        // (Impersonate-User, as kubectl --as sends it) has no role bindings, so nothing is allowed.
        // Anyone may ask what they may do (system:basic-user allows SelfSubjectAccessReview).
        if ((_forbidden.Contains(q.Plural) || q.ImpersonatedUser is not null) && q.Plural != "selfsubjectaccessreviews")
        {
            var verb = q.Method switch { "GET" => q.Name.Length == 0 ? "list" : "get", "POST" => "create", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => q.Method.ToLowerInvariant() };
            return Failure(403, "Forbidden", $"{q.Plural}{(q.Group.Length > 0 ? "." + q.Group : "")} {(q.Name.Length > 0 ? $"\"{q.Name}\" " : "")}is forbidden: User \"{q.ImpersonatedUser ?? "system:serviceaccount:test:ferry"}\" cannot {verb} resource \"{q.Plural}\" in API group \"{q.Group}\"{(q.Ns.Length > 0 ? $" in the namespace \"{q.Ns}\"" : " at the cluster scope")}", q.Name, q.Plural, q.Group);
        }
        if (Special(r, q) is { } special)
        {
            return special;
        }
        JsonObject? body = null;
        if (q.Body is not null)
        {
            try
            {
                body = (q.ContentType.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal) ? YamlToJson(q.Body) : JsonNode.Parse(q.Body)) as JsonObject;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
            {
                return Failure(400, "BadRequest", $"the body of the request was in an unknown format: {e.Message}", q.Name, q.Plural);
            }
            if (body is null)
            {
                return Failure(400, "BadRequest", "the body of the request must be an object", q.Name, q.Plural);
            }
        }
        if (r.Namespaced && q.Ns.Length > 0 && !_objects.ContainsKey(("", "namespaces", "", q.Ns)) && q.Method != "GET")
        {
            return Failure(404, "NotFound", $"namespaces \"{q.Ns}\" not found", q.Ns, "namespaces");
        }
        var key = (r.Group, r.Plural, q.Ns, q.Name);
        switch (q.Method)
        {
            case "GET" when q.Name.Length == 0:
                return List(r, q.Ns, q.Selector, q.FieldSelector);
            case "GET":
                return _objects.TryGetValue(key, out var found) ? (200, found.DeepClone()) : NotFound(r, q.Name);
            case "POST":
                {
                    var newName = body!["metadata"]?["name"]?.GetValue<string>() ?? "";
                    if (NameProblem(r, newName, body) is { } problem)
                    {
                        return Invalid(r, newName, problem);
                    }
                    if (_objects.ContainsKey((r.Group, r.Plural, q.Ns, newName)))
                    {
                        return Failure(409, "AlreadyExists", $"{r.Plural} \"{newName}\" already exists", newName, r.Plural, r.Group);
                    }
                    body.Remove("status"); // status is written through the status subresource only
                    return (201, Store(r, q.Ns, newName, body).DeepClone());
                }
            case "PUT":
                {
                    if (!_objects.TryGetValue(key, out var current))
                    {
                        return NotFound(r, q.Name);
                    }
                    var rv = body!["metadata"]?["resourceVersion"]?.GetValue<string>();
                    if (rv is not null && rv != current["metadata"]!["resourceVersion"]!.GetValue<string>())
                    {
                        return Failure(409, "Conflict", $"Operation cannot be fulfilled on {r.Plural}{(r.Group.Length > 0 ? "." + r.Group : "")} \"{q.Name}\": the object has been modified; please apply your changes to the latest version and try again", q.Name, r.Plural, r.Group);
                    }
                    if (q.Sub == "status")
                    {
                        var updated = (JsonObject)current.DeepClone();
                        updated["status"] = body["status"]?.DeepClone();
                        updated["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                        _objects[key] = updated;
                        Publish(r, q.Ns, "MODIFIED", updated);
                        return (200, updated.DeepClone());
                    }
                    body["status"] = current["status"]?.DeepClone();
                    return (200, Store(r, q.Ns, q.Name, body).DeepClone());
                }
            case "PATCH" when q.ContentType.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal):
                return Apply(r, q, body!);
            case "PATCH" when q.ContentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal):
                {
                    if (!_objects.TryGetValue(key, out var current))
                    {
                        return NotFound(r, q.Name);
                    }
                    var merged = (JsonObject)current.DeepClone();
                    MergePatch(merged, body!);
                    if (q.Sub == "status")
                    {
                        merged["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                        _objects[key] = merged;
                        Publish(r, q.Ns, "MODIFIED", merged);
                        return (200, merged.DeepClone());
                    }
                    return (200, Store(r, q.Ns, q.Name, merged).DeepClone());
                }
            case "PATCH":
                return Failure(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got {q.ContentType})", q.Name, r.Plural, r.Group);
            case "DELETE":
                if (!_objects.Remove(key, out var deleted))
                {
                    return NotFound(r, q.Name);
                }
                _owners.Remove(key);
                Publish(r, q.Ns, "DELETED", deleted);
                RemovePodsOwnedBy(deleted["metadata"]?["uid"]?.GetValue<string>() ?? "");
                if (r.Plural == "namespaces")
                {
                    foreach (var k in _objects.Keys.Where(k => k.Ns == q.Name).ToList())
                    {
                        _objects.Remove(k, out var gone);
                        _owners.Remove(k);
                        if (_resources.All.FirstOrDefault(x => x.Group == k.Group && x.Plural == k.Plural) is { } kr)
                        {
                            Publish(kr, k.Ns, "DELETED", gone!);
                        }
                    }
                }
                // Like the API server for objects without finalizers: the answer is the object as it was deleted.
                return (200, deleted);
            default:
                return Failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", q.Name, r.Plural, r.Group);
        }
    }

    /// <summary>The label and field selectors of a list or watch as one predicate, or the API server's 400 for a field
    /// it cannot select on.</summary>
    /// <summary>The fields kube-apiserver lets clients select on, per kind (every kind: its name and namespace).</summary>
    private static bool FieldSelectable(string kind, string path) => path is "metadata.name" or "metadata.namespace" || (kind, path) switch
    {
        ("Pod", "status.phase" or "spec.nodeName" or "spec.restartPolicy" or "spec.schedulerName" or "spec.serviceAccountName" or "status.podIP") => true,
        ("Secret", "type") => true,
        ("Event", "reason" or "type" or "reportingComponent") => true,
        ("Event", _) => path.StartsWith("involvedObject.", StringComparison.Ordinal)
            && path[15..] is "kind" or "namespace" or "name" or "uid" or "apiVersion" or "resourceVersion" or "fieldPath",
        _ => false,
    };

    private static Func<JsonObject, bool>? Selectors(ApiResource r, string selector, string fieldSelector, out (int, JsonNode) error)
    {
        error = default;
        var match = LabelSelector.Parse(selector);
        var fields = new List<(string Path, string Value, bool Equal)>();
        foreach (var term in fieldSelector.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var neq = term.IndexOf("!=", StringComparison.Ordinal);
            var eq = term.IndexOf('=', StringComparison.Ordinal);
            var path = (neq > 0 ? term[..neq] : term[..eq]).Trim();
            if (!FieldSelectable(r.Kind, path))
            {
                error = Failure(400, "BadRequest", $"\"{path}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", "", r.Plural, r.Group);
                return null;
            }
            fields.Add((path, term[((neq > 0 ? neq + 2 : eq + 1) + (neq <= 0 && term.Length > eq + 1 && term[eq + 1] == '=' ? 1 : 0))..].Trim(), neq <= 0));
        }
        bool FieldsMatch(JsonObject o) => fields.All(f =>
        {
            JsonNode? n = o;
            foreach (var part in f.Path.Split('.'))
            {
                n = n?[part];
            }
            var value = n?.GetValue<string>() ?? "";
            return (value == f.Value) == f.Equal;
        });
        return o => match(o["metadata"]?["labels"] as JsonObject) && FieldsMatch(o);
    }

    private (int, JsonNode) List(ApiResource r, string ns, string selector, string fieldSelector)
    {
        if (Selectors(r, selector, fieldSelector, out var error) is not { } matches)
        {
            return error;
        }
        var items = new JsonArray();
        foreach (var ((g, p, objNs, _), obj) in _objects.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal))
        {
            if (g == r.Group && p == r.Plural && (ns.Length == 0 || objNs == ns) && matches(obj))
            {
                var item = obj.DeepClone().AsObject();
                if (!r.IsCustom)
                {
                    // kube-apiserver leaves kind and apiVersion out of a built-in list's items (the list says them)
                    item.Remove("kind");
                    item.Remove("apiVersion");
                }
                items.Add(item);
            }
        }
        return (200, new JsonObject
        {
            ["kind"] = r.Kind + "List",
            ["apiVersion"] = r.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = items,
        });
    }

    private static (int, JsonNode) NotFound(ApiResource r, string name) =>
        Failure(404, "NotFound", $"{r.Plural}{(r.Group.Length > 0 ? "." + r.Group : "")} \"{name}\" not found", name, r.Plural, r.Group);

    private static (int, JsonNode) Invalid(ApiResource r, string name, string problem) =>
        Failure(422, "Invalid", $"{r.Kind} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": {problem}", name, r.Plural, r.Group);

    /// <summary>kube-apiserver's name check for the kind; an APIService is named after what it serves (VERSION.GROUP).</summary>
    private static string? NameProblem(ApiResource r, string name, JsonObject? body)
    {
        if (ApiNames.Problem(r.Names, name) is { } problem)
        {
            return problem;
        }
        if (r.Kind == "APIService" && body?["spec"]?["group"]?.GetValue<string>() is { Length: > 0 } group
            && body["spec"]?["version"]?.GetValue<string>() is { } version && name != $"{version}.{group}")
        {
            return $"must be {version}.{group}";
        }
        return null;
    }

    /// <summary>A Kubernetes Status body as kube-apiserver writes it (details.group only for non-core groups).</summary>
    private static (int, JsonNode) Failure(int code, string reason, string message, string name, string kind, string group = "")
    {
        var details = new JsonObject();
        if (name.Length > 0)
        {
            details["name"] = name;
        }
        if (group.Length > 0)
        {
            details["group"] = group;
        }
        if (kind.Length > 0)
        {
            details["kind"] = kind;
        }
        return (code, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details,
            ["code"] = code,
        });
    }

    private static async Task Json(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

}
