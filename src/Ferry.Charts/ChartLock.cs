using System.Globalization;
using System.Text.RegularExpressions;

namespace Ferry.Charts;

/// <summary>
/// Chart.lock (requirements.lock for apiVersion v1): what <c>helm dependency update</c> resolved. Helm keeps it on the
/// loaded chart and records it in each release; nothing else reads it.
/// </summary>
public sealed partial class ChartLock
{
    /// <summary><c>generated</c> as Go writes a time.Time (RFC 3339, fraction without trailing zeros, <c>Z</c> for UTC).</summary>
    public string Generated { get; init; } = ZeroTime;

    public string Digest { get; init; } = "";

    /// <summary>null when the lock has no <c>dependencies</c> (Helm writes null, not an empty list).</summary>
    public List<ChartDependency>? Dependencies { get; init; }

    /// <summary>Go's zero time.Time, which Helm writes for a lock without <c>generated</c>.</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>
    /// An RFC 3339 time as Go's time.Time reads it from JSON and writes it back: null when Go would refuse it.
    /// </summary>
    public static string? GoTime(string text)
    {
        var m = Rfc3339().Match(text);
        if (!m.Success || !DateTime.TryParseExact(m.Groups["date"].Value + "T" + m.Groups["time"].Value, "yyyy-MM-dd'T'HH:mm:ss",
            CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return null;
        }
        var zone = m.Groups["zone"].Value;
        if (zone != "Z" && (int.Parse(zone[1..3], CultureInfo.InvariantCulture) > 23 || int.Parse(zone[4..], CultureInfo.InvariantCulture) > 59))
        {
            return null;
        }
        var digits = m.Groups["fraction"].Value.Replace(',', '.');
        var fraction = digits[..Math.Min(digits.Length, 10)].TrimEnd('0');
        zone = zone is "+00:00" or "-00:00" ? "Z" : zone;
        return $"{m.Groups["date"].Value}T{m.Groups["time"].Value}{(fraction == "." ? "" : fraction)}{zone}";
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})T(?<time>\d{2}:\d{2}:\d{2})(?<fraction>[.,]\d+)?(?<zone>Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
