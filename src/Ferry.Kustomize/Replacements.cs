using Ferry.Templates.Values;
using Ferry.Templates.Yaml;

namespace Ferry.Kustomize;

/// <summary>
/// The replacements transformer: copies a field of one object (the source, by selector and field path, optionally one
/// part of it split by a delimiter) into fields of others (targets selected and rejected by selectors).
/// </summary>
internal static class Replacements
{
    public static void Apply(Kustomization k, List<Resource> resources, KustomizeRenderer.BuildContext context)
    {
        var where = k.At("replacements");
        foreach (var entry in k.List("replacements"))
        {
            if (entry is Dictionary<string, object?> e && e.GetValueOrDefault("path") is string path)
            {
                var text = context.ReadText(Path.Combine(k.Directory, path), where);
                object? loaded;
                try
                {
                    loaded = YamlReader.ReadAll(text, NumberMode.IntWhenIntegral, yaml12: true).FirstOrDefault();
                }
                catch (YamlException ye)
                {
                    throw new KustomizeException($"{path}:{ye.Line}:{ye.Column}: {ye.Problem}", ye);
                }
                foreach (var r in loaded is List<object?> many ? many : [loaded])
                {
                    One(r, resources, $"{where} ({path})");
                }
            }
            else
            {
                One(entry, resources, where);
            }
        }
    }

    private static void One(object? entry, List<Resource> resources, string where)
    {
        if (entry is not Dictionary<string, object?> r || r.GetValueOrDefault("source") is not Dictionary<string, object?> source
            || r.GetValueOrDefault("targets") is not List<object?> targets)
        {
            throw new KustomizeException($"{where}: a replacement needs a source and targets");
        }
        var value = SourceValue(source, resources, where);
        foreach (var target in targets)
        {
            if (target is not Dictionary<string, object?> t || t.GetValueOrDefault("select") is not Dictionary<string, object?> select)
            {
                throw new KustomizeException($"{where}: every replacement target needs a select");
            }
            var rejects = (t.GetValueOrDefault("reject") as List<object?> ?? []).OfType<Dictionary<string, object?>>().ToList();
            var options = t.GetValueOrDefault("options") as Dictionary<string, object?> ?? [];
            var paths = (t.GetValueOrDefault("fieldPaths") as List<object?> ?? []).OfType<string>().ToList();
            foreach (var res in resources.Where(res => Patches.Selects(select, res, where) && !rejects.Any(j => Patches.Selects(j, res, where))))
            {
                foreach (var path in paths)
                {
                    var set = FieldPath.Set(res.Object, FieldPath.Parse(path), old => Combine(old, value, options, where),
                        options.GetValueOrDefault("create") is true);
                    if (set == 0)
                    {
                        throw new KustomizeException($"{where}: target {res.Kind} {res.Name} has no field {path} " +
                            "(set options.create: true to create it)");
                    }
                }
            }
        }
    }

    private static object? SourceValue(Dictionary<string, object?> source, List<Resource> resources, string where)
    {
        var matches = resources.Where(r => Patches.Selects(source, r, where)).ToList();
        var describe = $"{source.GetValueOrDefault("kind") ?? "any kind"} {source.GetValueOrDefault("name") ?? "(any name)"}";
        if (matches.Count != 1)
        {
            throw new KustomizeException(matches.Count == 0
                ? $"{where}: the replacement source {describe} selects nothing"
                : $"{where}: the replacement source {describe} selects {matches.Count} objects; name one");
        }
        var path = source.GetValueOrDefault("fieldPath") as string ?? "metadata.name";
        if (path.Contains('*', StringComparison.Ordinal))
        {
            throw new KustomizeException($"{where}: a replacement source's fieldPath cannot use a wildcard ({path})");
        }
        var values = FieldPath.Get(matches[0].Object, FieldPath.Parse(path));
        if (values.Count == 0)
        {
            throw new KustomizeException($"{where}: the replacement source {describe} has no field {path}");
        }
        var value = values[0];
        if (source.GetValueOrDefault("options") is Dictionary<string, object?> o && o.GetValueOrDefault("delimiter") is string d)
        {
            var parts = Kustomization.Scalar(value, where).Split(d);
            var index = Convert.ToInt32(o.GetValueOrDefault("index") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
            if (index < 0 || index >= parts.Length)
            {
                throw new KustomizeException($"{where}: options.index {index} is out of bounds for the source value split by '{d}'");
            }
            value = parts[index];
        }
        return value;
    }

    /// <summary>The target's new value: the source value, or one part of the target's value replaced by it.</summary>
    private static object? Combine(object? old, object? value, Dictionary<string, object?> options, string where)
    {
        if (options.GetValueOrDefault("delimiter") is not string d)
        {
            return Patches.Clone(value);
        }
        var parts = (old is null ? "" : Kustomization.Scalar(old, where)).Split(d).ToList();
        var index = Convert.ToInt32(options.GetValueOrDefault("index") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        var text = Kustomization.Scalar(value, where);
        if (index < 0)
        {
            parts.Insert(0, text);
        }
        else if (index >= parts.Count)
        {
            parts.Add(text);
        }
        else
        {
            parts[index] = text;
        }
        return string.Join(d, parts);
    }
}
