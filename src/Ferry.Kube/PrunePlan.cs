using Ferry.Charts;
using Ferry.Templates.Values;

namespace Ferry.Kube;

/// <summary>Identifies a live object: group/version, kind, namespace ("" when cluster-scoped) and name.</summary>
public sealed record ResourceKey(string ApiVersion, string Kind, string Namespace, string Name)
{
    /// <summary>apps/v1 and apps/v1beta1 Deployments are the same object: compare by group, not version.</summary>
    public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";

    /// <summary>The object whatever the version of its group: group, kind, namespace and name.</summary>
    public (string Group, string Kind, string Namespace, string Name) Identity => (Group, Kind, Namespace, Name);

    public override string ToString() => $"{Kind} {(Namespace.Length > 0 ? Namespace + "/" : "")}{Name}";
}

/// <summary>
/// What an upgrade deletes: objects in the previous release's manifest that the new one no longer has, except
/// those annotated <c>helm.sh/resource-policy: keep</c> (as Helm does).
/// </summary>
public static class PrunePlan
{
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass",
        "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "RuntimeClass",
    };

    public sealed record Entry(ResourceKey Key, bool Keep);

    /// <summary>Kinds that live outside namespaces (used when discovery is not at hand).</summary>
    public static bool IsClusterScoped(string kind) => ClusterScoped.Contains(kind);

    /// <summary>Every object of a release manifest (the <c>---</c>-separated documents Helm stores).</summary>
    public static List<Entry> Objects(string manifest, string releaseNamespace)
    {
        var result = new List<Entry>();
        foreach (var doc in ManifestSorter.SplitManifests(manifest))
        {
            if (DataReader.FromYaml(doc) is not Dictionary<string, object?> obj || obj.GetValueOrDefault("metadata") is not Dictionary<string,
                object?> md)
            {
                continue;
            }
            var kind = obj.GetValueOrDefault("kind") as string ?? "";
            var ns = ClusterScoped.Contains(kind) ? "" : md.GetValueOrDefault("namespace") as string ?? releaseNamespace;
            var keep = md.GetValueOrDefault("annotations") is Dictionary<string, object?> ann
                && string.Equals(ann.GetValueOrDefault("helm.sh/resource-policy") as string, "keep", StringComparison.OrdinalIgnoreCase);
            result.Add(new Entry(new ResourceKey(obj.GetValueOrDefault("apiVersion") as string ?? "", kind, ns,
                md.GetValueOrDefault("name") as string ?? ""), keep));
        }
        return result;
    }

    /// <summary>Objects to delete after applying <paramref name="next"/> over <paramref name="previous"/>, in reverse install order.</summary>
    public static List<ResourceKey> Compute(string previous, string next, string releaseNamespace)
    {
        var keepers = Objects(next, releaseNamespace).Select(e => e.Key.Identity).ToHashSet();
        // previous may hold several revisions' manifests: an object any of them marks keep is kept.
        var doomed = Objects(previous, releaseNamespace)
            .GroupBy(e => e.Key.Identity)
            .Where(g => !g.Any(e => e.Keep) && !keepers.Contains(g.Key))
            .Select(g => g.Last().Key)
            .ToList();
        int Rank(ResourceKey k)
        {
            var i = ManifestSorter.InstallOrder.ToList().IndexOf(k.Kind);
            return i < 0 ? int.MaxValue : i;
        }
        return [.. doomed.OrderByDescending(Rank).ThenBy(k => k.Name, StringComparer.Ordinal)];
    }
}
