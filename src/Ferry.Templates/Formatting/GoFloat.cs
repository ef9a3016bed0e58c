using System.Globalization;
using System.Text;

namespace Ferry.Templates.Formatting;

/// <summary>strconv.FormatFloat(f, fmt, prec, 64) for the 'e', 'E', 'f', 'F', 'g', 'G' formats.</summary>
public static class GoFloat
{
    /// <summary>Go's <c>%v</c> / <c>strconv.FormatFloat(f, 'g', -1, 64)</c>, e.g. <c>1e+06</c>, <c>123.4</c>.</summary>
    public static string Shortest(double v) => Format(v, 'g', -1);

    /// <param name="bitSize">64, or 32 for strconv's float32 rounding (the shortest digits that read back as the same float32).</param>
    public static string Format(double v, char fmt, int prec, int bitSize = 64)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }
        if (double.IsInfinity(v))
        {
            return v > 0 ? "+Inf" : "-Inf";
        }
        var neg = v < 0 || (v == 0 && double.IsNegative(v));
        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }
        var a = Math.Abs(v);
        var shortest = prec < 0;
        Digits digs;
        switch (fmt)
        {
            case 'e' or 'E':
                digs = shortest ? ShortestDigits(a, bitSize) : RoundedDigits(a, prec + 1);
                if (shortest)
                {
                    prec = Math.Max(digs.Nd - 1, 0);
                }
                AppendE(sb, digs, prec, fmt);
                return sb.ToString();
            case 'f' or 'F':
                if (shortest)
                {
                    digs = ShortestDigits(a, bitSize);
                    AppendF(sb, digs, Math.Max(digs.Nd - digs.Dp, 0));
                    return sb.ToString();
                }
                sb.Append(a.ToString("F" + prec.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                return sb.ToString();
            case 'g' or 'G':
                {
                    if (prec == 0)
                    {
                        prec = 1;
                    }
                    digs = shortest ? ShortestDigits(a, bitSize) : RoundedDigits(a, prec);
                    if (shortest)
                    {
                        prec = digs.Nd;
                    }
                    var eprec = prec;
                    if (eprec > digs.Nd && digs.Nd >= digs.Dp)
                    {
                        eprec = digs.Nd;
                    }
                    if (shortest)
                    {
                        eprec = 6;
                    }
                    var exp = digs.Dp - 1;
                    if (exp < -4 || exp >= eprec)
                    {
                        if (prec > digs.Nd)
                        {
                            prec = digs.Nd;
                        }
                        AppendE(sb, digs, prec - 1, fmt == 'g' ? 'e' : 'E');
                        return sb.ToString();
                    }
                    if (prec > digs.Dp)
                    {
                        prec = digs.Nd;
                    }
                    AppendF(sb, digs, Math.Max(prec - digs.Dp, 0));
                    return sb.ToString();
                }
            default:
                return "%" + fmt;
        }
    }

    /// <summary>Decimal digits (no leading/trailing zeros) and the decimal point position.</summary>
    private readonly record struct Digits(string D, int Dp)
    {
        public int Nd => D.Length;
    }

    private static Digits ShortestDigits(double a, int bitSize)
    {
        if (a == 0)
        {
            return new Digits("", 0);
        }
        return Parse(bitSize == 32 ? ((float)a).ToString("R", CultureInfo.InvariantCulture) : a.ToString("R", CultureInfo.InvariantCulture));
    }

    private static Digits RoundedDigits(double a, int significant)
    {
        if (a == 0)
        {
            return new Digits("", 0);
        }
        significant = Math.Max(significant, 1);
        return Parse(a.ToString("E" + (significant - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static Digits Parse(string s)
    {
        var exp = 0;
        var e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? "" : s[(dot + 1)..];
        var all = intPart + frac;
        var dp = intPart.Length + exp;
        var lead = 0;
        while (lead < all.Length && all[lead] == '0')
        {
            lead++;
        }
        all = all[lead..];
        dp -= lead;
        all = all.TrimEnd('0');
        if (all.Length == 0)
        {
            dp = 0;
        }
        return new Digits(all, dp);
    }

    private static void AppendE(StringBuilder sb, Digits d, int prec, char fmt)
    {
        sb.Append(d.Nd == 0 ? '0' : d.D[0]);
        if (prec > 0)
        {
            sb.Append('.');
            var i = 1;
            var m = Math.Min(d.Nd, prec + 1);
            if (i < m)
            {
                sb.Append(d.D, i, m - i);
                i = m;
            }
            for (; i <= prec; i++)
            {
                sb.Append('0');
            }
        }
        sb.Append(fmt);
        var exp = d.Nd == 0 ? 0 : d.Dp - 1;
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        if (exp < 10)
        {
            sb.Append('0');
        }
        sb.Append(exp.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendF(StringBuilder sb, Digits d, int prec)
    {
        if (d.Dp > 0)
        {
            var m = Math.Min(d.Nd, d.Dp);
            sb.Append(d.D, 0, m);
            for (; m < d.Dp; m++)
            {
                sb.Append('0');
            }
        }
        else
        {
            sb.Append('0');
        }
        if (prec > 0)
        {
            sb.Append('.');
            for (var i = 1; i <= prec; i++)
            {
                var j = d.Dp + i - 1;
                sb.Append(j >= 0 && j < d.Nd ? d.D[j] : '0');
            }
        }
    }
}
