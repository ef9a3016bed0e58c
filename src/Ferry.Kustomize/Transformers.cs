namespace Ferry.Kustomize;

/// <summary>The built-in transformers of one kustomization, in kustomize's order.</summary>
internal static class Transformers
{
    public static void Apply(Kustomization k, List<Resource> resources, KustomizeRenderer.BuildContext context)
    {
        Patches.ApplyStrategicMergeFiles(k, resources, context);
        Patches.ApplyPatches(k, resources, context);
        if (k.String("namespace") is { Length: > 0 } ns)
        {
            Namespace(resources, ns);
        }
        var prefix = k.String("namePrefix") ?? "";
        var suffix = k.String("nameSuffix") ?? "";
        if (prefix.Length + suffix.Length > 0)
        {
            foreach (var r in resources.Where(r => r.Kind is not ("Namespace" or "CustomResourceDefinition" or "APIService")))
            {
                r.Name = prefix + r.Name + suffix;
            }
        }
        Labels(k, resources);
        Annotations(k, resources);
        Patches.ApplyJson6902Files(k, resources, context);
        Replicas(k, resources);
        Images.Apply(k, resources);
        Replacements.Apply(k, resources, context);
    }

    /// <summary>
    /// The namespace transformer: every namespaced object, the Namespace objects themselves (renamed), the
    /// ServiceAccount subjects named "default" of role bindings, and the service an APIService or CRD webhook calls.
    /// </summary>
    private static void Namespace(List<Resource> resources, string ns)
    {
        foreach (var r in resources)
        {
            if (r.Kind == "Namespace")
            {
                r.Name = ns;
            }
            else if (!r.IsClusterScoped)
            {
                r.Metadata["namespace"] = ns;
            }
            if (r.Kind is "RoleBinding" or "ClusterRoleBinding")
            {
                foreach (var subject in (r.Object.GetValueOrDefault("subjects") as List<object?> ?? []).OfType<Dictionary<string, object?>>()
                    .Where(s => s.GetValueOrDefault("kind") is "ServiceAccount" && s.GetValueOrDefault("name") is "default"))
                {
                    subject["namespace"] = ns;
                }
            }
        }
        foreach (var spec in NamespaceReferences)
        {
            resources.ForEach(r => spec.Apply(r, _ => ns));
        }
    }

    private static readonly FieldSpec[] NamespaceReferences =
    [
        new("APIService", "spec/service/namespace", true, "apiregistration.k8s.io"),
        new("CustomResourceDefinition", "spec/conversion/webhook/clientConfig/service/namespace", false, "apiextensions.k8s.io"),
    ];

    private static void Labels(Kustomization k, List<Resource> resources)
    {
        var common = Kustomization.StringMap(k.Fields.GetValueOrDefault("commonLabels"), k.At("commonLabels"));
        Set(resources, common, BuiltinSpecs.CommonLabels);
        foreach (var entry in k.List("labels"))
        {
            if (entry is not Dictionary<string, object?> l)
            {
                throw new KustomizeException($"{k.At("labels")}: every entry of 'labels' must be a mapping with pairs");
            }
            var pairs = Kustomization.StringMap(l.GetValueOrDefault("pairs"), k.At("labels"));
            var specs = l.GetValueOrDefault("includeSelectors") is true ? BuiltinSpecs.CommonLabels
                : l.GetValueOrDefault("includeTemplates") is true ? BuiltinSpecs.MetadataLabels
                : [new FieldSpec("", "metadata/labels", true)];
            Set(resources, pairs, specs);
        }
    }

    private static void Annotations(Kustomization k, List<Resource> resources) => Set(resources,
        Kustomization.StringMap(k.Fields.GetValueOrDefault("commonAnnotations"), k.At("commonAnnotations")), BuiltinSpecs.CommonAnnotations);

    /// <summary>Sets <paramref name="pairs"/> in the mapping at every field spec (created where the spec says).</summary>
    private static void Set(List<Resource> resources, Dictionary<string, string> pairs, FieldSpec[] specs)
    {
        if (pairs.Count == 0)
        {
            return;
        }
        foreach (var r in resources)
        {
            foreach (var spec in specs)
            {
                spec.Apply(r, value =>
                {
                    var map = value as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var (key, v) in pairs)
                    {
                        map[key] = v;
                    }
                    return map;
                });
            }
        }
    }

    private static void Replicas(Kustomization k, List<Resource> resources)
    {
        foreach (var entry in k.List("replicas"))
        {
            if (entry is not Dictionary<string, object?> e || e.GetValueOrDefault("name") is not string name
                || e.GetValueOrDefault("count") is not (long or int or double)
                || Convert.ToDouble(e["count"], System.Globalization.CultureInfo.InvariantCulture) is var n
                && (n < 0 || n != Math.Floor(n)))
            {
                throw new KustomizeException($"{k.At("replicas")}: every entry of 'replicas' needs a name and a whole-number count ");
            }
            var named = resources.Where(r => r.Names.Contains(name)).ToList();
            var scalable = named.Where(r => r.Kind is "Deployment" or "ReplicaSet" or "StatefulSet" or "ReplicationController").ToList();
            if (named.Count > 0 && scalable.Count == 0)
            {
                throw new KustomizeException($"{k.At("replicas")}: replicas names {name}, a {named[0].Kind}; only a Deployment, " +
                    "StatefulSet, ReplicaSet or ReplicationController has replicas");
            }
            foreach (var r in scalable)
            {
                new FieldSpec("", "spec/replicas", true).Apply(r, _ => (long)n);
            }
        }
    }
}
