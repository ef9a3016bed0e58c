namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// The syntax errors of Go's <c>regexp/syntax</c> parser (Perl flags, as <c>regexp.Compile</c> uses), found by walking the
/// pattern as Go's parser walks it: the same error code and the same offending text (<c>missing closing ]: `[a`</c>).
/// A pattern Go accepts is translated to .NET's syntax with Go's meaning: <c>\Q…\E</c>, POSIX classes, ASCII-only
/// <c>\d \s \w</c>, <c>\x{…}</c> and octal escapes, <c>$</c> as end of text outside <c>(?m)</c>.
/// </summary>
internal sealed class GoRegexSyntax
{
    private static readonly HashSet<string> UnicodeNames = new(StringComparer.Ordinal)
    {
        "Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
        "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah", "Batak",
        "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal", "Carian",
        "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot",
        "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs",
        "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati", "Gunjala_Gondi",
        "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic",
        "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana", "Kawi",
        "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu",
        "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean",
        "Marchen", "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs",
        "Miao", "Modi", "Mongolian", "Mro", "Multani", "Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue",
        "Newa", "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic",
        "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic", "Old_Uyghur",
        "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi",
        "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian",
        "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham",
        "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto",
        "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square",
    };

    private static readonly Dictionary<string, string> PosixRanges = new(StringComparer.Ordinal)
    {
        ["alnum"] = "0-9A-Za-z", ["alpha"] = "A-Za-z", ["ascii"] = @"\x00-\x7F", ["blank"] = @"\t ", ["cntrl"] = @"\x00-\x1F\x7F",
        ["digit"] = "0-9", ["graph"] = "!-~", ["lower"] = "a-z", ["print"] = " -~", ["punct"] = @"!-/:-@\[-`{-~",
        ["space"] = @"\t\n\v\f\r ", ["upper"] = "A-Z", ["word"] = "0-9A-Za-z_", ["xdigit"] = "0-9A-Fa-f",
    };

    private static readonly Dictionary<char, string> PerlRanges = new()
    {
        ['d'] = "0-9", ['s'] = @"\t\n\f\r ", ['w'] = "0-9A-Za-z_",
    };

    private readonly string whole;
    private readonly System.Text.StringBuilder net = new();
    private readonly Stack<bool> multiline = new();
    private bool multilineNow;
    private bool canRepeat; // the top of Go's parse stack is an operand (not empty, '(' or '|')
    private string? unsupported;

    private GoRegexSyntax(string pattern) => whole = pattern;

    /// <summary>
    /// Go's verdict on <paramref name="pattern"/>: its <c>*syntax.Error</c> text (<c>error parsing regexp: CODE: `EXPR`</c>),
    /// or the .NET pattern with the same meaning (null, with <paramref name="unsupported"/> set, for the few constructs
    /// .NET cannot express).
    /// </summary>
    public static string? Translate(string pattern, out string? dotNet, out string? unsupported)
    {
        var t = new GoRegexSyntax(pattern);
        try
        {
            t.Walk();
            dotNet = t.unsupported is null ? t.net.ToString() : null;
            unsupported = t.unsupported;
            return null;
        }
        catch (SyntaxError e)
        {
            (dotNet, unsupported) = (null, null);
            return $"error parsing regexp: {e.Code}: `{e.Expr}`";
        }
    }

    /// <summary>Go's syntax error, caught inside <see cref="Translate"/> (a FerryException as every exception Ferry defines).</summary>
    private sealed class SyntaxError(string code, string expr) : FerryException(FailureKind.Render, code)
    {
        public string Code { get; } = code;
        public string Expr { get; } = expr;
    }

    private void Walk()
    {
        string? lastRepeat = null;
        var i = 0;
        while (i < whole.Length)
        {
            string? repeat = null;
            var c = whole[i];
            if (c is '*' or '+' or '?' || (c == '{' && RepeatCount(whole, i) is not null))
            {
                repeat = whole[i..];
                var end = c == '{' ? RepeatCount(whole, i)!.Value : i + 1;
                var after = Repeat(whole, i, end, lastRepeat, canRepeat);
                net.Append(whole, i, after - i);
                i = after;
            }
            else
            {
                i = Operand(i);
            }
            lastRepeat = repeat;
        }
        if (multiline.Count > 0)
        {
            throw new SyntaxError("missing closing )", whole);
        }
    }

    /// <summary>Everything but a repetition: groups, alternation, classes, escapes, literals.</summary>
    private int Operand(int i)
    {
        switch (whole[i])
        {
            case '(':
                return Group(i);
            case '|':
                canRepeat = false;
                net.Append('|');
                return i + 1;
            case ')':
                if (multiline.Count == 0)
                {
                    throw new SyntaxError("unexpected )", whole);
                }
                multilineNow = multiline.Pop();
                canRepeat = true;
                net.Append(')');
                return i + 1;
            case '[':
                canRepeat = true;
                return Class(i);
            case '\\':
                return Backslash(i);
            case '$':
                canRepeat = true;
                net.Append(multilineNow ? "(?=\\n|\\z)" : "\\z");
                return i + 1;
            case '^' or '.':
                canRepeat = true;
                net.Append(whole[i]);
                return i + 1;
            default:
                canRepeat = true;
                var width = char.IsSurrogatePair(whole, i) ? 2 : 1;
                net.Append(System.Text.RegularExpressions.Regex.Escape(whole.Substring(i, width)));
                return i + width;
        }
    }

    private int Group(int i)
    {
        if (i + 1 < whole.Length && whole[i + 1] == '?')
        {
            return PerlFlags(i);
        }
        Open(multilineNow);
        net.Append('(');
        return i + 1;
    }

    private void Open(bool restore)
    {
        multiline.Push(restore);
        if (multiline.Count > 1000)
        {
            throw new SyntaxError("expression nests too deeply", whole);
        }
        canRepeat = false;
    }

    /// <summary>Go's parser.repeat: a lazy '?', then no stacked repetition, then an operand to repeat.</summary>
    private static int Repeat(string whole, int op, int after, string? lastRepeat, bool canRepeat)
    {
        if (after < whole.Length && whole[after] == '?')
        {
            after++;
        }
        if (lastRepeat is not null)
        {
            throw new SyntaxError("invalid nested repetition operator", lastRepeat[..(lastRepeat.Length - (whole.Length - after))]);
        }
        if (!canRepeat)
        {
            throw new SyntaxError("missing argument to repetition operator", whole[op..after]);
        }
        return after;
    }
    /// <summary>Go's parseRepeat: the end of a well-formed <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c>, or null (a literal '{').</summary>
    private static int? RepeatCount(string whole, int i)
    {
        var j = i + 1;
        if (Int(whole, ref j) is not { } min)
        {
            return null;
        }
        int max;
        if (j >= whole.Length)
        {
            return null;
        }
        if (whole[j] != ',')
        {
            max = min;
        }
        else
        {
            j++;
            if (j >= whole.Length)
            {
                return null;
            }
            if (whole[j] == '}')
            {
                max = -1;
            }
            else if (Int(whole, ref j) is { } m)
            {
                max = m;
                min = m < 0 ? -1 : min;
            }
            else
            {
                return null;
            }
        }
        if (j >= whole.Length || whole[j] != '}')
        {
            return null;
        }
        j++;
        if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max))
        {
            throw new SyntaxError("invalid repeat count", whole[i..j]);
        }
        return j;
    }

    private static int? Int(string s, ref int j)
    {
        if (j >= s.Length || !char.IsAsciiDigit(s[j]) || (s[j] == '0' && j + 1 < s.Length && char.IsAsciiDigit(s[j + 1])))
        {
            return null;
        }
        long n = 0;
        for (; j < s.Length && char.IsAsciiDigit(s[j]); j++)
        {
            n = n >= 100_000_000 || n < 0 ? -1 : n * 10 + (s[j] - '0');
        }
        return (int)n;
    }

    /// <summary>Go's parsePerlFlags from the '(' at <paramref name="i"/>: named groups and flag groups.</summary>
    private int PerlFlags(int i)
    {
        var s = whole[i..];
        if ((s.Length > 4 && s[2] == 'P' && s[3] == '<') || (s.Length > 3 && s[2] == '<'))
        {
            var begin = s[2] == '<' ? 3 : 4;
            var end = s.IndexOf('>', StringComparison.Ordinal);
            if (end < 0)
            {
                throw new SyntaxError("invalid named capture", s);
            }
            var name = s[begin..end];
            if (name.Length == 0 || !name.All(c => c == '_' || char.IsAsciiLetterOrDigit(c)))
            {
                throw new SyntaxError("invalid named capture", s[..(end + 1)]);
            }
            Open(multilineNow);
            net.Append("(?<").Append(name).Append('>');
            return i + end + 1;
        }
        var j = 2;
        var on = new System.Text.StringBuilder();
        var off = new System.Text.StringBuilder();
        var negated = false;
        var sawFlag = false;
        var m = multilineNow;
        while (j < s.Length)
        {
            var c = s[j++];
            if (c is 'i' or 'm' or 's' or 'U')
            {
                sawFlag = true;
                unsupported ??= c == 'U' ? "the ungreedy flag (?U)" : null;
                (negated ? off : on).Append(c);
                m = c == 'm' ? !negated : m;
                continue;
            }
            if (c == '-' && !negated)
            {
                negated = true;
                sawFlag = false;
                continue;
            }
            if (c is ':' or ')' && (!negated || sawFlag))
            {
                return FlagGroup(i + j, c == ':', on.ToString(), off.ToString(), m);
            }
            break;
        }
        throw new SyntaxError("invalid or unsupported Perl syntax", s[..j]);
    }

    private int FlagGroup(int next, bool opens, string on, string off, bool multilineAfter)
    {
        var flags = on + (off.Length > 0 ? "-" + off : "");
        if (opens)
        {
            Open(multilineNow);
            net.Append("(?").Append(flags).Append(':');
        }
        else if (flags.Length > 0)
        {
            net.Append("(?").Append(flags).Append(')');
        }
        multilineNow = multilineAfter;
        return next;
    }

    /// <summary>Go's parseClass from the '[' at <paramref name="i"/>; returns the index after the closing ']'.</summary>
    private int Class(int i)
    {
        var wholeClass = whole[i..];
        var j = i + 1;
        net.Append('[');
        if (j < whole.Length && whole[j] == '^')
        {
            net.Append('^');
            j++;
        }
        var first = true;
        while (j >= whole.Length || whole[j] != ']' || first)
        {
            first = false;
            if (PosixClass(j) is { } afterPosix)
            {
                j = afterPosix;
                continue;
            }
            if (UnicodeClass(j, inClass: true) is { } afterGroup)
            {
                j = afterGroup;
                continue;
            }
            if (j + 1 < whole.Length && whole[j] == '\\' && "dDsSwW".Contains(whole[j + 1], StringComparison.Ordinal))
            {
                net.Append(PerlRanges.TryGetValue(whole[j + 1], out var range) ? range : whole.Substring(j, 2));
                j += 2;
                continue;
            }
            var rangeStart = j;
            var (lo, next) = ClassChar(j, wholeClass);
            j = next;
            AppendRune(lo);
            if (j + 1 < whole.Length && whole[j] == '-' && whole[j + 1] != ']')
            {
                var (hi, afterHi) = ClassChar(j + 1, wholeClass);
                if (hi < lo)
                {
                    throw new SyntaxError("invalid character class range", whole[rangeStart..afterHi]);
                }
                net.Append('-');
                AppendRune(hi);
                j = afterHi;
            }
        }
        net.Append(']');
        return j + 1;
    }

    /// <summary>A POSIX class (<c>[:alpha:]</c>) inside a class: null when there is none at <paramref name="j"/>.</summary>
    private int? PosixClass(int j)
    {
        if (j + 2 >= whole.Length || whole[j] != '[' || whole[j + 1] != ':')
        {
            return null;
        }
        var close = whole.IndexOf(":]", j + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            return null;
        }
        var name = whole[(j + 2)..close];
        var negated = name.StartsWith('^');
        if (!PosixRanges.TryGetValue(negated ? name[1..] : name, out var range))
        {
            throw new SyntaxError("invalid character class range", whole[j..(close + 2)]);
        }
        if (negated)
        {
            unsupported ??= $"a negated POSIX class {whole[j..(close + 2)]}";
        }
        net.Append(range);
        return close + 2;
    }

    private void AppendRune(int r)
    {
        if (r > 0xFFFF)
        {
            unsupported ??= "a character outside the Basic Multilingual Plane in a character class";
            return;
        }
        net.Append("\\u").Append(r.ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
    }

    private (int Rune, int Next) ClassChar(int j, string wholeClass)
    {
        if (j >= whole.Length)
        {
            throw new SyntaxError("missing closing ]", wholeClass);
        }
        return whole[j] == '\\' ? Escape(whole, j) : (char.ConvertToUtf32(whole, j), j + (char.IsSurrogatePair(whole, j) ? 2 : 1));
    }

    /// <summary>A backslash outside a class: assertions, <c>\Q…\E</c>, <c>\p</c> groups, Perl classes or an escape.</summary>
    private int Backslash(int i)
    {
        if (i + 1 < whole.Length)
        {
            var c = whole[i + 1];
            switch (c)
            {
                case 'A' or 'b' or 'B' or 'z':
                    net.Append('\\').Append(c);
                    canRepeat = true;
                    return i + 2;
                case 'C':
                    throw new SyntaxError("invalid escape sequence", @"\C");
                case 'Q':
                    var end = whole.IndexOf(@"\E", i + 2, StringComparison.Ordinal);
                    var literal = end < 0 ? whole[(i + 2)..] : whole[(i + 2)..end];
                    net.Append(System.Text.RegularExpressions.Regex.Escape(literal));
                    canRepeat |= literal.Length > 0;
                    return end < 0 ? whole.Length : end + 2;
                case 'd' or 'D' or 's' or 'S' or 'w' or 'W':
                    var range = PerlRanges[char.ToLowerInvariant(c)];
                    net.Append(char.IsLower(c) ? $"[{range}]" : $"[^{range}]");
                    canRepeat = true;
                    return i + 2;
            }
        }
        canRepeat = true;
        if (UnicodeClass(i, inClass: false) is { } afterGroup)
        {
            return afterGroup;
        }
        var (rune, next) = Escape(whole, i);
        if (rune > 0xFFFF)
        {
            net.Append(System.Text.RegularExpressions.Regex.Escape(char.ConvertFromUtf32(rune)));
        }
        else
        {
            AppendRune(rune);
        }
        return next;
    }

    /// <summary>Go's parseUnicodeClass: null when the text is not <c>\p</c>/<c>\P</c>; else the index after it.</summary>
    private int? UnicodeClass(int i, bool inClass)
    {
        if (i + 1 >= whole.Length || whole[i] != '\\' || whole[i + 1] is not ('p' or 'P'))
        {
            return null;
        }
        var s = whole[i..];
        string seq, name;
        if (s.Length > 2 && s[2] == '{')
        {
            var end = s.IndexOf('}', StringComparison.Ordinal);
            if (end < 0)
            {
                throw new SyntaxError("invalid character class range", s);
            }
            (seq, name) = (s[..(end + 1)], s[3..end]);
        }
        else
        {
            seq = s[..Math.Min(s.Length, 2 + (s.Length > 2 && char.IsSurrogatePair(s, 2) ? 2 : 1))];
            name = seq[2..];
        }
        var negated = s[1] == 'P';
        if (name.StartsWith('^'))
        {
            (name, negated) = (name[1..], !negated);
        }
        if (!UnicodeNames.Contains(name))
        {
            throw new SyntaxError("invalid character class range", seq);
        }
        if (name == "Any")
        {
            net.Append((negated, inClass) switch { (false, true) => @"\u0000-\uFFFF", (false, false) => @"[\s\S]", _ => @"[^\s\S]" });
            unsupported ??= negated && inClass ? @"\P{Any} in a character class" : null;
        }
        else if (name.Length <= 2)
        {
            net.Append(negated ? @"\P{" : @"\p{").Append(name).Append('}');
        }
        else
        {
            unsupported ??= $"the Unicode script class {seq}";
        }
        return i + seq.Length;
    }

    /// <summary>Go's parseEscape at the backslash <paramref name="i"/>: the rune and the index after the escape.</summary>
    private static (int Rune, int Next) Escape(string whole, int i)
    {
        var j = i + 1;
        if (j >= whole.Length)
        {
            throw new SyntaxError("trailing backslash at end of expression", "");
        }
        var c = whole[j++];
        if (c < 0x80 && !char.IsAsciiLetterOrDigit(c))
        {
            return (c, j);
        }
        switch (c)
        {
            case >= '1' and <= '7' when j < whole.Length && whole[j] is >= '0' and <= '7':
            case '0':
                var r = c - '0';
                for (var k = 1; k < 3 && j < whole.Length && whole[j] is >= '0' and <= '7'; k++)
                {
                    r = r * 8 + (whole[j++] - '0');
                }
                return (r, j);
            case 'x':
                if (HexEscape(whole, ref j) is { } x)
                {
                    return (x, j);
                }
                break;
            case 'a':
                return (7, j);
            case 'f':
                return (12, j);
            case 'n':
                return (10, j);
            case 'r':
                return (13, j);
            case 't':
                return (9, j);
            case 'v':
                return (11, j);
        }
        throw new SyntaxError("invalid escape sequence", whole[i..Math.Min(j, whole.Length)]);
    }

    private static int? HexEscape(string whole, ref int j)
    {
        if (j >= whole.Length)
        {
            return null;
        }
        if (whole[j] == '{')
        {
            j++;
            var digits = 0;
            var r = 0;
            while (j < whole.Length)
            {
                var c = whole[j++];
                if (c == '}')
                {
                    return digits == 0 ? null : r;
                }
                if (!char.IsAsciiHexDigit(c) || (r = r * 16 + Convert.ToInt32(c.ToString(), 16)) > 0x10FFFF)
                {
                    return null;
                }
                digits++;
            }
            return null;
        }
        var hi = whole[j++];
        var lo = j < whole.Length ? whole[j++] : '\0';
        return char.IsAsciiHexDigit(hi) && char.IsAsciiHexDigit(lo) ? Convert.ToInt32($"{hi}{lo}", 16) : null;
    }
}
