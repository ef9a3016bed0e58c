namespace Ferry.Kustomize;

/// <summary>
/// kustomize's name reference fix-up: after prefixes, suffixes and hashes renamed objects, the fields that refer to a
/// ConfigMap, Secret, ServiceAccount, claim, Service or Role by name are given its new name (same namespace only).
/// </summary>
internal static class NameReferences
{
    public static void Fix(List<Resource> resources)
    {
        foreach (var referrer in resources)
        {
            string? Rename(string kind, string? name) => name is null ? null : resources
                .Where(r => r.Kind == kind && r.Name != name && r.Names.Contains(name)
                    && (r.IsClusterScoped || referrer.IsClusterScoped || r.Namespace == referrer.Namespace))
                .Select(r => r.Name).FirstOrDefault();
            if (FieldPaths.PodSpec(referrer) is { } pod)
            {
                PodSpec(pod, Rename);
            }
            Other(referrer, Rename, name => resources.FirstOrDefault(r => r.Kind == "ServiceAccount" && r.Name == name)?.Namespace);
        }
    }

    private static void Update(Dictionary<string, object?>? map, string field, string kind, Func<string, string?, string?> rename)
    {
        if (map?.GetValueOrDefault(field) is string name && rename(kind, name) is { } renamed)
        {
            map[field] = renamed;
        }
    }

    private static IEnumerable<Dictionary<string, object?>> Items(Dictionary<string, object?>? map, string field) =>
        (map?.GetValueOrDefault(field) as List<object?> ?? []).OfType<Dictionary<string, object?>>();

    private static Dictionary<string, object?>? Sub(Dictionary<string, object?>? map, string field) =>
        map?.GetValueOrDefault(field) as Dictionary<string, object?>;

    private static void PodSpec(Dictionary<string, object?> pod, Func<string, string?, string?> rename)
    {
        Update(pod, "serviceAccountName", "ServiceAccount", rename);
        Update(pod, "serviceAccount", "ServiceAccount", rename);
        foreach (var secret in Items(pod, "imagePullSecrets"))
        {
            Update(secret, "name", "Secret", rename);
        }
        foreach (var volume in Items(pod, "volumes"))
        {
            Update(Sub(volume, "configMap"), "name", "ConfigMap", rename);
            Update(Sub(volume, "secret"), "secretName", "Secret", rename);
            Update(Sub(volume, "persistentVolumeClaim"), "claimName", "PersistentVolumeClaim", rename);
            foreach (var source in Items(Sub(volume, "projected"), "sources"))
            {
                Update(Sub(source, "configMap"), "name", "ConfigMap", rename);
                Update(Sub(source, "secret"), "name", "Secret", rename);
            }
        }
        foreach (var container in FieldPaths.ContainerLists.SelectMany(list => Items(pod, list)))
        {
            foreach (var env in Items(container, "env"))
            {
                Update(Sub(Sub(env, "valueFrom"), "configMapKeyRef"), "name", "ConfigMap", rename);
                Update(Sub(Sub(env, "valueFrom"), "secretKeyRef"), "name", "Secret", rename);
            }
            foreach (var from in Items(container, "envFrom"))
            {
                Update(Sub(from, "configMapRef"), "name", "ConfigMap", rename);
                Update(Sub(from, "secretRef"), "name", "Secret", rename);
            }
        }
    }

    private static void Other(Resource r, Func<string, string?, string?> rename, Func<string?, string?> namespaceOf)
    {
        var spec = Sub(r.Object, "spec");
        switch (r.Kind)
        {
            case "StatefulSet":
                Update(spec, "serviceName", "Service", rename);
                break;
            case "Ingress":
                Update(Sub(Sub(spec, "defaultBackend"), "service"), "name", "Service", rename);
                foreach (var path in Items(spec, "rules").SelectMany(rule => Items(Sub(rule, "http"), "paths")))
                {
                    Update(Sub(Sub(path, "backend"), "service"), "name", "Service", rename);
                }
                foreach (var tls in Items(spec, "tls"))
                {
                    Update(tls, "secretName", "Secret", rename);
                }
                break;
            case "RoleBinding" or "ClusterRoleBinding":
                var roleRef = Sub(r.Object, "roleRef");
                if (roleRef?.GetValueOrDefault("kind") is string roleKind)
                {
                    Update(roleRef, "name", roleKind, rename);
                }
                foreach (var subject in Items(r.Object, "subjects").Where(s => s.GetValueOrDefault("kind") is "ServiceAccount"))
                {
                    Update(subject, "name", "ServiceAccount", rename);
                    if (namespaceOf(subject.GetValueOrDefault("name") as string) is { Length: > 0 } ns)
                    {
                        subject["namespace"] = ns;
                    }
                }
                break;
            case "HorizontalPodAutoscaler":
                var scale = Sub(spec, "scaleTargetRef");
                if (scale?.GetValueOrDefault("kind") is string targetKind)
                {
                    Update(scale, "name", targetKind, rename);
                }
                break;
        }
    }
}
