using System.Collections;
using System.Numerics;
using System.Text;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;

namespace Ferry.Templates.Functions;

/// <summary>Go text/template's predefined functions.</summary>
public static class Builtins
{
    /// <summary>Names the executor implements itself (short-circuit and reflection-like behaviour).</summary>
    internal const string And = "and";
    internal const string Or = "or";
    internal const string Call = "call";
    internal const string Len = "len";

    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Variadic(And, 1, _ => throw new InvalidOperationException("and is evaluated by the executor")));
        r.Add(TemplateFunction.Variadic(Or, 1, _ => throw new InvalidOperationException("or is evaluated by the executor")));
        r.Add(TemplateFunction.Variadic(Call, 1, _ => throw new InvalidOperationException("call is evaluated by the executor")));
        r.Add(TemplateFunction.Fixed("not", 1, a => !GoValue.IsTrue(a[0])));
        r.Add(TemplateFunction.Fixed(Len, 1, a => Length(a[0])));
        r.Add(TemplateFunction.Variadic("index", 1, a => Index(a[0], a.AsSpan(1))));
        r.Add(TemplateFunction.Variadic("slice", 1, a => Slice(a[0], a.AsSpan(1))));
        r.Add(TemplateFunction.Variadic("print", 0, a => GoFmt.Sprint(a)));
        r.Add(TemplateFunction.Variadic("println", 0, a => GoFmt.Sprintln(a)));
        r.Add(TemplateFunction.Variadic("printf", 1, a => GoFmt.Sprintf(ExpectString(a[0]), a[1..])));
        r.Add(TemplateFunction.Variadic("html", 0, a => HtmlEscape(EvalArgs(a))));
        r.Add(TemplateFunction.Variadic("js", 0, a => JsEscape(EvalArgs(a))));
        r.Add(TemplateFunction.Variadic("urlquery", 0, a => GoUrl.QueryEscape(EvalArgs(a))));
        r.Add(TemplateFunction.Variadic("eq", 1, a => Comparison.Eq(a[0], a.AsSpan(1))));
        r.Add(TemplateFunction.Fixed("ne", 2, a => !Comparison.Eq(a[0], a.AsSpan(1))));
        r.Add(TemplateFunction.Fixed("lt", 2, a => Comparison.Lt(a[0], a[1])));
        r.Add(TemplateFunction.Fixed("le", 2, a => Comparison.Lt(a[0], a[1]) || Comparison.Eq(a[0], a.AsSpan(1))));
        r.Add(TemplateFunction.Fixed("gt", 2, a => !(Comparison.Lt(a[0], a[1]) || Comparison.Eq(a[0], a.AsSpan(1)))));
        r.Add(TemplateFunction.Fixed("ge", 2, a => !Comparison.Lt(a[0], a[1])));
    }

    /// <summary>The value as a Go string parameter, or Go's type error.</summary>
    public static string ExpectString(object? v) => v as string
        ?? throw new ArgumentTypeException($"wrong type for value; expected string; got {GoValue.TypeName(v)}");

    private static long Length(object? item)
    {
        if (item is null)
        {
            throw new TemplateFunctionException("len of nil pointer");
        }
        if (GoValue.TryLength(item, out var n))
        {
            return n;
        }
        throw new TemplateFunctionException($"len of type {GoValue.TypeName(item)}");
    }

    private static object? Index(object? item, ReadOnlySpan<object?> indexes)
    {
        if (item is null)
        {
            throw new TemplateFunctionException("index of untyped nil");
        }
        foreach (var index in indexes)
        {
            switch (item)
            {
                case string s:
                    {
                        var bytes = GoString.ToBytes(s);
                        var x = IndexArg(index, bytes.Length);
                        if (x == bytes.Length)
                        {
                            throw new TemplateFunctionException("reflect: string index out of range"); // Go's panic: indexArg allows len
                        }
                        item = bytes[x];
                        break;
                    }
                case IDictionary<string, object?> map:
                    if (index is null)
                    {
                        throw new TemplateFunctionException("value is nil; should be of type string");
                    }
                    if (index is not string key)
                    {
                        throw new TemplateFunctionException($"value has type {GoValue.TypeName(index)}; should be string");
                    }
                    item = map.TryGetValue(key, out var v) ? v : null;
                    break;
                case IList list:
                    {
                        var x = IndexArg(index, list.Count);
                        if (x == list.Count)
                        {
                            throw new TemplateFunctionException("reflect: slice index out of range"); // Go's panic: indexArg allows len
                        }
                        item = list[x];
                        break;
                    }
                case null:
                    throw new TemplateFunctionException("index of nil pointer");
                default:
                    throw new TemplateFunctionException($"can't index item of type {GoValue.TypeName(item)}");
            }
        }
        return item;
    }

    private static int IndexArg(object? index, int cap)
    {
        long x;
        switch (index)
        {
            case long or nint or int or short or sbyte:
                x = GoValue.ToInt64(index);
                break;
            case ulong or uint or ushort or byte:
                var u = GoValue.ToUInt64(index);
                x = u > long.MaxValue ? -1 : (long)u;
                break;
            case null:
                throw new TemplateFunctionException("cannot index slice/array with nil");
            default:
                throw new TemplateFunctionException($"cannot index slice/array with type {GoValue.TypeName(index)}");
        }
        if (x < 0 || x > cap)
        {
            throw new TemplateFunctionException($"index out of range: {x}");
        }
        return (int)x;
    }

    private static object? Slice(object? item, ReadOnlySpan<object?> indexes)
    {
        if (item is null)
        {
            throw new TemplateFunctionException("slice of untyped nil");
        }
        if (indexes.Length > 3)
        {
            throw new TemplateFunctionException($"too many slice indexes: {indexes.Length}");
        }
        int cap;
        int len;
        switch (item)
        {
            case string s:
                if (indexes.Length == 3)
                {
                    throw new TemplateFunctionException("cannot 3-index slice a string");
                }
                cap = len = GoString.ByteCount(s);
                break;
            case IList list:
                cap = len = list.Count;
                break;
            default:
                throw new TemplateFunctionException($"can't slice item of type {GoValue.TypeName(item)}");
        }
        int[] idx = [0, len, 0];
        for (var i = 0; i < indexes.Length; i++)
        {
            idx[i] = IndexArg(indexes[i], cap);
        }
        if (idx[0] > idx[1])
        {
            throw new TemplateFunctionException($"invalid slice index: {idx[0]} > {idx[1]}");
        }
        if (indexes.Length == 3 && idx[1] > idx[2])
        {
            throw new TemplateFunctionException($"invalid slice index: {idx[1]} > {idx[2]}");
        }
        if (item is string str)
        {
            var bytes = GoString.ToBytes(str);
            return GoString.FromBytes(bytes.AsSpan(idx[0], idx[1] - idx[0]));
        }
        var src = (IList)item;
        var result = new List<object?>(idx[1] - idx[0]);
        for (var i = idx[0]; i < idx[1]; i++)
        {
            result.Add(src[i]);
        }
        return result;
    }

    /// <summary>Go's evalArgs: a single string as is, else fmt.Sprint with missing values as &lt;no value&gt;.</summary>
    private static string EvalArgs(object?[] args)
    {
        if (args.Length == 1 && args[0] is string s)
        {
            return s;
        }
        var printable = new object?[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            printable[i] = args[i] ?? "<no value>";
        }
        return GoFmt.Sprint(printable);
    }

    /// <summary>Go's template.HTMLEscapeString.</summary>
    public static string HtmlEscape(string s)
    {
        if (s.IndexOfAny(['<', '>', '&', '\'', '"', '\0']) < 0)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\0' => "\uFFFD",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Go's template.JSEscapeString.</summary>
    public static string JsEscape(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '"': sb.Append("\\\""); break;
                case '<': sb.Append("\\u003C"); break;
                case '>': sb.Append("\\u003E"); break;
                case '&': sb.Append("\\u0026"); break;
                case '=': sb.Append("\\u003D"); break;
                default:
                    if (c < ' ')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else if (c < 0x80 || char.IsSurrogate(c) || GoQuote.IsPrint(c))
                    {
                        sb.Append(c);
                    }
                    else
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    internal static Complex AsComplex(object v) => (Complex)v;
}
