using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Ferry.Charts.Schema;

/// <summary>
/// The <c>format</c> checks Helm's validator asserts for drafts before 2019-09, with its reasons. Only strings are
/// checked; an unknown format passes, as there.
/// </summary>
internal static class SchemaFormats
{
    /// <summary>Null when <paramref name="v"/> has the format (or is not a string); else why not.</summary>
    public static string? Check(string format, object? v)
    {
        if (v is not string s)
        {
            return null;
        }
        return format switch
        {
            "ipv4" => Ipv4(s),
            "ipv6" => Ipv6(s),
            "hostname" => Hostname(s),
            "email" => Email(s),
            "date" => Date(s),
            "time" => Time(s),
            "date-time" => DateTime(s),
            "uuid" => Uuid(s),
            "json-pointer" => JsonPointer(s),
            "regex" => RegexFormat(s),
            "uri" => Uri(s, reference: false),
            "uri-reference" => Uri(s, reference: true),
            "duration" => Duration(s),
            _ => null,
        };
    }

    private static string? Ipv4(string s)
    {
        var groups = s.Split('.');
        if (groups.Length != 4)
        {
            return "expected four decimals";
        }
        foreach (var g in groups)
        {
            if (g.Length > 1 && g[0] == '0')
            {
                return "leading zeros";
            }
            if (!int.TryParse(g, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return $"strconv.Atoi: parsing {Ferry.Templates.Formatting.GoQuote.Quote(g)}: invalid syntax";
            }
            if (n is < 0 or > 255)
            {
                return "decimal must be between 0 and 255";
            }
        }
        return null;
    }

    private static string? Ipv6(string s)
    {
        if (!s.Contains(':', StringComparison.Ordinal))
        {
            return "missing colon";
        }
        if (s.Contains('%', StringComparison.Ordinal))
        {
            return "zone id is not a part of ipv6 address";
        }
        return IPAddress.TryParse(s, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? null
            : $"ParseAddr({Ferry.Templates.Formatting.GoQuote.Quote(s)}): invalid IPv6 address";
    }

    private static string? Hostname(string s)
    {
        s = s.EndsWith('.') ? s[..^1] : s;
        if (s.Length > 253)
        {
            return "more than 253 characters long";
        }
        foreach (var label in s.Split('.'))
        {
            if (label.Length is < 1 or > 63)
            {
                return "label must be 1 to 63 characters long";
            }
            if (label.StartsWith('-'))
            {
                return "label starts with hyphen";
            }
            if (label.EndsWith('-'))
            {
                return "label ends with hyphen";
            }
            foreach (var r in label.EnumerateRunes())
            {
                if (!(r.Value is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-'))
                {
                    return $"invalid character {Ferry.Templates.Formatting.GoQuote.QuoteRune(r.Value)}";
                }
            }
        }
        return null;
    }

    private static string? Email(string s)
    {
        if (s.Length > 254)
        {
            return "more than 255 characters long";
        }
        var at = s.LastIndexOf('@');
        if (at < 0)
        {
            return "missing @";
        }
        var local = s[..at];
        var domain = s[(at + 1)..];
        if (local.Length > 64)
        {
            return "local part more than 64 characters long";
        }
        if (local.Length > 1 && local.StartsWith('"') && local.EndsWith('"'))
        {
            if (local[1..^1].IndexOfAny(['\\', '"']) >= 0)
            {
                return "backslash and quote are not allowed within quoted local part";
            }
        }
        else
        {
            if (local.StartsWith('.'))
            {
                return "starts with dot";
            }
            if (local.EndsWith('.'))
            {
                return "ends with dot";
            }
            if (local.Contains("..", StringComparison.Ordinal))
            {
                return "consecutive dots";
            }
            foreach (var r in local.EnumerateRunes())
            {
                if (!(r.Value is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                    || ".!#$%&'*+-/=?^_`{|}~".Contains((char)r.Value, StringComparison.Ordinal)))
                {
                    return $"invalid character {Ferry.Templates.Formatting.GoQuote.QuoteRune(r.Value)}";
                }
            }
        }
        if (domain.StartsWith('[') && domain.EndsWith(']'))
        {
            var inner = domain[1..^1];
            if (inner.StartsWith("IPv6:", StringComparison.Ordinal))
            {
                return Ipv6(inner[5..]) is { } e6 ? $"invalid ipv6 address: {e6}" : null;
            }
            return Ipv4(inner) is { } e4 ? $"invalid ipv4 address: {e4}" : null;
        }
        return Hostname(domain) is { } eh ? $"invalid domain: {eh}" : null;
    }

    private static string? Date(string s) =>
        System.DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? null
            : $"parsing time {Ferry.Templates.Formatting.GoQuote.Quote(s)} as \"2006-01-02\": " +
                $"cannot parse {Ferry.Templates.Formatting.GoQuote.Quote(s)} as \"2006\"";

    private static string? Time(string str)
    {
        if (str.Length < 9)
        {
            return "less than 9 characters long";
        }
        if (str[2] != ':' || str[5] != ':')
        {
            return "missing colon in correct place";
        }
        var hms = new int[3];
        var parts = str[..8].Split(':');
        for (var i = 0; i < 3; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out hms[i]))
            {
                return "invalid hour/min/sec";
            }
            if (hms[i] < 0)
            {
                return "non-positive hour/min/sec";
            }
        }
        var (h, m, sec) = (hms[0], hms[1], hms[2]);
        if (h > 23 || m > 59 || sec > 60)
        {
            return "hour/min/sec out of range";
        }
        var rest = str[8..];
        if (rest.StartsWith('.'))
        {
            var digits = rest[1..].TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0)
            {
                return "no digits in second fraction";
            }
            rest = rest[(1 + digits)..];
        }
        if (rest is not ("z" or "Z"))
        {
            if (rest.Length != 6)
            {
                return "offset must be 6 characters long";
            }
            var sign = rest[0] switch { '+' => -1, '-' => 1, _ => 0 };
            if (sign == 0)
            {
                return "offset must begin with plus/minus";
            }
            rest = rest[1..];
            if (rest[2] != ':')
            {
                return "missing colon in offset in correct place";
            }
            var zone = rest.Split(':', 2);
            if (!int.TryParse(zone[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var zh)
                || !int.TryParse(zone[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var zm))
            {
                return "invalid hour/min in offset";
            }
            if (zh < 0 || zm < 0)
            {
                return "non-positive hour/min in offset";
            }
            if (zh > 23 || zm > 59)
            {
                return "hour/min in offset out of range";
            }
            var total = (h * 60) + m + (sign * ((zh * 60) + zm));
            if (total < 0)
            {
                total += 24 * 60;
            }
            (h, m) = (total / 60, total % 60);
        }
        return sec >= 60 && (h != 23 || m != 59) ? "invalid leap second" : null;
    }

    private static string? DateTime(string s)
    {
        if (s.Length < 20)
        {
            return "less than 20 characters long";
        }
        if (s[10] is not ('t' or 'T'))
        {
            return "11th character must be t or T";
        }
        if (Date(s[..10]) is { } de)
        {
            return $"invalid date element: {de}";
        }
        return Time(s[11..]) is { } te ? $"invalid time element: {te}" : null;
    }

    private static string? Uuid(string s)
    {
        int[] sizes = [8, 4, 4, 4, 12];
        var groups = s.Split('-');
        if (groups.Length != sizes.Length)
        {
            return "must have 5 elements";
        }
        for (var i = 0; i < groups.Length; i++)
        {
            if (groups[i].Length != sizes[i])
            {
                return $"element {i + 1} must be {sizes[i]} characters long";
            }
            foreach (var ch in groups[i])
            {
                if (!char.IsAsciiHexDigit(ch))
                {
                    return $"non-hex character {Ferry.Templates.Formatting.GoQuote.QuoteRune(ch)}";
                }
            }
        }
        return null;
    }

    private static string? JsonPointer(string s)
    {
        if (s.Length == 0)
        {
            return null;
        }
        if (!s.StartsWith('/'))
        {
            return "not starting with /";
        }
        foreach (var token in s.Split('/').Skip(1))
        {
            for (var i = 0; i < token.Length; i++)
            {
                if (token[i] == '~' && (i + 1 >= token.Length || token[i + 1] is not ('0' or '1')))
                {
                    return "~ must be followed by 0 or 1";
                }
            }
        }
        return null;
    }

    private static string? RegexFormat(string s)
    {
        try
        {
            _ = new Regex(s, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private static string? Uri(string s, bool reference)
    {
        if (s.Any(c => c > 127))
        {
            return "has unescaped non-ASCII characters";
        }
        if (s.IndexOfAny(['<', '>', '"', ' ', '{', '}', '|', '\\', '^', '`']) >= 0)
        {
            return "has illegal ASCII characters";
        }
        if (!System.Uri.TryCreate(s, UriKind.RelativeOrAbsolute, out var u))
        {
            return $"parse {Ferry.Templates.Formatting.GoQuote.Quote(s)}: invalid URI";
        }
        return !reference && !u.IsAbsoluteUri ? "relative url" : null;
    }

    private static string? Duration(string s)
    {
        if (!s.StartsWith('P'))
        {
            return "must start with P";
        }
        s = s[1..];
        if (s.Length == 0)
        {
            return "nothing after P";
        }
        if (s.EndsWith('W'))
        {
            var w = s[..^1];
            return w.Length == 0 ? "no number in week" : w.All(char.IsAsciiDigit) ? null : "invalid week";
        }
        string[] allUnits = ["YMD", "HMS"];
        var parts = s.Split('T');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i != 0 && part.Length == 0)
            {
                return "no time elements";
            }
            if (i >= allUnits.Length)
            {
                return "more than one T";
            }
            var units = allUnits[i];
            while (part.Length > 0)
            {
                var digits = part.TakeWhile(char.IsAsciiDigit).Count();
                if (digits == 0)
                {
                    return "missing number";
                }
                part = part[digits..];
                if (part.Length == 0)
                {
                    return "missing unit";
                }
                var j = units.IndexOf(part[0], StringComparison.Ordinal);
                if (j < 0)
                {
                    var unit = Ferry.Templates.Formatting.GoQuote.QuoteRune(part[0]);
                    return allUnits[i].Contains(part[0], StringComparison.Ordinal) ? $"unit {unit} out of order" : $"invalid unit {unit}";
                }
                units = units[(j + 1)..];
                part = part[1..];
            }
        }
        return null;
    }
}
