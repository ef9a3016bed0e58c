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
            foreach (var r in resources.Where(r => !r.IsClusterScoped))
            {
                r.Metadata["namespace"] = ns;
            }
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
    }

    private static void Labels(Kustomization k, List<Resource> resources)
    {
        var common = Kustomization.StringMap(k.Fields.GetValueOrDefault("commonLabels"), k.At("commonLabels"));
        Label(resources, common, selectors: true, templates: true);
        foreach (var entry in k.List("labels"))
        {
            if (entry is not Dictionary<string, object?> l)
            {
                throw new KustomizeException($"{k.At("labels")}: every entry of 'labels' must be a mapping with pairs");
            }
            var pairs = Kustomization.StringMap(l.GetValueOrDefault("pairs"), k.At("labels"));
            var selectors = l.GetValueOrDefault("includeSelectors") is true;
            Label(resources, pairs, selectors, selectors || l.GetValueOrDefault("includeTemplates") is true);
        }
    }

    private static void Label(List<Resource> resources, Dictionary<string, string> pairs, bool selectors, bool templates)
    {
        if (pairs.Count == 0)
        {
            return;
        }
        foreach (var r in resources)
        {
            Set(FieldPaths.Ensure(r.Object, "metadata/labels", create: true), pairs);
            if (templates)
            {
                foreach (var path in FieldPaths.Templates(r.Kind))
                {
                    Set(FieldPaths.Ensure(r.Object, path + "/labels", create: true), pairs);
                }
                if (r.Kind == "StatefulSet" && r.Object.GetValueOrDefault("spec") is Dictionary<string, object?> spec)
                {
                    var claims = spec.GetValueOrDefault("volumeClaimTemplates") as List<object?> ?? [];
                    foreach (var claim in claims.OfType<Dictionary<string, object?>>())
                    {
                        Set(FieldPaths.Ensure(claim, "metadata/labels", create: true), pairs);
                    }
                }
            }
            if (selectors)
            {
                foreach (var (path, create) in FieldPaths.LabelSelectors(r.Kind))
                {
                    Set(FieldPaths.Ensure(r.Object, path, create), pairs);
                }
            }
        }
    }

    private static void Annotations(Kustomization k, List<Resource> resources)
    {
        var pairs = Kustomization.StringMap(k.Fields.GetValueOrDefault("commonAnnotations"), k.At("commonAnnotations"));
        if (pairs.Count == 0)
        {
            return;
        }
        foreach (var r in resources)
        {
            Set(FieldPaths.Ensure(r.Object, "metadata/annotations", create: true), pairs);
            foreach (var path in FieldPaths.Templates(r.Kind))
            {
                Set(FieldPaths.Ensure(r.Object, path + "/annotations", create: true), pairs);
            }
        }
    }

    private static void Set(Dictionary<string, object?>? map, Dictionary<string, string> pairs)
    {
        if (map is null)
        {
            return;
        }
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
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
                FieldPaths.Ensure(r.Object, "spec", create: true)!["replicas"] = (long)n;
            }
        }
    }
}
