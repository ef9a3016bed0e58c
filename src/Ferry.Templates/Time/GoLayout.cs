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
            case '-':
                if (At(s, i, "-070000")) return (Std.NumSecondsTz, 7, 0);
                if (At(s, i, "-07:00:00")) return (Std.NumColonSecondsTZ, 9, 0);
                if (At(s, i, "-0700")) return (Std.NumTZ, 5, 0);
                if (At(s, i, "-07:00")) return (Std.NumColonTZ, 6, 0);
                if (At(s, i, "-07")) return (Std.NumShortTZ, 3, 0);
                break;
            case 'Z':
                if (At(s, i, "Z070000")) return (Std.ISO8601SecondsTZ, 7, 0);
                if (At(s, i, "Z07:00:00")) return (Std.ISO8601ColonSecondsTZ, 9, 0);
                if (At(s, i, "Z0700")) return (Std.ISO8601TZ, 5, 0);
                if (At(s, i, "Z07:00")) return (Std.ISO8601ColonTZ, 6, 0);
                if (At(s, i, "Z07")) return (Std.ISO8601ShortTZ, 3, 0);
                break;
            case '.' or ',':
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
                break;
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
        int year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0;
        long ticks = 0;
        var pm = false;
        var pmSet = false;
        TimeSpan? offset = null;
        var v = 0;
        foreach (var (chunk, std, _) in Chunks(layout))
        {
            switch (std)
            {
                case Std.None:
                    if (!At(value, v, chunk))
                    {
                        return false;
                    }
                    v += chunk.Length;
                    break;
                case Std.LongYear: if (!Num(value, ref v, 4, 4, out year)) return false; break;
                case Std.Year: if (!Num(value, ref v, 2, 2, out var y2)) return false; year = y2 >= 69 ? 1900 + y2 : 2000 + y2; break;
                case Std.LongMonth or Std.Month:
                    {
                        var names = std == Std.LongMonth ? CultureInfo.InvariantCulture.DateTimeFormat.MonthNames
                            : CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;
                        var found = false;
                        for (var m = 0; m < 12; m++)
                        {
                            if (value.Length >= v + names[m].Length
                                && string.Compare(value, v, names[m], 0, names[m].Length, StringComparison.OrdinalIgnoreCase) == 0)
                            {
                                month = m + 1;
                                v += names[m].Length;
                                found = true;
                                break;
                            }
                        }
                        if (!found) return false;
                        break;
                    }
                case Std.NumMonth: if (!Num(value, ref v, 1, 2, out month)) return false; break;
                case Std.ZeroMonth: if (!Num(value, ref v, 2, 2, out month)) return false; break;
                case Std.LongWeekDay or Std.WeekDay:
                    {
                        var names = std == Std.LongWeekDay ? CultureInfo.InvariantCulture.DateTimeFormat.DayNames
                            : CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedDayNames;
                        var n = names.FirstOrDefault(d => value.Length >= v + d.Length
                            && string.Compare(value, v, d, 0, d.Length, StringComparison.OrdinalIgnoreCase) == 0);
                        if (n is null) return false;
                        v += n.Length;
                        break;
                    }
                case Std.Day or Std.UnderDay:
                    if (std == Std.UnderDay && v < value.Length && value[v] == ' ') v++;
                    if (!Num(value, ref v, 1, 2, out day)) return false;
                    break;
                case Std.ZeroDay: if (!Num(value, ref v, 2, 2, out day)) return false; break;
                case Std.ZeroYearDay: if (!Num(value, ref v, 3, 3, out _)) return false; break;
                case Std.Hour: if (!Num(value, ref v, 2, 2, out hour)) return false; break;
                case Std.Hour12: if (!Num(value, ref v, 1, 2, out hour)) return false; break;
                case Std.ZeroHour12: if (!Num(value, ref v, 2, 2, out hour)) return false; break;
                case Std.Minute: if (!Num(value, ref v, 1, 2, out minute)) return false; break;
                case Std.ZeroMinute: if (!Num(value, ref v, 2, 2, out minute)) return false; break;
                case Std.Second: if (!Num(value, ref v, 1, 2, out second)) return false; break;
                case Std.ZeroSecond:
                    if (!Num(value, ref v, 2, 2, out second)) return false;
                    if (v + 1 < value.Length && value[v] is '.' or ',' && char.IsAsciiDigit(value[v + 1]))
                    {
                        var start = ++v;
                        while (v < value.Length && char.IsAsciiDigit(value[v])) v++;
                        ticks = FracTicks(value[start..v]);
                    }
                    break;
                case Std.PM or Std.LowerPM:
                    if (v + 2 > value.Length) return false;
                    var ampm = value.Substring(v, 2).ToUpperInvariant();
                    if (ampm is not ("AM" or "PM")) return false;
                    pm = ampm == "PM";
                    pmSet = true;
                    v += 2;
                    break;
                case Std.TZ:
                    {
                        var start = v;
                        while (v < value.Length && char.IsAsciiLetterUpper(value[v])) v++;
                        if (v - start < 3 && !(v < value.Length && value[v] is '+' or '-')) return false;
                        if (value[start..v] == "UTC" || value[start..v] == "GMT") offset = TimeSpan.Zero;
                        break;
                    }
                case Std.FracSecond0 or Std.FracSecond9:
                    {
                        if (v < value.Length && value[v] is '.' or ',')
                        {
                            var start = ++v;
                            while (v < value.Length && char.IsAsciiDigit(value[v])) v++;
                            ticks = FracTicks(value[start..v]);
                        }
                        else if (std == Std.FracSecond0)
                        {
                            return false;
                        }
                        break;
                    }
                default:
                    {
                        if (v < value.Length && value[v] == 'Z' && std >= Std.ISO8601TZ && std <= Std.ISO8601ColonSecondsTZ)
                        {
                            v++;
                            offset = TimeSpan.Zero;
                            break;
                        }
                        if (v >= value.Length || value[v] is not ('+' or '-')) return false;
                        var sign = value[v++] == '-' ? -1 : 1;
                        if (!Num(value, ref v, 2, 2, out var oh)) return false;
                        var om = 0;
                        var os = 0;
                        if (std is not (Std.NumShortTZ or Std.ISO8601ShortTZ))
                        {
                            if (std is Std.NumColonTZ or Std.ISO8601ColonTZ or Std.NumColonSecondsTZ or Std.ISO8601ColonSecondsTZ)
                            {
                                if (v >= value.Length || value[v] != ':') return false;
                                v++;
                            }
                            if (!Num(value, ref v, 2, 2, out om)) return false;
                            if (std is Std.NumSecondsTz or Std.ISO8601SecondsTZ or Std.NumColonSecondsTZ or Std.ISO8601ColonSecondsTZ)
                            {
                                if (std is Std.NumColonSecondsTZ or Std.ISO8601ColonSecondsTZ)
                                {
                                    if (v >= value.Length || value[v] != ':') return false;
                                    v++;
                                }
                                if (!Num(value, ref v, 2, 2, out os)) return false;
                            }
                        }
                        offset = TimeSpan.FromSeconds(sign * ((oh * 3600) + (om * 60) + os));
                        break;
                    }
            }
        }
        if (v != value.Length)
        {
            return false;
        }
        if (pmSet)
        {
            if (hour > 12) return false;
            hour = pm ? (hour % 12) + 12 : hour % 12;
        }
        try
        {
            var dt = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
            if (offset is { } o)
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
