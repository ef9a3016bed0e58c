using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>One resource type the simulator serves.</summary>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}

/// <summary>The simulator's resource table (built-in kinds plus registered CRDs) and its discovery documents.</summary>
public sealed class ApiResources
{
    private readonly List<ApiResource> _all =
    [
        new("", "v1", "namespaces", "Namespace", false),
        new("", "v1", "configmaps", "ConfigMap", true),
        new("", "v1", "secrets", "Secret", true),
        new("", "v1", "services", "Service", true),
        new("", "v1", "serviceaccounts", "ServiceAccount", true),
        new("", "v1", "pods", "Pod", true),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true),
        new("", "v1", "persistentvolumes", "PersistentVolume", false),
        new("", "v1", "limitranges", "LimitRange", true),
        new("", "v1", "endpoints", "Endpoints", true),
        new("apps", "v1", "deployments", "Deployment", true),
        new("apps", "v1", "statefulsets", "StatefulSet", true),
        new("apps", "v1", "daemonsets", "DaemonSet", true),
        new("batch", "v1", "jobs", "Job", true),
        new("batch", "v1", "cronjobs", "CronJob", true),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", true),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false),
    ];

    public ApiResource? Find(string group, string version, string plural) =>
        _all.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    /// <summary>Serves a CRD's resource once it is created, as the API server does when it becomes Established.</summary>
    public void Register(JsonObject crd)
    {
        var spec = crd["spec"];
        var group = spec?["group"]?.GetValue<string>() ?? "";
        var plural = spec?["names"]?["plural"]?.GetValue<string>() ?? "";
        var kind = spec?["names"]?["kind"]?.GetValue<string>() ?? "";
        var namespaced = spec?["scope"]?.GetValue<string>() != "Cluster";
        foreach (var v in spec?["versions"] as JsonArray ?? [])
        {
            var version = v?["name"]?.GetValue<string>() ?? "";
            if (Find(group, version, plural) is null)
            {
                _all.Add(new ApiResource(group, version, plural, kind, namespaced));
            }
        }
    }

    public JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(_all.Where(r => r.Group.Length > 0).GroupBy(r => r.Group).Select(g => (JsonNode)new JsonObject
        {
            ["name"] = g.Key,
            ["versions"] = new JsonArray(g.Select(r => r.Version).Distinct().Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v }).ToArray()),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g.Key}/{g.First().Version}", ["version"] = g.First().Version },
        }).ToArray()),
    };

    public JsonObject? ResourceList(string group, string version)
    {
        var items = _all.Where(r => r.Group == group && r.Version == version).ToList();
        if (items.Count == 0)
        {
            return null;
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = items[0].GroupVersion,
            ["resources"] = new JsonArray(items.SelectMany(r => new[]
            {
                (JsonNode)new JsonObject
                {
                    ["name"] = r.Plural, ["singularName"] = r.Kind.ToLowerInvariant(), ["namespaced"] = r.Namespaced, ["kind"] = r.Kind,
                    ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                },
                new JsonObject { ["name"] = r.Plural + "/status", ["singularName"] = "", ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = new JsonArray("get", "patch", "update") },
            }).ToArray()),
        };
    }
}
