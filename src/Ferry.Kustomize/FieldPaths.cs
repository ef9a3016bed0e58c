namespace Ferry.Kustomize;

/// <summary>kustomize's field specs: where a transformer writes in each kind (and whether it creates the field).</summary>
internal static class FieldPaths
{
    internal static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    private static readonly string[] Workloads = ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ReplicationController"];

    /// <summary>Where commonLabels go besides metadata.labels: (kinds, path, create).</summary>
    public static IEnumerable<(string Path, bool Create)> LabelSelectors(string kind)
    {
        if (kind == "Service" || kind == "ReplicationController")
        {
            yield return ("spec/selector", true);
        }
        if (Workloads.Contains(kind) && kind != "ReplicationController")
        {
            yield return ("spec/selector/matchLabels", true);
        }
        if (kind == "Job")
        {
            yield return ("spec/selector/matchLabels", false);
        }
        if (kind == "CronJob")
        {
            yield return ("spec/jobTemplate/spec/selector/matchLabels", false);
        }
        if (kind == "PodDisruptionBudget")
        {
            yield return ("spec/selector/matchLabels", false);
        }
        if (kind == "NetworkPolicy")
        {
            yield return ("spec/podSelector/matchLabels", false);
        }
    }

    /// <summary>Pod template metadata paths (labels and annotations go there too).</summary>
    public static IEnumerable<string> Templates(string kind)
    {
        if (Workloads.Contains(kind) || kind == "Job")
        {
            yield return "spec/template/metadata";
        }
        if (kind == "CronJob")
        {
            yield return "spec/jobTemplate/metadata";
            yield return "spec/jobTemplate/spec/template/metadata";
        }
    }

    /// <summary>The pod spec of a kind, if it has one.</summary>
    public static Dictionary<string, object?>? PodSpec(Resource r) => r.Kind switch
    {
        "Pod" => Get(r.Object, "spec"),
        "CronJob" => Get(r.Object, "spec/jobTemplate/spec/template/spec"),
        _ when Workloads.Contains(r.Kind) || r.Kind == "Job" => Get(r.Object, "spec/template/spec"),
        _ => null,
    };

    public static Dictionary<string, object?>? Get(Dictionary<string, object?> obj, string path)
    {
        var current = obj;
        foreach (var part in path.Split('/'))
        {
            if (current.GetValueOrDefault(part) is not Dictionary<string, object?> next)
            {
                return null;
            }
            current = next;
        }
        return current;
    }

    /// <summary>The mapping at <paramref name="path"/>, made when <paramref name="create"/> (null when absent and not created).</summary>
    public static Dictionary<string, object?>? Ensure(Dictionary<string, object?> obj, string path, bool create)
    {
        var current = obj;
        foreach (var part in path.Split('/'))
        {
            switch (current.GetValueOrDefault(part))
            {
                case Dictionary<string, object?> next:
                    current = next;
                    break;
                case null when create:
                    var made = new Dictionary<string, object?>(StringComparer.Ordinal);
                    current[part] = made;
                    current = made;
                    break;
                default:
                    return null;
            }
        }
        return current;
    }

    /// <summary>Every container list of a pod spec (containers, initContainers).</summary>
    public static IEnumerable<Dictionary<string, object?>> Containers(Dictionary<string, object?> pod) =>
        ContainerLists
            .SelectMany(list => pod.GetValueOrDefault(list) as List<object?> ?? [])
            .OfType<Dictionary<string, object?>>();
}
