using System.Text.Json.Nodes;
using Ferry.Charts.Releases;
using k8s;

namespace Ferry.Kube;

/// <summary>One workload of a release: its pods ready of all, and why the others are not (ImagePullBackOff, CrashLoopBackOff…).</summary>
public sealed record WorkloadHealth(string Kind, string Name, int Ready, int Total, IReadOnlyList<string> Problems);

/// <summary>The health of the workloads a release's manifest holds (Deployments, StatefulSets, DaemonSets), read from their pods.</summary>
public static class Workloads
{
    public static async Task<IReadOnlyList<WorkloadHealth>> OfReleaseAsync(IKubernetes client, Release release, CancellationToken ct = default)
    {
        var applier = new Applier(client);
        var result = new List<WorkloadHealth>();
        foreach (var key in PrunePlan.Objects(release.Manifest, release.Namespace).Select(e => e.Key)
            .Where(k => k.Kind is "Deployment" or "StatefulSet" or "DaemonSet"))
        {
            var live = await applier.GetAsync(key, ct).ConfigureAwait(false);
            if (live?["spec"]?["selector"]?["matchLabels"] is not JsonObject match || match.Count == 0)
            {
                result.Add(new WorkloadHealth(key.Kind, key.Name, 0, 0, [live is null ? "not in the cluster" : "no pod selector"]));
                continue;
            }
            var selector = string.Join(",", match.Select(kv => $"{kv.Key}={kv.Value?.GetValue<string>()}"));
            var pods = await KubeConnection.CallAsync($"list pods of {key.Kind} {key.Namespace}/{key.Name}",
                () => client.CoreV1.ListNamespacedPodAsync(key.Namespace, labelSelector: selector, cancellationToken: ct)).ConfigureAwait(false);
            var states = pods.Items.Select(p =>
            {
                var json = JsonNode.Parse(KubernetesJson.Serialize(p))!.AsObject();
                json["kind"] = "Pod"; // list items carry no kind
                return Readiness.Evaluate(json);
            }).ToList();
            result.Add(new WorkloadHealth(key.Kind, key.Name, states.Count(s => s.Ready), states.Count,
                [.. states.Where(s => !s.Ready).Select(s => s.Reason).Distinct(StringComparer.Ordinal)]));
        }
        return result;
    }
}
