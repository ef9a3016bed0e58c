using System.Globalization;
using System.Numerics;

namespace Ferry.Templates.Formatting;

/// <summary>Go's strconv.ParseInt/ParseUint (base 0) and ParseFloat, including prefixes and '_' separators.</summary>
public static class GoNumberParser
{
    public static bool TryParseInt(string s, out long value)
    {
        value = 0;
        var neg = false;
        var body = s;
        if (body.Length > 0 && (body[0] == '+' || body[0] == '-'))
        {
            neg = body[0] == '-';
            body = body[1..];
        }
        if (!TryParseMagnitude(body, out var mag))
        {
            return false;
        }
        if (neg)
        {
            if (mag > (BigInteger)long.MaxValue + 1)
            {
                return false;
            }
            value = (long)-mag;
            return true;
        }
        if (mag > long.MaxValue)
        {
            return false;
        }
        value = (long)mag;
        return true;
    }

    public static bool TryParseUint(string s, out ulong value)
    {
        value = 0;
        if (!TryParseMagnitude(s, out var mag) || mag > ulong.MaxValue)
        {
            return false;
        }
        value = (ulong)mag;
        return true;
    }

    private static bool TryParseMagnitude(string s, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (s.Length == 0 || !UnderscoreOk(s))
        {
            return false;
        }
        var b = 10;
        var i = 0;
        if (s[0] == '0' && s.Length > 1)
        {
            switch (char.ToLowerInvariant(s[1]))
            {
                case 'x': b = 16; i = 2; break;
                case 'o': b = 8; i = 2; break;
                case 'b': b = 2; i = 2; break;
                default: b = 8; i = 1; break;
            }
            if (i == 2 && s.Length == 2)
            {
                return false;
            }
        }
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '_')
            {
                continue;
            }
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= b)
            {
                return false;
            }
            value = (value * b) + d;
        }
        return true;
    }

    /// <summary>Go's underscoreOK: '_' only between digits or after a base prefix.</summary>
    public static bool UnderscoreOk(string s)
    {
        var saw = '^';
        var i = 0;
        if (s.Length >= 1 && (s[0] == '-' || s[0] == '+'))
        {
            s = s[1..];
        }
        var hex = false;
        if (s.Length >= 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'b' or 'o' or 'x')
        {
            i = 2;
            saw = '0';
            hex = char.ToLowerInvariant(s[1]) == 'x';
        }
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9' || (hex && char.ToLowerInvariant(c) is >= 'a' and <= 'f'))
            {
                saw = '0';
                continue;
            }
            if (c == '_')
            {
                if (saw != '0')
                {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_')
            {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }

    /// <summary>strconv.ParseFloat(s, 64) for decimal and hexadecimal forms, Inf and NaN.</summary>
    public static bool TryParseFloat(string s, out double value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }
        var sign = 1.0;
        var body = s;
        if (body[0] is '+' or '-')
        {
            sign = body[0] == '-' ? -1 : 1;
            body = body[1..];
        }
        var lower = body.ToLowerInvariant();
        if (lower is "inf" or "infinity")
        {
            value = sign * double.PositiveInfinity;
            return true;
        }
        if (lower == "nan")
        {
            value = double.NaN;
            return true;
        }
        if (body.Contains('_', StringComparison.Ordinal))
        {
            if (!UnderscoreOk(body))
            {
                return false;
            }
            body = body.Replace("_", "", StringComparison.Ordinal);
        }
        if (body.Length > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X'))
        {
            if (!TryParseHexFloat(body[2..], out var h))
            {
                return false;
            }
            value = sign * h;
            return true;
        }
        foreach (var c in body)
        {
            if (c is not ((>= '0' and <= '9') or '.' or 'e' or 'E' or '+' or '-'))
            {
                return false;
            }
        }
        if (body.Length == 0 || body == "." || body.EndsWith('e') || body.EndsWith('E') || body.EndsWith('+') || body.EndsWith('-'))
        {
            return false;
        }
        if (!double.TryParse(body, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d))
        {
            return false;
        }
        value = sign * d;
        return true;
    }

    private static bool TryParseHexFloat(string s, out double value)
    {
        value = 0;
        var p = s.IndexOfAny(['p', 'P']);
        if (p < 0)
        {
            return false; // Go requires a 'p' exponent for hexadecimal mantissas.
        }
        var mant = s[..p];
        var expText = s[(p + 1)..];
        if (!int.TryParse(expText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exp))
        {
            return false;
        }
        var m = BigInteger.Zero;
        var fracDigits = 0;
        var seenDot = false;
        var anyDigit = false;
        foreach (var c in mant)
        {
            if (c == '.')
            {
                if (seenDot)
                {
                    return false;
                }
                seenDot = true;
                continue;
            }
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return false;
            }
            anyDigit = true;
            m = (m * 16) + d;
            if (seenDot)
            {
                fracDigits++;
            }
        }
        if (!anyDigit)
        {
            return false;
        }
        value = Math.ScaleB((double)m, exp - (4 * fracDigits));
        return true;
    }
}
