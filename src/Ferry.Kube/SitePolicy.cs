using k8s;
using k8s.Models;

namespace Ferry.Kube;

/// <summary>
/// The site's deploy policy: ConfigMap <c>ferry-policy</c> in the env namespace. With a vendor public key set, every
/// <c>ferry deploy</c> (and <c>ferry plan</c>) requires bundles signed by that key, whether or not <c>--key</c> is given.
/// </summary>
public sealed class SitePolicy(IKubernetes client, string ns = DeployEnv.DefaultNamespace)
{
    public const string ObjectName = "ferry-policy";
    private const string KeyField = "publicKey";

    /// <summary>The PEM public key bundles must be signed with, or null when the site accepts unsigned bundles.</summary>
    public async Task<string?> PublicKeyAsync(CancellationToken ct = default)
    {
        var map = await KubeConnection.FindAsync($"read ConfigMap {ns}/{ObjectName}",
            () => client.CoreV1.ReadNamespacedConfigMapAsync(ObjectName, ns, cancellationToken: ct)).ConfigureAwait(false);
        return map?.Data is { } data && data.TryGetValue(KeyField, out var pem) && pem.Length > 0 ? pem : null;
    }

    /// <summary>Requires signatures by <paramref name="publicKeyPem"/> from now on (null: accept unsigned bundles again).</summary>
    public async Task SetPublicKeyAsync(string? publicKeyPem, CancellationToken ct = default)
    {
        await KubeConnection.EnsureNamespaceAsync(client, ns, ct).ConfigureAwait(false);
        var existing = await KubeConnection.FindAsync($"read ConfigMap {ns}/{ObjectName}",
            () => client.CoreV1.ReadNamespacedConfigMapAsync(ObjectName, ns, cancellationToken: ct)).ConfigureAwait(false);
        var map = KubeConnection.FerryConfigMap(ns, ObjectName,
            publicKeyPem is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [KeyField] = publicKeyPem });
        await KubeConnection.UpsertConfigMapAsync(client, map, existing, ct).ConfigureAwait(false);
    }
}
