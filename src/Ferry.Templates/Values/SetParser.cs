using System.Globalization;
using System.Text;

namespace Ferry.Templates.Values;

/// <summary>
/// Parses Helm-style <c>--set</c> expressions (<c>a.b=c,list[0]=x,arr={a,b}</c>, backslash escapes,
/// <c>null</c> deletes) into a values map. Values are typed as Helm's strvals does: <c>true/false</c> bools,
/// integers as int64 (<c>nint</c>, Ferry's int64; no leading zeros), <c>null</c>, else strings; with <c>asString</c> everything is a string.
/// </summary>
public static class SetParser
{
    /// <summary>Helm's cap on a list index in <c>--set</c> (strvals' MaxIndex): <c>a[999999999]=1</c> must not allocate a billion slots.</summary>
    public const int MaxIndex = 65536;

    public static void Apply(IDictionary<string, object?> target, string expression, bool asString = false)
    {
        var i = 0;
        while (i < expression.Length)
        {
            var (path, stop) = ReadUntil(expression, ref i, "=,");
            if (stop != '=')
            {
                throw new FormatException($"--set {expression}: key \"{path}\" has no value (expected key=value)");
            }
            object? value;
            if (i < expression.Length && expression[i] == '{')
            {
                i++;
                var items = new List<object?>();
                while (true)
                {
                    var (item, s) = ReadUntil(expression, ref i, ",}");
                    items.Add(Typed(item, asString));
                    if (s == '}' || s == '\0')
                    {
                        break;
                    }
                }
                if (i < expression.Length && expression[i] == ',')
                {
                    i++;
                }
                value = items;
            }
            else
            {
                var (raw, _) = ReadUntil(expression, ref i, ",");
                value = Typed(raw, asString);
            }
            SetPath(target, path, value, expression);
        }
    }

    /// <summary>Sets one already-typed value at a --set style path (<c>a.b[0].c</c>).</summary>
    public static void SetValue(IDictionary<string, object?> target, string path, object? value) => SetPath(target, path, value, path);

    private static (string Text, char Stop) ReadUntil(string s, ref int i, string stops)
    {
        var sb = new StringBuilder();
        while (i < s.Length)
        {
            var c = s[i++];
            if (c == '\\' && i < s.Length)
            {
                sb.Append(s[i++]);
                continue;
            }
            if (stops.Contains(c, StringComparison.Ordinal))
            {
                return (sb.ToString(), c);
            }
            sb.Append(c);
        }
        return (sb.ToString(), '\0');
    }

    private static object? Typed(string v, bool asString)
    {
        if (asString)
        {
            return v;
        }
        switch (v)
        {
            case "true": return true;
            case "false": return false;
            case "null": return null;
            case "0": return (nint)0; // helm's strvals makes integers int64
        }
        if (v.Length > 0 && v[0] != '0' && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && !v.StartsWith('+'))
        {
            if (!(v.StartsWith('-') && v.Length > 1 && v[1] == '0'))
            {
                return (nint)l;
            }
        }
        return v;
    }

    private static void SetPath(IDictionary<string, object?> target, string path, object? value, string expression)
    {
        var segments = SplitPath(path);
        object current = target;
        for (var s = 0; s < segments.Count; s++)
        {
            var (key, index) = segments[s];
            var last = s == segments.Count - 1;
            var map = (IDictionary<string, object?>)current;
            if (index is null)
            {
                if (last)
                {
                    // null is kept: coalescing then deletes the key from every layer below (chart defaults too)
                    map[key] = value;
                    return;
                }
                if (!map.TryGetValue(key, out var next) || next is not IDictionary<string, object?>)
                {
                    next = new Dictionary<string, object?>(StringComparer.Ordinal);
                    map[key] = next;
                }
                current = next!;
                continue;
            }
            if (index < 0)
            {
                throw new FormatException($"negative {index} index not allowed");
            }
            if (index > MaxIndex)
            {
                throw new FormatException($"index of {index} is greater than maximum supported index of {MaxIndex}");
            }
            if (!map.TryGetValue(key, out var lv) || lv is not List<object?> list)
            {
                list = [];
                map[key] = list;
            }
            while (list.Count <= index.Value)
            {
                list.Add(null);
            }
            if (last)
            {
                list[index.Value] = value;
                return;
            }
            if (list[index.Value] is not IDictionary<string, object?> child)
            {
                child = new Dictionary<string, object?>(StringComparer.Ordinal);
                list[index.Value] = child;
            }
            current = child;
        }
    }

    private static List<(string Key, int? Index)> SplitPath(string path)
    {
        var result = new List<(string, int?)>();
        foreach (var part in path.Split('.'))
        {
            var b = part.IndexOf('[', StringComparison.Ordinal);
            if (b < 0)
            {
                result.Add((part, null));
                continue;
            }
            var key = part[..b];
            var rest = part[b..];
            var first = true;
            while (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || !int.TryParse(rest[1..close], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var idx))
                {
                    throw new FormatException($"--set: bad index in \"{path}\"");
                }
                if (!first)
                {
                    throw new FormatException($"--set: nested list indexes are not supported in \"{path}\"");
                }
                result.Add((key, idx));
                rest = rest[(close + 1)..];
                first = false;
            }
        }
        return result;
    }
}
