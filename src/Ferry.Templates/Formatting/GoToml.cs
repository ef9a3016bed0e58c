using System.Collections;
using System.Globalization;
using System.Text;
using Ferry.Templates.Values;

namespace Ferry.Templates.Formatting;

/// <summary>
/// TOML as Helm's <c>toToml</c>/<c>fromToml</c> see it (BurntSushi/toml): plain keys first, then tables with
/// two-space indentation per level, arrays of tables as <c>[[name]]</c>; floats always carry a decimal point.
/// </summary>
public static class GoToml
{
    public static string Marshal(object? value)
    {
        if (value is not IDictionary<string, object?> map)
        {
            // the encoder writes a lone value (a string, number or array) as TOML would write it in a key's place
            return IsArrayOfTables(value) || value is null
                ? throw new TemplateFunctionException("toml: top-level values must be Go maps or structs")
                : Value(value, new NestingGuard());
        }
        var sb = new StringBuilder();
        WriteTable(sb, [], map, new NestingGuard());
        return sb.ToString();
    }

    private static bool IsTable(object? v) => v is IDictionary<string, object?>;

    private static bool IsArrayOfTables(object? v) => v is IList l && l.Count > 0 && l.Cast<object?>().All(IsTable);

    private static void WriteTable(StringBuilder sb, List<string> key, IDictionary<string, object?> map, NestingGuard guard)
    {
        Enter(guard, map);
        var indent = new string(' ', Math.Max(key.Count - 1, 0) * 2);
        var keys = GoValue.SortedKeys(map);
        foreach (var k in keys)
        {
            var v = map[k];
            if (v is null || IsTable(v) || IsArrayOfTables(v))
            {
                continue;
            }
            var childIndent = new string(' ', key.Count * 2);
            sb.Append(childIndent).Append(QuoteKey(k)).Append(" = ").Append(Value(v, guard)).Append('\n');
        }
        foreach (var k in keys)
        {
            var v = map[k];
            var sub = new List<string>(key) { k };
            var header = string.Join('.', sub.Select(QuoteKey));
            var subIndent = new string(' ', key.Count * 2);
            if (v is IDictionary<string, object?> t)
            {
                if (sub.Count == 1 && sb.Length > 0)
                {
                    sb.Append('\n');
                }
                sb.Append(subIndent).Append('[').Append(header).Append("]\n");
                WriteTable(sb, sub, t, guard);
            }
            else if (IsArrayOfTables(v))
            {
                foreach (var item in (IList)v!)
                {
                    if (sb.Length > 0)
                    {
                        sb.Append('\n');
                    }
                    sb.Append(subIndent).Append("[[").Append(header).Append("]]\n");
                    WriteTable(sb, sub, (IDictionary<string, object?>)item!, guard);
                }
            }
        }
        _ = indent;
        guard.Exit(map);
    }

    private static void Enter(NestingGuard guard, object container)
    {
        if (!guard.TryEnter(container))
        {
            throw new TemplateFunctionException("toml: cannot encode a map or list that contains itself");
        }
    }

    private static string QuoteKey(string k) =>
        k.Length > 0 && k.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? k : Quote(k);

    private static string Value(object? v, NestingGuard guard)
    {
        switch (v)
        {
            case string s:
                return Quote(s);
            case bool b:
                return b ? "true" : "false";
            case long or nint or int or short or sbyte or ulong or uint or ushort or byte:
                return Convert.ToString(v, CultureInfo.InvariantCulture)!;
            case double or float:
                return Float(GoValue.ToDouble(v));
            case IList l:
                Enter(guard, l);
                if (l.Cast<object?>().Any(x => x is null))
                {
                    throw new TemplateFunctionException("toml: cannot encode array with nil element");
                }
                var items = "[" + string.Join(", ", l.Cast<object?>().Select(x => Value(x, guard))) + "]";
                guard.Exit(l);
                return items;
            case IDictionary<string, object?> m:
                Enter(guard, m);
                var table = "{" + string.Join(", ", GoValue.SortedKeys(m).Where(k => m[k] is not null)
                    .Select(k => QuoteKey(k) + " = " + Value(m[k], guard))) + "}";
                guard.Exit(m);
                return table;
            default:
                return Quote(v?.ToString() ?? "");
        }
    }

    private static string Float(double f)
    {
        if (double.IsNaN(f))
        {
            return "nan";
        }
        if (double.IsInfinity(f))
        {
            return f > 0 ? "inf" : "-inf";
        }
        var s = GoFloat.Format(f, 'f', -1);
        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Parses a TOML document into maps, lists and scalars (integers are int64, floats float64).</summary>
    public static Dictionary<string, object?> Parse(string text) => new TomlParser(text).Parse();

    private sealed class TomlParser(string text)
    {
        private int _pos;
        private int _line = 1;

        private TemplateFunctionException Error(string message) => new($"toml: line {_line}: {message}");

        public Dictionary<string, object?> Parse()
        {
            var root = new Dictionary<string, object?>(StringComparer.Ordinal);
            var current = root;
            while (true)
            {
                SkipWhitespaceAndComments(newlines: true);
                if (_pos >= text.Length)
                {
                    return root;
                }
                if (text[_pos] == '[')
                {
                    var array = _pos + 1 < text.Length && text[_pos + 1] == '[';
                    _pos += array ? 2 : 1;
                    var keys = ParseKey();
                    SkipSpaces();
                    if (!Consume(array ? "]]" : "]"))
                    {
                        throw Error("expected ']'");
                    }
                    current = array ? OpenArrayTable(root, keys) : OpenTable(root, keys);
                    continue;
                }
                var key = ParseKey();
                SkipSpaces();
                if (!Consume("="))
                {
                    throw Error(_pos >= text.Length ? "unexpected EOF; expected key separator '='"
                        : $"expected key separator '=', but got '{text[_pos]}' instead");
                }
                SkipSpaces();
                var value = ParseValue();
                var target = current;
                for (var i = 0; i < key.Count - 1; i++)
                {
                    target = Child(target, key[i]);
                }
                target[key[^1]] = value;
                SkipSpaces();
                if (_pos < text.Length && text[_pos] == '#')
                {
                    SkipComment();
                }
                if (_pos < text.Length && text[_pos] is not ('\n' or '\r'))
                {
                    throw Error($"expected a top-level item to end with a newline, comment, or EOF, but got '{text[_pos]}' instead");
                }
            }
        }

        private static Dictionary<string, object?> Child(Dictionary<string, object?> t, string k)
        {
            if (t.TryGetValue(k, out var v) && v is Dictionary<string, object?> d)
            {
                return d;
            }
            if (t.TryGetValue(k, out var arr) && arr is List<object?> { Count: > 0 } l && l[^1] is Dictionary<string, object?> last)
            {
                return last;
            }
            var n = new Dictionary<string, object?>(StringComparer.Ordinal);
            t[k] = n;
            return n;
        }

        private static Dictionary<string, object?> OpenTable(Dictionary<string, object?> root, List<string> keys)
        {
            var t = root;
            foreach (var k in keys)
            {
                t = Child(t, k);
            }
            return t;
        }

        private static Dictionary<string, object?> OpenArrayTable(Dictionary<string, object?> root, List<string> keys)
        {
            var t = root;
            for (var i = 0; i < keys.Count - 1; i++)
            {
                t = Child(t, keys[i]);
            }
            if (!t.TryGetValue(keys[^1], out var v) || v is not List<object?> list)
            {
                list = [];
                t[keys[^1]] = list;
            }
            var n = new Dictionary<string, object?>(StringComparer.Ordinal);
            list.Add(n);
            return n;
        }

        private bool Consume(string s)
        {
            if (string.CompareOrdinal(text, _pos, s, 0, s.Length) == 0 && _pos + s.Length <= text.Length)
            {
                _pos += s.Length;
                return true;
            }
            return false;
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t')
            {
                _pos++;
            }
        }

        private void SkipComment()
        {
            while (_pos < text.Length && text[_pos] != '\n')
            {
                _pos++;
            }
        }

        private void SkipWhitespaceAndComments(bool newlines)
        {
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c is ' ' or '\t' or '\r')
                {
                    _pos++;
                }
                else if (c == '\n' && newlines)
                {
                    _pos++;
                    _line++;
                }
                else if (c == '#')
                {
                    SkipComment();
                }
                else
                {
                    break;
                }
            }
        }

        private List<string> ParseKey()
        {
            var keys = new List<string>();
            while (true)
            {
                SkipSpaces();
                if (_pos >= text.Length)
                {
                    throw Error("unexpected EOF; expected key separator '='");
                }
                if (text[_pos] is '"' or '\'')
                {
                    keys.Add((string)ParseString());
                }
                else
                {
                    var start = _pos;
                    while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '_' or '-'))
                    {
                        _pos++;
                    }
                    if (_pos == start)
                    {
                        throw Error($"bare keys cannot contain '{text[_pos]}'");
                    }
                    keys.Add(text[start.._pos]);
                }
                SkipSpaces();
                if (_pos < text.Length && text[_pos] == '.')
                {
                    _pos++;
                    continue;
                }
                if (_pos >= text.Length)
                {
                    throw Error("unexpected EOF; expected key separator '='");
                }
                return keys;
            }
        }

        private object? ParseValue()
        {
            if (_pos >= text.Length)
            {
                throw Error("unexpected EOF; expected value");
            }
            var c = text[_pos];
            switch (c)
            {
                case '"' or '\'':
                    return ParseString();
                case '[':
                    return ParseArray();
                case '{':
                    return ParseInlineTable();
            }
            var start = _pos;
            while (_pos < text.Length && text[_pos] is not (',' or ']' or '}' or '\n' or '\r' or '#')
                && !(text[_pos] is ' ' or '\t' && !LooksLikeDateTimeSpace(start)))
            {
                _pos++;
            }
            var token = text[start.._pos].Trim();
            switch (token)
            {
                case "true": return true;
                case "false": return false;
                case "inf" or "+inf": return double.PositiveInfinity;
                case "-inf": return double.NegativeInfinity;
                case "nan" or "+nan" or "-nan": return double.NaN;
            }
            if (GoNumberParser.TryParseInt(token.Replace("_", "", StringComparison.Ordinal), out var l)
                && !(token.Length > 1 && token[0] == '0' && char.IsAsciiDigit(token[1])))
            {
                return l;
            }
            if (GoNumberParser.TryParseFloat(token, out var d))
            {
                return d;
            }
            if (DateTimeOffset.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
            {
                return Time.GoTime.Utc(dt);
            }
            throw Error($"expected value but found {GoQuote.Quote(token)} instead");
        }

        /// <summary>An array [a, b, ...] (newlines and comments allowed between items, and a trailing comma).</summary>
        private List<object?> ParseArray()
        {
            _pos++;
            var list = new List<object?>();
            while (true)
            {
                SkipWhitespaceAndComments(newlines: true);
                if (Consume("]"))
                {
                    return list;
                }
                list.Add(ParseValue());
                SkipWhitespaceAndComments(newlines: true);
                if (Consume(","))
                {
                    continue;
                }
                if (Consume("]"))
                {
                    return list;
                }
                throw Error("expected ',' or ']' in array");
            }
        }

        /// <summary>An inline table { k = v, a.b = c } on one line.</summary>
        private Dictionary<string, object?> ParseInlineTable()
        {
            _pos++;
            var table = new Dictionary<string, object?>(StringComparer.Ordinal);
            SkipSpaces();
            if (Consume("}"))
            {
                return table;
            }
            while (true)
            {
                var key = ParseKey();
                SkipSpaces();
                if (!Consume("="))
                {
                    throw Error("expected key separator '='");
                }
                SkipSpaces();
                var target = table;
                for (var i = 0; i < key.Count - 1; i++)
                {
                    target = Child(target, key[i]);
                }
                target[key[^1]] = ParseValue();
                SkipSpaces();
                if (Consume(","))
                {
                    continue;
                }
                if (Consume("}"))
                {
                    return table;
                }
                throw Error("expected ',' or '}' in inline table");
            }
        }

        private bool LooksLikeDateTimeSpace(int start) =>
            _pos - start == 10 && text[start + 4] == '-' && _pos + 1 < text.Length && char.IsAsciiDigit(text[_pos + 1]);

        private object ParseString()
        {
            var q = text[_pos];
            var multi = Consume(new string(q, 3));
            if (!multi)
            {
                _pos++;
            }
            else if (_pos < text.Length && text[_pos] == '\n')
            {
                _pos++;
                _line++;
            }
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length)
                {
                    throw Error("unexpected EOF; expected string terminator");
                }
                var c = text[_pos];
                if (multi ? Consume(new string(q, 3)) : c == q && ++_pos > 0)
                {
                    return sb.ToString();
                }
                if (c == '\n')
                {
                    if (!multi)
                    {
                        throw Error("strings cannot contain newlines");
                    }
                    _line++;
                }
                if (c == '\\' && q == '"')
                {
                    _pos++;
                    if (multi && _pos < text.Length && text[_pos] is '\n' or ' ' or '\t' or '\r')
                    {
                        while (_pos < text.Length && text[_pos] is '\n' or ' ' or '\t' or '\r')
                        {
                            if (text[_pos] == '\n')
                            {
                                _line++;
                            }
                            _pos++;
                        }
                        continue;
                    }
                    if (!GoQuote.TryUnquoteChar(text, _pos - 1, '"', out var r, out var next))
                    {
                        throw Error("invalid escape in string");
                    }
                    sb.Append(char.ConvertFromUtf32(r));
                    _pos = next;
                    continue;
                }
                sb.Append(c);
                _pos++;
            }
        }
    }
}
