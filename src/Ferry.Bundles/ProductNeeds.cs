using System.Text.Json.Nodes;
using Ferry.Kube;

namespace Ferry.Bundles;

/// <summary>One pod template of the product: where it comes from, how many pods it makes, what one pod requests, and
/// which PodSecurity rules it breaks (baseline and restricted, as the admission plugin names them).</summary>
public sealed record PodNeed(string App, string Namespace, string Workload, long Replicas, bool PerNode, decimal Cpu, decimal Memory,
    IReadOnlyList<string> Baseline, IReadOnlyList<string> Restricted);

/// <summary>A volume claim of the product (a PVC, or a StatefulSet's claim template once per replica).</summary>
public sealed record ClaimNeed(string App, string Namespace, string Name, string? StorageClass, decimal Bytes);

/// <summary>
/// What a rendered product asks of a cluster, read from its manifests, hooks and CRDs: each pod template with its
/// replicas and effective requests (the sum of its containers or the largest init container, limits standing in for
/// missing requests, as the scheduler counts), every volume claim, every apiVersion/kind it creates, and the kinds its
/// own CRDs define.
/// </summary>
public sealed record ProductNeeds(IReadOnlyList<PodNeed> Pods, IReadOnlyList<ClaimNeed> Claims,
    IReadOnlyList<(string App, string ApiVersion, string Kind)> Kinds, IReadOnlySet<string> ShippedKinds)
{
    public static ProductNeeds Of(IEnumerable<(string App, ReleasePlan Plan)> plans)
    {
        var pods = new List<PodNeed>();
        var claims = new List<ClaimNeed>();
        var kinds = new List<(string, string, string)>();
        var shipped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (app, plan) in plans)
        {
            var docs = plan.Manifests.Select(m => m.Content).Concat(plan.Hooks.Select(h => h.Manifest))
                .Concat((plan.Crds ?? []).Select(c => c.Content));
            foreach (var doc in docs)
            {
                if (ReleaseManager.ToJson(doc) is not { } obj)
                {
                    continue;
                }
                var apiVersion = Str(obj["apiVersion"]);
                var kind = Str(obj["kind"]);
                var ns = Str(obj["metadata"]?["namespace"]) is { Length: > 0 } n ? n : plan.Namespace;
                var name = Str(obj["metadata"]?["name"]);
                kinds.Add((app, apiVersion, kind));
                if (kind == "CustomResourceDefinition")
                {
                    foreach (var v in obj["spec"]?["versions"] as JsonArray ?? [])
                    {
                        shipped.Add($"{Str(obj["spec"]?["group"])}/{Str(v?["name"])}/{Str(obj["spec"]?["names"]?["kind"])}");
                    }
                    if (obj["spec"]?["version"] is { } single)
                    {
                        shipped.Add($"{Str(obj["spec"]?["group"])}/{Str(single)}/{Str(obj["spec"]?["names"]?["kind"])}");
                    }
                }
                var (template, replicas, perNode) = kind switch
                {
                    "Deployment" or "ReplicaSet" or "ReplicationController" =>
                        (obj["spec"]?["template"]?["spec"], Long(obj["spec"]?["replicas"], 1), false),
                    "StatefulSet" => (obj["spec"]?["template"]?["spec"], Long(obj["spec"]?["replicas"], 1), false),
                    "DaemonSet" => (obj["spec"]?["template"]?["spec"], 1, true),
                    "Job" => (obj["spec"]?["template"]?["spec"], Long(obj["spec"]?["parallelism"], 1), false),
                    "CronJob" => (obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"],
                        Long(obj["spec"]?["jobTemplate"]?["spec"]?["parallelism"], 1), false),
                    "Pod" => (obj["spec"], 1L, false),
                    _ => (null, 0L, false),
                };
                if (template is JsonObject spec)
                {
                    pods.Add(Pod(app, ns, $"{kind}/{name}", replicas, perNode, spec));
                }
                if (kind == "PersistentVolumeClaim")
                {
                    claims.Add(Claim(app, ns, name, obj["spec"]));
                }
                if (kind == "StatefulSet")
                {
                    foreach (var t in obj["spec"]?["volumeClaimTemplates"] as JsonArray ?? [])
                    {
                        for (var i = 0; i < replicas; i++)
                        {
                            claims.Add(Claim(app, ns, $"{Str(t?["metadata"]?["name"])}-{name}-{i}", t?["spec"]));
                        }
                    }
                }
            }
        }
        return new ProductNeeds(pods, claims, kinds, shipped);
    }

    private static readonly string[] HostNamespaces = ["hostNetwork", "hostPID", "hostIPC"];

    private static ClaimNeed Claim(string app, string ns, string name, JsonNode? spec)
    {
        var bytes = Quantity.TryParse(Str(spec?["resources"]?["requests"]?["storage"]), out var b) ? b : 0;
        return new ClaimNeed(app, ns, name, spec?["storageClassName"] is { } sc ? Str(sc) : null, bytes);
    }

    private static PodNeed Pod(string app, string ns, string workload, long replicas, bool perNode, JsonObject spec)
    {
        static decimal Need(JsonNode? c, string resource) =>
            Quantity.Requested(Str(c?["resources"]?["requests"]?[resource]), Str(c?["resources"]?["limits"]?[resource]));
        var containers = (spec["containers"] as JsonArray ?? []).ToList();
        var inits = (spec["initContainers"] as JsonArray ?? []).ToList();
        decimal Effective(string resource) =>
            Math.Max(containers.Sum(c => Need(c, resource)), inits.Select(c => Need(c, resource)).DefaultIfEmpty(0).Max());
        var all = containers.Concat(inits).ToList();
        var baseline = new List<string>();
        if (all.Any(c => c?["securityContext"]?["privileged"]?.GetValueKind() == System.Text.Json.JsonValueKind.True))
        {
            baseline.Add("privileged container");
        }
        foreach (var host in HostNamespaces.Where(h => spec[h]?.GetValueKind() == System.Text.Json.JsonValueKind.True))
        {
            baseline.Add(host);
        }
        if ((spec["volumes"] as JsonArray ?? []).Any(v => v?["hostPath"] is not null))
        {
            baseline.Add("hostPath volume");
        }
        if (all.Any(c => (c?["ports"] as JsonArray ?? []).Any(p => p?["hostPort"] is { } hp && Long(hp, 0) != 0)))
        {
            baseline.Add("hostPort");
        }
        string[] allowedCaps = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
            "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
        if (all.Any(c => (c?["securityContext"]?["capabilities"]?["add"] as JsonArray ?? []).Any(a => !allowedCaps.Contains(Str(a)))))
        {
            baseline.Add("added capabilities beyond the baseline set");
        }
        var restricted = new List<string>(baseline);
        bool PodOr(JsonNode? c, string field, string expected) => Str(c?["securityContext"]?[field]) == expected
            || (c?["securityContext"]?[field] is null && Str(spec["securityContext"]?[field]) == expected);
        if (!all.All(c => Str(c?["securityContext"]?["allowPrivilegeEscalation"]) == "false"))
        {
            restricted.Add("allowPrivilegeEscalation != false");
        }
        if (!all.All(c => PodOr(c, "runAsNonRoot", "true")))
        {
            restricted.Add("runAsNonRoot != true");
        }
        if (!all.All(c => (c?["securityContext"]?["capabilities"]?["drop"] as JsonArray ?? []).Any(d => Str(d) == "ALL")))
        {
            restricted.Add("capabilities not dropping ALL");
        }
        if (!all.All(c => Str(c?["securityContext"]?["seccompProfile"]?["type"]) is "RuntimeDefault" or "Localhost"
            || (c?["securityContext"]?["seccompProfile"] is null
                && Str(spec["securityContext"]?["seccompProfile"]?["type"]) is "RuntimeDefault" or "Localhost")))
        {
            restricted.Add("seccompProfile not RuntimeDefault");
        }
        return new PodNeed(app, ns, workload, replicas, perNode, Effective("cpu"), Effective("memory"), baseline, restricted);
    }

    private static string Str(JsonNode? n) => n is JsonValue v ? v.ToString() : "";

    private static long Long(JsonNode? n, long dflt) => n is JsonValue v
        && long.TryParse(v.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : dflt;
}
