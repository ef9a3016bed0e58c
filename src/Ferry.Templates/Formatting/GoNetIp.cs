namespace Ferry.Templates.Formatting;

/// <summary>
/// Go's <c>net/netip.ParseAddr</c> as a validator, with its error texts (<c>ParseAddr("1::2::3"): multiple :: in address
/// (at ":3")</c>). Input is Go bytes (one char per byte, see <see cref="GoUrl"/>).
/// </summary>
internal static class GoNetIp
{
    /// <summary>Null when <paramref name="s"/> is an address (an IPv4 one sets <paramref name="isIPv4"/>); else the error.</summary>
    public static string? ParseAddr(string s, out bool isIPv4)
    {
        isIPv4 = false;
        foreach (var c in s)
        {
            switch (c)
            {
                case '.':
                    isIPv4 = true;
                    return IPv4Fields(s, 0, s.Length);
                case ':':
                    return IPv6(s);
                case '%':
                    return Error(s, "missing IPv6 address");
            }
        }
        return Error(s, "unable to parse IP");
    }

    private static string Error(string input, string message, string? at = null) =>
        $"ParseAddr({GoUrl.Quote(input)}): {message}" + (at is null ? "" : $" (at {GoUrl.Quote(at)})");

    private static string? IPv4Fields(string input, int off, int end)
    {
        var s = input[off..end];
        int val = 0, pos = 0, digits = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsAsciiDigit(s[i]))
            {
                if (digits == 1 && val == 0)
                {
                    return Error(input, "IPv4 field has octet with leading zero");
                }
                val = val * 10 + (s[i] - '0');
                digits++;
                if (val > 255)
                {
                    return Error(input, "IPv4 field has value >255");
                }
            }
            else if (s[i] == '.')
            {
                if (i == 0 || i == s.Length - 1 || s[i - 1] == '.')
                {
                    return Error(input, "IPv4 field must have at least one digit", s[i..]);
                }
                if (pos == 3)
                {
                    return Error(input, "IPv4 address too long");
                }
                pos++;
                val = 0;
                digits = 0;
            }
            else
            {
                return Error(input, "unexpected character", s[i..]);
            }
        }
        return pos < 3 ? Error(input, "IPv4 address too short") : null;
    }

    private static string? IPv6(string input)
    {
        var s = input;
        var zone = "";
        var pct = s.IndexOf('%', StringComparison.Ordinal);
        if (pct >= 0)
        {
            (s, zone) = (s[..pct], s[(pct + 1)..]);
            if (zone.Length == 0)
            {
                return Error(input, "zone must be a non-empty string");
            }
        }
        var ellipsis = -1;
        if (s.StartsWith("::", StringComparison.Ordinal))
        {
            ellipsis = 0;
            s = s[2..];
            if (s.Length == 0)
            {
                return null;
            }
        }
        var i = 0;
        while (i < 16)
        {
            var (off, err) = HexGroup(input, s);
            if (err is not null)
            {
                return err;
            }
            if (off < s.Length && s[off] == '.')
            {
                if (EmbeddedIPv4(input, s, zone, i, ellipsis) is { } v4)
                {
                    return v4;
                }
                s = "";
                i += 4;
                break;
            }
            i += 2;
            s = s[off..];
            if (s.Length == 0)
            {
                break;
            }
            if (s[0] != ':')
            {
                return Error(input, "unexpected character, want colon", s);
            }
            if (s.Length == 1)
            {
                return Error(input, "colon must be followed by more characters", s);
            }
            s = s[1..];
            if (s[0] == ':')
            {
                if (ellipsis >= 0)
                {
                    return Error(input, "multiple :: in address", s);
                }
                ellipsis = i;
                s = s[1..];
                if (s.Length == 0)
                {
                    break;
                }
            }
        }
        if (s.Length != 0)
        {
            return Error(input, "trailing garbage after address", s);
        }
        if (i < 16 && ellipsis < 0)
        {
            return Error(input, "address string too short");
        }
        return i == 16 && ellipsis >= 0 ? Error(input, "the :: must expand to at least one field of zeros") : null;
    }

    /// <summary>The IPv4 tail of an IPv6 address (<c>::ffff:1.2.3.4</c>): null when it fits and parses, else the error.</summary>
    private static string? EmbeddedIPv4(string input, string s, string zone, int i, int ellipsis)
    {
        if (ellipsis < 0 && i != 12)
        {
            return Error(input, "embedded IPv4 address must replace the final 2 fields of the address", s);
        }
        if (i + 4 > 16)
        {
            return Error(input, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
        }
        var end = input.Length - (zone.Length > 0 ? zone.Length + 1 : 0);
        return IPv4Fields(input, end - s.Length, end);
    }

    /// <summary>One group of up to four hex digits at the start of <paramref name="s"/>: how many, or the error.</summary>
    private static (int Digits, string? Error) HexGroup(string input, string s)
    {
        var off = 0;
        for (; off < s.Length && char.IsAsciiHexDigit(s[off]); off++)
        {
            if (off > 3)
            {
                return (0, Error(input, "each group must have 4 or less digits", s));
            }
        }
        return off == 0 ? (0, Error(input, "each colon-separated field must have at least one digit", s)) : (off, null);
    }
}
