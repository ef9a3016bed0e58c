using System.Globalization;
using System.Numerics;
using System.Text;

namespace Ferry.Templates.Formatting;

/// <summary>Go fmt's verbs for strings (%s %q %x %X), integers (%d %b %o %O %x %X %c %q %U) and floats and complex numbers (%e %E %f %F %g
/// %G).</summary>
public static partial class GoFmt
{
    private sealed partial class Printer
    {
        private static int RuneCount(string s)
        {
            var n = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (!SecondHalf(s, i))
                {
                    n++;
                }
            }
            return n;
        }

        /// <summary>Whether s[i] ends a surrogate pair (a lone low surrogate is a kept byte of invalid UTF-8: a rune of its own).</summary>
        private static bool SecondHalf(string s, int i) => char.IsLowSurrogate(s[i]) && i > 0 && char.IsHighSurrogate(s[i - 1]);

        private void FmtS(string s)
        {
            if (_precPresent)
            {
                s = TruncateRunes(s, _prec);
            }
            Pad(s);
        }

        private static string TruncateRunes(string s, int n)
        {
            var count = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (SecondHalf(s, i))
                {
                    continue;
                }
                if (count == n)
                {
                    return s[..i];
                }
                count++;
            }
            return s;
        }

        private void FmtString(string s, char verb, object arg)
        {
            switch (verb)
            {
                case 'v':
                    if (_sharpV)
                    {
                        FmtQ(s);
                    }
                    else
                    {
                        FmtS(s);
                    }
                    return;
                case 's':
                    FmtS(s);
                    return;
                case 'x':
                    FmtSx(Values.GoString.ToBytes(s), "0123456789abcdef");
                    return;
                case 'X':
                    FmtSx(Values.GoString.ToBytes(s), "0123456789ABCDEF");
                    return;
                case 'q':
                    FmtQ(s);
                    return;
                default:
                    BadVerb(verb, arg);
                    return;
            }
        }

        private void FmtQ(string s)
        {
            if (_precPresent)
            {
                s = TruncateRunes(s, _prec);
            }
            if (_sharp && !s.Contains('`', StringComparison.Ordinal) && s.All(c => c == '\t' || !char.IsControl(c)))
            {
                Pad("`" + s + "`");
                return;
            }
            Pad(_plus ? GoQuote.QuoteAscii(s) : GoQuote.Quote(s));
        }

        private void FmtSx(byte[] bytes, string digits)
        {
            var length = bytes.Length;
            if (_precPresent && _prec < length)
            {
                length = _prec;
            }
            var sb = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                if (_space && i > 0)
                {
                    sb.Append(' ');
                }
                if (_sharp && (_space || i == 0))
                {
                    sb.Append('0').Append(digits[16] == 'a' ? 'x' : digits[10] == 'A' ? 'X' : 'x');
                }
                sb.Append(digits[bytes[i] >> 4]).Append(digits[bytes[i] & 0xF]);
            }
            Pad(sb.ToString());
        }

        private void FmtInteger(long v, bool isUnsigned, char verb, object arg)
        {
            switch (verb)
            {
                case 'v':
                    if (_sharpV && isUnsigned)
                    {
                        FmtInt(v, 16, true, verb, "0123456789abcdef", forceSharp: true);
                    }
                    else
                    {
                        FmtInt(v, 10, isUnsigned, verb, "0123456789abcdef");
                    }
                    return;
                case 'd':
                    FmtInt(v, 10, isUnsigned, verb, "0123456789abcdef");
                    return;
                case 'b':
                    FmtInt(v, 2, isUnsigned, verb, "0123456789abcdef");
                    return;
                case 'o' or 'O':
                    FmtInt(v, 8, isUnsigned, verb, "0123456789abcdef");
                    return;
                case 'x':
                    FmtInt(v, 16, isUnsigned, verb, "0123456789abcdef");
                    return;
                case 'X':
                    FmtInt(v, 16, isUnsigned, verb, "0123456789ABCDEF");
                    return;
                case 'c':
                    Pad(RuneString(v));
                    return;
                case 'q':
                    Pad(GoQuote.QuoteRune(v is >= 0 and <= 0x10FFFF ? (int)v : 0xFFFD, _plus));
                    return;
                case 'U':
                    {
                        var hex = "U+" + v.ToString("X4", CultureInfo.InvariantCulture);
                        if (_sharp && v is >= 0 and <= 0x10FFFF && GoQuote.IsPrint((int)v))
                        {
                            hex += " '" + RuneString(v) + "'";
                        }
                        var z = _zero;
                        _zero = false;
                        Pad(hex);
                        _zero = z;
                        return;
                    }
                default:
                    BadVerb(verb, arg);
                    return;
            }
        }

        private static string RuneString(long v)
        {
            if (v is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
            {
                return "\uFFFD";
            }
            return char.ConvertFromUtf32((int)v);
        }

        private void FmtInt(long v, int b, bool isUnsigned, char verb, string digits, bool forceSharp = false)
        {
            var negative = !isUnsigned && v < 0;
            var u = negative ? (ulong)(-(v + 1)) + 1 : (ulong)v;
            var sb = new StringBuilder();
            if (u == 0)
            {
                sb.Append('0');
            }
            while (u > 0)
            {
                sb.Insert(0, digits[(int)(u % (ulong)b)]);
                u /= (ulong)b;
            }
            var num = sb.ToString();
            var prec = 0;
            if (_precPresent)
            {
                prec = _prec;
                if (prec == 0 && v == 0)
                {
                    var z = _zero;
                    _zero = false;
                    WritePadding(_wid);
                    _zero = z;
                    return;
                }
            }
            else if (_zero && !_minus && _widPresent)
            {
                prec = _wid;
                if (negative || _plus || _space)
                {
                    prec--;
                }
            }
            if (num.Length < prec)
            {
                num = new string('0', prec - num.Length) + num;
            }
            var sharp = _sharp || forceSharp;
            if (sharp || verb == 'O')
            {
                switch (b)
                {
                    case 2 when sharp: num = "0b" + num; break;
                    case 8:
                        if (verb == 'O')
                        {
                            num = "0o" + num;
                        }
                        else if (num[0] != '0')
                        {
                            num = "0" + num;
                        }
                        break;
                    case 16 when sharp: num = (digits[10] == 'a' ? "0x" : "0X") + num; break;
                }
            }
            if (negative)
            {
                num = "-" + num;
            }
            else if (_plus)
            {
                num = "+" + num;
            }
            else if (_space)
            {
                num = " " + num;
            }
            var oldZero = _zero;
            _zero = false;
            Pad(num);
            _zero = oldZero;
        }

        private void FmtFloatVerb(double v, char verb, object arg)
        {
            switch (verb)
            {
                case 'v':
                    FmtFloat(v, 'g', -1);
                    return;
                case 'g' or 'G':
                    FmtFloat(v, verb, -1);
                    return;
                case 'f' or 'F' or 'e' or 'E':
                    FmtFloat(v, verb, 6);
                    return;
                default:
                    BadVerb(verb, arg);
                    return;
            }
        }

        private void FmtFloat(double v, char verb, int prec)
        {
            if (_precPresent)
            {
                prec = _prec;
            }
            var num = GoFloat.Format(v, verb == 'F' ? 'f' : verb, prec);
            if (num[0] is not ('-' or '+'))
            {
                num = "+" + num;
            }
            if (_space && num[0] == '+' && !_plus)
            {
                num = " " + num[1..];
            }
            if (num[1] is 'I' or 'N')
            {
                var oldZero = _zero;
                _zero = false;
                if (num[1] == 'N' && !_space && !_plus)
                {
                    num = num[1..];
                }
                Pad(num);
                _zero = oldZero;
                return;
            }
            if (_sharp && verb is not 'b')
            {
                var hasDot = num.Contains('.', StringComparison.Ordinal);
                var ePos = num.IndexOfAny(['e', 'E']);
                if (!hasDot)
                {
                    num = ePos >= 0 ? num[..ePos] + "." + num[ePos..] : num + ".";
                }
            }
            if (_plus || num[0] != '+')
            {
                if (_zero && !_minus && _widPresent && _wid > num.Length)
                {
                    Buf.Append(num[0]);
                    Buf.Append('0', _wid - num.Length);
                    Buf.Append(num, 1, num.Length - 1);
                    return;
                }
                Pad(num);
                return;
            }
            Pad(num[1..]);
        }

        private void FmtComplexVerb(Complex c, char verb, object arg)
        {
            if (verb is not ('v' or 'b' or 'g' or 'G' or 'x' or 'X' or 'f' or 'F' or 'e' or 'E'))
            {
                BadVerb(verb, arg);
                return;
            }
            var prec = verb is 'f' or 'F' or 'e' or 'E' ? 6 : -1;
            var fverb = verb == 'v' ? 'g' : verb;
            var oldPlus = _plus;
            Buf.Append('(');
            FmtFloat(c.Real, fverb, prec);
            _plus = true;
            FmtFloat(c.Imaginary, fverb, prec);
            Buf.Append("i)");
            _plus = oldPlus;
        }
    }
}
