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
            if ((live is null ? null : await applier.PodStatesAsync(live, ct).ConfigureAwait(false)) is not { } states)
            {
                result.Add(new WorkloadHealth(key.Kind, key.Name, 0, 0, [live is null ? "not in the cluster" : "no pod selector"]));
                continue;
            }
            result.Add(new WorkloadHealth(key.Kind, key.Name, states.Count(s => s.Ready), states.Count,
                [.. states.Where(s => !s.Ready).Select(s => s.Reason).Distinct(StringComparer.Ordinal)]));
        }
        return result;
    }
}
