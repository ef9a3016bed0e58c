using System.Collections;

namespace Ferry.Charts;

/// <summary>
/// Helm's values coalescing (pkg/chart/common/util): chart defaults under user values, subchart values scoped under
/// the subchart's name, globals copied down, and <c>null</c> deleting a default when coalescing (kept when merging).
/// </summary>
public static class ValueCoalescer
{
    public const string GlobalKey = "global";

    public static Dictionary<string,
        object?> CoalesceValues(Chart chart, IDictionary<string, object?>? values, ICollection<string>? warnings = null) =>
        Coalesce(chart, DeepCopy(values) ?? new Dictionary<string, object?>(StringComparer.Ordinal), "", merge: false, warnings);

    public static Dictionary<string, object?> MergeValues(Chart chart, IDictionary<string, object?>? values, ICollection<string>? warnings = null) =>
        Coalesce(chart, DeepCopy(values) ?? new Dictionary<string, object?>(StringComparer.Ordinal), "", merge: true, warnings);

    private static Dictionary<string,
        object?> Coalesce(Chart chart, Dictionary<string, object?> dest, string prefix, bool merge, ICollection<string>? warnings)
    {
        CoalesceChartValues(chart, dest, prefix, merge, warnings);
        return CoalesceDeps(chart, dest, prefix, merge, warnings);
    }

    private static Dictionary<string,
        object?> CoalesceDeps(Chart chart, Dictionary<string, object?> dest, string prefix, bool merge, ICollection<string>? warnings)
    {
        foreach (var sub in chart.Dependencies)
        {
            if (!dest.TryGetValue(sub.Name, out var c))
            {
                dest[sub.Name] = new Dictionary<string, object?>(StringComparer.Ordinal);
            }
            else if (c is not Dictionary<string, object?>)
            {
                throw new ChartException($"type mismatch on {sub.Name}: {c} (the values for subchart {sub.Name} must be a map)");
            }
            var dvmap = (Dictionary<string, object?>)dest[sub.Name]!;
            var subPrefix = Concat(prefix, chart.Name);
            CoalesceGlobals(dvmap, dest, subPrefix, warnings);
            dest[sub.Name] = Coalesce(sub, dvmap, subPrefix, merge, warnings);
        }
        return dest;
    }

    private static void CoalesceGlobals(Dictionary<string, object?> dest, Dictionary<string, object?> src, string prefix,
        ICollection<string>? warnings)
    {
        Dictionary<string, object?> dg;
        if (!dest.TryGetValue(GlobalKey, out var destGlob))
        {
            dg = new Dictionary<string, object?>(StringComparer.Ordinal);
        }
        else if (destGlob is Dictionary<string, object?> d)
        {
            dg = d;
        }
        else
        {
            return;
        }
        Dictionary<string, object?> sg;
        if (!src.TryGetValue(GlobalKey, out var srcGlob))
        {
            sg = new Dictionary<string, object?>(StringComparer.Ordinal);
        }
        else if (srcGlob is Dictionary<string, object?> s)
        {
            sg = s;
        }
        else
        {
            return;
        }
        foreach (var (key, val) in sg)
        {
            if (val is Dictionary<string, object?> table)
            {
                var vv = (Dictionary<string, object?>)DeepCopy(table)!;
                if (!dg.TryGetValue(key, out var destv))
                {
                    dg[key] = vv;
                }
                else if (destv is Dictionary<string, object?> destvmap)
                {
                    CoalesceTablesFullKey(vv, destvmap, Concat(prefix, key), merge: true, warnings);
                    dg[key] = vv;
                }
            }
            else if (dg.TryGetValue(key, out var dv) && dv is Dictionary<string, object?>)
            {
                // A table in the destination is not replaced by a scalar.
            }
            else
            {
                dg[key] = val;
            }
        }
        dest[GlobalKey] = dg;
    }

    private static void CoalesceChartValues(Chart chart, Dictionary<string, object?> v, string prefix, bool merge, ICollection<string>? warnings)
    {
        var subPrefix = Concat(prefix, chart.Name);
        var vc = (Dictionary<string, object?>)DeepCopy(chart.Values)!;
        foreach (var (key, val) in vc)
        {
            if (v.TryGetValue(key, out var value))
            {
                if (value is null && !merge)
                {
                    v.Remove(key);
                }
                else if (value is Dictionary<string, object?> dest)
                {
                    if (val is not Dictionary<string, object?> src)
                    {
                        if (val is not null)
                        {
                            warnings?.Add($"warning: skipped value for {subPrefix}.{key}: Not a table.");
                        }
                    }
                    else
                    {
                        var childMerge = chart.Dependencies.Any(d => d.Name == key) || merge;
                        if (!childMerge && prefix.Length > 0)
                        {
                            CleanNils(src); // subchart default nulls must not leak into the result
                        }
                        CoalesceTablesFullKey(dest, src, Concat(subPrefix, key), childMerge, warnings);
                    }
                }
            }
            else
            {
                if (!merge && prefix.Length > 0)
                {
                    if (val is null)
                    {
                        continue;
                    }
                    if (val is Dictionary<string, object?> sub)
                    {
                        CleanNils(sub);
                    }
                }
                v[key] = val;
            }
        }
    }

    /// <summary>CoalesceTables: src under dst (dst wins); a null in dst deletes the key.</summary>
    public static Dictionary<string, object?> CoalesceTables(Dictionary<string, object?> dst, Dictionary<string, object?> src) =>
        CoalesceTablesFullKey(dst, src, "", merge: false, null);

    /// <summary>MergeTables: like CoalesceTables but nulls are kept.</summary>
    public static Dictionary<string, object?> MergeTables(Dictionary<string, object?> dst, Dictionary<string, object?> src) =>
        CoalesceTablesFullKey(dst, src, "", merge: true, null);

    private static Dictionary<string,
        object?> CoalesceTablesFullKey(Dictionary<string, object?>? dst, Dictionary<string, object?>? src, string prefix, bool merge,
            ICollection<string>? warnings)
    {
        EnsureStack();
        if (src is null)
        {
            return dst!;
        }
        if (dst is null)
        {
            return src;
        }
        var srcOriginalNonNil = src.Where(kv => kv.Value is not null).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, val) in dst)
        {
            if (val is null)
            {
                src[key] = null;
            }
        }
        foreach (var (key, val) in src.ToList())
        {
            var fullKey = Concat(prefix, key);
            var ok = dst.TryGetValue(key, out var dv);
            if (ok && !merge && dv is null && srcOriginalNonNil.Contains(key))
            {
                dst.Remove(key);
            }
            else if (!ok)
            {
                dst[key] = val;
            }
            else if (val is Dictionary<string, object?> vt)
            {
                if (dv is Dictionary<string, object?> dt)
                {
                    CoalesceTablesFullKey(dt, vt, fullKey, merge, warnings);
                }
                else
                {
                    warnings?.Add($"warning: cannot overwrite table with " +
                        $"non table for {fullKey} ({Ferry.Templates.Formatting.GoFmt.FormatValue(val)})");
                }
            }
            else if (dv is Dictionary<string, object?> && val is not null)
            {
                warnings?.Add($"warning: destination for {fullKey} is a table. Ignoring " +
                    $"non-table value ({Ferry.Templates.Formatting.GoFmt.FormatValue(val)})");
            }
        }
        return dst;
    }

    private static void CleanNils(Dictionary<string, object?> m)
    {
        EnsureStack();
        foreach (var (key, val) in m.ToList())
        {
            if (val is null)
            {
                m.Remove(key);
            }
            else if (val is Dictionary<string, object?> sub)
            {
                CleanNils(sub);
            }
        }
    }

    private static string Concat(string a, string b) => a.Length == 0 ? b : $"{a}.{b}";

    public static object? DeepCopy(object? v)
    {
        switch (v)
        {
            case IDictionary<string, object?> d:
                EnsureStack();
                var map = new Dictionary<string, object?>(d.Count, StringComparer.Ordinal);
                foreach (var (key, item) in d)
                {
                    map[key] = DeepCopy(item);
                }
                return map;
            case IList l:
                EnsureStack();
                var list = new List<object?>(l.Count);
                foreach (var item in l)
                {
                    list.Add(DeepCopy(item));
                }
                return list;
            default:
                return v;
        }
    }

    /// <summary>Values nested deeper than the stack allows (a hostile values file) fail here, not with a crash.</summary>
    private static void EnsureStack()
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ChartException("values are nested too deeply (more levels of maps and lists than Ferry's stack allows)");
        }
    }

    public static Dictionary<string, object?>? DeepCopy(IDictionary<string, object?>? d) => (Dictionary<string, object?>?)DeepCopy((object?)d);

    /// <summary>Values.PathValue: the value at a dotted path; false when missing (or when a map is reached).</summary>
    public static bool TryPathValue(IDictionary<string, object?> values, string path, out object? value)
    {
        value = null;
        var parts = path.Split('.');
        IDictionary<string, object?> cur = values;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (!cur.TryGetValue(parts[i], out var next) || next is not IDictionary<string, object?> nm)
            {
                return false;
            }
            cur = nm;
        }
        if (!cur.TryGetValue(parts[^1], out var v) || v is IDictionary<string, object?>)
        {
            return false;
        }
        value = v;
        return true;
    }

    /// <summary>Values.Table: the map at a dotted path, or null.</summary>
    public static Dictionary<string, object?>? Table(IDictionary<string, object?> values, string path)
    {
        IDictionary<string, object?> cur = values;
        foreach (var part in path.Split('.'))
        {
            if (!cur.TryGetValue(part, out var next) || next is not IDictionary<string, object?> nm)
            {
                return null;
            }
            cur = nm;
        }
        return cur as Dictionary<string, object?> ?? cur.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }
}
