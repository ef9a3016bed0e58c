using System.Globalization;
using System.Text;
using Ferry.Templates.Values;

namespace Ferry.Templates.Formatting;

/// <summary>
/// Go's <c>encoding/json</c> decoding into <c>interface{}</c>: objects are maps (a repeated key: the last wins),
/// numbers float64 (or ints where asked), strings with invalid UTF-8 replaced — and Go's syntax error messages
/// (<c>invalid character 'x' looking for beginning of value</c>, <c>unexpected end of JSON input</c>), which
/// templates print when <c>fromJson</c> fails. Nesting is bounded as Go bounds it (10,000 levels).
/// </summary>
public sealed class GoJsonReader
{
    private const int MaxDepth = 10000;
    private readonly byte[] _s;
    private readonly bool _ints;
    private int _pos;
    private int _depth;

    private GoJsonReader(string text, bool ints)
    {
        _s = GoString.ToBytes(text);
        _ints = ints;
    }

    /// <summary>The value of a JSON text; a <see cref="FormatException"/> with Go's message when it is not valid.</summary>
    public static object? Read(string text, bool intsWhenIntegral = false)
    {
        var r = new GoJsonReader(text, intsWhenIntegral);
        var v = r.Value("looking for beginning of value");
        r.SkipSpace();
        if (r._pos < r._s.Length)
        {
            throw r.Invalid("after top-level value");
        }
        return v;
    }

    /// <summary>
    /// The first JSON value of <paramref name="text"/> as Go's <c>json.Decoder</c> reads it from a stream: leading
    /// blanks skipped, the value ends where its syntax does (<c>1,b=2</c> reads 1); <paramref name="consumed"/> is
    /// how many characters it took (the decoder's InputOffset).
    /// </summary>
    public static object? ReadPrefix(string text, out int consumed)
    {
        var r = new GoJsonReader(text, ints: false);
        var v = r.Value("looking for beginning of value");
        consumed = System.Text.Encoding.UTF8.GetCharCount(r._s, 0, r._pos);
        return v;
    }

    private FormatException Invalid(string context) => new($"invalid character {QuoteChar(_s[_pos])} {context}");

    private static FormatException EndOfInput() => new("unexpected end of JSON input");

    private static string QuoteChar(byte c) => c switch
    {
        (byte)'\'' => "'\\''",
        (byte)'"' => "'\"'",
        < 0x80 => "'" + GoQuote.Quote(((char)c).ToString())[1..^1] + "'",
        _ => $"'\\x{c:x2}'",
    };

    private void SkipSpace()
    {
        while (_pos < _s.Length && _s[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _pos++;
        }
    }

    private byte Next(string context)
    {
        SkipSpace();
        return _pos < _s.Length ? _s[_pos] : throw EndOfInput();
    }

    private object? Value(string context)
    {
        var c = Next(context);
        switch (c)
        {
            case (byte)'{':
                return Nested(Object);
            case (byte)'[':
                return Nested(Array);
            case (byte)'"':
                return String();
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                return Number();
            case (byte)'t':
                Literal("true");
                return true;
            case (byte)'f':
                Literal("false");
                return false;
            case (byte)'n':
                Literal("null");
                return null;
            default:
                throw Invalid(context);
        }
    }

    private object Nested(Func<object> parse)
    {
        if (++_depth > MaxDepth)
        {
            throw Invalid("exceeded max depth");
        }
        var v = parse();
        _depth--;
        return v;
    }

    private object Object()
    {
        _pos++; // '{'
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Next("looking for beginning of object key string") == '}')
        {
            _pos++;
            return map;
        }
        while (true)
        {
            if (Next("looking for beginning of object key string") != '"')
            {
                throw Invalid("looking for beginning of object key string");
            }
            var key = String();
            if (Next("after object key") != ':')
            {
                throw Invalid("after object key");
            }
            _pos++;
            map[key] = Value("looking for beginning of value");
            var c = Next("after object key:value pair");
            _pos++;
            if (c == '}')
            {
                return map;
            }
            if (c != ',')
            {
                _pos--;
                throw Invalid("after object key:value pair");
            }
        }
    }

    private object Array()
    {
        _pos++; // '['
        var list = new List<object?>();
        if (Next("looking for beginning of value") == ']')
        {
            _pos++;
            return list;
        }
        while (true)
        {
            list.Add(Value("looking for beginning of value"));
            var c = Next("after array element");
            _pos++;
            if (c == ']')
            {
                return list;
            }
            if (c != ',')
            {
                _pos--;
                throw Invalid("after array element");
            }
        }
    }

    private void Literal(string word)
    {
        for (var i = 0; i < word.Length; i++)
        {
            if (_pos >= _s.Length)
            {
                throw EndOfInput();
            }
            if (_s[_pos] != word[i])
            {
                throw Invalid($"in literal {word} (expecting {QuoteChar((byte)word[i])})");
            }
            _pos++;
        }
    }

    private string String()
    {
        _pos++; // '"'
        var bytes = new List<byte>();
        while (true)
        {
            if (_pos >= _s.Length)
            {
                throw EndOfInput();
            }
            var c = _s[_pos];
            if (c == '"')
            {
                _pos++;
                return Encoding.UTF8.GetString([.. bytes]);
            }
            if (c < 0x20)
            {
                throw Invalid("in string literal");
            }
            if (c != '\\')
            {
                bytes.Add(c);
                _pos++;
                continue;
            }
            _pos++;
            if (_pos >= _s.Length)
            {
                throw EndOfInput();
            }
            var e = _s[_pos];
            _pos++;
            switch (e)
            {
                case (byte)'"' or (byte)'\\' or (byte)'/': bytes.Add(e); break;
                case (byte)'b': bytes.Add(8); break;
                case (byte)'f': bytes.Add(12); break;
                case (byte)'n': bytes.Add(10); break;
                case (byte)'r': bytes.Add(13); break;
                case (byte)'t': bytes.Add(9); break;
                case (byte)'u':
                    var r = Hex4();
                    if (char.IsHighSurrogate((char)r) && _pos + 1 < _s.Length && _s[_pos] == '\\' && _s[_pos + 1] == 'u')
                    {
                        var save = _pos;
                        _pos += 2;
                        var low = Hex4();
                        if (char.IsLowSurrogate((char)low))
                        {
                            bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(char.ConvertToUtf32((char)r, (char)low))));
                            break;
                        }
                        _pos = save;
                    }
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.IsSurrogate((char)r) ? "\uFFFD" : ((char)r).ToString()));
                    break;
                default:
                    _pos--;
                    throw Invalid("in string escape code");
            }
        }
    }

    private int Hex4()
    {
        var v = 0;
        for (var i = 0; i < 4; i++)
        {
            if (_pos >= _s.Length)
            {
                throw EndOfInput();
            }
            var c = (char)_s[_pos];
            if (!char.IsAsciiHexDigit(c))
            {
                throw Invalid("in \\u hexadecimal character escape");
            }
            v = (v * 16) + int.Parse(c.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            _pos++;
        }
        return v;
    }

    private object Number()
    {
        var start = _pos;
        if (_s[_pos] == '-')
        {
            _pos++;
            if (_pos >= _s.Length)
            {
                throw EndOfInput();
            }
            if (_s[_pos] is < (byte)'0' or > (byte)'9')
            {
                throw Invalid("in numeric literal");
            }
        }
        if (_s[_pos] == '0')
        {
            _pos++;
        }
        else
        {
            Digits();
        }
        var integral = true;
        if (_pos < _s.Length && _s[_pos] == '.')
        {
            integral = false;
            _pos++;
            if (_pos >= _s.Length)
            {
                throw EndOfInput();
            }
            if (_s[_pos] is < (byte)'0' or > (byte)'9')
            {
                throw Invalid("after decimal point in numeric literal");
            }
            Digits();
        }
        if (_pos < _s.Length && _s[_pos] is (byte)'e' or (byte)'E')
        {
            integral = false;
            _pos++;
            if (_pos < _s.Length && _s[_pos] is (byte)'+' or (byte)'-')
            {
                _pos++;
            }
            if (_pos >= _s.Length)
            {
                throw EndOfInput();
            }
            if (_s[_pos] is < (byte)'0' or > (byte)'9')
            {
                throw Invalid("in exponent of numeric literal");
            }
            Digits();
        }
        var text = Encoding.ASCII.GetString(_s, start, _pos - start);
        if (_ints && integral && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        var d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsInfinity(d) ? throw new FormatException($"json: cannot unmarshal number {text} into Go value of type float64") : d;
    }

    private void Digits()
    {
        while (_pos < _s.Length && _s[_pos] is >= (byte)'0' and <= (byte)'9')
        {
            _pos++;
        }
    }
}
