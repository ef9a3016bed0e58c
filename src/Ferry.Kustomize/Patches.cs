using System.Text.RegularExpressions;
using Ferry.Templates.Values;
using Ferry.Templates.Yaml;

namespace Ferry.Kustomize;

/// <summary>patches, patchesStrategicMerge and patchesJson6902: which objects each patch targets, and applying it.</summary>
internal static class Patches
{
    public static void ApplyStrategicMergeFiles(Kustomization k, List<Resource> resources, KustomizeRenderer.BuildContext context)
    {
        foreach (var entry in k.List("patchesStrategicMerge"))
        {
            var where = k.At("patchesStrategicMerge");
            var text = entry as string ?? throw new KustomizeException($"{where}: every entry must be a file or an inline patch");
            text = text.Contains('\n', StringComparison.Ordinal) ? text : context.ReadText(Path.Combine(k.Directory, text), where);
            foreach (var patch in Documents(text, k.At("patchesStrategicMerge")))
            {
                ApplySmp(patch, null, resources, k.At("patchesStrategicMerge"));
            }
        }
    }

    public static void ApplyPatches(Kustomization k, List<Resource> resources, KustomizeRenderer.BuildContext context)
    {
        foreach (var entry in k.List("patches"))
        {
            var where = k.At("patches");
            if (entry is not Dictionary<string, object?> p)
            {
                throw new KustomizeException($"{where}: every entry of 'patches' must be a mapping with path or patch");
            }
            var text = p.GetValueOrDefault("patch") as string
                ?? (p.GetValueOrDefault("path") is string path ? context.ReadText(Path.Combine(k.Directory, path), where)
                    : throw new KustomizeException($"{where}: a patch needs 'path' or 'patch'"));
            var target = p.GetValueOrDefault("target") as Dictionary<string, object?>;
            var docs = Documents(text, where);
            if (docs.Count == 1 && docs[0] is List<object?> ops)
            {
                if (target is null)
                {
                    throw new KustomizeException($"{where}: a JSON 6902 patch needs a target");
                }
                foreach (var r in resources.Where(r => Selects(target, r, where)))
                {
                    Json6902.Apply(r, ops, where);
                }
                continue;
            }
            foreach (var patch in docs)
            {
                ApplySmp(patch, target, resources, where);
            }
        }
    }

    public static void ApplyJson6902Files(Kustomization k, List<Resource> resources, KustomizeRenderer.BuildContext context)
    {
        foreach (var entry in k.List("patchesJson6902"))
        {
            var where = k.At("patchesJson6902");
            if (entry is not Dictionary<string, object?> p || p.GetValueOrDefault("target") is not Dictionary<string, object?> target)
            {
                throw new KustomizeException($"{where}: every entry of 'patchesJson6902' needs a target");
            }
            var text = p.GetValueOrDefault("patch") as string
                ?? (p.GetValueOrDefault("path") is string path ? context.ReadText(Path.Combine(k.Directory, path), where)
                    : throw new KustomizeException($"{where}: a patch needs 'path' or 'patch'"));
            if (Documents(text, where) is not [List<object?> ops])
            {
                throw new KustomizeException($"{where}: a JSON 6902 patch must be a list of operations");
            }
            foreach (var r in resources.Where(r => Selects(target, r, where)))
            {
                Json6902.Apply(r, ops, where);
            }
        }
    }

    private static void ApplySmp(object? patch, Dictionary<string, object?>? target, List<Resource> resources, string where)
    {
        if (patch is not Dictionary<string, object?> p)
        {
            throw new KustomizeException($"{where}: a strategic merge patch must be a mapping (an object)");
        }
        var matched = target is not null
            ? resources.Where(r => Selects(target, r, where)).ToList()
            : resources.Where(r => SameObject(p, r)).ToList();
        if (matched.Count == 0 && target is null)
        {
            var meta = p.GetValueOrDefault("metadata") as Dictionary<string, object?>;
            throw new KustomizeException($"{where}: the patch for {p.GetValueOrDefault("kind")} {meta?.GetValueOrDefault("name")} " +
                "matches no resource; check its kind and metadata.name");
        }
        foreach (var r in matched)
        {
            var copy = Clone(p) as Dictionary<string, object?>;
            if (target is not null && copy!.GetValueOrDefault("metadata") is Dictionary<string, object?> m)
            {
                m.Remove("name");
                m.Remove("namespace");
            }
            StrategicMerge.Merge(r.Object, copy!);
        }
    }

    private static bool SameObject(Dictionary<string, object?> patch, Resource r)
    {
        var meta = patch.GetValueOrDefault("metadata") as Dictionary<string, object?>;
        return patch.GetValueOrDefault("kind") as string == r.Kind
            && meta?.GetValueOrDefault("name") is string name && r.Names.Contains(name)
            && (meta.GetValueOrDefault("namespace") is not string ns || ns == r.Namespace);
    }

    /// <summary>A patch target: group, version, kind exactly; name and namespace as anchored regexes; label and annotation selectors.</summary>
    internal static bool Selects(Dictionary<string, object?> target, Resource r, string where)
    {
        bool Is(string field, string actual) => target.GetValueOrDefault(field) is not string want || want == actual;
        bool Matches(string field, IEnumerable<string> actual) => target.GetValueOrDefault(field) is not string pattern
            || actual.Any(a => FullMatch(a, pattern, where));
        return Is("group", r.Group) && Is("version", r.Version) && Is("kind", r.Kind)
            && Matches("name", r.Names) && Matches("namespace", [r.Namespace])
            && Selector(target.GetValueOrDefault("labelSelector") as string, r.Metadata.GetValueOrDefault("labels"), where)
            && Selector(target.GetValueOrDefault("annotationSelector") as string, r.Metadata.GetValueOrDefault("annotations"), where);
    }

    /// <summary>A target's name or namespace pattern (a regular expression) against the whole of <paramref name="value"/>.</summary>
    private static bool FullMatch(string value, string pattern, string where)
    {
        try
        {
            return Regex.IsMatch(value, "^(?:" + pattern + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new KustomizeException($"{where}: the target pattern '{pattern}' is not a regular expression ({e.Message}); " +
                "write the name, or a pattern such as web-.*", e);
        }
    }

    /// <summary>Equality-based selectors (<c>a=b,c!=d,e</c>).</summary>
    private static bool Selector(string? selector, object? labels, string where)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return true;
        }
        var map = labels as Dictionary<string, object?> ?? [];
        foreach (var term in selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var ne = term.IndexOf("!=", StringComparison.Ordinal);
            var eq = term.IndexOf('=', StringComparison.Ordinal);
            if (term.Contains(' ', StringComparison.Ordinal))
            {
                throw new KustomizeException($"{where}: selector '{selector}' uses set-based terms, which are not supported; use key=value");
            }
            var ok = ne > 0 ? map.GetValueOrDefault(term[..ne]) as string != term[(ne + 2)..]
                : eq > 0 ? map.GetValueOrDefault(term[..eq].TrimEnd('=')) as string == term[(term.LastIndexOf('=') + 1)..]
                : map.ContainsKey(term.TrimStart('!')) != term.StartsWith('!');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static List<object?> Documents(string text, string where)
    {
        try
        {
            return YamlReader.ReadAll(text, NumberMode.IntWhenIntegral, yaml12: true).Where(d => d is not null).ToList();
        }
        catch (YamlException e)
        {
            throw new KustomizeException($"{where}: the patch is not YAML: line {e.Line}: {e.Problem}", e);
        }
    }

    internal static object? Clone(object? value) => value switch
    {
        Dictionary<string, object?> m => m.ToDictionary(kv => kv.Key, kv => Clone(kv.Value), StringComparer.Ordinal),
        List<object?> l => l.Select(Clone).ToList(),
        _ => value,
    };
}
