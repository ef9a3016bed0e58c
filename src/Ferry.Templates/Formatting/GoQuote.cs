using System.Globalization;
using System.Text;

namespace Ferry.Templates.Formatting;

/// <summary>Go's strconv quoting and unquoting rules (Quote, QuoteToASCII, QuoteRune, Unquote, UnquoteChar).</summary>
public static class GoQuote
{
    /// <summary>strconv.Quote: a double-quoted Go string literal.</summary>
    public static string Quote(string s) => QuoteWith(s, '"', asciiOnly: false);

    /// <summary>strconv.QuoteToASCII.</summary>
    public static string QuoteAscii(string s) => QuoteWith(s, '"', asciiOnly: true);

    /// <summary>strconv.QuoteRune.</summary>
    public static string QuoteRune(int r, bool asciiOnly = false)
    {
        var sb = new StringBuilder("'");
        AppendEscapedRune(sb, IsValidRune(r) ? r : 0xFFFD, '\'', asciiOnly);
        return sb.Append('\'').ToString();
    }

    /// <summary>Go's <c>%#U</c> form: <c>U+0023 '#'</c>.</summary>
    public static string UnicodeName(int r)
    {
        var hex = "U+" + r.ToString("X4", CultureInfo.InvariantCulture);
        return IsPrint(r) ? $"{hex} '{char.ConvertFromUtf32(r)}'" : hex;
    }

    /// <summary>Whether a rune is printable by Go's <c>unicode.IsPrint</c> definition (space is the only printable space).</summary>
    public static bool IsPrint(int r)
    {
        if (r == ' ')
        {
            return true;
        }
        if (!IsValidRune(r))
        {
            return false;
        }
        var cat = CharUnicodeInfo.GetUnicodeCategory(r);
        return cat switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    private static bool IsValidRune(int r) => r is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF);

    /// <summary>strconv.Quote of Go bytes that need not be valid UTF-8: a byte no rune starts at prints as <c>\xNN</c>.</summary>
    public static string QuoteBytes(ReadOnlySpan<byte> s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        while (!s.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf8(s, out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                AppendEscapedRune(sb, rune.Value, '"', asciiOnly: false);
            }
            else
            {
                used = 1;
                sb.Append("\\x").Append(s[0].ToString("x2", CultureInfo.InvariantCulture));
            }
            s = s[used..];
        }
        return sb.Append('"').ToString();
    }

    private static string QuoteWith(string s, char quote, bool asciiOnly)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            int r = s[i];
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                r = char.ConvertToUtf32(s[i], s[i + 1]);
                i++;
            }
            else if (s[i] is >= '\uDC80' and <= '\uDCFF')
            {
                // a byte of invalid UTF-8 kept by GoString.FromBytes: strconv.Quote writes it as \xNN
                sb.Append("\\x").Append((s[i] - 0xDC00).ToString("x2", CultureInfo.InvariantCulture));
                continue;
            }
            else if (char.IsSurrogate(s[i]))
            {
                sb.Append("\\ufffd");
                continue;
            }
            AppendEscapedRune(sb, r, quote, asciiOnly);
        }
        return sb.Append(quote).ToString();
    }

    private static void AppendEscapedRune(StringBuilder sb, int r, char quote, bool asciiOnly)
    {
        if (r == quote || r == '\\')
        {
            sb.Append('\\').Append((char)r);
            return;
        }
        if (asciiOnly ? (r < 0x80 && IsPrint(r)) : IsPrint(r))
        {
            sb.Append(char.ConvertFromUtf32(r));
            return;
        }
        switch (r)
        {
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
        }
        if (r < ' ' || r == 0x7f)
        {
            sb.Append("\\x").Append(r.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (r < 0x10000)
        {
            sb.Append("\\u").Append(r.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append("\\U").Append(r.ToString("x8", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>strconv.Unquote for "double", `raw` and 'c' quoted forms.</summary>
    public static bool TryUnquote(string s, out string value)
    {
        value = "";
        if (s.Length < 2)
        {
            return false;
        }
        var q = s[0];
        if (q != s[^1])
        {
            return false;
        }
        var body = s[1..^1];
        if (q == '`')
        {
            if (body.Contains('`', StringComparison.Ordinal))
            {
                return false;
            }
            value = body.Replace("\r", "", StringComparison.Ordinal);
            return true;
        }
        if (q != '"' && q != '\'')
        {
            return false;
        }
        if (!body.Contains('\\', StringComparison.Ordinal) && !body.Contains(q, StringComparison.Ordinal) && q == '"')
        {
            if (body.Contains('\n', StringComparison.Ordinal))
            {
                return false;
            }
            value = body;
            return true;
        }
        var sb = new StringBuilder(body.Length);
        var i = 1;
        var end = s.Length - 1;
        var count = 0;
        while (i < end)
        {
            if (s[i] == q && q == '\'')
            {
                return false;
            }
            if (!TryUnquoteChar(s, i, q, out var r, out var next) || next > end)
            {
                return false;
            }
            sb.Append(char.ConvertFromUtf32(r));
            i = next;
            count++;
        }
        if (q == '\'' && count != 1)
        {
            return false;
        }
        value = sb.ToString();
        return true;
    }

    /// <summary>strconv.UnquoteChar: decodes one (possibly escaped) character at <paramref name="i"/>.</summary>
    public static bool TryUnquoteChar(string s, int i, char quote, out int rune, out int next)
    {
        rune = 0;
        next = i;
        if (i >= s.Length)
        {
            return false;
        }
        var c = s[i];
        if (c == quote && (quote == '\'' || quote == '"'))
        {
            return false;
        }
        if (c != '\\')
        {
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                rune = char.ConvertToUtf32(c, s[i + 1]);
                next = i + 2;
                return true;
            }
            if (c == '\n' && quote == '"')
            {
                return false;
            }
            rune = c;
            next = i + 1;
            return true;
        }
        if (i + 1 >= s.Length)
        {
            return false;
        }
        var e = s[i + 1];
        next = i + 2;
        switch (e)
        {
            case 'a': rune = '\a'; return true;
            case 'b': rune = '\b'; return true;
            case 'f': rune = '\f'; return true;
            case 'n': rune = '\n'; return true;
            case 'r': rune = '\r'; return true;
            case 't': rune = '\t'; return true;
            case 'v': rune = '\v'; return true;
            case '\\': rune = '\\'; return true;
            case 'x' or 'u' or 'U': return TryHexEscape(s, e, ref next, out rune);
            case >= '0' and <= '7': return TryOctalEscape(s, e, ref next, out rune);
            case '\'' or '"' when e == quote:
                rune = e;
                return true;
            default:
                return false;
        }
    }

    /// <summary>\xHH (a byte), \uHHHH or \UHHHHHHHH (a valid code point), the digits starting at <paramref name="next"/>.</summary>
    private static bool TryHexEscape(string s, char e, ref int next, out int rune)
    {
        rune = 0;
        var n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (next + n > s.Length)
        {
            return false;
        }
        var v = 0;
        for (var k = 0; k < n; k++)
        {
            var d = HexVal(s[next + k]);
            if (d < 0)
            {
                return false;
            }
            v = (v << 4) | d;
        }
        next += n;
        if (e != 'x' && !IsValidRune(v))
        {
            return false;
        }
        rune = v;
        return true;
    }

    /// <summary>\OOO: three octal digits (the first is <paramref name="e"/>), at most 255.</summary>
    private static bool TryOctalEscape(string s, char e, ref int next, out int rune)
    {
        rune = 0;
        if (next + 2 > s.Length)
        {
            return false;
        }
        var v = e - '0';
        for (var k = 0; k < 2; k++)
        {
            var d = s[next + k] - '0';
            if (d is < 0 or > 7)
            {
                return false;
            }
            v = (v << 3) | d;
        }
        if (v > 255)
        {
            return false;
        }
        next += 2;
        rune = v;
        return true;
    }

    private static int HexVal(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
