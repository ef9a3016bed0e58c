using System.Globalization;
using System.Text;
using Ferry.Charts.Releases;
using k8s;
using k8s.Models;

namespace Ferry.Kube;

/// <summary>
/// Release history in the cluster, stored exactly as Helm's Secret driver does, so <c>helm list/history/get</c>
/// read what Ferry writes and Ferry upgrades what Helm installed.
/// </summary>
public sealed class ReleaseStore(IKubernetes client)
{
    /// <summary>Every revision of a release, oldest first.</summary>
    public async Task<IReadOnlyList<Release>> HistoryAsync(string name, string ns, CancellationToken ct = default)
    {
        var list = await KubeConnection.CallAsync($"list releases {name} in namespace {ns}",
            () => client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: $"owner=helm,name={name}", cancellationToken: ct)).ConfigureAwait(false);
        return list.Items.Where(s => s.Type == ReleaseSecret.Type).Select(Decode).OrderBy(r => r.Version).ToList();
    }

    /// <summary>Every release's history in a namespace, by release name, in one list call (a deploy of many apps reads them once).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Release>>> HistoriesAsync(string ns, CancellationToken ct = default)
    {
        var list = await KubeConnection.CallAsync($"list releases in namespace {ns}",
            () => client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: "owner=helm", cancellationToken: ct)).ConfigureAwait(false);
        return list.Items.Where(s => s.Type == ReleaseSecret.Type).Select(Decode).GroupBy(r => r.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Release>)[.. g.OrderBy(r => r.Version)], StringComparer.Ordinal);
    }

    /// <summary>The release histories of several namespaces (one list call each), by namespace, then release name.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Release>>>> HistoriesAsync(IEnumerable<string> namespaces,
        CancellationToken ct = default)
    {
        var all = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Release>>>(StringComparer.Ordinal);
        foreach (var ns in namespaces.Distinct(StringComparer.Ordinal))
        {
            all[ns] = await HistoriesAsync(ns, ct).ConfigureAwait(false);
        }
        return all;
    }

    /// <summary>The newest revision of every release in the cluster (as <c>helm list -A -a</c>), by namespace then name.</summary>
    public async Task<IReadOnlyList<Release>> ListAllAsync(CancellationToken ct = default)
    {
        var list = await KubeConnection.CallAsync("list release records in all namespaces",
            () => client.CoreV1.ListSecretForAllNamespacesAsync(labelSelector: "owner=helm", cancellationToken: ct)).ConfigureAwait(false);
        return [.. list.Items.Where(s => s.Type == ReleaseSecret.Type).Select(Decode)
            .GroupBy(r => (r.Namespace, r.Name)).Select(g => g.MaxBy(r => r.Version)!)
            .OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary>The newest revision, or null when the release does not exist.</summary>
    public async Task<Release?> LastAsync(string name, string ns, CancellationToken ct = default)
    {
        var history = await HistoryAsync(name, ns, ct).ConfigureAwait(false);
        return history.Count == 0 ? null : history[^1];
    }

    /// <summary>The newest revision with status deployed, or null.</summary>
    public async Task<Release?> DeployedAsync(string name, string ns, CancellationToken ct = default) =>
        Deployed(await HistoryAsync(name, ns, ct).ConfigureAwait(false));

    /// <summary>The newest revision with status deployed in a history read before, or null.</summary>
    public static Release? Deployed(IReadOnlyList<Release> history) => history.LastOrDefault(r => r.Info.Status == ReleaseStatus.Deployed);

    public async Task CreateAsync(Release release, DateTimeOffset now, CancellationToken ct = default)
    {
        var secret = ToSecret(release, now);
        await KubeConnection.CallAsync($"create release record {secret.Metadata.Name} in namespace {release.Namespace}",
            () => client.CoreV1.CreateNamespacedSecretAsync(secret, release.Namespace, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Rewrites a revision (status changes), keeping its creation time and adding Helm's modifiedAt label.</summary>
    public async Task UpdateAsync(Release release, DateTimeOffset now, CancellationToken ct = default)
    {
        var name = ReleaseSecret.Name(release.Name, release.Version);
        var existing = await KubeConnection.CallAsync($"read release record {name} in namespace {release.Namespace}",
            () => client.CoreV1.ReadNamespacedSecretAsync(name, release.Namespace, cancellationToken: ct)).ConfigureAwait(false);
        var created = existing.Metadata.Labels?.TryGetValue("createdAt", out var c) == true
            && long.TryParse(c, CultureInfo.InvariantCulture, out var secs)
            ? DateTimeOffset.FromUnixTimeSeconds(secs) : now;
        var secret = ToSecret(release, created);
        secret.Metadata.Labels["modifiedAt"] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        secret.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
        await KubeConnection.CallAsync($"update release record {name} in namespace {release.Namespace}",
            () => client.CoreV1.ReplaceNamespacedSecretAsync(secret, name, release.Namespace, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Deletes the oldest revisions beyond <paramref name="max"/> (Helm's --history-max), never the deployed one.</summary>
    public async Task<int> PruneHistoryAsync(string name, string ns, int max, CancellationToken ct = default)
    {
        if (max <= 0)
        {
            return 0;
        }
        var history = await HistoryAsync(name, ns, ct).ConfigureAwait(false);
        var deployed = Deployed(history)?.Version;
        var doomed = history.Where(r => r.Version != deployed).Take(Math.Max(0, history.Count - max)).ToList();
        foreach (var r in doomed)
        {
            var secretName = ReleaseSecret.Name(r.Name, r.Version);
            await KubeConnection.CallAsync($"delete release record {secretName} in namespace {ns}",
                () => client.CoreV1.DeleteNamespacedSecretAsync(secretName, ns, cancellationToken: ct)).ConfigureAwait(false);
        }
        return doomed.Count;
    }

    /// <summary>Deletes every revision's record (helm uninstall without --keep-history).</summary>
    public async Task DeleteAllAsync(string name, string ns, CancellationToken ct = default)
    {
        foreach (var r in await HistoryAsync(name, ns, ct).ConfigureAwait(false))
        {
            var secretName = ReleaseSecret.Name(r.Name, r.Version);
            await KubeConnection.CallAsync($"delete release record {secretName} in namespace {ns}",
                () => client.CoreV1.DeleteNamespacedSecretAsync(secretName, ns, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    private static V1Secret ToSecret(Release release, DateTimeOffset created) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = ReleaseSecret.Type,
        Metadata = new V1ObjectMeta
        {
            Name = ReleaseSecret.Name(release.Name, release.Version),
            NamespaceProperty = release.Namespace,
            Labels = ReleaseSecret.Labels(release, created),
        },
        Data = new Dictionary<string, byte[]> { ["release"] = Encoding.ASCII.GetBytes(ReleaseCodec.Encode(release)) },
    };

    private static Release Decode(V1Secret s)
    {
        if (s.Data is null || !s.Data.TryGetValue("release", out var data))
        {
            throw new KubeException($"Secret {s.Metadata.NamespaceProperty}/{s.Metadata.Name} is labelled as a Helm release but has no " +
                "data.release; delete or repair it");
        }
        try
        {
            return ReleaseCodec.Decode(Encoding.ASCII.GetString(data));
        }
        catch (Charts.ChartException e)
        {
            throw new KubeException($"Secret {s.Metadata.NamespaceProperty}/{s.Metadata.Name}: {e.Message}", e);
        }
    }
}
