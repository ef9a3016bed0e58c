using System.Globalization;
using System.Text;

namespace Ferry.Templates.Time;

/// <summary>Go's time.Duration (nanoseconds): String() and ParseDuration.</summary>
public static class GoDuration
{
    public const long Nanosecond = 1;
    public const long Microsecond = 1000;
    public const long Millisecond = 1000 * Microsecond;
    public const long Second = 1000 * Millisecond;
    public const long Minute = 60 * Second;
    public const long Hour = 60 * Minute;

    /// <summary>time.Duration.String(): <c>72h3m0.5s</c>, <c>1.5s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(long d)
    {
        if (d == 0)
        {
            return "0s";
        }
        var neg = d < 0;
        var u = neg ? (ulong)(-(d + 1)) + 1 : (ulong)d;
        var sb = new StringBuilder();
        if (u < (ulong)Second)
        {
            int prec;
            string unit;
            if (u < (ulong)Microsecond)
            {
                return (neg ? "-" : "") + u.ToString(CultureInfo.InvariantCulture) + "ns";
            }
            if (u < (ulong)Millisecond)
            {
                prec = 3;
                unit = "µs";
            }
            else
            {
                prec = 6;
                unit = "ms";
            }
            sb.Append(FracString(u, prec)).Append(unit);
        }
        else
        {
            var secs = u / (ulong)Second;
            var frac = u % (ulong)Second;
            var h = secs / 3600;
            var m = secs / 60 % 60;
            var s = secs % 60;
            if (h > 0)
            {
                sb.Append(h.ToString(CultureInfo.InvariantCulture)).Append('h');
            }
            if (h > 0 || m > 0)
            {
                sb.Append(m.ToString(CultureInfo.InvariantCulture)).Append('m');
            }
            sb.Append(s.ToString(CultureInfo.InvariantCulture));
            if (frac > 0)
            {
                sb.Append('.').Append(frac.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0'));
            }
            sb.Append('s');
        }
        return (neg ? "-" : "") + sb;
    }

    private static string FracString(ulong v, int prec)
    {
        var div = (ulong)Math.Pow(10, prec);
        var whole = v / div;
        var frac = v % div;
        var s = whole.ToString(CultureInfo.InvariantCulture);
        if (frac > 0)
        {
            s += "." + frac.ToString("D" + prec.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).TrimEnd('0');
        }
        return s;
    }

    /// <summary>time.ParseDuration: a signed sequence of decimal numbers with units ns, us, µs, ms, s, m, h.</summary>
    public static bool TryParse(string s, out long duration)
    {
        duration = 0;
        var orig = s;
        var neg = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            neg = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            return false;
        }
        decimal total = 0;
        while (s.Length > 0)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == 0 || !decimal.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var num))
            {
                return false;
            }
            s = s[i..];
            var j = 0;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
            {
                j++;
            }
            long unit = s[..j] switch
            {
                "ns" => Nanosecond,
                "us" or "µs" or "μs" => Microsecond,
                "ms" => Millisecond,
                "s" => Second,
                "m" => Minute,
                "h" => Hour,
                _ => 0,
            };
            if (unit == 0)
            {
                return false;
            }
            total += num * unit;
            s = s[j..];
        }
        if (total > long.MaxValue)
        {
            return false;
        }
        _ = orig;
        duration = (long)(neg ? -total : total);
        return true;
    }
}
