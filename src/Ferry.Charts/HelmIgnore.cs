using System.Text.RegularExpressions;

namespace Ferry.Charts;

/// <summary>.helmignore rules: gitignore-like globs, <c>!</c> negation, trailing <c>/</c> for directories.</summary>
public sealed class HelmIgnore
{
    private readonly List<(Regex Pattern, bool Negate, bool DirOnly, bool Full)> _rules = [];

    public static HelmIgnore Parse(string text)
    {
        var h = new HelmIgnore();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            h.Add(line);
        }
        h.Add("templates/.?*");
        return h;
    }

    private void Add(string line)
    {
        var negate = line.StartsWith('!');
        if (negate)
        {
            line = line[1..];
        }
        var dirOnly = line.EndsWith('/');
        line = line.TrimEnd('/').TrimStart('/');
        var full = line.Contains('/', StringComparison.Ordinal);
        _rules.Add((new Regex("^" + GlobToRegex(line) + "$", RegexOptions.CultureInvariant), negate, dirOnly, full));
    }

    private static string GlobToRegex(string glob)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close > i)
                    {
                        var cls = glob[(i + 1)..close];
                        sb.Append('[').Append(cls.StartsWith('!') ? "^" + Regex.Escape(cls[1..]) : Regex.Escape(cls)).Append(']');
                        i = close;
                    }
                    else
                    {
                        sb.Append("\\[");
                    }
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Whether a path (relative to the chart root, forward slashes) is ignored.</summary>
    public bool Ignore(string path, bool isDirectory)
    {
        var ignored = false;
        var name = path[(path.LastIndexOf('/') + 1)..];
        foreach (var (pattern, negate, dirOnly, full) in _rules)
        {
            if (dirOnly && !isDirectory)
            {
                continue;
            }
            var match = full ? pattern.IsMatch(path) : pattern.IsMatch(name);
            if (match)
            {
                ignored = !negate;
            }
        }
        return ignored;
    }
}
