using System.Collections;
using System.Globalization;
using System.Text;
using Ferry.Templates.Values;

namespace Ferry.Templates.Formatting;

/// <summary>
/// Helm's <c>toYaml</c>: sigs.k8s.io/yaml Marshal, i.e. the value goes through JSON (numbers become ints or
/// floats, map keys sorted) and is emitted by go-yaml v2's emitter rules: 2-space indent, sequences not indented
/// under their key, Go's scalar quoting (strings that would read back as another type are double-quoted),
/// literal blocks for multi-line strings and folding of long lines at 80 columns.
/// </summary>
public static partial class GoYaml
{
    private const int BestIndent = 2;
    private const int BestWidth = 80;

    /// <summary>yaml.Marshal output (ends with a newline).</summary>
    public static string Marshal(object? value, bool indentSequences = false)
    {
        object? json;
        try
        {
            json = ToYamlValue(value, new NestingGuard());
        }
        catch (TemplateFunctionException failure)
        {
            throw new TemplateFunctionException("error marshaling into JSON: " + failure.Message);
        }
        var e = new Emitter(indentSequences);
        e.EmitNode(json, root: true, sequence: false, mapping: false, simpleKey: false);
        e.WriteIndent();
        return e.Output;
    }

    /// <summary>Normalises a value as sigs.k8s.io/yaml does by going through JSON (with encoding/json's errors).</summary>
    private static object? ToYamlValue(object? v, NestingGuard guard)
    {
        switch (v)
        {
            case null or GoTypedDictionary { IsNil: true } or GoTypedList { IsNil: true, Count: 0 }:
                return null;
            case string or bool:
                return v;
            case long or nint or int or short or sbyte or ulong or uint or ushort or byte:
                return new YamlNumber(Convert.ToString(v, CultureInfo.InvariantCulture)!);
            case double or float:
                return FloatNumber(GoValue.ToDouble(v));
            case IDictionary<string, object?> m:
                Enter(guard, m);
                var map = new Dictionary<string, object?>(m.Count, StringComparer.Ordinal);
                foreach (var (k, item) in m)
                {
                    map[k] = ToYamlValue(item, guard);
                }
                guard.Exit(m);
                return map;
            case GoStruct s:
                return s.ToDictionary(kv => kv.Key, kv => ToYamlValue(kv.Value, guard), StringComparer.Ordinal);
            case IList l:
                Enter(guard, l);
                var list = new List<object?>(l.Count);
                foreach (var item in l)
                {
                    list.Add(ToYamlValue(item, guard));
                }
                guard.Exit(l);
                return list;
            case IJsonValue j:
                return ToYamlValue(j.ToJsonValue(), guard);
            case TemplateFunction:
                throw new TemplateFunctionException("json: unsupported type: func(...) interface {}");
            default:
                return v.ToString();
        }
    }

    private static void Enter(NestingGuard guard, object container)
    {
        if (!guard.TryEnter(container))
        {
            throw new TemplateFunctionException("json: unsupported value: encountered a cycle via " + GoValue.TypeName(container));
        }
    }

    private static YamlNumber FloatNumber(double d)
    {
        var json = GoJson.Float(d);
        if (json.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            return new YamlNumber(json);
        }
        var f = double.Parse(json, CultureInfo.InvariantCulture);
        return new YamlNumber(GoFloat.Shortest(f));
    }

    private sealed record YamlNumber(string Text);

    private enum Style
    {
        Plain,
        Single,
        Double,
        Literal,
    }

    private sealed class Emitter(bool indentSequences)
    {
        private readonly StringBuilder _sb = new();
        private readonly Stack<int> _indents = new();
        private int _indent = -1;
        private int _column;
        private bool _whitespace = true;
        private bool _indention = true;
        private bool _rootContext;
        private bool _mappingContext;
        private bool _simpleKeyContext;

        public string Output => _sb.ToString();

        private void Put(char c)
        {
            _sb.Append(c);
            _column++;
        }

        private void PutBreak()
        {
            _sb.Append('\n');
            _column = 0;
        }

        private void Write(int rune)
        {
            if (rune > 0xFFFF)
            {
                _sb.Append(char.ConvertFromUtf32(rune));
            }
            else
            {
                _sb.Append((char)rune);
            }
            _column++;
        }

        public void WriteIndent()
        {
            var indent = Math.Max(_indent, 0);
            if (!_indention || _column > indent || (_column == indent && !_whitespace))
            {
                PutBreak();
            }
            while (_column < indent)
            {
                Put(' ');
            }
            _whitespace = true;
            _indention = true;
        }

        private void WriteIndicator(string indicator, bool needWhitespace, bool isWhitespace, bool isIndention)
        {
            if (needWhitespace && !_whitespace)
            {
                Put(' ');
            }
            foreach (var c in indicator)
            {
                Put(c);
            }
            _whitespace = isWhitespace;
            _indention = _indention && isIndention;
        }

        private void IncreaseIndent(bool flow, bool indentless)
        {
            _indents.Push(_indent);
            if (_indent < 0)
            {
                _indent = flow ? BestIndent : 0;
            }
            else if (!indentless)
            {
                _indent += BestIndent;
            }
        }

        private void PopIndent() => _indent = _indents.Pop();

        public void EmitNode(object? v, bool root, bool sequence, bool mapping, bool simpleKey)
        {
            if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                throw new TemplateFunctionException(NestingGuard.TooDeep);
            }
            _rootContext = root;
            _mappingContext = mapping;
            _simpleKeyContext = simpleKey;
            _ = sequence;
            switch (v)
            {
                case IDictionary<string, object?> { Count: 0 }:
                    WriteIndicator("{", true, true, false);
                    WriteIndicator("}", false, false, false);
                    return;
                case IList { Count: 0 }:
                    WriteIndicator("[", true, true, false);
                    WriteIndicator("]", false, false, false);
                    return;
                case IDictionary<string, object?> map:
                    EmitBlockMapping(map);
                    return;
                case IList list:
                    EmitBlockSequence(list);
                    return;
                case null:
                    EmitScalar("null", Style.Plain);
                    return;
                case bool b:
                    EmitScalar(b ? "true" : "false", Style.Plain);
                    return;
                case YamlNumber n:
                    EmitScalar(n.Text, Style.Plain);
                    return;
                case string s:
                    EmitScalar(s, StringStyle(s));
                    return;
                default:
                    EmitScalar(v.ToString() ?? "", Style.Plain);
                    return;
            }
        }

        private void EmitBlockSequence(IList list)
        {
            IncreaseIndent(false, !indentSequences && _mappingContext && !_indention);
            foreach (var item in list)
            {
                WriteIndent();
                WriteIndicator("-", true, false, true);
                EmitNode(item, root: false, sequence: true, mapping: false, simpleKey: false);
            }
            PopIndent();
        }

        private void EmitBlockMapping(IDictionary<string, object?> map)
        {
            IncreaseIndent(false, false);
            foreach (var key in GoValue.SortedKeys(map))
            {
                WriteIndent();
                var analysis = Analyze(key);
                if (!analysis.Multiline && Encoding.UTF8.GetByteCount(key) <= 128)
                {
                    EmitNode(key, root: false, sequence: false, mapping: true, simpleKey: true);
                    WriteIndicator(":", false, false, false);
                }
                else
                {
                    WriteIndicator("?", true, false, true);
                    EmitNode(key, root: false, sequence: false, mapping: true, simpleKey: false);
                    WriteIndent();
                    WriteIndicator(":", true, false, true);
                }
                EmitNode(map[key], root: false, sequence: false, mapping: true, simpleKey: false);
            }
            PopIndent();
        }

        private void EmitScalar(string value, Style style)
        {
            var a = Analyze(value);
            if (_simpleKeyContext && a.Multiline)
            {
                style = Style.Double;
            }
            if (style == Style.Plain)
            {
                if (!a.BlockPlainAllowed || (value.Length == 0 && _simpleKeyContext))
                {
                    style = Style.Single;
                }
            }
            if (style == Style.Single && !a.SingleQuotedAllowed)
            {
                style = Style.Double;
            }
            if (style == Style.Literal && (!a.BlockAllowed || _simpleKeyContext))
            {
                style = Style.Double;
            }
            IncreaseIndent(true, false);
            var runes = Runes(value);
            switch (style)
            {
                case Style.Plain: WritePlain(runes, !_simpleKeyContext); break;
                case Style.Single: WriteSingle(runes, !_simpleKeyContext); break;
                case Style.Double: WriteDouble(runes, !_simpleKeyContext); break;
                default: WriteLiteral(runes); break;
            }
            PopIndent();
        }

        private static int[] Runes(string s)
        {
            var list = new List<int>(s.Length);
            for (var i = 0; i < s.Length; i++)
            {
                if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    list.Add(char.ConvertToUtf32(s[i], s[i + 1]));
                    i++;
                }
                else
                {
                    list.Add(char.IsSurrogate(s[i]) ? 0xFFFD : s[i]);
                }
            }
            return [.. list];
        }

        private void WritePlain(int[] v, bool allowBreaks)
        {
            if (v.Length > 0 && !_whitespace)
            {
                Put(' ');
            }
            var spaces = false;
            for (var i = 0; i < v.Length; i++)
            {
                if (v[i] == ' ')
                {
                    if (allowBreaks && !spaces && _column > BestWidth && !(i + 1 < v.Length && v[i + 1] == ' '))
                    {
                        WriteIndent();
                    }
                    else
                    {
                        Write(v[i]);
                    }
                    spaces = true;
                }
                else
                {
                    Write(v[i]);
                    _indention = false;
                    spaces = false;
                }
            }
            if (v.Length > 0)
            {
                _whitespace = false;
            }
            _indention = false;
            _ = _rootContext;
        }

        private void WriteSingle(int[] v, bool allowBreaks)
        {
            WriteIndicator("'", true, false, false);
            var spaces = false;
            for (var i = 0; i < v.Length; i++)
            {
                if (v[i] == ' ')
                {
                    if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < v.Length - 1 && v[i + 1] != ' ')
                    {
                        WriteIndent();
                    }
                    else
                    {
                        Write(v[i]);
                    }
                    spaces = true;
                }
                else
                {
                    if (v[i] == '\'')
                    {
                        Put('\'');
                    }
                    Write(v[i]);
                    _indention = false;
                    spaces = false;
                }
            }
            WriteIndicator("'", false, false, false);
            _whitespace = false;
            _indention = false;
        }

        private void WriteDouble(int[] v, bool allowBreaks)
        {
            var spaces = false;
            WriteIndicator("\"", true, false, false);
            for (var i = 0; i < v.Length; i++)
            {
                var r = v[i];
                if (!IsPrintable(r) || r == 0xFEFF || IsBreak(r) || r == '"' || r == '\\')
                {
                    Put('\\');
                    switch (r)
                    {
                        case 0x00: Put('0'); break;
                        case 0x07: Put('a'); break;
                        case 0x08: Put('b'); break;
                        case 0x09: Put('t'); break;
                        case 0x0A: Put('n'); break;
                        case 0x0B: Put('v'); break;
                        case 0x0C: Put('f'); break;
                        case 0x0D: Put('r'); break;
                        case 0x1B: Put('e'); break;
                        case 0x22: Put('"'); break;
                        case 0x5C: Put('\\'); break;
                        case 0x85: Put('N'); break;
                        case 0xA0: Put('_'); break;
                        case 0x2028: Put('L'); break;
                        case 0x2029: Put('P'); break;
                        default:
                            {
                                var (c, w) = r <= 0xFF ? ('x', 2) : r <= 0xFFFF ? ('u', 4) : ('U', 8);
                                Put(c);
                                foreach (var ch in r.ToString("X" + w.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))
                                {
                                    Put(ch);
                                }
                                break;
                            }
                    }
                    spaces = false;
                }
                else if (r == ' ')
                {
                    if (allowBreaks && !spaces && _column > BestWidth && i > 0 && i < v.Length - 1)
                    {
                        WriteIndent();
                        if (i + 1 < v.Length && v[i + 1] == ' ')
                        {
                            Put('\\');
                        }
                    }
                    else
                    {
                        Write(r);
                    }
                    spaces = true;
                }
                else
                {
                    Write(r);
                    spaces = false;
                }
            }
            WriteIndicator("\"", false, false, false);
            _whitespace = false;
            _indention = false;
        }

        private void WriteLiteral(int[] v)
        {
            WriteIndicator("|", true, false, false);
            if (v.Length > 0 && (v[0] == ' ' || IsBreak(v[0])))
            {
                WriteIndicator(BestIndent.ToString(CultureInfo.InvariantCulture), false, false, false);
            }
            string? chomp = null;
            if (v.Length == 0 || !IsBreak(v[^1]))
            {
                chomp = "-";
            }
            else if (v.Length == 1 || IsBreak(v[^2]))
            {
                chomp = "+";
            }
            if (chomp is not null)
            {
                WriteIndicator(chomp, false, false, false);
            }
            PutBreak();
            _indention = true;
            _whitespace = true;
            var breaks = true;
            foreach (var r in v)
            {
                if (IsBreak(r))
                {
                    PutBreak();
                    _indention = true;
                    breaks = true;
                }
                else
                {
                    if (breaks)
                    {
                        WriteIndent();
                    }
                    Write(r);
                    _indention = false;
                    breaks = false;
                }
            }
        }
    }
}
