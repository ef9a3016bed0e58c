using Ferry.Templates.Time;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// Sprig's date functions. Dates are <see cref="GoTime"/> values or Unix seconds; Ferry also accepts integral
/// float64 seconds (Helm's number type) where Sprig would silently use the current time.
/// </summary>
internal static class DateFunctions
{
    public static void Register(FunctionRegistry r, TimeProvider clock)
    {
        r.Add(TemplateFunction.Fixed("now", 0, _ => GoTime.InZone(clock.GetLocalNow(), TimeZoneInfo.Local)));
        r.Add(TemplateFunction.Fixed("date", 2, a => Format(AsString(a[0]), a[1], "Local", clock)));
        r.Add(TemplateFunction.Fixed("dateInZone", 3, a => Format(AsString(a[0]), a[1], AsString(a[2]), clock)));
        r.Add(TemplateFunction.Fixed("date_in_zone", 3, a => Format(AsString(a[0]), a[1], AsString(a[2]), clock)));
        r.Add(TemplateFunction.Fixed("htmlDate", 1, a => Format("2006-01-02", a[0], "Local", clock)));
        r.Add(TemplateFunction.Fixed("htmlDateInZone", 2, a => Format("2006-01-02", a[0], AsString(a[1]), clock)));
        r.Add(TemplateFunction.Fixed("dateModify", 2, a => Modify(AsString(a[0]), ToTime(a[1], clock)) ?? ToTime(a[1], clock)));
        r.Add(TemplateFunction.Fixed("mustDateModify", 2, a => Modify(AsString(a[0]), ToTime(a[1], clock))
            ?? throw new TemplateFunctionException($"time: invalid duration \"{AsString(a[0])}\"")));
        r.Add(TemplateFunction.Fixed("ago", 1, a =>
            GoDuration.Format((clock.GetUtcNow() - ToTime(a[0], clock).Value).Ticks / TimeSpan.TicksPerSecond * GoDuration.Second)));
        r.Add(TemplateFunction.Fixed("unixEpoch", 1, a => Invariant(ToTime(a[0], clock).Value.ToUnixTimeSeconds())));
        r.Add(TemplateFunction.Fixed("toDate", 2, a => GoLayout.TryParse(AsString(a[0]), AsString(a[1]), TimeZoneInfo.Local, out var t) ? t
            : GoTime.Utc(DateTimeOffset.MinValue)));
        r.Add(TemplateFunction.Fixed("mustToDate", 2, a => GoLayout.TryParse(AsString(a[0]), AsString(a[1]), TimeZoneInfo.Local, out var t) ? t
            : throw new TemplateFunctionException($"parsing time \"{AsString(a[1])}\" as \"{AsString(a[0])}\": cannot parse")));
        r.Add(TemplateFunction.Fixed("duration", 1, a => GoDuration.Format(Seconds(a[0]) * GoDuration.Second)));
        r.Add(TemplateFunction.Fixed("durationRound", 1, a => DurationRound(a[0], clock)));
    }

    private static long Seconds(object? v) => v switch
    {
        string s => long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture,
            out var l) ? l : 0,
        long or nint or int => GoValue.ToInt64(v),
        double d when Math.Floor(d) == d => (long)d,
        _ => 0,
    };

    private static GoTime ToTime(object? v, TimeProvider clock) => v switch
    {
        GoTime t => t,
        long or nint or int or short => GoTime.InZone(DateTimeOffset.FromUnixTimeSeconds(GoValue.ToInt64(v!)), TimeZoneInfo.Local),
        double d when Math.Floor(d) == d && Math.Abs(d) < 1e15 => GoTime.InZone(DateTimeOffset.FromUnixTimeSeconds((long)d), TimeZoneInfo.Local),
        _ => GoTime.InZone(clock.GetUtcNow(), TimeZoneInfo.Local),
    };

    private static string Format(string layout, object? date, string zone, TimeProvider clock)
    {
        var t = ToTime(date, clock);
        return GoTime.InZone(t.Value, GoTime.FindZone(zone)).Format(layout);
    }

    private static GoTime? Modify(string fmt, GoTime t) =>
        GoDuration.TryParse(fmt, out var d) ? new GoTime(t.Value.AddTicks(d / 100), t.ZoneName) : null;

    private static string DurationRound(object? v, TimeProvider clock)
    {
        long d;
        switch (v)
        {
            case string s:
                if (!GoDuration.TryParse(s, out d))
                {
                    d = 0;
                }
                break;
            case GoTime t:
                d = (clock.GetUtcNow() - t.Value).Ticks * 100;
                break;
            default:
                d = ToInt64(v);
                break;
        }
        var neg = d < 0;
        var u = (ulong)Math.Abs(d);
        const ulong hour = (ulong)GoDuration.Hour;
        ulong year = hour * 24 * 365, month = hour * 24 * 30, day = hour * 24, minute = (ulong)GoDuration.Minute, second = (ulong)GoDuration.Second;
        var prefix = neg ? "-" : "";
        if (u > year) return prefix + (u / year) + "y";
        if (u > month) return prefix + (u / month) + "mo";
        if (u > day) return prefix + (u / day) + "d";
        if (u > hour) return prefix + (u / hour) + "h";
        if (u > minute) return prefix + (u / minute) + "m";
        if (u > second) return prefix + (u / second) + "s";
        return "0s";
    }
}
