using System.Buffers;
using System.Text;
using Ferry.Templates.Values;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// huandu/xstrings v1.5 case conversions as Sprig uses them (<c>snakecase</c>, <c>kebabcase</c>, <c>camelcase</c> =
/// ToPascalCase), and goutils' byte-wise <c>initials</c>. They work on the Go string's bytes: words are split by
/// kind (connectors, punctuation, upper-case runs, letters, numbers, other), invalid UTF-8 passes through.
/// </summary>
internal static class CaseFunctions
{
    private const int RuneError = 0xFFFD;

    private enum Word
    {
        Invalid,
        Number,
        UpperCase,
        Alphabet,
        Connector,
        Punct,
        Other,
    }

    public static string Snake(string s) => CamelCaseToLowerCase(s, '_');

    public static string Kebab(string s) => CamelCaseToLowerCase(s, '-');

    /// <summary>xstrings.ToPascalCase: words separated by connectors joined, each capitalised, upper-case runs lowered.</summary>
    public static string Camel(string s)
    {
        var str = GoString.ToBytes(s);
        if (str.Length == 0)
        {
            return "";
        }
        var buf = new ArrayBufferWriter<byte>(str.Length + 4);
        var pos = 0;
        int r0 = 0;
        var size = 0;
        var firstUpper = false;
        while (pos < str.Length)
        {
            (r0, size) = Decode(str, pos);
            pos += size;
            if (!IsConnector(r0))
            {
                firstUpper = IsUpper(r0);
                r0 = ToUpper(r0);
                break;
            }
            WriteRune(buf, r0);
        }
        if (pos >= str.Length)
        {
            if (size != 0)
            {
                WriteRune(buf, r0); // a lone rune (even a connector) is written again, as xstrings does
            }
            return GoString.FromBytes(buf.WrittenSpan);
        }
        while (pos < str.Length)
        {
            var r1 = r0;
            (r0, size) = Decode(str, pos);
            pos += size;
            if (IsConnector(r0) && IsConnector(r1))
            {
                WriteRune(buf, r1);
                continue;
            }
            if (IsConnector(r1))
            {
                firstUpper = IsUpper(r0);
                r0 = ToUpper(r0);
            }
            else
            {
                if (firstUpper)
                {
                    if (IsUpper(r0))
                    {
                        r0 = ToLower(r0);
                    }
                    else
                    {
                        firstUpper = false;
                    }
                }
                WriteRune(buf, r1);
            }
        }
        WriteRune(buf, r0);
        return GoString.FromBytes(buf.WrittenSpan);
    }

    public static string Swap(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var r in s.EnumerateRunes())
        {
            sb.Append((Rune.IsUpper(r) ? Rune.ToLowerInvariant(r) : Rune.IsLower(r) ? Rune.ToUpperInvariant(r) : r).ToString());
        }
        return sb.ToString();
    }

    /// <summary>goutils.Initials: the first byte after each gap of Go spaces, each byte taken as a Latin-1 rune.</summary>
    public static string Initials(string s)
    {
        var sb = new StringBuilder();
        var gap = true;
        foreach (var b in GoString.ToBytes(s))
        {
            if (b is (byte)'\t' or (byte)'\n' or 0x0B or 0x0C or (byte)'\r' or (byte)' ' or 0x85 or 0xA0)
            {
                gap = true;
            }
            else if (gap)
            {
                sb.Append((char)b);
                gap = false;
            }
        }
        return sb.ToString();
    }

    private static string CamelCaseToLowerCase(string s, int connector)
    {
        var str = GoString.ToBytes(s);
        if (str.Length == 0)
        {
            return "";
        }
        var buf = new ArrayBufferWriter<byte>(str.Length + 8);
        var (wt, start, end) = NextWord(str, 0);
        while (end < str.Length)
        {
            if (wt != Word.Connector)
            {
                ToLower(buf, wt, str, start, end, connector);
            }
            var prev = wt;
            var (lastStart, lastEnd) = (start, end);
            (wt, start, end) = NextWord(str, end);
            switch (prev)
            {
                case Word.Number:
                    while (wt is Word.Alphabet or Word.Number)
                    {
                        ToLower(buf, wt, str, start, end, connector);
                        (wt, start, end) = NextWord(str, end);
                    }
                    if (wt is not (Word.Invalid or Word.Punct or Word.Connector))
                    {
                        WriteRune(buf, connector);
                    }
                    break;
                case Word.Connector:
                    ToLower(buf, prev, str, lastStart, lastEnd, connector);
                    break;
                case Word.Punct:
                    break;
                default:
                    if (wt != Word.Number)
                    {
                        if (wt is not (Word.Connector or Word.Punct))
                        {
                            WriteRune(buf, connector);
                        }
                        break;
                    }
                    if (end >= str.Length)
                    {
                        break;
                    }
                    (lastStart, lastEnd) = (start, end);
                    (wt, start, end) = NextWord(str, end);
                    if (wt != Word.Alphabet)
                    {
                        // a number is part of the word before it ("Bld4Floor" → "bld4_floor")
                        ToLower(buf, Word.Number, str, lastStart, lastEnd, connector);
                        if (wt is not (Word.Connector or Word.Punct))
                        {
                            WriteRune(buf, connector);
                        }
                        break;
                    }
                    // letters after a number start a new word with it ("HTTP2xx" → "http_2xx")
                    WriteRune(buf, connector);
                    ToLower(buf, Word.Number, str, lastStart, lastEnd, connector);
                    while (wt is Word.Alphabet or Word.Number)
                    {
                        ToLower(buf, wt, str, start, end, connector);
                        (wt, start, end) = NextWord(str, end);
                    }
                    if (wt is not (Word.Invalid or Word.Connector or Word.Punct))
                    {
                        WriteRune(buf, connector);
                    }
                    break;
            }
        }
        ToLower(buf, wt, str, start, end, connector);
        return GoString.FromBytes(buf.WrittenSpan);
    }

    /// <summary>The next word at <paramref name="pos"/>: its kind and byte range (the rest starts at its end).</summary>
    private static (Word Kind, int Start, int End) NextWord(byte[] str, int pos)
    {
        if (pos >= str.Length)
        {
            return (Word.Invalid, pos, pos);
        }
        var offset = pos;
        var (r, size) = NextValidRune(str, offset, RuneError);
        offset += size;
        if (r == RuneError)
        {
            return (Word.Invalid, pos, offset);
        }
        Word wt;
        if (IsConnector(r))
        {
            wt = Word.Connector;
            offset = Extend(str, offset, r, IsConnector);
        }
        else if (IsPunct(r))
        {
            wt = Word.Punct;
            offset = Extend(str, offset, r, IsPunct);
        }
        else if (IsUpper(r))
        {
            wt = Word.UpperCase;
            offset = UpperWordEnd(str, offset, r);
        }
        else if (IsAlphabet(r))
        {
            wt = Word.Alphabet;
            offset = Extend(str, offset, r, x => IsAlphabet(x) && !IsUpper(x));
        }
        else if (IsNumber(r))
        {
            wt = Word.Number;
            offset = Extend(str, offset, r, IsNumber);
        }
        else
        {
            wt = Word.Other;
            offset = OtherWordEnd(str, offset, r);
        }
        return (wt, pos, offset);
    }

    /// <summary>
    /// Where a word starting with the upper-case rune <paramref name="r"/> ends: a run of capitals (but not the last
    /// one when letters follow, which starts the next word), or one capital and lower-case letters.
    /// </summary>
    private static int UpperWordEnd(byte[] str, int offset, int r)
    {
        int size;
        if (offset < str.Length)
        {
            (r, size) = NextValidRune(str, offset, r);
            if (IsUpper(r))
            {
                var prevSize = size;
                offset += size;
                while (offset < str.Length)
                {
                    (r, size) = NextValidRune(str, offset, r);
                    if (!IsUpper(r))
                    {
                        break;
                    }
                    prevSize = size;
                    offset += size;
                }
                // "HTTPStatus" splits into "HTTP" and "Status": the last upper-case rune starts the next word
                if (offset < str.Length && IsAlphabet(r))
                {
                    offset -= prevSize;
                }
            }
            else if (IsAlphabet(r))
            {
                offset += size;
                offset = Extend(str, offset, r, x => IsAlphabet(x) && !IsUpper(x));
            }
        }
        return offset;
    }

    /// <summary>Where a word of other runes (not connectors, letters, digits or punctuation) ends.</summary>
    private static int OtherWordEnd(byte[] str, int offset, int r)
    {
        int size;
        while (offset < str.Length)
        {
            (r, size) = NextValidRune(str, offset, r);
            if (size == 0 || IsConnector(r) || IsAlphabet(r) || IsNumber(r) || IsPunct(r))
            {
                break;
            }
            offset += size;
        }
        return offset;
    }

    private static int Extend(byte[] str, int offset, int prev, Func<int, bool> belongs)
    {
        while (offset < str.Length)
        {
            var (r, size) = NextValidRune(str, offset, prev);
            if (!belongs(r))
            {
                break;
            }
            prev = r;
            offset += size;
        }
        return offset;
    }

    /// <summary>The next rune that is not RuneError, with the bytes up to and including it (or <paramref name="prev"/> at the end).</summary>
    private static (int Rune, int Size) NextValidRune(byte[] str, int pos, int prev)
    {
        var size = 0;
        while (pos < str.Length)
        {
            var (r, sz) = Decode(str, pos);
            size += sz;
            if (r != RuneError)
            {
                return (r, size);
            }
            pos += sz;
        }
        return (prev, size);
    }

    private static void ToLower(ArrayBufferWriter<byte> buf, Word wt, byte[] str, int start, int end, int connector)
    {
        if (wt is not (Word.UpperCase or Word.Connector))
        {
            buf.Write(str.AsSpan(start, end - start));
            return;
        }
        var pos = start;
        while (pos < end)
        {
            var (r, size) = Decode(str, pos);
            pos += size;
            WriteRune(buf, IsConnector(r) ? connector : IsUpper(r) ? ToLower(r) : r);
        }
    }

    /// <summary>utf8.DecodeRuneInString: RuneError and one byte for invalid UTF-8.</summary>
    private static (int Rune, int Size) Decode(byte[] str, int pos)
    {
        if (pos >= str.Length)
        {
            return (RuneError, 0);
        }
        return Rune.DecodeFromUtf8(str.AsSpan(pos), out var r, out var n) == OperationStatus.Done ? (r.Value, n) : (RuneError, 1);
    }

    private static void WriteRune(ArrayBufferWriter<byte> buf, int r)
    {
        var span = buf.GetSpan(4);
        buf.Advance(new Rune(r).EncodeToUtf8(span));
    }

    private static bool IsConnector(int r) => r is '-' or '_' || IsSpace(r);

    private static bool IsSpace(int r) => r is '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or 0x85 or 0xA0
        || (r > 0xFF && Rune.IsWhiteSpace(new Rune(r)));

    private static bool IsUpper(int r) => Rune.IsUpper(new Rune(r));

    private static bool IsPunct(int r) => Rune.IsPunctuation(new Rune(r));

    private static bool IsNumber(int r) => Rune.IsNumber(new Rune(r));

    private static int ToUpper(int r) => Rune.ToUpperInvariant(new Rune(r)).Value;

    private static int ToLower(int r) => Rune.ToLowerInvariant(new Rune(r)).Value;

    /// <summary>xstrings' isAlphabet: a letter that is not a CJK ideograph.</summary>
    private static bool IsAlphabet(int r)
    {
        if (!Rune.IsLetter(new Rune(r)))
        {
            return false;
        }
        return r < 0x3400 || !(r is >= 0x4E00 and <= 0x9FCC or >= 0x3400 and <= 0x4D85 or >= 0x20000 and <= 0x2B81D);
    }
}
