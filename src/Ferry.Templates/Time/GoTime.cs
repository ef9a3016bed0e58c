using System.Globalization;
using System.Text;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;

namespace Ferry.Templates.Time;

/// <summary>
/// Go's time.Time as a template value: a <see cref="DateTimeOffset"/> plus its zone name. Formats and parses
/// with Go's reference layout (<c>Mon Jan 2 15:04:05 MST 2006</c>).
/// </summary>
public sealed class GoTime : ITemplateObject, IJsonValue
{
    public GoTime(DateTimeOffset value, string zoneName)
    {
        Value = value;
        ZoneName = zoneName;
    }

    public DateTimeOffset Value { get; }

    /// <summary>The zone abbreviation <c>MST</c> prints (e.g. UTC), or a numeric stand-in.</summary>
    public string ZoneName { get; }

    public string GoTypeName => "time.Time";

    public static GoTime InZone(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return new GoTime(local, ZoneAbbreviation(zone, local.Offset));
    }

    public static GoTime Utc(DateTimeOffset instant) => new(instant.ToUniversalTime(), "UTC");

    private static string ZoneAbbreviation(TimeZoneInfo zone, TimeSpan offset)
    {
        if (zone.Id is "UTC" or "Etc/UTC" || (zone == TimeZoneInfo.Utc))
        {
            return "UTC";
        }
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return abs.Minutes == 0 ? $"{sign}{abs.Hours:D2}" : $"{sign}{abs.Hours:D2}{abs.Minutes:D2}";
    }

    public static TimeZoneInfo FindZone(string name)
    {
        if (name is "" or "UTC")
        {
            return TimeZoneInfo.Utc;
        }
        if (name == "Local")
        {
            return TimeZoneInfo.Local;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
        catch (InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>Go's Time.String(): <c>2006-01-02 15:04:05.999999999 -0700 MST</c>.</summary>
    public override string ToString() => Format("2006-01-02 15:04:05.999999999 -0700 MST");

    public object? ToJsonValue() => Format("2006-01-02T15:04:05.999999999Z07:00");



    public override bool Equals(object? obj) => obj is GoTime t && t.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    public bool TryGetField(string name, out object? value)
    {
        value = null;
        return false;
    }

    public bool TryGetMethod(string name, out TemplateFunction? method)
    {
        method = name switch
        {
            "Year" => TemplateFunction.Fixed(name, 0, _ => (long)Value.Year),
            "Month" => TemplateFunction.Fixed(name, 0, _ => (long)Value.Month),
            "Day" => TemplateFunction.Fixed(name, 0, _ => (long)Value.Day),
            "Hour" => TemplateFunction.Fixed(name, 0, _ => (long)Value.Hour),
            "Minute" => TemplateFunction.Fixed(name, 0, _ => (long)Value.Minute),
            "Second" => TemplateFunction.Fixed(name, 0, _ => (long)Value.Second),
            "Unix" => TemplateFunction.Fixed(name, 0, _ => Value.ToUnixTimeSeconds()),
            "UTC" => TemplateFunction.Fixed(name, 0, _ => Utc(Value)),
            "Format" => TemplateFunction.Fixed(name, 1, a => Format(Functions.Builtins.ExpectString(a[0]))),
            "String" => TemplateFunction.Fixed(name, 0, _ => ToString()),
            _ => null,
        };
        return method is not null;
    }

    /// <summary>Time.Format with a Go layout.</summary>
    public string Format(string layout)
    {
        var sb = new StringBuilder();
        var v = Value;
        foreach (var (chunk, std, digits) in GoLayout.Chunks(layout))
        {
            switch (std)
            {
                case GoLayout.Std.None: sb.Append(chunk); break;
                case GoLayout.Std.LongYear: sb.Append(v.Year.ToString("D4", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.Year: sb.Append((v.Year % 100).ToString("D2", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.LongMonth: sb.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(v.Month)); break;
                case GoLayout.Std.Month: sb.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(v.Month)); break;
                case GoLayout.Std.NumMonth: sb.Append(v.Month.ToString(CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.ZeroMonth: sb.Append(v.Month.ToString("D2", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.LongWeekDay: sb.Append(v.DayOfWeek.ToString()); break;
                case GoLayout.Std.WeekDay: sb.Append(v.DayOfWeek.ToString()[..3]); break;
                case GoLayout.Std.Day: sb.Append(v.Day.ToString(CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.UnderDay: sb.Append(v.Day < 10 ? " " : "").Append(v.Day.ToString(CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.ZeroDay: sb.Append(v.Day.ToString("D2", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.ZeroYearDay: sb.Append(v.DayOfYear.ToString("D3", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.Hour: sb.Append(v.Hour.ToString("D2", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.Hour12: sb.Append(Hour12(v.Hour).ToString(CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.ZeroHour12: sb.Append(Hour12(v.Hour).ToString("D2", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.Minute: sb.Append(v.Minute.ToString(CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.ZeroMinute: sb.Append(v.Minute.ToString("D2", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.Second: sb.Append(v.Second.ToString(CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.ZeroSecond: sb.Append(v.Second.ToString("D2", CultureInfo.InvariantCulture)); break;
                case GoLayout.Std.PM: sb.Append(v.Hour >= 12 ? "PM" : "AM"); break;
                case GoLayout.Std.LowerPM: sb.Append(v.Hour >= 12 ? "pm" : "am"); break;
                case GoLayout.Std.TZ: sb.Append(ZoneName); break;
                case GoLayout.Std.FracSecond0 or GoLayout.Std.FracSecond9:
                    {
                        var ns = (v.Ticks % TimeSpan.TicksPerSecond) * 100;
                        var s = ns.ToString("D9", CultureInfo.InvariantCulture)[..digits];
                        if (std == GoLayout.Std.FracSecond9)
                        {
                            s = s.TrimEnd('0');
                            if (s.Length > 0)
                            {
                                sb.Append(chunk[0]).Append(s);
                            }
                        }
                        else
                        {
                            sb.Append(chunk[0]).Append(s);
                        }
                        break;
                    }
                default:
                    sb.Append(GoLayout.FormatOffset(std, v.Offset));
                    break;
            }
        }
        return sb.ToString();
    }

    private static int Hour12(int h) => h % 12 == 0 ? 12 : h % 12;
}
