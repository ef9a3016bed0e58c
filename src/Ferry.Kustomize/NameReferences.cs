namespace Ferry.Kustomize;

/// <summary>
/// kustomize's name reference fix-up: after prefixes, suffixes and hashes renamed objects, every field that names an
/// object (<see cref="BuiltinSpecs.NameReferences"/>) is given its current name, and a ServiceAccount subject its
/// namespace. A reference resolves to an object of the kind with that name (now or before) in the referrer's namespace.
/// </summary>
internal static class NameReferences
{
    public static void Fix(List<Resource> resources)
    {
        foreach (var (kind, specs) in BuiltinSpecs.NameReferences)
        {
            var referents = resources.Where(r => r.Kind == kind).ToList();
            if (referents.Count == 0)
            {
                continue;
            }
            foreach (var referrer in resources)
            {
                foreach (var spec in specs)
                {
                    spec.Apply(referrer, value => Update(value, kind, referents, referrer));
                }
            }
        }
    }

    private static Resource? Find(List<Resource> referents, string name, string? ns, Resource referrer)
    {
        var named = referents.Where(r => r.Names.Contains(name)).OrderByDescending(r => r.Kinship(referrer)).ToList();
        var wanted = ns ?? referrer.Namespace;
        return named.FirstOrDefault(r => r.IsClusterScoped || r.Namespace == wanted)
            ?? (referrer.IsClusterScoped && ns is null ? named.FirstOrDefault() : null);
    }

    private static object? Update(object? value, string kind, List<Resource> referents, Resource referrer)
    {
        switch (value)
        {
            case string name:
                return Find(referents, name, null, referrer)?.Name ?? name;
            case List<object?> names when names.All(n => n is string):
                return names.Select(n => (object?)(Find(referents, (string)n!, null, referrer)?.Name ?? n)).ToList();
            case List<object?> subjects when kind == "ServiceAccount":
                foreach (var subject in subjects.OfType<Dictionary<string, object?>>().Where(s => s.GetValueOrDefault("kind") is "ServiceAccount"))
                {
                    if (subject.GetValueOrDefault("name") is string sa
                        && Find(referents, sa, subject.GetValueOrDefault("namespace") as string, referrer) is { } account)
                    {
                        subject["name"] = account.Name;
                        if (account.Namespace.Length > 0)
                        {
                            subject["namespace"] = account.Namespace;
                        }
                    }
                }
                return subjects;
            case Dictionary<string, object?> service when service.GetValueOrDefault("name") is string name:
                if (Find(referents, name, service.GetValueOrDefault("namespace") as string, referrer) is { } found)
                {
                    service["name"] = found.Name;
                }
                return service;
            default:
                return value;
        }
    }
}
