namespace Ferry.Charts;

/// <summary>
/// .helmignore rules exactly as Helm evaluates them (pkg/ignore): Go <c>filepath.Match</c> globs, a trailing
/// <c>/</c> for directories, a leading <c>/</c> anchors to the chart root, a pattern without <c>/</c> matches the base
/// name; rules run in order and the first match decides, and a <c>!</c> rule ignores every path it does NOT match.
/// <c>**</c> and malformed patterns are refused, as Helm refuses to load such a chart.
/// </summary>
public sealed class HelmIgnore
{
    private readonly List<Rule> _rules = [];

    private sealed record Rule(string Pattern, bool Negate, bool DirOnly, bool BaseNameOnly);

    /// <summary>Parses a .helmignore text and adds Helm's default rule (<c>templates/.?*</c>).</summary>
    /// <exception cref="ChartException">A rule uses <c>**</c> or is not a valid pattern.</exception>
    public static HelmIgnore Parse(string text)
    {
        var h = new HelmIgnore();
        foreach (var raw in text.Split('\n'))
        {
            h.Add(raw);
        }
        h.Add("templates/.?*");
        return h;
    }

    private void Add(string line)
    {
        var rule = line.Trim();
        if (rule.Length == 0 || rule.StartsWith('#'))
        {
            return;
        }
        if (rule.Contains("**", StringComparison.Ordinal))
        {
            throw new ChartException("double-star (**) syntax is not supported");
        }
        try
        {
            GoPathMatch.Validate(rule);
        }
        catch (FormatException e)
        {
            throw new ChartException($".helmignore rule {rule}: {e.Message}");
        }
        var negate = rule.StartsWith('!');
        if (negate)
        {
            rule = rule[1..];
        }
        var dirOnly = rule.EndsWith('/');
        if (dirOnly)
        {
            rule = rule[..^1];
        }
        var anchored = rule.StartsWith('/');
        _rules.Add(new Rule(anchored ? rule[1..] : rule, negate, dirOnly, !anchored && !rule.Contains('/', StringComparison.Ordinal)));
    }

    /// <summary>Whether a path (relative to the chart root, forward slashes) is ignored.</summary>
    public bool Ignore(string path, bool isDirectory)
    {
        if (path is "" or "." or "./")
        {
            return false;
        }
        foreach (var rule in _rules)
        {
            if (rule.Negate)
            {
                if ((rule.DirOnly && !isDirectory) || !Matches(rule, path))
                {
                    return true;
                }
                continue;
            }
            if (rule.DirOnly && !isDirectory)
            {
                continue;
            }
            if (Matches(rule, path))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Matches(Rule rule, string path)
    {
        var name = rule.BaseNameOnly ? path[(path.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/') : path;
        try
        {
            return GoPathMatch.Match(rule.Pattern, name);
        }
        catch (FormatException)
        {
            return false; // Helm logs and treats it as no match (a rule is validated before its '!' and '/' are cut)
        }
    }
}
