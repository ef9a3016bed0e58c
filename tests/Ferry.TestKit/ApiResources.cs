using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>One resource type the simulator serves.</summary>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool Namespaced, NameRule Names = NameRule.Subdomain, string[]? ShortNames = null, string[]? Categories = null)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Served for a CustomResourceDefinition (its lists carry each item's kind; a built-in list's items have none).</summary>
    public bool IsCustom { get; init; }

    /// <summary>The built-in kinds kube-apiserver puts in the <c>all</c> category (<c>kubectl get all</c>).</summary>
    private static readonly HashSet<string> InAll = ["/pods", "/replicationcontrollers", "/services", "apps/daemonsets", "apps/deployments", "apps/replicasets", "apps/statefulsets", "autoscaling/horizontalpodautoscalers", "batch/cronjobs", "batch/jobs"];

    /// <summary>The categories discovery lists for this resource: a CRD's own, or <c>all</c> for the built-ins above.</summary>
    public string[]? CategoryNames => Categories ?? (InAll.Contains($"{Group}/{Plural}") ? ["all"] : null);
}

/// <summary>The simulator's resource table (built-in kinds plus registered CRDs) and its discovery documents.</summary>
public sealed class ApiResources
{
    private readonly List<ApiResource> _all =
    [
        // every built-in kind of a v1.35 API server that charts create (kube-apiserver's name rule, short names)
        new("", "v1", "namespaces", "Namespace", false, NameRule.Label, ["ns"]),
        new("", "v1", "configmaps", "ConfigMap", true, ShortNames: ["cm"]),
        new("", "v1", "secrets", "Secret", true),
        new("", "v1", "services", "Service", true, NameRule.Dns1035Label, ["svc"]),
        new("", "v1", "serviceaccounts", "ServiceAccount", true, ShortNames: ["sa"]),
        new("", "v1", "pods", "Pod", true, ShortNames: ["po"]),
        new("", "v1", "podtemplates", "PodTemplate", true),
        new("", "v1", "replicationcontrollers", "ReplicationController", true, ShortNames: ["rc"]),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ShortNames: ["pvc"]),
        new("", "v1", "persistentvolumes", "PersistentVolume", false, ShortNames: ["pv"]),
        new("", "v1", "limitranges", "LimitRange", true, ShortNames: ["limits"]),
        new("", "v1", "resourcequotas", "ResourceQuota", true, ShortNames: ["quota"]),
        new("", "v1", "endpoints", "Endpoints", true, ShortNames: ["ep"]),
        new("", "v1", "events", "Event", true, ShortNames: ["ev"]),
        new("", "v1", "nodes", "Node", false, ShortNames: ["no"]),
        new("apps", "v1", "deployments", "Deployment", true, ShortNames: ["deploy"]),
        new("apps", "v1", "statefulsets", "StatefulSet", true, ShortNames: ["sts"]),
        new("apps", "v1", "daemonsets", "DaemonSet", true, ShortNames: ["ds"]),
        new("apps", "v1", "replicasets", "ReplicaSet", true, ShortNames: ["rs"]),
        new("apps", "v1", "controllerrevisions", "ControllerRevision", true),
        new("batch", "v1", "jobs", "Job", true),
        new("batch", "v1", "cronjobs", "CronJob", true, ShortNames: ["cj"]),
        new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ShortNames: ["hpa"]),
        new("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ShortNames: ["hpa"]),
        new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ShortNames: ["pdb"]),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", true, ShortNames: ["ing"]),
        new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false),
        new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, ShortNames: ["netpol"]),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", true, NameRule.PathSegment),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, NameRule.PathSegment),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, NameRule.PathSegment),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, NameRule.PathSegment),
        new("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, ShortNames: ["sc"]),
        new("storage.k8s.io", "v1", "csidrivers", "CSIDriver", false),
        new("storage.k8s.io", "v1", "csinodes", "CSINode", false),
        new("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", false),
        new("storage.k8s.io", "v1", "csistoragecapacities", "CSIStorageCapacity", true),
        new("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, ShortNames: ["pc"]),
        new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false),
        new("coordination.k8s.io", "v1", "leases", "Lease", true),
        new("apiregistration.k8s.io", "v1", "apiservices", "APIService", false),
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false),
        new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false),
        new("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false),
        new("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false),
        new("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false, ShortNames: ["csr"]),
        new("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", false),
        new("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration", false),
        new("resource.k8s.io", "v1", "deviceclasses", "DeviceClass", false),
        new("resource.k8s.io", "v1", "resourceclaims", "ResourceClaim", true),
        new("resource.k8s.io", "v1", "resourceclaimtemplates", "ResourceClaimTemplate", true),
        new("resource.k8s.io", "v1", "resourceslices", "ResourceSlice", false),
        new("events.k8s.io", "v1", "events", "Event", true, ShortNames: ["ev"]),
        new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ShortNames: ["crd", "crds"]),
    ];

    public IReadOnlyList<ApiResource> All => _all;

    /// <summary>Forgets kinds registered after the first <paramref name="count"/> (a dry run's CRDs).</summary>
    public void Truncate(int count) => _all.RemoveRange(count, _all.Count - count);

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
        var shortNames = (spec?["names"]?["shortNames"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToArray();
        var categories = (spec?["names"]?["categories"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToArray();
        foreach (var v in spec?["versions"] as JsonArray ?? [])
        {
            var version = v?["name"]?.GetValue<string>() ?? "";
            if (Find(group, version, plural) is null)
            {
                _all.Add(new ApiResource(group, version, plural, kind, namespaced, ShortNames: shortNames, Categories: categories) { IsCustom = true });
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
                }.WithShortNames(r.ShortNames).WithList("categories", r.CategoryNames),
                new JsonObject { ["name"] = r.Plural + "/status", ["singularName"] = "", ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = new JsonArray("get", "patch", "update") },
            }.Concat(r.Plural is "deployments" or "statefulsets" or "replicasets" or "replicationcontrollers"
                ? [new JsonObject { ["name"] = r.Plural + "/scale", ["singularName"] = "", ["namespaced"] = true, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = new JsonArray("get", "patch", "update") }]
                : [])).ToArray()),
        };
    }
}

internal static class DiscoveryJson
{
    /// <summary>shortNames as discovery lists them: only when the kind has some (omitempty).</summary>
    public static JsonObject WithShortNames(this JsonObject resource, string[]? shortNames) => resource.WithList("shortNames", shortNames);

    /// <summary>A list field as discovery writes it: only when it has entries (omitempty).</summary>
    public static JsonObject WithList(this JsonObject resource, string field, string[]? entries)
    {
        if (entries is { Length: > 0 })
        {
            resource[field] = new JsonArray(entries.Select(n => (JsonNode)n).ToArray());
        }
        return resource;
    }
}
