using System.Globalization;
using k8s;

namespace Ferry.Kube;

/// <summary>One thing an operator did: when, who, what (sign-in, settings change, deploy, rollback) and on what.</summary>
public sealed record AuditEntry(DateTimeOffset Time, string User, string Action, string Detail);

/// <summary>
/// Who did what and when, kept in the cluster: a ConfigMap <c>ferry-audit</c> in the env namespace, one line per
/// entry (time, user, action, detail; tab-separated), the newest <see cref="MaxEntries"/> kept. Entries name things,
/// never values: no setting's value, secret or not, is written here. Every write is conditional on the
/// resourceVersion read and retried on a conflict, so two writers both land.
/// </summary>
public sealed class AuditLog(IKubernetes client, string ns)
{
    public const string ObjectName = "ferry-audit";

    public const int MaxEntries = 1000;

    private const string Key = "log";

    public async Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        await KubeConnection.EnsureNamespaceAsync(client, ns, ct).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadMapAsync(ct).ConfigureAwait(false);
            var lines = Lines(existing).Append(Format(entry)).TakeLast(MaxEntries);
            var map = KubeConnection.FerryConfigMap(ns, ObjectName, new Dictionary<string, string> { [Key] = string.Join('\n', lines) + "\n" },
                ("ferry.dev/audit", "log"));
            try
            {
                await KubeConnection.UpsertConfigMapAsync(client, map, existing, ct).ConfigureAwait(false);
                return;
            }
            catch (KubeException e) when (attempt < 5 && (KubeConnection.IsConflict(e) || existing is null))
            {
                // another writer came first (or created it meanwhile): read again and append to theirs
            }
        }
    }

    /// <summary>The entries, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(CancellationToken ct = default) =>
        [.. Lines(await ReadMapAsync(ct).ConfigureAwait(false)).Select(Parse).OfType<AuditEntry>()];

    private Task<k8s.Models.V1ConfigMap?> ReadMapAsync(CancellationToken ct) => KubeConnection.FindAsync($"read audit log {ns}/{ObjectName}",
        () => client.CoreV1.ReadNamespacedConfigMapAsync(ObjectName, ns, cancellationToken: ct));

    private static IEnumerable<string> Lines(k8s.Models.V1ConfigMap? map) =>
        map?.Data?.TryGetValue(Key, out var text) == true ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];

    private static string Format(AuditEntry e) =>
        string.Join('\t', e.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Clean(e.User), Clean(e.Action),
            Clean(e.Detail));

    private static string Clean(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');

    private static AuditEntry? Parse(string line)
    {
        var f = line.Split('\t');
        return f.Length == 4 && DateTimeOffset.TryParse(f[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? new AuditEntry(time, f[1], f[2], f[3]) : null;
    }
}
