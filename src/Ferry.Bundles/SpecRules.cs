using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Ferry.Bundles;

/// <summary>The strict rules of ferry.yaml: known keys (with a did-you-mean), YAML booleans, Kubernetes names, SemVer.</summary>
internal static partial class SpecRules
{
    /// <summary>Helm's limit on a release name (an app is installed as a release of its name).</summary>
    public const int MaxReleaseName = 53;

    public const int MaxDnsLabel = 63;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    // SemVer 2.0.0: no leading zeros, optional pre-release and build metadata
    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
        + @"(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
        + @"(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?$")]
    private static partial Regex SemVerPattern();

    public static bool IsDnsLabel(string s, int max = MaxDnsLabel) => s.Length <= max && DnsLabelPattern().IsMatch(s);

    public static bool IsSemVer(string s) => SemVerPattern().IsMatch(s);

    /// <summary>A DNS subdomain name (RFC 1123), as Kubernetes requires of most object names: dot-separated labels, at most 253 characters.</summary>
    public static bool IsDnsSubdomain(string s) => s.Length <= 253 && s.Split('.').All(l => IsDnsLabel(l));

    /// <summary>A YAML boolean (the 1.2 core forms and YAML 1.1's yes/no/on/off, as go-yaml v2 reads them), or null.</summary>
    public static bool? Boolean(string value) => value switch
    {
        "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" => true,
        "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" => false,
        _ => null,
    };

    /// <summary>Errors for keys of <paramref name="map"/> not in <paramref name="allowed"/>, each with its position and a suggestion.</summary>
    public static IEnumerable<(YamlNode Key, string Message)> UnknownKeys(YamlMappingNode map, string where, params string[] allowed)
    {
        foreach (var (k, _) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } key } && Array.IndexOf(allowed, key) < 0)
            {
                var guess = DidYouMean(key, allowed);
                yield return (k, $"unknown field {where}{key}{(guess is null ? "" : $"; did you mean {guess}?")}" +
                    $" (allowed: {string.Join(", ", allowed)})");
            }
        }
    }

    /// <summary>The allowed key closest to <paramref name="key"/> (case-insensitive edit distance at most 2), or null.</summary>
    public static string? DidYouMean(string key, IEnumerable<string> allowed) => allowed
        .Select(a => (Name: a, Distance: Distance(key.ToLowerInvariant(), a.ToLowerInvariant())))
        .Where(x => x.Distance <= Math.Max(1, Math.Min(2, x.Name.Length / 3)))
        .OrderBy(x => x.Distance)
        .Select(x => x.Name)
        .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var d = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            d[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = d[0];
            d[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return d[b.Length];
    }
}
