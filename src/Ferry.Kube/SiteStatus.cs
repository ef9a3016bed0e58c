using Ferry.Charts.Releases;
using k8s;

namespace Ferry.Kube;

/// <summary>
/// What <c>ferry status</c> (and any other front end) shows: every Helm release in the cluster (the newest revision of
/// each), each product's last deploy, which of those deploys stopped without finishing (its holder gone), and
/// whether anything needs attention: a release not deployed (failed, pending), a failed deploy or a stalled one.
/// </summary>
public sealed record SiteStatus(IReadOnlyList<Release> Releases, IReadOnlyList<JournalRecord> Deploys, IReadOnlySet<string> Stalled)
{
    public bool NeedsAttention =>
        Releases.Any(r => r.Info.Status != ReleaseStatus.Deployed) || Deploys.Any(j => j.State == DeployJournal.Failed) || Stalled.Count > 0;

    public static async Task<SiteStatus> ReadAsync(IKubernetes client, string envNamespace, DateTimeOffset now, CancellationToken ct = default)
    {
        var releases = await new ReleaseStore(client).ListAllAsync(ct).ConfigureAwait(false);
        var journals = await DeployJournal.ListAsync(client, envNamespace, ct).ConfigureAwait(false);
        var stalled = journals.Where(j => DeployJournal.IsStalled(j, now)).Select(j => j.Product).ToHashSet(StringComparer.Ordinal);
        return new SiteStatus(releases, journals, stalled);
    }
}
