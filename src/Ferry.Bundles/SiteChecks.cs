using Ferry.Charts;
using Ferry.Kube;

namespace Ferry.Bundles;

/// <summary>
/// Preflight's checks of what a cluster offers (<see cref="SiteFacts"/>) against what the rendered product needs
/// (<see cref="ProductNeeds"/>, null when it could not be rendered) and what the vendor requires.
/// </summary>
internal static class SiteChecks
{
    public static List<PreflightCheck> Run(BundleSpec spec, ClusterCapabilities cluster, SiteFacts facts, ProductNeeds? needs)
    {
        var checks = new List<PreflightCheck>();
        var req = spec.Requirements;
        var ready = facts.Nodes.Where(n => n.Ready && n.Schedulable).ToList();

        var wanted = req.Nodes ?? 1;
        checks.Add(new PreflightCheck("nodes", ready.Count >= wanted ? PreflightCheck.Pass : PreflightCheck.Fail,
            $"{ready.Count} ready of {facts.Nodes.Count}", $"at least {wanted} ready", ready.Count >= wanted ? ""
                : "join more nodes (ferry cluster install as an agent), or bring the NotReady ones back (kubectl describe node)")
        {
            Remedies = ready.Count >= wanted ? [] : [Remedy.Role, Remedy.JoinServer],
        });
        foreach (var n in facts.Nodes.Where(n => n.Problems.Count > 0))
        {
            checks.Add(new PreflightCheck($"node {n.Name}", PreflightCheck.Warn, string.Join(", ", n.Problems), "Ready, no pressure",
                "free disk or memory on the node, or check its kubelet (journalctl -u k3s)"));
        }

        var archs = spec.Platforms.Select(p => Ferry.Oci.Platform.Parse(p).Architecture).ToHashSet(StringComparer.Ordinal);
        var foreign = ready.Where(n => n.Architecture.Length > 0 && !archs.Contains(n.Architecture)).ToList();
        checks.Add(new PreflightCheck("architecture",
            foreign.Count == 0 ? PreflightCheck.Pass : foreign.Count == ready.Count ? PreflightCheck.Fail : PreflightCheck.Warn,
            $"nodes: {string.Join(", ", ready.Select(n => n.Architecture).Distinct().Order(StringComparer.Ordinal))}",
            $"the bundle's platforms: {string.Join(", ", spec.Platforms)}",
            foreign.Count == 0 ? "" : $"ask the vendor for a bundle with " +
                $"platforms for {string.Join(", ", foreign.Select(n => n.Architecture).Distinct())}" +
                    $" (nodes {string.Join(", ", foreign.Select(n => n.Name))})"));

        foreach (var label in req.NodeLabels)
        {
            var (key, value) = label.Split('=', 2) is [var k, var v] ? (k, v) : (label, null);
            var carrying = ready.Where(n => n.Labels.TryGetValue(key, out var has) && (value is null || has == value)).Select(n => n.Name).ToList();
            checks.Add(new PreflightCheck($"node label {label}", carrying.Count > 0 ? PreflightCheck.Pass : PreflightCheck.Fail,
                carrying.Count > 0 ? $"on {string.Join(", ", carrying)}" : "on no ready node", "at least one node", carrying.Count > 0 ? ""
                    : $"label a node: kubectl label node NODE {(value is null ? key + "=" : label)}"));
        }

        var cpu = ready.Sum(n => n.Cpu);
        var memory = ready.Sum(n => n.Memory);
        Capacity(checks, "cpu", Quantity.Cpu, cpu, facts.OtherCpuRequests, req.Cpu, needs?.Pods.Sum(p => p.Cpu * Count(p, ready.Count)));
        Capacity(checks, "memory", Quantity.Bytes, memory, facts.OtherMemoryRequests, req.Memory,
            needs?.Pods.Sum(p => p.Memory * Count(p, ready.Count)));

        if (needs is not null && needs.Pods.Count > 0 && ready.Count > 0)
        {
            var fits = needs.Pods.Where(p => !ready.Any(n => n.Cpu >= p.Cpu && n.Memory >= p.Memory)).ToList();
            var largest = needs.Pods.MaxBy(p => (p.Cpu, p.Memory))!;
            checks.Add(fits.Count == 0
                ? new PreflightCheck("largest pod", PreflightCheck.Pass, $"{largest.App} {largest.Workload}: {Quantity.Cpu(largest.Cpu)}" +
                    $" CPU, {Quantity.Bytes(largest.Memory)}", "fits on a node", "")
                : new PreflightCheck("largest pod", PreflightCheck.Fail,
                    string.Join("; ", fits.Select(p => $"{p.App} {p.Workload} requests {Quantity.Cpu(p.Cpu)}" +
                        $" CPU and {Quantity.Bytes(p.Memory)} per pod")),
                    $"a node with that much allocatable (largest: {Quantity.Cpu(ready.Max(n => n.Cpu))}" +
                        $" CPU, {Quantity.Bytes(ready.Max(n => n.Memory))})",
                    "add a larger node, or lower the app's requests in the site env if the bundle lets you"));
        }

        if (needs is not null)
        {
            Apis(checks, cluster, needs);
            Storage(checks, facts, needs, req);
            Quotas(checks, facts, needs);
            PodSecurity(checks, facts, needs);
        }
        else
        {
            foreach (var sc in req.StorageClasses)
            {
                checks.Add(StorageClassExists(facts, sc));
            }
        }
        return checks;
    }

    private static long Count(PodNeed p, int nodes) => p.PerNode ? nodes : p.Replicas;

    private static void Capacity(List<PreflightCheck> checks, string name, Func<decimal, string> format, decimal allocatable, decimal others,
        string? required, decimal? product)
    {
        if (required is not null && Quantity.TryParse(required, out var minimum) && allocatable < minimum)
        {
            checks.Add(new PreflightCheck($"{name} (vendor)",
                PreflightCheck.Fail, $"{format(allocatable)} allocatable on ready nodes", $"at least {required}",
                "add nodes or give them more " + (name == "cpu" ? "cores" : "memory")));
        }
        if (product is not { } need)
        {
            checks.Add(new PreflightCheck(name, required is null ? PreflightCheck.Skip : PreflightCheck.Pass, $"{format(allocatable)} allocatable",
                required is null ? "" : $"at least {required}", ""));
            return;
        }
        var status = need > allocatable ? PreflightCheck.Fail : need + others > allocatable ? PreflightCheck.Warn : PreflightCheck.Pass;
        checks.Add(new PreflightCheck(name, status,
            $"the product requests {format(need)}; nodes have {format(allocatable)} allocatable, {format(others)} requested by other pods",
            $"{format(need)}{(required is null ? "" : $", and at least {required} by the vendor")}",
            status switch
            {
                PreflightCheck.Fail => $"add nodes or {(name == "cpu" ? "cores" : "memory")}: {format(need - allocatable)} more is needed",
                PreflightCheck.Warn => "other workloads hold part of it: some pods may stay Pending until they are scaled down",
                _ => "",
            }));
    }

    private static void Apis(List<PreflightCheck> checks, ClusterCapabilities cluster, ProductNeeds needs)
    {
        var served = new HashSet<string>(cluster.ApiVersions, StringComparer.Ordinal);
        var missing = needs.Kinds
            .Where(k => k.ApiVersion.Length > 0 && k.Kind.Length > 0)
            .Where(k => !served.Contains($"{k.ApiVersion}/{k.Kind}") && !needs.ShippedKinds.Contains($"{k.ApiVersion}/{k.Kind}"))
            .DistinctBy(k => (k.ApiVersion, k.Kind)).ToList();
        checks.Add(new PreflightCheck("api kinds", missing.Count == 0 ? PreflightCheck.Pass : PreflightCheck.Fail,
            missing.Count == 0 ? $"{needs.Kinds.Select(k => (k.ApiVersion, k.Kind)).Distinct().Count()} kinds, all served or defined by " +
                "the product's CRDs"
                : string.Join("; ", missing.Select(k => $"{k.ApiVersion} {k.Kind} (app {k.App}) is not served by Kubernetes {cluster.GitVersion}")),
            "every kind the product creates",
            missing.Count == 0 ? "" : "a kind the cluster removed (e.g. policy/v1beta1) needs a newer chart from the vendor; a custom resource " +
                "needs its CRD installed first"));
    }

    private static void Storage(List<PreflightCheck> checks, SiteFacts facts, ProductNeeds needs, Requirements req)
    {
        var named = needs.Claims.Where(c => !string.IsNullOrEmpty(c.StorageClass)).Select(c => c.StorageClass!).Concat(req.StorageClasses)
            .Distinct(StringComparer.Ordinal);
        foreach (var sc in named)
        {
            checks.Add(StorageClassExists(facts, sc));
        }
        var unnamed = needs.Claims.Where(c => c.StorageClass is null).ToList();
        if (unnamed.Count > 0)
        {
            var dflt = facts.StorageClasses.FirstOrDefault(s => s.IsDefault);
            checks.Add(new PreflightCheck("default storage class", dflt is null ? PreflightCheck.Fail : PreflightCheck.Pass,
                dflt is null
                    ? $"none; {unnamed.Count} claim(s) name no class ({string.Join(", ", unnamed.Take(3).Select(c => $"{c.Namespace}/{c.Name}"))})"
                    : $"{dflt.Name} ({dflt.Provisioner}) for {unnamed.Count} claim(s)",
                "a default StorageClass", dflt is null ? "mark one default: kubectl annotate storageclass NAME " +
                    "storageclass.kubernetes.io/is-default-class=true (k3s ships local-path)" : ""));
        }
        if (needs.Claims.Count > 0)
        {
            checks.Add(new PreflightCheck("storage",
                PreflightCheck.Pass, $"{needs.Claims.Count} claim(s), {Quantity.Bytes(needs.Claims.Sum(c => c.Bytes))} requested", "", ""));
        }
    }

    private static PreflightCheck StorageClassExists(SiteFacts facts, string sc)
    {
        if (facts.StorageClasses.Any(s => s.Name == sc))
        {
            return new PreflightCheck($"storage class {sc}", PreflightCheck.Pass, "exists", "exists", "");
        }
        var has = facts.StorageClasses.Count == 0 ? "none" : string.Join(", ", facts.StorageClasses.Select(s => s.Name));
        return new PreflightCheck($"storage class {sc}", PreflightCheck.Fail, $"missing (the cluster has: {has})", "exists",
            $"create StorageClass {sc}, or set the app's storage class in the site env to one the cluster has");
    }

    private static void Quotas(List<PreflightCheck> checks, SiteFacts facts, ProductNeeds needs)
    {
        foreach (var quota in facts.Quotas)
        {
            var pods = needs.Pods.Where(p => p.Namespace == quota.Namespace).ToList();
            var over = new List<string>();
            void Compare(string[] keys, decimal need, Func<decimal, string> format)
            {
                foreach (var key in keys)
                {
                    if (quota.Hard.TryGetValue(key, out var hard) && Quantity.TryParse(hard, out var limit) && need > limit)
                    {
                        over.Add($"{key} {format(need)} > {hard}");
                    }
                }
            }
            Compare(["requests.cpu", "cpu"], pods.Sum(p => p.Cpu * p.Replicas), Quantity.Cpu);
            Compare(["requests.memory", "memory"], pods.Sum(p => p.Memory * p.Replicas), Quantity.Bytes);
            Compare(["pods"], pods.Sum(p => p.Replicas), v => v.ToString(System.Globalization.CultureInfo.InvariantCulture));
            checks.Add(new PreflightCheck($"quota {quota.Namespace}/{quota.Name}", over.Count == 0 ? PreflightCheck.Pass : PreflightCheck.Fail,
                over.Count == 0 ? "the product fits" : string.Join(", ", over), string.Join(", ", quota.Hard.Select(kv => $"{kv.Key}={kv.Value}")),
                over.Count == 0 ? "" : $"raise ResourceQuota {quota.Name} in namespace {quota.Namespace} (kubectl edit " +
                    $"resourcequota -n {quota.Namespace} {quota.Name})"));
        }
    }

    private static void PodSecurity(List<PreflightCheck> checks, SiteFacts facts, ProductNeeds needs)
    {
        foreach (var (ns, labels) in facts.NamespaceLabels)
        {
            if (!labels.TryGetValue("pod-security.kubernetes.io/enforce", out var level) || level == "privileged")
            {
                continue;
            }
            var refused = needs.Pods.Where(p => p.Namespace == ns && (level == "restricted" ? p.Restricted : p.Baseline).Count > 0).ToList();
            checks.Add(new PreflightCheck($"pod security {ns}", refused.Count == 0 ? PreflightCheck.Pass : PreflightCheck.Fail,
                refused.Count == 0 ? $"every pod meets {level}" : string.Join("; ",
                    refused.Select(p => $"{p.App} {p.Workload}: {string.Join(", ", level == "restricted" ? p.Restricted : p.Baseline)}")),
                $"PodSecurity {level} (namespace label pod-security.kubernetes.io/enforce)",
                refused.Count == 0 ? "" : $"these pods would be refused: label the namespace for a level they meet " +
                    $"(kubectl label ns {ns} pod-security.kubernetes.io/enforce=privileged --overwrite), if the site's policy allows"));
        }
    }
}
