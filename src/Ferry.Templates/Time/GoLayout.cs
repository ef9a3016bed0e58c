using System.Globalization;
using System.Text;

namespace Ferry.Templates.Time;

/// <summary>Go's reference-time layout elements (time/format.go) and layout-driven parsing.</summary>
public static class GoLayout
{
#pragma warning disable CA1707 // Names mirror Go's std constants.
    public enum Std
    {
        None,
        LongMonth, Month, NumMonth, ZeroMonth,
        LongWeekDay, WeekDay,
        Day, UnderDay, ZeroDay, ZeroYearDay,
        Hour, Hour12, ZeroHour12,
        Minute, ZeroMinute, Second, ZeroSecond,
        LongYear, Year,
        PM, LowerPM,
        TZ,
        ISO8601TZ, ISO8601SecondsTZ, ISO8601ShortTZ, ISO8601ColonTZ, ISO8601ColonSecondsTZ,
        NumTZ, NumSecondsTz, NumShortTZ, NumColonTZ, NumColonSecondsTZ,
        FracSecond0, FracSecond9,
    }
#pragma warning restore CA1707

    /// <summary>Splits a layout into literal text and elements (with the fractional-second digit count).</summary>
    public static IEnumerable<(string Chunk, Std Std, int Digits)> Chunks(string layout)
    {
        var lit = new StringBuilder();
        var i = 0;
        while (i < layout.Length)
        {
            var (std, len, digits) = Match(layout, i);
            if (std == Std.None)
            {
                lit.Append(layout[i]);
                i++;
                continue;
            }
            if (lit.Length > 0)
            {
                yield return (lit.ToString(), Std.None, 0);
                lit.Clear();
            }
            yield return (layout.Substring(i, len), std, digits);
            i += len;
        }
        if (lit.Length > 0)
        {
            yield return (lit.ToString(), Std.None, 0);
        }
    }

    private static bool At(string s, int i, string p) => string.CompareOrdinal(s, i, p, 0, p.Length) == 0 && i + p.Length <= s.Length;

    private static (Std, int, int) Match(string s, int i)
    {
        switch (s[i])
        {
            case 'J':
                if (At(s, i, "January")) return (Std.LongMonth, 7, 0);
                if (At(s, i, "Jan")) return (Std.Month, 3, 0);
                break;
            case 'M':
                if (At(s, i, "Monday")) return (Std.LongWeekDay, 6, 0);
                if (At(s, i, "Mon")) return (Std.WeekDay, 3, 0);
                if (At(s, i, "MST")) return (Std.TZ, 3, 0);
                break;
            case '0':
                if (At(s, i, "002")) return (Std.ZeroYearDay, 3, 0);
                if (i + 1 < s.Length && s[i + 1] is >= '1' and <= '6')
                {
                    return (s[i + 1] switch
                    {
                        '1' => Std.ZeroMonth,
                        '2' => Std.ZeroDay,
                        '3' => Std.ZeroHour12,
                        '4' => Std.ZeroMinute,
                        '5' => Std.ZeroSecond,
                        _ => Std.Year,
                    }, 2, 0);
                }
                break;
            case '1':
                if (At(s, i, "15")) return (Std.Hour, 2, 0);
                return (Std.NumMonth, 1, 0);
            case '2':
                if (At(s, i, "2006")) return (Std.LongYear, 4, 0);
                return (Std.Day, 1, 0);
            case '_':
                if (At(s, i, "_2"))
                {
                    if (At(s, i + 1, "2006"))
                    {
                        break;
                    }
                    return (Std.UnderDay, 2, 0);
                }
                break;
            case '3': return (Std.Hour12, 1, 0);
            case '4': return (Std.Minute, 1, 0);
            case '5': return (Std.Second, 1, 0);
            case 'P':
                if (At(s, i, "PM")) return (Std.PM, 2, 0);
                break;
            case 'p':
                if (At(s, i, "pm")) return (Std.LowerPM, 2, 0);
                break;
            case '-' or 'Z':
                return MatchZone(s, i);
            case '.' or ',':
                return MatchFraction(s, i);
        }
        return (Std.None, 0, 0);
    }

    /// <summary>A numeric zone element (-0700, -07:00, Z07:00, ...) at <paramref name="i"/>, or none.</summary>
    private static (Std, int, int) MatchZone(string s, int i)
    {
        if (At(s, i, "-070000")) return (Std.NumSecondsTz, 7, 0);
        if (At(s, i, "-07:00:00")) return (Std.NumColonSecondsTZ, 9, 0);
        if (At(s, i, "-0700")) return (Std.NumTZ, 5, 0);
        if (At(s, i, "-07:00")) return (Std.NumColonTZ, 6, 0);
        if (At(s, i, "-07")) return (Std.NumShortTZ, 3, 0);
        if (At(s, i, "Z070000")) return (Std.ISO8601SecondsTZ, 7, 0);
        if (At(s, i, "Z07:00:00")) return (Std.ISO8601ColonSecondsTZ, 9, 0);
        if (At(s, i, "Z0700")) return (Std.ISO8601TZ, 5, 0);
        if (At(s, i, "Z07:00")) return (Std.ISO8601ColonTZ, 6, 0);
        if (At(s, i, "Z07")) return (Std.ISO8601ShortTZ, 3, 0);
        return (Std.None, 0, 0);
    }

    /// <summary>A fractional-second element (.000 or .999, also after a comma) at <paramref name="i"/>, or none.</summary>
    private static (Std, int, int) MatchFraction(string s, int i)
    {
        if (i + 1 < s.Length && s[i + 1] is '0' or '9')
        {
            var ch = s[i + 1];
            var j = i + 1;
            while (j < s.Length && s[j] == ch)
            {
                j++;
            }
            if (j >= s.Length || !char.IsAsciiDigit(s[j]))
            {
                return (ch == '0' ? Std.FracSecond0 : Std.FracSecond9, j - i, Math.Min(j - i - 1, 9));
            }
        }
        return (Std.None, 0, 0);
    }

    public static string FormatOffset(Std std, TimeSpan offset)
    {
        var iso = std is Std.ISO8601TZ or Std.ISO8601SecondsTZ or Std.ISO8601ShortTZ or Std.ISO8601ColonTZ or Std.ISO8601ColonSecondsTZ;
        if (iso && offset == TimeSpan.Zero)
        {
            return "Z";
        }
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var a = offset.Duration();
        var hh = a.Hours.ToString("D2", CultureInfo.InvariantCulture);
        var mm = a.Minutes.ToString("D2", CultureInfo.InvariantCulture);
        var ss = a.Seconds.ToString("D2", CultureInfo.InvariantCulture);
        return std switch
        {
            Std.NumSecondsTz or Std.ISO8601SecondsTZ => $"{sign}{hh}{mm}{ss}",
            Std.NumColonSecondsTZ or Std.ISO8601ColonSecondsTZ => $"{sign}{hh}:{mm}:{ss}",
            Std.NumTZ or Std.ISO8601TZ => $"{sign}{hh}{mm}",
            Std.NumColonTZ or Std.ISO8601ColonTZ => $"{sign}{hh}:{mm}",
            _ => $"{sign}{hh}",
        };
    }

    /// <summary>time.ParseInLocation: parses <paramref name="value"/> by <paramref name="layout"/>; zone-less values are in <paramref
    /// name="zone"/>.</summary>
    public static bool TryParse(string layout, string value, TimeZoneInfo zone, out GoTime result)
    {
        result = null!;
        var fields = new Fields();
        var v = 0;
        foreach (var (chunk, std, _) in Chunks(layout))
        {
            if (!TryElement(std, chunk, value, ref v, fields))
            {
                return false;
            }
        }
        return v == value.Length && TryBuild(fields, zone, out result);
    }

    /// <summary>What a parse has read so far.</summary>
    private sealed class Fields
    {
        public int Year { get; set; } = 1;

        public int Month { get; set; } = 1;

        public int Day { get; set; } = 1;

        public int Hour { get; set; }

        public int Minute { get; set; }

        public int Second { get; set; }

        public long Ticks { get; set; }

        public bool? Pm { get; set; }

        public TimeSpan? Offset { get; set; }
    }

    /// <summary>Reads one layout element at <paramref name="v"/>; false when the value does not match it.</summary>
    private static bool TryElement(Std std, string chunk, string value, ref int v, Fields f)
    {
        int n;
        switch (std)
        {
            case Std.None:
                if (!At(value, v, chunk)) return false;
                v += chunk.Length;
                return true;
            case Std.LongYear: if (!Num(value, ref v, 4, 4, out n)) return false; f.Year = n; return true;
            case Std.Year: if (!Num(value, ref v, 2, 2, out n)) return false; f.Year = n >= 69 ? 1900 + n : 2000 + n; return true;
            case Std.LongMonth or Std.Month:
                if (!TryName(value, ref v, std == Std.LongMonth ? CultureInfo.InvariantCulture.DateTimeFormat.MonthNames
                    : CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames, out n)) return false;
                f.Month = n + 1;
                return true;
            case Std.NumMonth: if (!Num(value, ref v, 1, 2, out n)) return false; f.Month = n; return true;
            case Std.ZeroMonth: if (!Num(value, ref v, 2, 2, out n)) return false; f.Month = n; return true;
            case Std.LongWeekDay or Std.WeekDay:
                return TryName(value, ref v, std == Std.LongWeekDay ? CultureInfo.InvariantCulture.DateTimeFormat.DayNames
                    : CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedDayNames, out _);
            case Std.Day or Std.UnderDay:
                if (std == Std.UnderDay && v < value.Length && value[v] == ' ') v++;
                if (!Num(value, ref v, 1, 2, out n)) return false;
                f.Day = n;
                return true;
            case Std.ZeroDay: if (!Num(value, ref v, 2, 2, out n)) return false; f.Day = n; return true;
            case Std.ZeroYearDay: return Num(value, ref v, 3, 3, out _);
            case Std.Hour or Std.ZeroHour12: if (!Num(value, ref v, 2, 2, out n)) return false; f.Hour = n; return true;
            case Std.Hour12: if (!Num(value, ref v, 1, 2, out n)) return false; f.Hour = n; return true;
            case Std.Minute: if (!Num(value, ref v, 1, 2, out n)) return false; f.Minute = n; return true;
            case Std.ZeroMinute: if (!Num(value, ref v, 2, 2, out n)) return false; f.Minute = n; return true;
            case Std.Second: if (!Num(value, ref v, 1, 2, out n)) return false; f.Second = n; return true;
            case Std.ZeroSecond:
                if (!Num(value, ref v, 2, 2, out n)) return false;
                f.Second = n;
                if (v + 1 < value.Length && value[v] is '.' or ',' && char.IsAsciiDigit(value[v + 1]))
                {
                    f.Ticks = Fraction(value, ref v);
                }
                return true;
            case Std.PM or Std.LowerPM:
                if (v + 2 > value.Length) return false;
                var ampm = value.Substring(v, 2).ToUpperInvariant();
                if (ampm is not ("AM" or "PM")) return false;
                f.Pm = ampm == "PM";
                v += 2;
                return true;
            case Std.TZ:
                var start = v;
                while (v < value.Length && char.IsAsciiLetterUpper(value[v])) v++;
                if (v - start < 3 && !(v < value.Length && value[v] is '+' or '-')) return false;
                if (value[start..v] == "UTC" || value[start..v] == "GMT") f.Offset = TimeSpan.Zero;
                return true;
            case Std.FracSecond0 or Std.FracSecond9:
                if (v < value.Length && value[v] is '.' or ',')
                {
                    f.Ticks = Fraction(value, ref v);
                    return true;
                }
                return std != Std.FracSecond0;
            default:
                if (!TryOffset(std, value, ref v, out var offset)) return false;
                f.Offset = offset;
                return true;
        }
    }

    /// <summary>The index of the name (any case) at <paramref name="v"/>, which moves past it.</summary>
    private static bool TryName(string value, ref int v, string[] names, out int index)
    {
        for (index = 0; index < names.Length; index++)
        {
            var name = names[index];
            if (name.Length > 0 && value.Length >= v + name.Length
                && string.Compare(value, v, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                v += name.Length;
                return true;
            }
        }
        return false;
    }

    /// <summary>The digits after the '.' or ',' at <paramref name="v"/>, as ticks.</summary>
    private static long Fraction(string value, ref int v)
    {
        var start = ++v;
        while (v < value.Length && char.IsAsciiDigit(value[v])) v++;
        return FracTicks(value[start..v]);
    }

    /// <summary>A numeric zone offset (or ISO 8601's Z) in the form the layout element gives.</summary>
    private static bool TryOffset(Std std, string value, ref int v, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (v < value.Length && value[v] == 'Z' && std >= Std.ISO8601TZ && std <= Std.ISO8601ColonSecondsTZ)
        {
            v++;
            return true;
        }
        if (v >= value.Length || value[v] is not ('+' or '-')) return false;
        var sign = value[v++] == '-' ? -1 : 1;
        if (!Num(value, ref v, 2, 2, out var oh)) return false;
        var om = 0;
        var os = 0;
        var colons = std is Std.NumColonTZ or Std.ISO8601ColonTZ or Std.NumColonSecondsTZ or Std.ISO8601ColonSecondsTZ;
        if (std is not (Std.NumShortTZ or Std.ISO8601ShortTZ))
        {
            if ((colons && !Colon(value, ref v)) || !Num(value, ref v, 2, 2, out om)) return false;
            if (std is Std.NumSecondsTz or Std.ISO8601SecondsTZ or Std.NumColonSecondsTZ or Std.ISO8601ColonSecondsTZ
                && ((colons && !Colon(value, ref v)) || !Num(value, ref v, 2, 2, out os))) return false;
        }
        offset = TimeSpan.FromSeconds(sign * ((oh * 3600) + (om * 60) + os));
        return true;

        static bool Colon(string value, ref int v)
        {
            if (v >= value.Length || value[v] != ':') return false;
            v++;
            return true;
        }
    }

    /// <summary>The time the fields give, in their offset or else in <paramref name="zone"/>; false for an impossible date.</summary>
    private static bool TryBuild(Fields f, TimeZoneInfo zone, out GoTime result)
    {
        result = null!;
        var hour = f.Hour;
        if (f.Pm is { } pm)
        {
            if (hour > 12) return false;
            hour = pm ? (hour % 12) + 12 : hour % 12;
        }
        try
        {
            var dt = new DateTime(f.Year, f.Month, f.Day, hour, f.Minute, f.Second, DateTimeKind.Unspecified).AddTicks(f.Ticks);
            if (f.Offset is { } o)
            {
                var dto = new DateTimeOffset(dt, o);
                result = o == TimeSpan.Zero ? GoTime.Utc(dto) : new GoTime(dto, FormatOffset(Std.NumShortTZ, o));
            }
            else
            {
                var dto = new DateTimeOffset(dt, zone.GetUtcOffset(dt));
                result = GoTime.InZone(dto, zone);
            }
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static long FracTicks(string digits)
    {
        var d = (digits + "0000000")[..7];
        return long.Parse(d, CultureInfo.InvariantCulture);
    }

    private static bool Num(string s, ref int i, int min, int max, out int value)
    {
        value = 0;
        var start = i;
        while (i < s.Length && i - start < max && char.IsAsciiDigit(s[i]))
        {
            value = (value * 10) + (s[i] - '0');
            i++;
        }
        return i - start >= min;
    }
}
