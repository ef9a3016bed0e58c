namespace Ferry.Kustomize;

/// <summary>
/// kustomize's legacy output order: kinds that others need first (Namespace, …, Deployment), webhooks last, then by
/// group, version, kind, name, namespace.
/// </summary>
internal static class LegacyOrder
{
    private static readonly string[] First =
    [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy", "Role",
        "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange",
        "PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
    ];

    private static readonly string[] Last = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

    public static List<Resource> Sort(List<Resource> resources)
    {
        var sorted = resources.ToList();
        sorted.Sort(Compare);
        return sorted;
    }

    private static int Rank(string kind)
    {
        var i = Array.IndexOf(First, kind);
        if (i >= 0)
        {
            return i - First.Length;
        }
        var j = Array.IndexOf(Last, kind);
        return j >= 0 ? j + 1 : 0;
    }

    private static string GvkKey(Resource r) =>
        $"{(r.Group.Length > 0 ? r.Group : "~G")}_{(r.Version.Length > 0 ? r.Version : "~V")}_{(r.Kind.Length > 0 ? r.Kind : "~K")}";

    private static int Compare(Resource a, Resource b)
    {
        if (a.Group != b.Group || a.Version != b.Version || a.Kind != b.Kind)
        {
            var (ra, rb) = (Rank(a.Kind), Rank(b.Kind));
            return ra != rb ? ra.CompareTo(rb) : string.CompareOrdinal(GvkKey(a), GvkKey(b));
        }
        return string.CompareOrdinal(Id(a), Id(b));
    }

    private static string Id(Resource r) =>
        $"{r.Kind}.{(r.Version.Length > 0 ? r.Version : "[noVer]")}.{(r.Group.Length > 0 ? r.Group : "[noGrp]")}|" +
        $"{(r.Name.Length > 0 ? r.Name : "[noName]")}.{(r.Namespace.Length > 0 ? r.Namespace : "[noNs]")}";
}
