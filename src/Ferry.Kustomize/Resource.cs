namespace Ferry.Kustomize;

/// <summary>One Kubernetes object being built, with the names it had before (kustomize's resource ids).</summary>
internal sealed class Resource(Dictionary<string, object?> obj, string origin)
{
    public Dictionary<string, object?> Object { get; } = obj;

    /// <summary>The file (or generator) the object came from, for errors.</summary>
    public string Origin { get; } = origin;

    /// <summary>The name the object had when it was read or generated: references in other objects use it.</summary>
    public string OriginalName { get; } = Meta(obj).GetValueOrDefault("name") as string ?? "";

    /// <summary>Every name the object has had, so a patch in an overlay finds it by a base's name.</summary>
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal) { Meta(obj).GetValueOrDefault("name") as string ?? "" };

    /// <summary>
    /// Whether the final name gets the content hash (a generated ConfigMap or Secret): kustomize appends it at the very
    /// end, after prefixes and suffixes, over the object's final data.
    /// </summary>
    public bool NeedsHash { get; set; }

    /// <summary>
    /// The kustomizations the object passed through, outermost first: when two copies of a base are in one build, a
    /// reference resolves to the copy that shares the referrer's overlays (as kustomize's prefix and suffix matching).
    /// </summary>
    public List<string> Lineage { get; } = [];

    /// <summary>How many of the outermost kustomizations two objects share.</summary>
    public int Kinship(Resource other) => Lineage.Zip(other.Lineage).TakeWhile(p => p.First == p.Second).Count();

    public string Kind => Object.GetValueOrDefault("kind") as string ?? "";
    public string ApiVersion => Object.GetValueOrDefault("apiVersion") as string ?? "";
    public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
    public string Version => ApiVersion.Contains('/', StringComparison.Ordinal)
        ? ApiVersion[(ApiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..]
        : ApiVersion;

    public string Name
    {
        get => Metadata.GetValueOrDefault("name") as string ?? "";
        set
        {
            Metadata["name"] = value;
            Names.Add(value);
        }
    }

    public string Namespace => Metadata.GetValueOrDefault("namespace") as string ?? "";

    public Dictionary<string, object?> Metadata
    {
        get
        {
            if (Object.GetValueOrDefault("metadata") is not Dictionary<string, object?> m)
            {
                Object["metadata"] = m = new Dictionary<string, object?>(StringComparer.Ordinal);
            }
            return m;
        }
    }

    private static Dictionary<string, object?> Meta(Dictionary<string, object?> obj) =>
        obj.GetValueOrDefault("metadata") as Dictionary<string, object?> ?? [];

    /// <summary>Kinds that are never namespaced (kustomize's built-in knowledge of cluster-scoped types).</summary>
    public bool IsClusterScoped => Kind is "Namespace" or "ClusterRole" or "ClusterRoleBinding" or "CustomResourceDefinition"
        or "PersistentVolume" or "StorageClass" or "PriorityClass" or "MutatingWebhookConfiguration"
        or "ValidatingWebhookConfiguration" or "APIService" or "CSIDriver" or "IngressClass" or "RuntimeClass" or "Node"
        or "PodSecurityPolicy" or "ClusterIssuer" or "VolumeAttachment" or "CSINode" or "ComponentStatus";
}
