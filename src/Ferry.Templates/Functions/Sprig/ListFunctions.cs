using System.Collections;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's list functions, each with its <c>must</c> form (the plain form's errors surface the same way in templates).</summary>
internal static class ListFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Variadic("list", 0, a => a.ToList()));
        r.Add(TemplateFunction.Variadic("tuple", 0, a => a.ToList()));
        Both(r, "first", 1, a => { var l = AsList(a[0], "find first"); return l.Count == 0 ? null : l[0]; });
        Both(r, "last", 1, a => { var l = AsList(a[0], "find last"); return l.Count == 0 ? null : l[^1]; });
        Both(r, "rest", 1, a => Items(AsList(a[0], "find rest")).Skip(1).ToList());
        Both(r, "initial", 1, a => { var l = AsList(a[0], "find initial"); return Items(l).Take(Math.Max(l.Count - 1, 0)).ToList(); });
        Both(r, "append", 2, a => Items(AsList(a[0], "push")).Append(a[1]).ToList());
        Both(r, "push", 2, a => Items(AsList(a[0], "push")).Append(a[1]).ToList());
        Both(r, "prepend", 2, a => Items(AsList(a[0], "prepend")).Prepend(a[1]).ToList());
        r.Add(TemplateFunction.Variadic("concat", 0, a => a.SelectMany(x => Items(AsList(x, "concat", "Cannot concat type {0} as list"))).ToList()));
        Both(r, "reverse", 1, a => Items(AsList(a[0], "find reverse")).Reverse().ToList());
        Both(r, "uniq", 1, a => Uniq(Items(AsList(a[0], "find uniq"))));
        Both(r, "compact", 1, a => Items(AsList(a[0], "compact")).Where(x => !Empty(x)).ToList());
        BothVariadic(r, "without", 1, a => Items(AsList(a[0], "find without")).Where(x => !a.Skip(1).Any(o => DeepEqual(x, o))).ToList());
        Both(r, "has", 2, a => a[1] is null ? false : Items(AsList(a[1], "find has")).Any(x => DeepEqual(x, a[0])));
        BothVariadic(r, "slice", 1, a => Slice(AsList(a[0], "slice", "list should be type of slice or array but {0}"), a[1..]));
        Both(r, "chunk", 2, a => Chunk(AsInt(a[0]), Items(AsList(a[1], "chunk", "Cannot chunk type {0}")).ToList()));
        r.Add(TemplateFunction.Fixed("sortAlpha", 1, a => SortAlpha(a[0])));
        r.Add(TemplateFunction.Variadic("seq", 0, a => Seq(a.Select(ToInt64).ToArray())));
        r.Add(TemplateFunction.Fixed("until", 1, a => UntilStep(0, AsInt(a[0]), AsInt(a[0]) < 0 ? -1 : 1)));
        r.Add(TemplateFunction.Fixed("untilStep", 3, a => UntilStep(AsInt(a[0]), AsInt(a[1]), AsInt(a[2]))));
    }

    private static void Both(FunctionRegistry r, string name, int count, TemplateFunctionBody body)
    {
        r.Add(TemplateFunction.Fixed(name, count, body));
        r.Add(TemplateFunction.Fixed("must" + char.ToUpperInvariant(name[0]) + name[1..], count, body));
    }

    private static void BothVariadic(FunctionRegistry r, string name, int count, TemplateFunctionBody body)
    {
        r.Add(TemplateFunction.Variadic(name, count, body));
        r.Add(TemplateFunction.Variadic("must" + char.ToUpperInvariant(name[0]) + name[1..], count, body));
    }

    internal static IEnumerable<object?> Items(IList l)
    {
        foreach (var x in l)
        {
            yield return x;
        }
    }

    private static List<object?> Uniq(IEnumerable<object?> items)
    {
        var result = new List<object?>();
        foreach (var x in items)
        {
            if (!result.Any(y => DeepEqual(x, y)))
            {
                result.Add(x);
            }
        }
        return result;
    }

    /// <summary>reflect.DeepEqual over the value model.</summary>
    public static bool DeepEqual(object? a, object? b)
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateFunctionException(NestingGuard.TooDeep);
        }
        if (ReferenceEquals(a, b) && a is IList or IDictionary<string, object?>)
        {
            return true; // as reflect.DeepEqual, which also stops a map that holds itself from recursing forever
        }
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (a.GetType() != b.GetType() && !(a is IList && b is IList) && !(a is IDictionary<string, object?> && b is IDictionary<string, object?>))
        {
            return false;
        }
        switch (a)
        {
            case IDictionary<string, object?> da:
                var db = (IDictionary<string, object?>)b;
                return da.Count == db.Count && da.All(kv => db.TryGetValue(kv.Key, out var v) && DeepEqual(kv.Value, v));
            case IList la:
                var lb = (IList)b;
                if (la.Count != lb.Count)
                {
                    return false;
                }
                for (var i = 0; i < la.Count; i++)
                {
                    if (!DeepEqual(la[i], lb[i]))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return a.Equals(b);
        }
    }

    /// <summary>Sprig's slice: an empty list gives nil; the result keeps the list's Go type (reflect's Slice).</summary>
    private static List<object?>? Slice(IList l, object?[] idx)
    {
        if (l.Count == 0)
        {
            return null;
        }
        var start = idx.Length > 0 ? (int)ToInt64(idx[0]) : 0;
        var end = idx.Length > 1 ? (int)ToInt64(idx[1]) : l.Count;
        if (start < 0 || end > l.Count || start > end)
        {
            throw new TemplateFunctionException("reflect.Value.Slice: slice index out of bounds");
        }
        var items = Items(l).Skip(start).Take(end - start);
        return l is GoTypedList typed ? new GoTypedList(typed.GoTypeName, items) : items.ToList();
    }

    /// <summary>
    /// Sprig's chunk, arithmetic and all: the number of chunks is floor((len-1)/size)+1 in float64, so a size of 0 or a
    /// negative size too small for the list makes Go's make() panic ("makeslice: len out of range"), a negative size
    /// may yield no chunk or one, and the last chunk holds len mod size items.
    /// </summary>
    private static List<object?> Chunk(int size, List<object?> items)
    {
        var result = new GoTypedList("[][]interface {}");
        var chunks = GoInt(Math.Floor((double)(items.Count - 1) / size) + 1);
        if (chunks < 0)
        {
            throw new TemplateFunctionException("runtime error: makeslice: len out of range");
        }
        for (var i = 0L; i < chunks; i++)
        {
            long length = size;
            if (i == chunks - 1)
            {
                length = GoInt(Math.Floor((double)items.Count % size));
                if (length == 0)
                {
                    length = size;
                }
            }
            if (length < 0)
            {
                throw new TemplateFunctionException("runtime error: makeslice: len out of range");
            }
            var chunk = new List<object?>((int)Math.Min(length, items.Count));
            for (var j = 0L; j < length; j++)
            {
                var at = (i * size) + j;
                chunk.Add(at >= 0 && at < items.Count ? items[(int)at]
                    : throw new TemplateFunctionException($"runtime error: index out of range [{at}] with length {items.Count}"));
            }
            result.Add(chunk);
        }
        return result;
    }

    /// <summary>Go's float64 → int on amd64: NaN, infinities and values out of range become the smallest int64.</summary>
    private static long GoInt(double d) => double.IsFinite(d) && d >= -9.2233720368547758E18 && d < 9.2233720368547758E18 ? (long)d : long.MinValue;

    private static List<object?> SortAlpha(object? v)
    {
        var s = v is IList ? StrSlice(v) : [Str(v)];
        s.Sort(GoValue.CompareStrings);
        return GoTypedList.Strings(s);
    }

    /// <summary>Sprig's seq (like the Unix command): seq END, seq START END, seq START STEP END.</summary>
    private static object Seq(long[] p)
    {
        long start = 1, step = 1, end;
        switch (p.Length)
        {
            case 0: return "";
            case 1: end = p[0]; if (end < 1) { step = -1; } break;
            case 2: start = p[0]; end = p[1]; step = end < start ? -1 : 1; break;
            case 3: start = p[0]; step = p[1]; end = p[2]; break;
            default: return "";
        }
        var parts = new List<string>();
        if (step == 0 || (step > 0 && start > end) || (step < 0 && start < end))
        {
            return "";
        }
        for (var x = start; step > 0 ? x <= end : x >= end; x += step)
        {
            parts.Add(x.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (parts.Count > 10_000_000)
            {
                throw new TemplateFunctionException("seq: too many values");
            }
        }
        return string.Join(' ', parts);
    }

    /// <summary>The longest list <c>until</c>/<c>untilStep</c> build (Helm has no cap; a billion would take gigabytes).</summary>
    private const long MaxListLength = 1_000_000;

    private static List<object?> UntilStep(int start, int stop, int step)
    {
        var v = new GoTypedList("[]int");
        if (step == 0 || (stop < start && step > 0) || (stop > start && step < 0))
        {
            return v;
        }
        var count = (Math.Abs((long)stop - start) + Math.Abs((long)step) - 1) / Math.Abs((long)step);
        if (count > MaxListLength)
        {
            throw new TemplateFunctionException($"until: a list of {count} numbers is more than Ferry's render " +
                $"budget allows ({MaxListLength}); templates this large are not supported");
        }
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            v.Add(i);
        }
        return v;
    }
}
