using k8s;
using k8s.Models;

namespace Ferry.Kube;

/// <summary>A node as preflight sees it: whether it takes pods, its allocatable CPU (cores) and memory (bytes), its
/// architecture, labels, and the conditions that are not as they should be (NotReady, DiskPressure, ...).</summary>
public sealed record NodeFacts(string Name, bool Ready, bool Schedulable, decimal Cpu, decimal Memory, string Architecture,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Problems);

/// <summary>A StorageClass: its name, provisioner and whether it is the default one.</summary>
public sealed record StorageClassFacts(string Name, string Provisioner, bool IsDefault);

/// <summary>A ResourceQuota's hard limits and what is used of them (quantities as written).</summary>
public sealed record QuotaFacts(string Namespace, string Name, IReadOnlyDictionary<string, string> Hard, IReadOnlyDictionary<string, string> Used);

/// <summary>
/// What a site cluster offers a product, read once for preflight: nodes (allocatable, architecture, conditions),
/// storage classes, the labels of the namespaces the product uses (PodSecurity levels), their quotas, and the CPU and
/// memory requested by pods already running outside the product's namespaces.
/// </summary>
public sealed record SiteFacts(
    IReadOnlyList<NodeFacts> Nodes,
    IReadOnlyList<StorageClassFacts> StorageClasses,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels,
    IReadOnlyList<QuotaFacts> Quotas,
    decimal OtherCpuRequests,
    decimal OtherMemoryRequests)
{
    /// <summary>Conditions that should be False on a healthy node.</summary>
    private static readonly string[] Pressures = ["MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"];

    public static async Task<SiteFacts> ReadAsync(IKubernetes client, IReadOnlyCollection<string> namespaces, CancellationToken ct = default)
    {
        var nodes = await KubeConnection.CallAsync("list nodes", () => client.CoreV1.ListNodeAsync(cancellationToken: ct)).ConfigureAwait(false);
        var classes = await KubeConnection.CallAsync("list storage classes", () => client.StorageV1.ListStorageClassAsync(cancellationToken: ct))
            .ConfigureAwait(false);
        var labels = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var quotas = new List<QuotaFacts>();
        foreach (var ns in namespaces.Distinct(StringComparer.Ordinal))
        {
            var found = await KubeConnection.CallAsync($"list namespace {ns}", () =>
                client.CoreV1.ListNamespaceAsync(fieldSelector: $"metadata.name={ns}", cancellationToken: ct)).ConfigureAwait(false);
            if (found.Items.FirstOrDefault() is not { } live)
            {
                continue; // created by the deploy: no labels, no quotas yet
            }
            labels[ns] = new Dictionary<string, string>(live.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            var q = await KubeConnection.CallAsync($"list resource quotas in {ns}", () =>
                client.CoreV1.ListNamespacedResourceQuotaAsync(ns, cancellationToken: ct)).ConfigureAwait(false);
            quotas.AddRange(q.Items.Select(r => new QuotaFacts(ns, r.Metadata.Name,
                (r.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>())
                    .ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal),
                (r.Status?.Used ?? new Dictionary<string, ResourceQuantity>())
                    .ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal))));
        }
        var pods = await KubeConnection.CallAsync("list pods", () => client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct))
            .ConfigureAwait(false);
        decimal cpu = 0, memory = 0;
        foreach (var pod in pods.Items.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed")
            && !namespaces.Contains(p.Metadata.NamespaceProperty)))
        {
            foreach (var c in pod.Spec?.Containers ?? [])
            {
                cpu += Request(c.Resources, "cpu");
                memory += Request(c.Resources, "memory");
            }
        }
        return new SiteFacts(
            [.. nodes.Items.Select(ToFacts)],
            [.. classes.Items.Select(c => new StorageClassFacts(c.Metadata.Name, c.Provisioner ?? "",
                c.Metadata.Annotations?.TryGetValue("storageclass.kubernetes.io/is-default-class", out var d) == true && d == "true"))],
            labels, quotas, cpu, memory);
    }

    private static decimal Request(V1ResourceRequirements? resources, string name) =>
        Quantity.Requested(resources?.Requests?.TryGetValue(name, out var r) == true ? r.ToString() : null,
            resources?.Limits?.TryGetValue(name, out var l) == true ? l.ToString() : null);

    private static NodeFacts ToFacts(V1Node node)
    {
        var conditions = node.Status?.Conditions ?? [];
        var ready = conditions.Any(c => c.Type == "Ready" && c.Status == "True");
        var problems = new List<string>();
        if (!ready)
        {
            var condition = conditions.FirstOrDefault(x => x.Type == "Ready");
            problems.Add($"NotReady{(condition?.Message is { Length: > 0 } why ? $" ({why})" : "")}");
        }
        problems.AddRange(conditions.Where(c => Pressures.Contains(c.Type) && c.Status == "True").Select(c => c.Type));
        string Alloc(string key) => node.Status?.Allocatable?.TryGetValue(key, out var q) == true ? q.ToString()
            : node.Status?.Capacity?.TryGetValue(key, out var cap) == true ? cap.ToString() : "0";
        var cpu = Quantity.TryParse(Alloc("cpu"), out var c) ? c : 0;
        var memory = Quantity.TryParse(Alloc("memory"), out var m) ? m : 0;
        var labels = new Dictionary<string, string>(node.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var arch = node.Status?.NodeInfo?.Architecture is { Length: > 0 } a ? a : labels.GetValueOrDefault("kubernetes.io/arch", "");
        return new NodeFacts(node.Metadata.Name, ready, node.Spec?.Unschedulable != true, cpu, memory, arch, labels, problems);
    }
}
