using System.Collections;
using System.Globalization;
using System.Text;
using Ferry.Templates.Values;

namespace Ferry.Templates.Formatting;

/// <summary>Go's encoding/json Marshal and MarshalIndent over the value model (sorted map keys, Go's float and escaping rules).</summary>
public static class GoJson
{
    public static string Marshal(object? v, bool escapeHtml = true, string? indent = null)
    {
        var sb = new StringBuilder();
        Write(sb, v, escapeHtml, indent, 0, new NestingGuard());
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? v, bool html, string? indent, int depth, NestingGuard guard)
    {
        switch (v)
        {
            case null:
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case long or nint or int or short or sbyte:
                sb.Append(GoValue.ToInt64(v).ToString(CultureInfo.InvariantCulture));
                return;
            case ulong or uint or ushort or byte:
                sb.Append(GoValue.ToUInt64(v).ToString(CultureInfo.InvariantCulture));
                return;
            case double or float:
                sb.Append(Float(GoValue.ToDouble(v)));
                return;
            case string s:
                WriteString(sb, s, html);
                return;
            case GoRawJson raw:
                sb.Append(raw.Json);
                return;
            case GoStruct fields:
                WriteMembers(sb, fields, html, indent, depth, guard);
                return;
            case GoTypedDictionary { IsNil: true } or GoTypedList { IsNil: true, Count: 0 }:
                sb.Append("null");
                return;
            case IDictionary<string, object?> map when map.Count == 0:
                sb.Append("{}");
                return;
            case IDictionary<string, object?> map:
                Enter(guard, map);
                WriteMembers(sb, GoValue.SortedKeys(map).Select(k => KeyValuePair.Create(k, map[k])), html, indent, depth, guard);
                guard.Exit(map);
                return;
            case IList list when list.Count == 0:
                sb.Append("[]");
                return;
            case IList list:
                Enter(guard, list);
                WriteItems(sb, list, html, indent, depth, guard);
                guard.Exit(list);
                return;
            case IJsonValue j:
                Write(sb, j.ToJsonValue(), html, indent, depth, guard);
                return;
            case TemplateFunction:
                throw new TemplateFunctionException("json: unsupported type: func(...) interface {}");
            default:
                WriteString(sb, v.ToString() ?? "", html);
                return;
        }
    }

    /// <summary>An object's members in the order given: {"k":v,...}, one per line when indenting.</summary>
    private static void WriteMembers(StringBuilder sb, IEnumerable<KeyValuePair<string, object?>> members, bool html, string? indent, int depth,
        NestingGuard guard)
    {
        sb.Append('{');
        var first = true;
        foreach (var (k, v) in members)
        {
            if (!first)
            {
                sb.Append(',');
            }
            first = false;
            NewLine(sb, indent, depth + 1);
            WriteString(sb, k, html);
            sb.Append(indent is null ? ":" : ": ");
            Write(sb, v, html, indent, depth + 1, guard);
        }
        if (!first)
        {
            NewLine(sb, indent, depth);
        }
        sb.Append('}');
    }

    /// <summary>A non-empty list: [a,b,...], one per line when indenting.</summary>
    private static void WriteItems(StringBuilder sb, IList list, bool html, string? indent, int depth, NestingGuard guard)
    {
        sb.Append('[');
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            NewLine(sb, indent, depth + 1);
            Write(sb, list[i], html, indent, depth + 1, guard);
        }
        NewLine(sb, indent, depth);
        sb.Append(']');
    }

    private static void Enter(NestingGuard guard, object container)
    {
        if (!guard.TryEnter(container))
        {
            throw new TemplateFunctionException("json: unsupported value: encountered a cycle via " + GoValue.TypeName(container));
        }
    }

    private static void NewLine(StringBuilder sb, string? indent, int depth)
    {
        if (indent is null)
        {
            return;
        }
        sb.Append('\n');
        for (var i = 0; i < depth; i++)
        {
            sb.Append(indent);
        }
    }

    /// <summary>encoding/json's float format: 'f' for 1e-6 &lt;= |f| &lt; 1e21, else 'e' with a trimmed exponent.</summary>
    public static string Float(double f)
    {
        if (double.IsNaN(f) || double.IsInfinity(f))
        {
            throw new TemplateFunctionException($"json: unsupported value: {GoFloat.Shortest(f)}");
        }
        var abs = Math.Abs(f);
        var fmt = abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
        var s = GoFloat.Format(f, fmt, -1);
        if (fmt == 'e')
        {
            var n = s.Length;
            if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0')
            {
                s = s[..(n - 2)] + s[n - 1];
            }
        }
        return s;
    }

    private static void WriteString(StringBuilder sb, string s, bool html)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(s[i - 1])))
            {
                sb.Append("\\ufffd"); // invalid UTF-8 (a byte GoString kept): encoding/json writes the replacement rune
                continue;
            }
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\u2028': sb.Append("\\u2028"); break;
                case '\u2029': sb.Append("\\u2029"); break;
                case '<' or '>' or '&' when html:
                    sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}

/// <summary>A struct-like value that serialises to JSON as another value (e.g. a map of its fields).</summary>
public interface IJsonValue
{
    object? ToJsonValue();
}
