using System.Globalization;

namespace Ferry.Kube;

/// <summary>
/// Kubernetes resource quantities (<c>500m</c>, <c>2</c>, <c>1.5</c>, <c>4Gi</c>, <c>512M</c>, <c>1e3</c>) as
/// apimachinery's <c>resource.Quantity</c> reads them: a signed decimal number, then a binary suffix (Ki … Ei), a
/// decimal suffix (n, u, m, k, M, G, T, P, E) or a decimal exponent (e3, E-2).
/// </summary>
public static class Quantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1000m), ("M", 1000_000m), ("G", 1000_000_000m),
        ("T", 1000_000_000_000m), ("P", 1000_000_000_000_000m), ("E", 1000_000_000_000_000_000m),
    ];

    /// <summary>The quantity's value (cores for CPU, bytes for memory), or false when the text is no quantity.</summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return false;
        }
        var s = text.Trim();
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] is '.' or '+' or '-'))
        {
            end++;
        }
        if (end == 0 || !decimal.TryParse(s[..end], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture,
            out var number))
        {
            return false;
        }
        var suffix = s[end..];
        try
        {
            if (suffix.Length == 0)
            {
                value = number;
                return true;
            }
            if (suffix[0] is 'e' or 'E' && suffix.Length > 1
                && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
                    && Math.Abs(exponent) <= 18)
            {
                value = number * (decimal)Math.Pow(10, exponent);
                return true;
            }
            foreach (var (name, factor) in Suffixes)
            {
                if (suffix == name)
                {
                    value = number * factor;
                    return true;
                }
            }
        }
        catch (OverflowException)
        {
            return false;
        }
        return false;
    }

    /// <summary>What a container is counted for by the scheduler: its request, else its limit (which then is its request), else 0.</summary>
    public static decimal Requested(string? request, string? limit) =>
        TryParse(request, out var r) ? r : TryParse(limit, out var l) ? l : 0;

    /// <summary>CPU in Kubernetes' own notation: whole cores as <c>2</c>, else millicores (<c>1500m</c>).</summary>
    public static string Cpu(decimal cores) =>
        cores == decimal.Truncate(cores) ? cores.ToString("0", CultureInfo.InvariantCulture)
            : $"{decimal.Round(cores * 1000, 0).ToString("0", CultureInfo.InvariantCulture)}m";

    /// <summary>Bytes in the largest binary unit that keeps one decimal (<c>3.5Gi</c>, <c>512Mi</c>).</summary>
    public static string Bytes(decimal bytes)
    {
        string[] units = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
        var i = 0;
        while (i < units.Length - 1 && Math.Abs(bytes) >= 1024)
        {
            bytes /= 1024;
            i++;
        }
        return decimal.Round(bytes, 1).ToString("0.#", CultureInfo.InvariantCulture) + units[i];
    }
}
