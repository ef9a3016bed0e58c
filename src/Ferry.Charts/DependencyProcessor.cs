using Ferry.Templates.Semver;

namespace Ferry.Charts;

/// <summary>
/// Helm's dependency processing before a render: aliases, <c>condition</c> and <c>tags</c> enabling (disabled
/// subcharts are dropped) and <c>import-values</c> copying child values into the parent.
/// </summary>
public static class DependencyProcessor
{
    public static void Process(Chart chart, IDictionary<string, object?> values, bool merge = true, RenderLog? log = null)
    {
        ProcessEnabled(chart, values, "", log);
        ProcessImportValues(chart, merge, log);
    }

    private static bool IsCompatibleRange(string constraint, string version)
    {
        if (!SemVersion.TryParse(version, out var v, out _))
        {
            return false;
        }
        return SemConstraint.TryParse(constraint, out var c) && c!.Check(v);
    }

    private static void ProcessEnabled(Chart c, IDictionary<string, object?> v, string path, RenderLog? log)
    {
        if (c.Metadata.Dependencies.Count == 0)
        {
            return;
        }
        var chartDependencies = new List<Chart>();
        foreach (var existing in c.Dependencies)
        {
            if (!c.Metadata.Dependencies.Any(req => existing.Name == req.Name && IsCompatibleRange(req.Version, existing.Metadata.Version)))
            {
                chartDependencies.Add(existing);
            }
        }
        foreach (var req in c.Metadata.Dependencies)
        {
            var match = c.Dependencies.FirstOrDefault(ch => ch.Name == req.Name && IsCompatibleRange(req.Version, ch.Metadata.Version));
            if (match is not null)
            {
                var copy = match.CloneShallow();
                if (req.Alias.Length > 0)
                {
                    copy.Metadata.Name = req.Alias;
                }
                chartDependencies.Add(copy);
            }
            if (req.Alias.Length > 0)
            {
                req.Name = req.Alias;
            }
        }
        c.SetDependencies(chartDependencies);
        foreach (var req in c.Metadata.Dependencies)
        {
            req.Enabled = true;
        }
        var cvals = ValueCoalescer.CoalesceValues(c, v, log?.CoalesceWarnings);
        ProcessTags(c.Metadata.Dependencies, cvals);
        ProcessConditions(c.Metadata.Dependencies, cvals, path, log);
        var removed = c.Metadata.Dependencies.Where(r => !r.Enabled).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var kept = c.Dependencies.Where(d => !removed.Contains(d.Name)).ToList();
        c.Metadata.Dependencies = c.Metadata.Dependencies.Where(r => !removed.Contains(r.Name)).ToList();
        foreach (var t in kept)
        {
            ProcessEnabled(t, cvals, path + t.Name + ".", log);
        }
        c.SetDependencies(kept);
    }

    private static void ProcessConditions(List<ChartDependency> reqs, Dictionary<string, object?> cvals, string cpath, RenderLog? log)
    {
        foreach (var r in reqs)
        {
            foreach (var cond in r.Condition.Trim().Split(','))
            {
                if (cond.Length == 0)
                {
                    continue;
                }
                if (ValueCoalescer.TryPathValue(cvals, cpath + cond, out var vv))
                {
                    if (vv is bool b)
                    {
                        r.Enabled = b;
                        break;
                    }
                    log?.Warn("returned non-bool value", ("path", cond), ("chart", r.Name));
                }
            }
        }
    }

    private static void ProcessTags(List<ChartDependency> reqs, Dictionary<string, object?> cvals)
    {
        var vt = ValueCoalescer.Table(cvals, "tags");
        if (vt is null)
        {
            return;
        }
        foreach (var r in reqs)
        {
            bool hasTrue = false, hasFalse = false;
            foreach (var k in r.Tags)
            {
                if (vt.TryGetValue(k, out var b) && b is bool bv)
                {
                    if (bv)
                    {
                        hasTrue = true;
                    }
                    else
                    {
                        hasFalse = true;
                    }
                }
            }
            if (!hasTrue && hasFalse)
            {
                r.Enabled = false;
            }
            else if (hasTrue || !hasFalse)
            {
                r.Enabled = true;
            }
        }
    }

    private static void ProcessImportValues(Chart c, bool merge, RenderLog? log)
    {
        foreach (var d in c.Dependencies)
        {
            ProcessImportValues(d, merge, log);
        }
        if (c.Metadata.Dependencies.Count == 0)
        {
            return;
        }
        var cvals = merge ? ValueCoalescer.MergeValues(c, null, log?.CoalesceWarnings)
            : ValueCoalescer.CoalesceValues(c, null, log?.CoalesceWarnings);
        var b = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var r in c.Metadata.Dependencies)
        {
            var outiv = new List<object?>();
            foreach (var riv in r.ImportValues)
            {
                switch (riv)
                {
                    case IDictionary<string, object?> iv:
                        {
                            var child = iv.TryGetValue("child", out var ch) ? ch as string ?? "" : "";
                            var parent = iv.TryGetValue("parent", out var pa) ? pa as string ?? "" : "";
                            outiv.Add(new Dictionary<string, object?>(StringComparer.Ordinal) { ["child"] = child, ["parent"] = parent });
                            var vv = ValueCoalescer.Table(cvals, r.Name + "." + child);
                            if (vv is null)
                            {
                                log?.Warn("ImportValues missing table from chart", ("chart", r.Name),
                                    ("error", NotATable(cvals, r.Name + "." + child)));
                                continue;
                            }
                            var pm = PathToMap(parent, (Dictionary<string, object?>)ValueCoalescer.DeepCopy(vv)!);
                            b = merge ? ValueCoalescer.MergeTables(b, pm) : ValueCoalescer.CoalesceTables(b, pm);
                            break;
                        }
                    case string s:
                        {
                            var child = "exports." + s;
                            outiv.Add(new Dictionary<string, object?>(StringComparer.Ordinal) { ["child"] = child, ["parent"] = "." });
                            var vm = ValueCoalescer.Table(cvals, r.Name + "." + child);
                            if (vm is null)
                            {
                                log?.Warn("ImportValues missing table", ("error", NotATable(cvals, r.Name + "." + child)));
                                continue;
                            }
                            var copy = (Dictionary<string, object?>)ValueCoalescer.DeepCopy(vm)!;
                            b = merge ? ValueCoalescer.MergeTables(b, copy) : ValueCoalescer.CoalesceTables(b, copy);
                            break;
                        }
                }
            }
            r.ImportValues = outiv;
        }
        if (merge)
        {
            c.Values = ValueCoalescer.MergeTables((Dictionary<string, object?>)ValueCoalescer.DeepCopy(cvals)!, b);
        }
        else
        {
            c.Values = ValueCoalescer.CoalesceTables(TrimNil(cvals), b);
        }
    }

    /// <summary>Helm's ErrNoTable text for a dotted path: the first segment that is not a table.</summary>
    private static string NotATable(IDictionary<string, object?> values, string path)
    {
        var current = values;
        foreach (var part in path.Split('.'))
        {
            if (!current.TryGetValue(part, out var next) || next is not IDictionary<string, object?> table)
            {
                return $"\"{part}\" is not a table";
            }
            current = table;
        }
        return $"\"{path}\" is not a table";
    }

    private static Dictionary<string, object?> TrimNil(Dictionary<string, object?> m)
    {
        var r = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in m)
        {
            if (v is null)
            {
                continue;
            }
            r[k] = v is Dictionary<string, object?> d ? TrimNil(d) : v;
        }
        return r;
    }

    /// <summary>pathToMap: nests <paramref name="data"/> under a dotted path ("." means the root).</summary>
    private static Dictionary<string, object?> PathToMap(string path, Dictionary<string, object?> data)
    {
        if (path == ".")
        {
            return data;
        }
        var parts = path.Split('.').Where(p => p.Length > 0).ToArray();
        var result = data;
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            result = new Dictionary<string, object?>(StringComparer.Ordinal) { [parts[i]] = result };
        }
        return result;
    }
}
