using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's string functions.</summary>
internal static class StringFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Fixed("trim", 1, a => AsString(a[0]).Trim(GoSpaces)));
        r.Add(TemplateFunction.Fixed("trimAll", 2, a => AsString(a[1]).Trim(AsString(a[0]).ToCharArray())));
        r.Add(TemplateFunction.Fixed("trimPrefix", 2, a => TrimPrefix(AsString(a[1]), AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("trimSuffix", 2, a => TrimSuffix(AsString(a[1]), AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("upper", 1, a => GoString.ReplaceInvalid(AsString(a[0])).ToUpperInvariant()));
        r.Add(TemplateFunction.Fixed("lower", 1, a => GoString.ReplaceInvalid(AsString(a[0])).ToLowerInvariant()));
        r.Add(TemplateFunction.Fixed("title", 1, a => Title(GoString.ReplaceInvalid(AsString(a[0])))));
        r.Add(TemplateFunction.Fixed("untitle", 1, a => Untitle(GoString.ReplaceInvalid(AsString(a[0])))));
        r.Add(TemplateFunction.Fixed("repeat", 2, a => Repeat(AsInt(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("substr", 3, a => Substr(AsInt(a[0]), AsInt(a[1]), AsString(a[2]))));
        r.Add(TemplateFunction.Fixed("nospace", 1, a => new string(AsString(a[0]).Where(c => !char.IsWhiteSpace(c)).ToArray())));
        r.Add(TemplateFunction.Fixed("trunc", 2, a => Trunc(AsInt(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("abbrev", 2, a => Abbrev(AsInt(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("abbrevboth", 3, a => AbbrevBoth(AsInt(a[0]), AsInt(a[1]), AsString(a[2]))));
        r.Add(TemplateFunction.Fixed("initials", 1, a => CaseFunctions.Initials(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("wrap", 2, a => Wrap(AsInt(a[0]), "\n", AsString(a[1]), wrapLongWords: false)));
        r.Add(TemplateFunction.Fixed("wrapWith", 3, a => Wrap(AsInt(a[0]), AsString(a[1]), AsString(a[2]), wrapLongWords: true)));
        r.Add(TemplateFunction.Fixed("contains", 2, a => AsString(a[1]).Contains(AsString(a[0]), StringComparison.Ordinal)));
        r.Add(TemplateFunction.Fixed("hasPrefix", 2, a => AsString(a[1]).StartsWith(AsString(a[0]), StringComparison.Ordinal)));
        r.Add(TemplateFunction.Fixed("hasSuffix", 2, a => AsString(a[1]).EndsWith(AsString(a[0]), StringComparison.Ordinal)));
        r.Add(TemplateFunction.Variadic("quote", 0, a => string.Join(" ", a.Where(x => x is not null).Select(x => GoQuote.Quote(Str(x))))));
        r.Add(TemplateFunction.Variadic("squote", 0, a => string.Join(" ", a.Where(x => x is not null).Select(x => "'" + Str(x) + "'"))));
        r.Add(TemplateFunction.Variadic("cat", 0, a => string.Join(" ", a.Where(x => x is not null).Select(x => GoFmt.FormatValue(x)))));
        r.Add(TemplateFunction.Fixed("indent", 2, a => Indent(AsInt(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("nindent", 2, a => "\n" + Indent(AsInt(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("replace", 3, a => GoReplace(AsString(a[2]), AsString(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("plural", 3, a => AsInt(a[2]) == 1 ? AsString(a[0]) : AsString(a[1])));
        r.Add(TemplateFunction.Fixed("snakecase", 1, a => CaseFunctions.Snake(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("camelcase", 1, a => CaseFunctions.Camel(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("kebabcase", 1, a => CaseFunctions.Kebab(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("swapcase", 1, a => CaseFunctions.Swap(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("toString", 1, a => Str(a[0])));
        r.Add(TemplateFunction.Fixed("toStrings", 1, a => GoTypedList.Strings(StrSlice(a[0]))));
        r.Add(TemplateFunction.Fixed("join", 2, a => string.Join(AsString(a[0]), StrSlice(a[1]))));
        r.Add(TemplateFunction.Fixed("split", 2, a => SplitMap(GoSplit(AsString(a[1]), AsString(a[0]), -1))));
        r.Add(TemplateFunction.Fixed("splitList", 2, a => GoTypedList.Strings(GoSplit(AsString(a[1]), AsString(a[0]), -1))));
        r.Add(TemplateFunction.Fixed("splitn", 3, a => SplitMap(GoSplit(AsString(a[2]), AsString(a[0]), AsInt(a[1])))));
#pragma warning disable CA5350 // sha1sum is a checksum function charts call by name, not a security primitive
        r.Add(TemplateFunction.Fixed("sha1sum", 1, a =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(GoString.ToBytes(AsString(a[0]))))));
#pragma warning restore CA5350
        r.Add(TemplateFunction.Fixed("sha256sum", 1, a =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(GoString.ToBytes(AsString(a[0]))))));
        r.Add(TemplateFunction.Fixed("sha512sum", 1, a =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(GoString.ToBytes(AsString(a[0]))))));
        r.Add(TemplateFunction.Fixed("adler32sum", 1, a => Adler32(GoString.ToBytes(AsString(a[0]))).ToString(CultureInfo.InvariantCulture)));
        r.Add(TemplateFunction.Fixed("b64enc", 1, a => Convert.ToBase64String(GoString.ToBytes(AsString(a[0])))));
        r.Add(TemplateFunction.Fixed("b64dec", 1, a => B64Dec(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("b32enc", 1, a => Base32.Encode(GoString.ToBytes(AsString(a[0])))));
        r.Add(TemplateFunction.Fixed("b32dec", 1, a => Base32.TryDecode(AsString(a[0]), out var b) ? GoString.FromBytes(b)
            : "illegal base32 data at input byte 0"));
    }

    internal static readonly char[] GoSpaces = [' ', '\t', '\n', '\v', '\f', '\r', '\u0085', '\u00a0'];

    private static string TrimPrefix(string s, string p) => p.Length > 0 && s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s;

    private static string TrimSuffix(string s, string p) => p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s;

    private static string Repeat(int count, string s)
    {
        if (count < 0)
        {
            throw new TemplateFunctionException("strings: negative Repeat count");
        }
        if ((long)count * s.Length > 64L * 1024 * 1024)
        {
            throw new TemplateFunctionException("repeat: result too large");
        }
        return new StringBuilder(s.Length * count).Insert(0, s, count).ToString();
    }

    /// <summary>Go's deprecated strings.Title: upper-cases the first letter of each word.</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = ' ';
        foreach (var c in s)
        {
            sb.Append(IsSeparator(prev) ? char.ToUpperInvariant(c) : c);
            prev = c;
        }
        return sb.ToString();
    }

    private static bool IsSeparator(char r)
    {
        if (r <= 0x7F)
        {
            return !(char.IsAsciiLetterOrDigit(r) || r == '_');
        }
        return !char.IsLetterOrDigit(r) && char.IsWhiteSpace(r);
    }

    private static string Untitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = ' ';
        foreach (var c in s)
        {
            sb.Append(char.IsWhiteSpace(prev) ? char.ToLowerInvariant(c) : c);
            prev = c;
        }
        return sb.ToString();
    }

    // sprig's substr and trunc slice the string's bytes, and panic (an error) on bounds Go rejects
    private static string Substr(int start, int end, string s)
    {
        if (start < 0)
        {
            return GoString.Slice(s, null, end);
        }
        if (end < 0 || end > GoString.ByteCount(s))
        {
            return GoString.Slice(s, start, null);
        }
        return GoString.Slice(s, start, end);
    }

    private static string Trunc(int c, string s)
    {
        var length = GoString.ByteCount(s);
        if (c < 0 && length + c > 0)
        {
            return GoString.Slice(s, length + c, null);
        }
        if (c >= 0 && length > c)
        {
            return GoString.Slice(s, null, c);
        }
        return s;
    }

    private static string Abbrev(int width, string s)
    {
        if (width < 4)
        {
            return s;
        }
        return s.Length <= width ? s : s[..(width - 3)] + "...";
    }

    private static string AbbrevBoth(int left, int right, string s)
    {
        if (right < 4 || (left > 0 && right < 7))
        {
            return s;
        }
        if (s.Length <= right)
        {
            return s;
        }
        if (left > s.Length)
        {
            left = s.Length;
        }
        if (s.Length - left < right - 3)
        {
            left = s.Length - (right - 3);
        }
        if (left <= 4)
        {
            return Abbrev(right, s);
        }
        if (left + right - 3 < s.Length)
        {
            return "..." + Abbrev(right - 3, s[left..]);
        }
        return "..." + s[(s.Length - (right - 3))..];
    }

    /// <summary>
    /// goutils' WrapCustom as sprig calls it: the whole string is one line whose words are split at ' ' only (a
    /// newline inside is an ordinary character), leading spaces of a new line are dropped, and widths count UTF-8
    /// bytes. <c>wrap</c> leaves a word longer than the width whole; <c>wrapWith</c> cuts it.
    /// </summary>
    private static string Wrap(int width, string sep, string s, bool wrapLongWords)
    {
        if (s.Length == 0)
        {
            return "";
        }
        if (sep.Length == 0)
        {
            sep = "\n";
        }
        width = Math.Max(width, 1);
        var str = GoString.ToBytes(s);
        var newLine = GoString.ToBytes(sep);
        var output = new List<byte>(str.Length + 16);
        var offset = 0;
        while (str.Length - offset > width)
        {
            if (str[offset] == (byte)' ')
            {
                offset++;
                continue;
            }
            var window = str.AsSpan(offset, Math.Min(width + 1, str.Length - offset));
            var space = window.LastIndexOf((byte)' ');
            if (space >= 0)
            {
                output.AddRange(str.AsSpan(offset, space));
                output.AddRange(newLine);
                offset += space + 1;
            }
            else if (wrapLongWords)
            {
                output.AddRange(str.AsSpan(offset, width));
                output.AddRange(newLine);
                offset += width;
            }
            else
            {
                var next = str.AsSpan(offset + width).IndexOf((byte)' ');
                if (next < 0)
                {
                    break;
                }
                output.AddRange(str.AsSpan(offset, width + next));
                output.AddRange(newLine);
                offset += width + next + 1;
            }
        }
        output.AddRange(str.AsSpan(offset));
        return GoString.FromBytes(CollectionsMarshal.AsSpan(output));
    }

    private static string Indent(int spaces, string s)
    {
        if (spaces < 0)
        {
            throw new TemplateFunctionException("strings: negative Repeat count"); // Go's panic, recovered by text/template
        }
        var pad = new string(' ', spaces);
        return pad + s.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    /// <summary>sprig's split and splitn: a <c>map[string]string</c> of the parts under <c>_0</c>, <c>_1</c>...</summary>
    private static GoTypedDictionary SplitMap(List<string> parts)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Count; i++)
        {
            d["_" + i.ToString(CultureInfo.InvariantCulture)] = parts[i];
        }
        return new GoTypedDictionary("map[string]string", d);
    }

    /// <summary>Go's strings.Replace(s, old, new, -1): an empty old inserts new before each character and at the end.</summary>
    internal static string GoReplace(string s, string oldValue, string newValue)
    {
        if (oldValue.Length > 0)
        {
            return s.Replace(oldValue, newValue, StringComparison.Ordinal);
        }
        var sb = new StringBuilder(s.Length + ((s.Length + 1) * newValue.Length));
        for (var i = 0; i < s.Length; i++)
        {
            sb.Append(newValue).Append(s[i]);
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(s[++i]); // one character (rune), as Go counts them
            }
        }
        return sb.Append(newValue).ToString();
    }

    /// <summary>Go's strings.SplitN: an empty separator splits after each character; n &lt; 0 means all parts, 0 none.</summary>
    internal static List<string> GoSplit(string s, string sep, int n)
    {
        var parts = new List<string>();
        if (n == 0)
        {
            return parts;
        }
        if (sep.Length == 0)
        {
            var runes = s.EnumerateRunes().Select(r => r.ToString()).ToList();
            if (n > 0 && runes.Count > n)
            {
                runes[n - 1] = string.Concat(runes.Skip(n - 1));
                runes.RemoveRange(n, runes.Count - n);
            }
            return runes;
        }
        var start = 0;
        while (n < 0 || parts.Count < n - 1)
        {
            var i = s.IndexOf(sep, start, StringComparison.Ordinal);
            if (i < 0)
            {
                break;
            }
            parts.Add(s[start..i]);
            start = i + sep.Length;
        }
        parts.Add(s[start..]);
        return parts;
    }

    private static uint Adler32(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }
        return (b << 16) | a;
    }

    /// <summary>Sprig's b64dec: Go's StdEncoding.DecodeString, or its error text (at the byte Go names).</summary>
    private static string B64Dec(string s)
    {
        var src = GoString.ToBytes(s);
        var bad = GoBase64Error(src);
        return bad is { } at ? $"illegal base64 data at input byte {at}" : GoString.FromBytes(
                Convert.FromBase64String(Encoding.ASCII.GetString(src.Where(b => b is not ((byte)'\r' or (byte)'\n')).ToArray())));
    }

    /// <summary>
    /// Where Go's base64.StdEncoding rejects <paramref name="src"/> (CorruptInputError's offset), or null when it
    /// decodes: quanta of four alphabet characters, CR and LF skipped, '=' padding only at the end of the last one.
    /// </summary>
    private static int? GoBase64Error(byte[] src)
    {
        static bool Alphabet(byte c) =>
            c is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/';
        static bool Newline(byte c) => c is (byte)'\r' or (byte)'\n';
        var si = 0;
        while (true)
        {
            for (var j = 0; j < 4; j++)
            {
                if (si == src.Length)
                {
                    return j == 0 ? null : si - j;
                }
                var c = src[si++];
                if (Alphabet(c))
                {
                    continue;
                }
                if (Newline(c))
                {
                    j--;
                    continue;
                }
                if (c != (byte)'=' || j < 2)
                {
                    return si - 1;
                }
                if (j == 2)
                {
                    while (si < src.Length && Newline(src[si]))
                    {
                        si++;
                    }
                    if (si == src.Length)
                    {
                        return src.Length;
                    }
                    if (src[si] != (byte)'=')
                    {
                        return si - 1;
                    }
                    si++;
                }
                while (si < src.Length && Newline(src[si]))
                {
                    si++;
                }
                return si < src.Length ? si : null;
            }
        }
    }
}
