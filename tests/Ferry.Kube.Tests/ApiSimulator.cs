using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.Kube.Tests;

/// <summary>
/// A loopback Kubernetes API server for tests, over real HTTP so the real KubernetesClient is exercised:
/// discovery (<c>/api</c>, <c>/api/v1</c>), namespaces, and generic CRUD for namespaced core resources with
/// resourceVersion conflicts, Kubernetes <c>Status</c> error bodies (404, 409 AlreadyExists/Conflict, 422,
/// 403), label selectors (=, ==, !=, exists, !exists, in, notin). So far it covers the core group only;
/// apps/batch, server-side apply, status and the controller loop are still to come (issue 7).
/// </summary>
public sealed partial class ApiSimulator : IDisposable
{
    private static readonly string[] Namespaced = ["configmaps", "secrets", "services", "serviceaccounts", "pods", "persistentvolumeclaims"];
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["configmaps"] = "ConfigMap", ["secrets"] = "Secret", ["services"] = "Service", ["serviceaccounts"] = "ServiceAccount",
        ["pods"] = "Pod", ["persistentvolumeclaims"] = "PersistentVolumeClaim", ["namespaces"] = "Namespace",
    };

    private readonly WebApplication _app;
    private readonly Dictionary<(string Resource, string Ns, string Name), JsonObject> _objects = [];
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
        Put("namespaces", "", "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Makes every request on a resource answer 403, as RBAC would.</summary>
    public void Forbid(string resource)
    {
        lock (_lock)
        {
            _forbidden.Add(resource);
        }
    }

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
    }

    private JsonObject Put(string resource, string ns, string name, JsonObject obj)
    {
        var md = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = md;
        md["name"] = name;
        if (ns.Length > 0)
        {
            md["namespace"] = ns;
        }
        md["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
        md["uid"] ??= Guid.NewGuid().ToString();
        md["creationTimestamp"] ??= DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        obj["apiVersion"] = "v1";
        obj["kind"] = Kinds[resource];
        _objects[(resource, ns, name)] = obj;
        return obj;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        var method = ctx.Request.Method;
        if (path == "/api")
        {
            await Json(ctx, 200, new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"), ["serverAddressByClientCIDRs"] = new JsonArray() });
            return;
        }
        if (path == "/api/v1")
        {
            var resources = new JsonArray();
            foreach (var (res, kind) in Kinds)
            {
                resources.Add((JsonNode)new JsonObject
                {
                    ["name"] = res, ["singularName"] = kind.ToLowerInvariant(), ["namespaced"] = res != "namespaces", ["kind"] = kind,
                    ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                });
            }
            await Json(ctx, 200, new JsonObject { ["kind"] = "APIResourceList", ["groupVersion"] = "v1", ["resources"] = resources });
            return;
        }
        var m = CorePath().Match(path);
        if (!m.Success)
        {
            await Status(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        string resource, ns, name;
        if (m.Groups["res"].Success)
        {
            (resource, ns, name) = (m.Groups["res"].Value, m.Groups["ns"].Value, m.Groups["name"].Value);
        }
        else
        {
            (resource, ns, name) = ("namespaces", "", m.Groups["ns"].Value);
        }
        if (!Kinds.ContainsKey(resource) || (resource != "namespaces" && !Namespaced.Contains(resource)))
        {
            await Status(ctx, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        bool forbidden;
        lock (_lock)
        {
            forbidden = _forbidden.Contains(resource);
        }
        if (forbidden)
        {
            var verb = method switch { "GET" => name.Length == 0 ? "list" : "get", "POST" => "create", "PUT" => "update", "DELETE" => "delete", _ => method.ToLowerInvariant() };
            await Status(ctx, 403, "Forbidden", $"{resource} is forbidden: User \"system:serviceaccount:test:ferry\" cannot {verb} resource \"{resource}\" in API group \"\"{(ns.Length > 0 ? $" in the namespace \"{ns}\"" : " at the cluster scope")}");
            return;
        }
        JsonObject? body = null;
        if (method is "POST" or "PUT")
        {
            try
            {
                using var reader = new StreamReader(ctx.Request.Body);
                body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject;
            }
            catch (System.Text.Json.JsonException e)
            {
                await Status(ctx, 400, "BadRequest", $"the body of the request was in an unknown format: {e.Message}");
                return;
            }
        }
        int code;
        JsonNode result;
        lock (_lock)
        {
            (code, result) = Dispatch(method, resource, ns, name, body, ctx.Request.Query["labelSelector"].ToString());
        }
        await Json(ctx, code, result);
    }

    private (int, JsonNode) Dispatch(string method, string resource, string ns, string name, JsonObject? body, string selector)
    {
        if (ns.Length > 0 && resource != "namespaces" && !_objects.ContainsKey(("namespaces", "", ns)))
        {
            return method == "GET" && name.Length == 0 ? List(resource, ns, selector) : Failure(404, "NotFound", $"namespaces \"{ns}\" not found", ns, "namespaces");
        }
        switch (method)
        {
            case "GET" when name.Length == 0:
                return List(resource, ns, selector);
            case "GET":
                return _objects.TryGetValue((resource, ns, name), out var found) ? (200, found.DeepClone()) : Failure(404, "NotFound", $"{resource} \"{name}\" not found", name, resource);
            case "POST":
                {
                    var newName = body?["metadata"]?["name"]?.GetValue<string>() ?? "";
                    if (!DnsSubdomain().IsMatch(newName))
                    {
                        return Failure(422, "Invalid", $"{Kinds[resource]} \"{newName}\" is invalid: metadata.name: Invalid value: \"{newName}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'", newName, resource);
                    }
                    if (_objects.ContainsKey((resource, resource == "namespaces" ? "" : ns, newName)))
                    {
                        return Failure(409, "AlreadyExists", $"{resource} \"{newName}\" already exists", newName, resource);
                    }
                    return (201, Put(resource, resource == "namespaces" ? "" : ns, newName, body!).DeepClone());
                }
            case "PUT":
                {
                    if (!_objects.TryGetValue((resource, ns, name), out var current))
                    {
                        return Failure(404, "NotFound", $"{resource} \"{name}\" not found", name, resource);
                    }
                    var rv = body?["metadata"]?["resourceVersion"]?.GetValue<string>();
                    if (rv is not null && rv != current["metadata"]!["resourceVersion"]!.GetValue<string>())
                    {
                        return Failure(409, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", name, resource);
                    }
                    body!["metadata"]!["uid"] = current["metadata"]!["uid"]!.GetValue<string>();
                    body["metadata"]!["creationTimestamp"] = current["metadata"]!["creationTimestamp"]!.GetValue<string>();
                    return (200, Put(resource, ns, name, body).DeepClone());
                }
            case "DELETE":
                if (!_objects.Remove((resource, ns, name)))
                {
                    return Failure(404, "NotFound", $"{resource} \"{name}\" not found", name, resource);
                }
                if (resource == "namespaces")
                {
                    foreach (var key in _objects.Keys.Where(k => k.Ns == name).ToList())
                    {
                        _objects.Remove(key);
                    }
                }
                return (200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = new JsonObject { ["name"] = name, ["kind"] = resource } });
            default:
                return Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource", name, resource);
        }
    }

    private (int, JsonNode) List(string resource, string ns, string selector)
    {
        var match = LabelSelector.Parse(selector);
        var items = new JsonArray();
        foreach (var ((res, objNs, _), obj) in _objects.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal))
        {
            if (res == resource && (ns.Length == 0 || objNs == ns) && match(obj["metadata"]?["labels"] as JsonObject))
            {
                items.Add(obj.DeepClone());
            }
        }
        return (200, new JsonObject
        {
            ["kind"] = Kinds[resource] + "List",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = items,
        });
    }

    private static (int, JsonNode) Failure(int code, string reason, string message, string name, string kind) => (code, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = new JsonObject { ["name"] = name, ["kind"] = kind },
        ["code"] = code,
    });

    private static Task Status(HttpContext ctx, int code, string reason, string message) => Json(ctx, code, Failure(code, reason, message, "", "").Item2);

    private static async Task Json(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex("^/api/v1/namespaces(?:/(?<ns>[^/]+)(?:/(?<res>[a-z]+)(?:/(?<name>[^/]+))?)?)?$")]
    private static partial Regex CorePath();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")]
    private static partial Regex DnsSubdomain();
}
