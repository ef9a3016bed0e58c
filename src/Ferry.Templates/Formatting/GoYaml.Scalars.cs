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
        var blockIndicators = s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal);
        var special = false;
        var spaces = new Spacing();
        var precededByWhitespace = true;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            var followedByWhitespace = i + 1 >= v.Length || v[i + 1] is ' ' or '\t';
            blockIndicators |= IsIndicator(c, i == 0, followedByWhitespace, precededByWhitespace);
            special |= !IsPrintable(c);
            spaces.See(c, i == 0, i == v.Length - 1);
            precededByWhitespace = c is ' ' or '\t' || IsBreak(c);
        }
        var blockPlain = !(spaces.Leading || spaces.Trailing || spaces.BreakSpace || spaces.SpaceBreak || special || spaces.LineBreaks
            || blockIndicators);
        var single = !(spaces.BreakSpace || spaces.SpaceBreak || special);
        var block = !(spaces.TrailingSpace || spaces.SpaceBreak || special);
        return new Analysis(spaces.LineBreaks, blockPlain, single, block);
    }

    /// <summary>Whether the character makes a plain scalar read as YAML syntax (go-yaml's flow and block indicators).</summary>
    private static bool IsIndicator(int c, bool first, bool followedByWhitespace, bool precededByWhitespace) => first
        ? c switch
        {
            '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' => true,
            '?' or ':' or '-' => followedByWhitespace,
            _ => false,
        }
        : c switch
        {
            ':' => followedByWhitespace,
            '#' => precededByWhitespace,
            _ => false,
        };

    /// <summary>Where a scalar has spaces and line breaks: at its ends, and a space next to a break.</summary>
    private sealed class Spacing
    {
        private bool _previousSpace;
        private bool _previousBreak;

        public bool LineBreaks { get; private set; }

        /// <summary>Starts with a space or a break.</summary>
        public bool Leading { get; private set; }

        /// <summary>Ends with a space or a break.</summary>
        public bool Trailing { get; private set; }

        public bool TrailingSpace { get; private set; }

        /// <summary>A space follows a break.</summary>
        public bool BreakSpace { get; private set; }

        /// <summary>A break follows a space.</summary>
        public bool SpaceBreak { get; private set; }

        public void See(int c, bool first, bool last)
        {
            var space = c == ' ';
            var lineBreak = !space && IsBreak(c);
            if (space || lineBreak)
            {
                Leading |= first;
                Trailing |= last;
            }
            TrailingSpace |= space && last;
            BreakSpace |= space && _previousBreak;
            SpaceBreak |= lineBreak && _previousSpace;
            LineBreaks |= lineBreak;
            (_previousSpace, _previousBreak) = (space, lineBreak);
        }
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
