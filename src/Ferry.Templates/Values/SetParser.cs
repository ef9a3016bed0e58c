using System.Globalization;
using System.Text;
using Ferry.Templates.Formatting;

namespace Ferry.Templates.Values;

/// <summary>
/// Helm's strvals: <c>--set</c>, <c>--set-string</c>, <c>--set-json</c> and <c>--set-file</c> expressions
/// (<c>a.b=c,list[0]=x,arr={a,b},m[0][1].k=v</c>, backslash escapes, <c>null</c> kept so coalescing deletes the key)
/// applied to a values map with helm's rules and messages. <c>--set</c> values are typed as strvals types them
/// (true/false/null in any case, integers as int64 — Ferry's <see cref="nint"/> — without a leading zero, else
/// strings); <c>--set-json</c> values are one JSON value each; <c>--set-file</c> values are read by the caller.
/// A path that crosses a value of the wrong kind fails as helm's recovered type assertion does.
/// </summary>
public static class SetParser
{
    /// <summary>Helm's cap on a list index (strvals' MaxIndex): <c>a[999999999]=1</c> must not allocate a billion slots.</summary>
    public const int MaxIndex = 65536;

    /// <summary>Helm's cap on dotted name nesting (strvals' MaxNestedNameLevel).</summary>
    public const int MaxNestedNameLevel = 30;

    /// <summary>Ferry's own cap on nested list indexes (<c>a[0][0]…</c>), which helm leaves to Go's growable stack.</summary>
    public const int MaxNestedListLevel = 1000;

    /// <summary><c>--set</c> (or <c>--set-string</c> with <paramref name="asString"/>).</summary>
    public static void Apply(IDictionary<string, object?> target, string expression, bool asString = false) =>
        new Parser(expression, s => Typed(s, asString), json: false).Parse(target);

    /// <summary><c>--set-json key=json,…</c>: every value one JSON value (empty is null).</summary>
    public static void ApplyJson(IDictionary<string, object?> target, string expression) =>
        new Parser(expression, s => s, json: true).Parse(target);

    /// <summary><c>--set-file key=path,…</c>: <paramref name="readFile"/> turns each path into its value.</summary>
    public static void ApplyFiles(IDictionary<string, object?> target, string expression, Func<string, object?> readFile) =>
        new Parser(expression, readFile, json: false).Parse(target);

    /// <summary>Sets one already-typed value at a --set style path (<c>a.b[0].c</c>), as <c>--set-literal</c> does.</summary>
    public static void SetValue(IDictionary<string, object?> target, string path, object? value) => SetPath(target, path, value);

    /// <summary>strvals' typedVal.</summary>
    private static object? Typed(string v, bool asString)
    {
        if (asString)
        {
            return v;
        }
        if (v.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (v.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (v.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (v == "0")
        {
            return (nint)0;
        }
        // Go's strconv.ParseInt: an optional sign, decimal digits, no leading zero (checked on the first character only)
        if (v.Length > 0 && v[0] != '0' && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return (nint)l;
        }
        return v;
    }

    private static List<object?> SetIndex(List<object?> list, long index, object? value)
    {
        if (index < 0)
        {
            throw new FormatException($"negative {index} index not allowed");
        }
        if (index > MaxIndex)
        {
            throw new FormatException($"index of {index} is greater than maximum supported index of {MaxIndex}");
        }
        while (list.Count <= index)
        {
            list.Add(null);
        }
        list[(int)index] = value;
        return list;
    }

    /// <summary>One expression's state: the text, the position, how values are read.</summary>
    private sealed class Parser(string text, Func<string, object?> reader, bool json)
    {
        private int _pos;

        public void Parse(IDictionary<string, object?> data)
        {
            while (!Key(data, 0))
            {
            }
        }

        // Key and ListItem return true where strvals returns io.EOF (the expression is used up); a nested name whose
        // map stays empty without reaching the end is an error, and an EOF inside a list item leaves the item unset.

        /// <summary>strvals' key.</summary>
        private bool Key(IDictionary<string, object?> data, int nestedNameLevel)
        {
            var (k, last, end) = Until("=[,.");
            if (end)
            {
                return k.Length == 0 ? true : throw new FormatException($"key {GoQuote.Quote(k)} has no value");
            }
            switch (last)
            {
                case '[':
                    if (KeyIndex() is not { } index)
                    {
                        return true; // strvals wraps the EOF, and a wrapped EOF still ends the expression quietly
                    }
                    var list = data.TryGetValue(k, out var existing) ? AsList(existing) : [];
                    var (result, eof) = ListItem(list, index, nestedNameLevel, 0);
                    Set(data, k, result);
                    return eof;
                case '=':
                    return json ? JsonValue(v => Set(data, k, v)) : PlainValue(v => Set(data, k, v));
                case ',':
                    throw new FormatException($"key {GoQuote.Quote(k)} has no value (cannot end with ,)");
                default: // '.'
                    if (++nestedNameLevel > MaxNestedNameLevel)
                    {
                        throw new FormatException($"value name nested level is greater than maximum supported nested level of {MaxNestedNameLevel}");
                    }
                    var inner = data.TryGetValue(k, out var found) ? AsMap(found) : new Dictionary<string, object?>(StringComparer.Ordinal);
                    var innerEof = Key(inner, nestedNameLevel);
                    if (!innerEof && inner.Count == 0)
                    {
                        throw new FormatException($"key map {GoQuote.Quote(k)} has no value");
                    }
                    if (inner.Count != 0)
                    {
                        Set(data, k, inner);
                    }
                    return innerEof;
            }
        }

        /// <summary>strvals' listItem: what follows <c>name[i]</c>.</summary>
        private (List<object?> List, bool Eof) ListItem(List<object?> list, long i, int nestedNameLevel, int depth)
        {
            if (i < 0)
            {
                throw new FormatException($"negative {i} index not allowed");
            }
            var (k, last, end) = Until("[.=");
            if (k.Length > 0)
            {
                throw new FormatException($"unexpected data at end of array index: {QuoteRunes(k)}");
            }
            if (end)
            {
                return (list, true);
            }
            switch (last)
            {
                case '=':
                    _ = json ? JsonValue(v => list = SetIndex(list, i, v)) : PlainValue(v => list = SetIndex(list, i, v));
                    return (list, false);
                case '[':
                    if (depth >= MaxNestedListLevel)
                    {
                        throw new FormatException($"list index nesting is greater than the maximum of {MaxNestedListLevel}");
                    }
                    if (KeyIndex() is not { } next)
                    {
                        return (list, true);
                    }
                    var current = list.Count > i && list[(int)i] is { } existing ? AsList(existing) : [];
                    var (inner, eof) = ListItem(current, next, nestedNameLevel, depth + 1);
                    return eof ? (list, true) : (SetIndex(list, i, inner), false);
                default: // '.'
                    IDictionary<string, object?> map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    if (list.Count > i)
                    {
                        if (list[(int)i] is IDictionary<string, object?> m and not GoTypedDictionary)
                        {
                            map = m;
                        }
                        else
                        {
                            list[(int)i] = map; // indexes out of order: start an empty map
                        }
                    }
                    return Key(map, nestedNameLevel) ? (list, true) : (SetIndex(list, i, map), false);
            }
        }

        /// <summary>The index up to ']'; null when the expression ends first.</summary>
        private long? KeyIndex()
        {
            var (v, _, end) = Until("]");
            if (end)
            {
                return null;
            }
            if (!Atoi(v, out var index, out var why))
            {
                throw new FormatException($"error parsing index: strconv.Atoi: parsing {GoQuote.Quote(v)}: {why}");
            }
            return index;
        }

        /// <summary>
        /// A --set/--set-file value after '=': a <c>{a,b}</c> list or everything up to the next comma; true (strvals'
        /// EOF) when nothing follows the '=' (the value is then "").
        /// </summary>
        private bool PlainValue(Action<object?> set)
        {
            if (_pos >= text.Length)
            {
                set("");
                return true;
            }
            if (text[_pos] == '{')
            {
                _pos++;
                var items = new List<object?>();
                while (true)
                {
                    var (item, last, end) = Until(",}");
                    if (end)
                    {
                        throw new FormatException("list must terminate with '}'");
                    }
                    items.Add(reader(item));
                    if (last == '}')
                    {
                        if (_pos < text.Length && text[_pos] == ',')
                        {
                            _pos++;
                        }
                        set(items);
                        return false;
                    }
                }
            }
            var (value, _, _) = Until(",");
            set(reader(value));
            return false;
        }

        /// <summary>A --set-json value after '=': blanks then a comma or the end is null, else one JSON value (never EOF).</summary>
        private bool JsonValue(Action<object?> set)
        {
            if (SkipBlanksAndComma())
            {
                set(null);
                return false;
            }
            var value = GoJsonReader.ReadPrefix(text[_pos..], out var consumed);
            set(value);
            _pos += consumed;
            SkipBlanksAndComma();
            return false;
        }

        /// <summary>strvals' emptyVal: consumes blanks and one comma; true when a comma or the end came first.</summary>
        private bool SkipBlanksAndComma()
        {
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == ',')
                {
                    _pos++;
                    return true;
                }
                if (!char.IsWhiteSpace(c))
                {
                    return false;
                }
                _pos++;
            }
            return true;
        }

        /// <summary>strvals' runesUntil: text up to one of <paramref name="stops"/> (consumed), backslash escaping the next character.</summary>
        private (string Text, char Last, bool End) Until(string stops)
        {
            var sb = new StringBuilder();
            while (_pos < text.Length)
            {
                var c = text[_pos++];
                if (stops.Contains(c, StringComparison.Ordinal))
                {
                    return (sb.ToString(), c, false);
                }
                if (c == '\\')
                {
                    if (_pos >= text.Length)
                    {
                        return (sb.ToString(), '\0', true);
                    }
                    c = text[_pos++];
                }
                sb.Append(c);
            }
            return (sb.ToString(), '\0', true);
        }

        private static void Set(IDictionary<string, object?> data, string key, object? value)
        {
            if (key.Length > 0)
            {
                data[key] = value;
            }
        }
    }

    private static List<object?> AsList(object? v) => v switch
    {
        List<object?> l => l,
        _ => throw TypeAssertion(v, "[]interface {}"),
    };

    private static IDictionary<string, object?> AsMap(object? v) => v switch
    {
        IDictionary<string, object?> m and not GoTypedDictionary => m,
        _ => throw TypeAssertion(v, "map[string]interface {}"),
    };

    /// <summary>Go's failed type assertion, as strvals recovers it.</summary>
    private static FormatException TypeAssertion(object? v, string wanted) =>
        new($"unable to parse key: interface conversion: interface {{}} is {(v is null ? "nil" : GoValue.TypeName(v))}, not {wanted}");

    /// <summary>Go's <c>strconv.Atoi</c>: an optional sign and decimal digits.</summary>
    private static bool Atoi(string s, out long value, out string why)
    {
        why = "invalid syntax";
        value = 0;
        var digits = s.StartsWith('+') || s.StartsWith('-') ? s[1..] : s;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }
        if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            why = "value out of range";
            return false;
        }
        return true;
    }

    /// <summary>Go's <c>%q</c> of a <c>[]rune</c>: <c>['b' 'c']</c>.</summary>
    private static string QuoteRunes(string s)
    {
        var parts = new List<string>();
        foreach (var r in s.EnumerateRunes())
        {
            parts.Add(r.Value == '\'' ? "'\\''" : "'" + GoQuote.Quote(r.ToString())[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) + "'");
        }
        return "[" + string.Join(' ', parts) + "]";
    }

    private static void SetPath(IDictionary<string, object?> target, string path, object? value)
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
