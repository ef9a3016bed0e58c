using System.Globalization;
using System.Text.RegularExpressions;

namespace Ferry.Templates.Formatting;

/// <summary>How go-yaml v2 sees a scalar: which styles a string may take (plain, quoted, literal block), and which strings would read back as
/// another type (so toYaml quotes them).</summary>
public static partial class GoYaml
{
    private static bool IsBreak(int r) => r is '\r' or '\n' or 0x85 or 0x2028 or 0x2029;

    /// <summary>go-yaml v2's is_printable (note: tab and characters beyond the BMP are not).</summary>
    private static bool IsPrintable(int r) =>
        r == 0x0A || (r >= 0x20 && r <= 0x7E) || (r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF);

    private readonly record struct Analysis(bool Multiline, bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed);

    private static Analysis Analyze(string s)
    {
        if (s.Length == 0)
        {
            return new Analysis(false, true, true, false);
        }
        var v = s.EnumerateRunes().Select(r => r.Value).ToArray();
        bool blockIndicators = false, lineBreaks = false, special = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, breakSpace = false, spaceBreak = false;
        bool previousSpace = false, previousBreak = false;
        if (s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal))
        {
            blockIndicators = true;
        }
        var precededByWhitespace = true;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            var followedByWhitespace = i + 1 >= v.Length || v[i + 1] is ' ' or '\t';
            if (i == 0)
            {
                switch (c)
                {
                    case '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`':
                        blockIndicators = true;
                        break;
                    case '?' or ':':
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                    case '-':
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                }
            }
            else
            {
                switch (c)
                {
                    case ':':
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                    case '#':
                        if (precededByWhitespace)
                        {
                            blockIndicators = true;
                        }
                        break;
                }
            }
            if (!IsPrintable(c))
            {
                special = true;
            }
            if (c == ' ')
            {
                if (i == 0)
                {
                    leadingSpace = true;
                }
                if (i == v.Length - 1)
                {
                    trailingSpace = true;
                }
                if (previousBreak)
                {
                    breakSpace = true;
                }
                previousSpace = true;
                previousBreak = false;
            }
            else if (IsBreak(c))
            {
                lineBreaks = true;
                if (i == 0)
                {
                    leadingBreak = true;
                }
                if (i == v.Length - 1)
                {
                    trailingBreak = true;
                }
                if (previousSpace)
                {
                    spaceBreak = true;
                }
                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = c is ' ' or '\t' || IsBreak(c);
        }
        bool blockPlain = true, single = true, block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
        {
            blockPlain = false;
        }
        if (trailingSpace)
        {
            block = false;
        }
        if (breakSpace)
        {
            blockPlain = false;
            single = false;
        }
        if (spaceBreak || special)
        {
            blockPlain = false;
            single = false;
            block = false;
        }
        if (lineBreaks)
        {
            blockPlain = false;
        }
        if (blockIndicators)
        {
            blockPlain = false;
        }
        return new Analysis(lineBreaks, blockPlain, single, block);
    }

    /// <summary>go-yaml v2's encoder choice: literal for multi-line, plain when it reads back as the same string, else double quotes.</summary>
    private static Style StringStyle(string s)
    {
        if (s.Contains('\n', StringComparison.Ordinal))
        {
            return Style.Literal;
        }
        return ResolvesToString(s) && !Base60Float().IsMatch(s) ? Style.Plain : Style.Double;
    }

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Base60Float();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlStyleFloat();

    private static readonly HashSet<string> SpecialScalars = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        "", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    };

    /// <summary>Whether go-yaml v2's resolver reads the plain scalar back as a string.</summary>
    public static bool ResolvesToString(string s)
    {
        if (SpecialScalars.Contains(s))
        {
            return false;
        }
        var c = s[0];
        if (c == '.')
        {
            return !GoNumberParser.TryParseFloat(s, out _) || s.Any(ch => char.IsAsciiLetter(ch) && ch is not ('e' or 'E'));
        }
        if (c is not ('+' or '-' or (>= '0' and <= '9')))
        {
            return true;
        }
        if (IsTimestamp(s))
        {
            return false;
        }
        var plain = s.Replace("_", "", StringComparison.Ordinal);
        if (GoNumberParser.TryParseInt(plain, out _) || GoNumberParser.TryParseUint(plain, out _))
        {
            return false;
        }
        if (YamlStyleFloat().IsMatch(plain) && GoNumberParser.TryParseFloat(plain, out _))
        {
            return false;
        }
        if (plain.StartsWith("0b", StringComparison.Ordinal) || plain.StartsWith("-0b", StringComparison.Ordinal))
        {
            var digits = plain[(plain.IndexOf('b', StringComparison.Ordinal) + 1)..];
            if (digits.Length > 0 && digits.All(ch => ch is '0' or '1'))
            {
                return false;
            }
        }
        return true;
    }

    [GeneratedRegex(
        @"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d{1,9})?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex TimestampRegex();

    private static bool IsTimestamp(string s)
    {
        var m = TimestampRegex().Match(s);
        if (!m.Success)
        {
            return false;
        }
        var month = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var day = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        var year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month))
        {
            return false;
        }
        if (m.Groups[4].Success)
        {
            var h = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
            var mi = int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
            var se = int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture);
            if (h > 23 || mi > 59 || se > 59)
            {
                return false;
            }
        }
        return true;
    }
}
