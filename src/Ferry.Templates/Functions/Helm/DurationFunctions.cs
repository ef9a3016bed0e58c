using Ferry.Templates.Formatting;
using Ferry.Templates.Time;
using Ferry.Templates.Values;

namespace Ferry.Templates.Functions.Helm;

/// <summary>A Go time.Duration value: prints as <c>1m30s</c>, serialises as nanoseconds.</summary>
public sealed record GoDurationValue(long Nanoseconds) : IJsonValue
{
    public override string ToString() => GoDuration.Format(Nanoseconds);

    public object? ToJsonValue() => Nanoseconds;
}

/// <summary>Helm v4's duration helpers: numbers are seconds, strings are Go durations or numeric seconds.</summary>
internal static class DurationFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Fixed("mustToDuration", 1, a =>
            new GoDurationValue(ToDuration(a[0]) ?? throw new TemplateFunctionException($"cannot convert {GoFmt.FormatValue(a[0])}" +
                $" ({GoValue.TypeName(a[0])}) to a duration"))));
        Unit(r, "durationSeconds", GoDuration.Second);
        // time.Duration's Milliseconds, Microseconds and Nanoseconds are int64 (they print as integers)
        Whole(r, "durationMilliseconds", GoDuration.Millisecond);
        Whole(r, "durationMicroseconds", GoDuration.Microsecond);
        Whole(r, "durationNanoseconds", GoDuration.Nanosecond);
        Unit(r, "durationMinutes", GoDuration.Minute);
        Unit(r, "durationHours", GoDuration.Hour);
        Unit(r, "durationDays", 24 * GoDuration.Hour);
        Unit(r, "durationWeeks", 7 * 24 * GoDuration.Hour);
        r.Add(TemplateFunction.Fixed("durationRoundTo", 2, a => Adjust(a[0], a[1], round: true)));
        r.Add(TemplateFunction.Fixed("durationTruncateTo", 2, a => Adjust(a[0], a[1], round: false)));
    }

    private static void Unit(FunctionRegistry r, string name, long unit) =>
        r.Add(TemplateFunction.Fixed(name, 1, a => (double)(ToDuration(a[0]) ?? 0) / unit));

    private static void Whole(FunctionRegistry r, string name, long unit) =>
        r.Add(TemplateFunction.Fixed(name, 1, a => (ToDuration(a[0]) ?? 0) / unit));

    /// <summary>A duration from a number of seconds, a Go duration string or numeric seconds in a string; null if none.</summary>
    internal static long? ToDuration(object? v)
    {
        switch (v)
        {
            case null:
                return 0;
            case GoDurationValue d:
                return d.Nanoseconds;
            case long or nint or int or short or sbyte:
                return Checked(GoValue.ToInt64(v) * (decimal)GoDuration.Second);
            case ulong or uint or ushort or byte:
                return Checked(GoValue.ToUInt64(v) * (decimal)GoDuration.Second);
            case double or float:
                {
                    var f = GoValue.ToDouble(v);
                    return double.IsFinite(f) && Math.Abs(f) < 9.2e9 ? (long)Math.Round(f * GoDuration.Second) : null;
                }
            case string s:
                {
                    s = s.Trim();
                    if (s.Length == 0)
                    {
                        return null;
                    }
                    if (GoDuration.TryParse(s, out var d))
                    {
                        return d;
                    }
                    return GoNumberParser.TryParseFloat(s, out var f) ? ToDuration(f) : null;
                }
            default:
                return null;
        }
    }

    private static long? Checked(decimal ns) => ns > long.MaxValue || ns < long.MinValue ? null : (long)ns;

    private static GoDurationValue Adjust(object? value, object? multiple, bool round)
    {
        var d = ToDuration(value) ?? 0;
        var m = ToDuration(multiple);
        if (m is null or <= 0)
        {
            return new GoDurationValue(d);
        }
        var r = d % m.Value;
        if (!round)
        {
            return new GoDurationValue(d - r);
        }
        if (d < 0)
        {
            r = -r;
            return new GoDurationValue(r + r < m.Value ? d + r : d - (m.Value - r));
        }
        return new GoDurationValue(r + r < m.Value ? d - r : d + (m.Value - r));
    }
}
