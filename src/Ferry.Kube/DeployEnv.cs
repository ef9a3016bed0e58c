using System.Text;
using k8s;
using k8s.Models;

namespace Ferry.Kube;

/// <summary>
/// The site's settings: plain values and the keys whose values are secret (never printed): those stored in the
/// Secret and those a deployed bundle declares secret (<see cref="DeclaredSecretKeys"/>), wherever they are.
/// </summary>
public sealed record SiteEnv(IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> SecretKeys)
{
    /// <summary>Keys the last deployed bundle declares <c>secret: true</c>: always stored in the Secret.</summary>
    public IReadOnlySet<string> DeclaredSecretKeys { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>
/// The site settings Ferry renders values templates with: ConfigMap <c>deploy-env</c> (plain keys) and Secret
/// <c>deploy-env</c> (secret keys) in one namespace. Every change first copies the current content to
/// <c>deploy-env-backup</c> (a ConfigMap and a Secret), so the previous settings can be restored.
/// </summary>
public sealed class DeployEnv(IKubernetes client, string ns = DeployEnv.DefaultNamespace)
{
    public const string DefaultNamespace = "ferry-system";
    public const string ObjectName = "deploy-env";
    public const string BackupName = "deploy-env-backup";

    /// <summary>Annotation of ConfigMap deploy-env listing the keys the deployed bundle declares secret.</summary>
    public const string SecretKeysAnnotation = "ferry.dev/secret-keys";

    public async Task<SiteEnv> ReadAsync(CancellationToken ct = default)
    {
        var (plain, secret, declared) = await ReadRawAsync(ObjectName, ct).ConfigureAwait(false);
        var values = new Dictionary<string, string>(plain, StringComparer.Ordinal);
        foreach (var (k, v) in secret)
        {
            values[k] = v;
        }
        return new SiteEnv(values, secret.Keys.Concat(declared).ToHashSet(StringComparer.Ordinal)) { DeclaredSecretKeys = declared };
    }

    /// <summary>
    /// Sets keys (secret ones, and every key declared secret, go to the Secret) and removes <paramref name="remove"/>,
    /// after backing up the current content. <paramref name="declareSecret"/>, when given, becomes the set of keys
    /// declared secret, and any of them still stored in plain text moves to the Secret.
    /// </summary>
    public async Task SetAsync(IReadOnlyDictionary<string, string> changes, IReadOnlySet<string> secretKeys, IEnumerable<string>? remove = null,
        IReadOnlySet<string>? declareSecret = null, CancellationToken ct = default)
    {
        await KubeConnection.EnsureNamespaceAsync(client, ns, ct).ConfigureAwait(false);
        var (plain, secret, declared) = await ReadRawAsync(ObjectName, ct).ConfigureAwait(false);
        await WriteAsync(BackupName, plain, secret, declared, ct).ConfigureAwait(false);
        declared = declareSecret is null ? declared : new HashSet<string>(declareSecret, StringComparer.Ordinal);
        foreach (var k in declared.Where(plain.ContainsKey).ToList())
        {
            secret[k] = plain[k];
            plain.Remove(k);
        }
        foreach (var k in remove ?? [])
        {
            plain.Remove(k);
            secret.Remove(k);
        }
        foreach (var (k, v) in changes)
        {
            if (secretKeys.Contains(k) || declared.Contains(k))
            {
                secret[k] = v;
                plain.Remove(k);
            }
            else
            {
                plain[k] = v;
                secret.Remove(k);
            }
        }
        await WriteAsync(ObjectName, plain, secret, declared, ct).ConfigureAwait(false);
    }

    /// <summary>Whether <see cref="SetAsync"/> with <paramref name="declareSecret"/> would change anything.</summary>
    public static bool NeedsDeclaring(SiteEnv site, IReadOnlySet<string> declareSecret) =>
        !site.DeclaredSecretKeys.SetEquals(declareSecret) || declareSecret.Any(k => site.Values.ContainsKey(k) && !site.SecretKeys.Contains(k));

    /// <summary>Reads a dotenv file's text for <c>ferry env import</c>.</summary>
    public static Dictionary<string, string> ParseDotEnv(string text, string file)
    {
        try
        {
            return Templates.Values.DotEnv.Parse(text, file);
        }
        catch (FormatException e)
        {
            throw new KubeException(e.Message, e);
        }
    }

    private async Task<(Dictionary<string, string> Plain, Dictionary<string, string> Secret, HashSet<string> Declared)> ReadRawAsync(string name,
        CancellationToken ct)
    {
        var cm = await KubeConnection.FindAsync($"read ConfigMap {ns}/{name}",
            () => client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct)).ConfigureAwait(false);
        var secret = await KubeConnection.FindAsync($"read Secret {ns}/{name}",
            () => client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct)).ConfigureAwait(false);
        var plain = new Dictionary<string, string>(cm?.Data ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var secrets = (secret?.Data ?? new Dictionary<string, byte[]>())
            .ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value), StringComparer.Ordinal);
        var annotations = cm?.Metadata?.Annotations;
        var declared = (annotations is not null && annotations.TryGetValue(SecretKeysAnnotation, out var listed) ? listed : "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return (plain, secrets, declared);
    }

    private async Task WriteAsync(string name, Dictionary<string, string> plain, Dictionary<string, string> secret, HashSet<string> declared,
        CancellationToken ct)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "ferry" };
        var cm = KubeConnection.FerryConfigMap(ns, name, plain);
        if (declared.Count > 0)
        {
            cm.Metadata.Annotations = new Dictionary<string,
                string> { [SecretKeysAnnotation] = string.Join(',', declared.Order(StringComparer.Ordinal)) };
        }
        var existingCm = await KubeConnection.FindAsync($"read ConfigMap {ns}/{name}", () =>
            client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct)).ConfigureAwait(false);
        await KubeConnection.UpsertConfigMapAsync(client, cm, existingCm, ct).ConfigureAwait(false);
        var s = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            Data = secret.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value)),
        };
        var existingSecret = await KubeConnection.FindAsync($"read Secret {ns}/{name}", () =>
            client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct)).ConfigureAwait(false);
        if (existingSecret is null)
        {
            await KubeConnection.CallAsync($"create Secret {ns}/{name}", () =>
                client.CoreV1.CreateNamespacedSecretAsync(s, ns, cancellationToken: ct)).ConfigureAwait(false);
        }
        else
        {
            s.Metadata.ResourceVersion = existingSecret.Metadata.ResourceVersion;
            await KubeConnection.CallAsync($"update Secret {ns}/{name}", () =>
                client.CoreV1.ReplaceNamespacedSecretAsync(s, name, ns, cancellationToken: ct)).ConfigureAwait(false);
        }
    }
}
