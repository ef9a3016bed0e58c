using System.Text.RegularExpressions;
using Ferry.Kube;

namespace Ferry.Bundles;

/// <summary>A change the bundle's env migrations make to the site's deploy-env.</summary>
public sealed record EnvRename(string From, string To, bool Secret);

/// <summary>
/// The site env seen through a bundle: its env migrations applied (in memory; deploy persists them), then checked
/// against the bundle's env schema with every problem reported at once.
/// </summary>
public static class EnvCheck
{
    /// <summary>
    /// Applies the spec's renames to <paramref name="site"/>: a key renamed to one the site does not have yet moves
    /// (keeping its secrecy); when both are set the new one wins and the old one is left for the operator.
    /// </summary>
    public static (SiteEnv Env, IReadOnlyList<EnvRename> Renames, IReadOnlyList<string> Warnings) Migrate(BundleSpec spec, SiteEnv site)
    {
        var values = new Dictionary<string, string>(site.Values, StringComparer.Ordinal);
        var secrets = new HashSet<string>(site.SecretKeys, StringComparer.Ordinal);
        var renames = new List<EnvRename>();
        var warnings = new List<string>();
        foreach (var m in spec.EnvMigrations)
        {
            if (!values.TryGetValue(m.From, out var value))
            {
                continue;
            }
            if (values.ContainsKey(m.To))
            {
                warnings.Add($"deploy-env has both {m.From} and {m.To}; the bundle renames {m.From} to {m.To}, so {m.From} is ignored (remove it " +
                    "with 'ferry env set' once checked)");
                continue;
            }
            var secret = secrets.Contains(m.From) || spec.Env.Any(v => v.Name == m.To && v.Secret);
            values.Remove(m.From);
            secrets.Remove(m.From);
            values[m.To] = value;
            if (secret)
            {
                secrets.Add(m.To);
            }
            renames.Add(new EnvRename(m.From, m.To, secret));
        }
        return (new SiteEnv(values, secrets), renames, warnings);
    }

    /// <summary>Warnings for keys the site sets that the bundle does not declare (they are ignored).</summary>
    public static IEnumerable<string> UnknownKeys(BundleSpec spec, SiteEnv site) =>
        site.Values.Keys.Where(k => spec.Env.All(v => v.Name != k)).Order(StringComparer.Ordinal)
            .Select(k => $"deploy-env key {k} is not declared by this bundle and is ignored");

    /// <summary>What keeps the site env from satisfying the bundle's env schema, each with what to do (secret values never shown).</summary>
    public static List<string> Problems(BundleSpec spec, SiteEnv site) => Problems(spec.Env, site);

    /// <summary>What keeps the site env from satisfying an env schema (a bundle's, as its manifest lists it).</summary>
    public static List<string> Problems(IReadOnlyList<EnvVar> schema, SiteEnv site)
    {
        var problems = new List<string>();
        foreach (var v in schema)
        {
            if (!site.Values.TryGetValue(v.Name, out var value))
            {
                if (v.Required && v.Default is null)
                {
                    problems.Add($"{v.Name}: required{(v.Description.Length > 0 ? $" ({v.Description})" : "")}; set it with " +
                        $"'ferry env set {v.Name}=...'{(v.Secret ? ", as a secret" : "")}");
                }
                continue;
            }
            if (v.Pattern is not null && !Regex.IsMatch(value, v.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                problems.Add(v.Secret || site.SecretKeys.Contains(v.Name) ? $"{v.Name}: the secret value " +
                    $"does not match {v.Pattern}" : $"{v.Name}: \"{value}\" does not match {v.Pattern}");
            }
        }
        return problems;
    }

    /// <summary>The deploy journal's step recording the env a deploy used (read back by the next plan's env diff).</summary>
    public const string JournalStep = DeployJournal.EnvStep;

    /// <summary>The env step's content: the <see cref="Recordable"/> values as a JSON object.</summary>
    public static string ToJournal(BundleSpec spec, SiteEnv site) =>
        new System.Text.Json.Nodes.JsonObject(Recordable(spec, site)
            .Select(kv => KeyValuePair.Create(kv.Key, (System.Text.Json.Nodes.JsonNode?)kv.Value))).ToJsonString();

    /// <summary>The env a journal's deploy recorded, or null when it recorded none (or something unreadable).</summary>
    public static Dictionary<string, string>? FromJournal(JournalRecord journal)
    {
        if (!journal.Steps.TryGetValue(JournalStep, out var recorded))
        {
            return null;
        }
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(recorded) is System.Text.Json.Nodes.JsonObject o
                ? o.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Site env values worth recording for the next plan's env diff: every declared non-secret key.</summary>
    public static Dictionary<string, string> Recordable(BundleSpec spec, SiteEnv site) =>
        spec.Env.Where(v => !v.Secret && !site.SecretKeys.Contains(v.Name) && site.Values.ContainsKey(v.Name))
            .ToDictionary(v => v.Name, v => site.Values[v.Name], StringComparer.Ordinal);
}
