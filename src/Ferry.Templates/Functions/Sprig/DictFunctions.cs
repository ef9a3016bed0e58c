using System.Collections;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's dictionary functions.</summary>
internal static class DictFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Variadic("dict", 0, Dict));
        r.Add(TemplateFunction.Fixed("get", 2, a => ReadDict(a[0]).TryGetValue(AsString(a[1]), out var v) ? v : "")
            .WithParams(GoParam.Map, GoParam.String));
        // a nil map (a piped or parenthesised nil reaches set as one) panics in Go: "assignment to entry in nil map"
        r.Add(TemplateFunction.Fixed("set", 3, a =>
            { var d = a[0] is null ? throw new TemplateFunctionException("assignment to entry in nil map")
                : AsDict(a[0], "set"); d[AsString(a[1])] = a[2]; return d; }).WithParams(GoParam.Map, GoParam.String, GoParam.Any));
        r.Add(TemplateFunction.Fixed("unset", 2, a => { var d = ReadDict(a[0]); d.Remove(AsString(a[1])); return d; })
            .WithParams(GoParam.Map, GoParam.String));
        r.Add(TemplateFunction.Fixed("hasKey", 2, a => ReadDict(a[0]).ContainsKey(AsString(a[1]))).WithParams(GoParam.Map, GoParam.String));
        r.Add(TemplateFunction.Variadic("pluck", 1, a => a.Skip(1).Select(ReadDict).Where(d => d.ContainsKey(AsString(a[0])))
            .Select(d => d[AsString(a[0])]).ToList())
            .WithParams(GoParam.String, GoParam.Map));
        r.Add(TemplateFunction.Variadic("dig", 0, Dig));
        r.Add(TemplateFunction.Variadic("keys", 0, a => GoTypedList.Strings(a.SelectMany(d => ReadDict(d).Keys))).WithParams(GoParam.Map));
        r.Add(TemplateFunction.Fixed("values", 1, a => ReadDict(a[0]).Values.ToList()).WithParams(GoParam.Map));
        r.Add(TemplateFunction.Variadic("pick", 1, a =>
            Pick(ReadDict(a[0]), a.Skip(1).Select(AsString).ToHashSet(StringComparer.Ordinal), keep: true))
            .WithParams(GoParam.Map, GoParam.String));
        r.Add(TemplateFunction.Variadic("omit", 1, a =>
            Pick(ReadDict(a[0]), a.Skip(1).Select(AsString).ToHashSet(StringComparer.Ordinal), keep: false))
            .WithParams(GoParam.Map, GoParam.String));
        foreach (var name in new[] { "merge", "mustMerge" })
        {
            r.Add(TemplateFunction.Variadic(name, 1, a => Merge(a, overwrite: false)));
        }
        foreach (var name in new[] { "mergeOverwrite", "mustMergeOverwrite" })
        {
            r.Add(TemplateFunction.Variadic(name, 1, a => Merge(a, overwrite: true)));
        }
        r.Add(TemplateFunction.Fixed("deepCopy", 1, a => DeepCopy(a[0])));
        // copystructure panics on nil; sprig's deepCopy re-panics and mustDeepCopy returns it, the same text
        r.Add(TemplateFunction.Fixed("mustDeepCopy", 1, a => DeepCopy(a[0])));
    }

    /// <summary>A map parameter; Go passes a nil (empty) map for "no value".</summary>
    private static IDictionary<string, object?> ReadDict(object? v) => v is null ? new Dictionary<string, object?>(StringComparer.Ordinal)
        : AsDict(v, "dict");

    private static Dictionary<string, object?> Dict(object?[] a)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < a.Length; i += 2)
        {
            var key = Str(a[i]);
            d[key] = i + 1 < a.Length ? a[i + 1] : "";
        }
        return d;
    }

    private static object? Dig(object?[] a)
    {
        if (a.Length < 3)
        {
            throw new TemplateFunctionException("dig needs at least three arguments");
        }
        // sprig asserts the last argument's type, and Go's panic text is the error
        var dict = a[^1] is GoTypedDictionary or not IDictionary<string, object?>
            ? throw new TemplateFunctionException($"interface conversion: interface {{}} is {(a[^1] is null ? "nil" : GoValue.TypeName(a[^1]))}" +
                $", not map[string]interface {{}}")
            : (IDictionary<string, object?>)a[^1]!;
        var def = a[^2];
        var keys = a[..^2].Select(k => k as string ?? throw new TemplateFunctionException(
            $"interface conversion: interface {{}} is {(k is null ? "nil" : GoValue.TypeName(k))}, not string")).ToArray();
        object? cur = dict;
        foreach (var k in keys)
        {
            if (cur is IDictionary<string, object?> d && d.TryGetValue(k, out var v))
            {
                cur = v;
            }
            else
            {
                return def;
            }
        }
        return cur;
    }

    private static Dictionary<string, object?> Pick(IDictionary<string, object?> d, HashSet<string> keys, bool keep)
    {
        var r = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in d)
        {
            if (keys.Contains(k) == keep)
            {
                r[k] = v;
            }
        }
        return r;
    }

    /// <summary>mergo.Merge (fill missing keys, recursing into maps) or mergo.MergeWithOverwrite, into the first dict.</summary>
    private static IDictionary<string, object?> Merge(object?[] a, bool overwrite)
    {
        var dst = AsDict(a[0], "merge");
        foreach (var src in a.Skip(1))
        {
            MergeInto(dst, AsDict(src, "merge"), overwrite);
        }
        return dst;
    }

    private static void MergeInto(IDictionary<string, object?> dst, IDictionary<string, object?> src, bool overwrite)
    {
        foreach (var (k, sv) in src)
        {
            if (sv is null)
            {
                // mergo: a nil source value is skipped, except that an overwriting merge sets it
                if (overwrite)
                {
                    dst[k] = null;
                }
                continue;
            }
            if (!dst.TryGetValue(k, out var dv))
            {
                dst[k] = sv;
                continue;
            }
            if (dv is IDictionary<string, object?> dd && sv is IDictionary<string, object?> sd)
            {
                MergeInto(dd, sd, overwrite);
                continue;
            }
            if (overwrite || Empty(dv))
            {
                dst[k] = sv;
            }
        }
    }

    public static object? DeepCopy(object? v) => v is null
        ? throw new TemplateFunctionException("reflect: call of reflect.Value.Type on zero Value")
        : DeepCopy(v, new NestingGuard());

    private static GoTypedList CopyTyped(GoTypedList list, NestingGuard guard)
    {
        var copy = new GoTypedList(list.GoTypeName);
        copy.AddRange(list.Select(x => DeepCopy(x, guard)));
        return copy;
    }

    // copystructure never returns on a map that holds itself (helm hangs); Ferry refuses it
    private static object? DeepCopy(object? v, NestingGuard guard)
    {
        if (v is not (IDictionary<string, object?> or IList))
        {
            return v;
        }
        if (!guard.TryEnter(v))
        {
            throw new TemplateFunctionException("cannot copy a map or list that contains itself");
        }
        // copystructure keeps the Go type ([]string stays []string, common.Values stays common.Values)
        object copy = v switch
        {
            GoTypedDictionary typed =>
                new GoTypedDictionary(typed.GoTypeName,
                    typed.Inner.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value, guard), StringComparer.Ordinal), typed.IsNil),
            IDictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value, guard), StringComparer.Ordinal),
            GoTypedList typedList => CopyTyped(typedList, guard),
            _ => ListFunctions.Items((IList)v).Select(x => DeepCopy(x, guard)).ToList(),
        };
        guard.Exit(v);
        return copy;
    }
}
