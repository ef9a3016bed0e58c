using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// OpenAPI v3 as kube-apiserver publishes it: <c>/openapi/v3</c> lists one document per group/version, and each
/// document names a schema per kind (with <c>x-kubernetes-group-version-kind</c>), which clients such as kubectl use to
/// validate what they send. The simulator's schemas accept every field (<c>x-kubernetes-preserve-unknown-fields</c>):
/// validation passes as it would for valid objects; field-level checks stay the simulator's own.
/// </summary>
public sealed partial class ApiSimulator
{
    /// <summary>
    /// The query parameters kube-apiserver documents on writes. kubectl and helm look for <c>fieldValidation</c> on a
    /// kind's PATCH operation to decide that the server validates fields, instead of validating with OpenAPI v2 themselves.
    /// </summary>
    private static JsonArray WriteParameters(string action)
    {
        var names = action switch
        {
            "get" => new[] { "pretty" },
            "patch" => new[] { "dryRun", "fieldManager", "fieldValidation", "force", "pretty" },
            _ => new[] { "dryRun", "fieldManager", "fieldValidation", "pretty" },
        };
        return new JsonArray(names.Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n,
            ["in"] = "query",
            ["schema"] = new JsonObject { ["type"] = n == "force" ? "boolean" : "string", ["uniqueItems"] = true },
        }).ToArray());
    }

    /// <summary>The OpenAPI document at <paramref name="segs"/> (after <c>openapi/v3</c>), or null for an unknown one.</summary>
    private JsonObject? OpenApiV3(string[] segs)
    {
        lock (_lock)
        {
            var groupVersions = _resources.All.Select(r => r.Group.Length == 0 ? $"api/{r.Version}" : $"apis/{r.Group}/{r.Version}").Distinct().ToList();
            if (segs.Length == 2)
            {
                var documents = new JsonObject();
                foreach (var gv in groupVersions)
                {
                    documents[gv] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv}?hash={_resources.All.Count:X8}" };
                }
                return new JsonObject { ["paths"] = documents };
            }
            var wanted = string.Join('/', segs[2..]);
            if (!groupVersions.Contains(wanted))
            {
                return null;
            }
            var schemas = new JsonObject();
            var paths = new JsonObject();
            foreach (var r in _resources.All.Where(r => (r.Group.Length == 0 ? $"api/{r.Version}" : $"apis/{r.Group}/{r.Version}") == wanted))
            {
                var prefix = r.Group.Length == 0 ? "io.k8s.api.core" : $"io.k8s.api.{r.Group.Split('.')[0]}";
                var schemaName = $"{prefix}.{r.Version}.{r.Kind}";
                JsonObject Operation(string action) => new()
                {
                    ["x-kubernetes-action"] = action,
                    ["parameters"] = WriteParameters(action),
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = r.Group, ["kind"] = r.Kind, ["version"] = r.Version },
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject
                        {
                            ["description"] = "OK",
                            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } } },
                        },
                    },
                };
                var collection = $"/{wanted}/{(r.Namespaced ? "namespaces/{namespace}/" : "")}{r.Plural}";
                paths[collection] = new JsonObject { ["post"] = Operation("post") };
                paths[collection + "/{name}"] = new JsonObject { ["get"] = Operation("get"), ["put"] = Operation("put"), ["patch"] = Operation("patch") };
                schemas[schemaName] = new JsonObject
                {
                    ["description"] = $"{r.Kind} ({r.GroupVersion}), as the API simulator serves it: every field is accepted.",
                    ["type"] = "object",
                    ["x-kubernetes-preserve-unknown-fields"] = true,
                    ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = r.Group, ["kind"] = r.Kind, ["version"] = r.Version }),
                };
            }
            return new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = GitVersion },
                ["paths"] = paths,
                ["components"] = new JsonObject { ["schemas"] = schemas },
            };
        }
    }
}
