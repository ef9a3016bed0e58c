using System.Globalization;
using System.Text.RegularExpressions;

namespace Ferry.Templates.Semver;

/// <summary>
/// A Masterminds/semver v3 constraint: OR groups (<c>||</c>) of AND terms (comma or space separated) with
/// operators <c>= != &gt; &lt; &gt;= &lt;= ~ ~&gt; ^</c>, wildcards (<c>1.2.x</c>, <c>*</c>), partial versions and
/// hyphen ranges. A prerelease version only matches a term that names a prerelease (so <c>&gt;=1.0.0-0</c> admits them).
/// </summary>
public sealed partial class SemConstraint
{
    [GeneratedRegex(@"^\s*(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)?\s*(v?[0-9xX*]+(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z\-.]+)?(\+[0-9A-Za-z\-.]+)?)\s*$",
        RegexOptions.CultureInvariant)]
    private static partial Regex TermRegex();

    [GeneratedRegex(@"\s*(v?[0-9xX*][0-9A-Za-z\-.+*]*)\s+-\s+(v?[0-9xX*][0-9A-Za-z\-.+*]*)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex HyphenRegex();

    private readonly List<List<Term>> _groups;

    private SemConstraint(string original, List<List<Term>> groups)
    {
        Original = original;
        _groups = groups;
    }

    public string Original { get; }

    private sealed record Term(string Op, ulong Major, ulong Minor, ulong Patch, string Pre, int Parts, bool Any);

    public static SemConstraint Parse(string s)
    {
        var groups = new List<List<Term>>();
        foreach (var orPart in s.Split("||"))
        {
            var text = HyphenRegex().Replace(orPart, m => $" >={m.Groups[1].Value}, <={m.Groups[2].Value} ");
            var terms = new List<Term>();
            var tokens = Regex.Split(text.Trim(), @"\s*,\s*|\s+(?=[=!<>~^v0-9xX*])");
            var pendingOp = "";
            foreach (var raw in tokens)
            {
                var tok = raw.Trim();
                if (tok.Length == 0)
                {
                    continue;
                }
                if (tok is "=" or "!=" or ">" or "<" or ">=" or "<=" or "=>" or "=<" or "~" or "~>" or "^")
                {
                    pendingOp = tok;
                    continue;
                }
                terms.Add(ParseTerm(pendingOp + tok, s));
                pendingOp = "";
            }
            if (terms.Count == 0 || pendingOp.Length > 0)
            {
                throw new FormatException($"improper constraint: {s}");
            }
            groups.Add(terms);
        }
        return new SemConstraint(s, groups);
    }

    public static bool TryParse(string s, out SemConstraint? constraint)
    {
        try
        {
            constraint = Parse(s);
            return true;
        }
        catch (FormatException)
        {
            constraint = null;
            return false;
        }
    }

    private static Term ParseTerm(string t, string whole)
    {
        var m = TermRegex().Match(t);
        if (!m.Success)
        {
            throw new FormatException($"improper constraint: {whole}");
        }
        var op = m.Groups[1].Value switch { "=>" => ">=", "=<" => "<=", "~>" => "~", var o => o };
        var ver = m.Groups[2].Value.TrimStart('v');
        var pre = m.Groups[5].Success ? m.Groups[5].Value[1..] : "";
        var core = ver.Split('-', '+')[0];
        var parts = core.Split('.');
        var nums = new ulong[3];
        var given = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] is "x" or "X" or "*")
            {
                break;
            }
            nums[i] = ulong.Parse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture);
            given = i + 1;
        }
        return new Term(op, nums[0], nums[1], nums[2], pre, given, given == 0);
    }

    public bool Check(SemVersion v) => _groups.Any(g => g.All(t => Matches(t, v)));

    private static bool Matches(Term t, SemVersion v)
    {
        if (v.Prerelease.Length > 0 && t.Pre.Length == 0)
        {
            return false;
        }
        var c = SemVersion.Create(t.Major, t.Minor, t.Patch, t.Pre);
        switch (t.Op)
        {
            case "" or "=":
                return t.Parts == 3 ? v.CompareTo(c) == 0 : InRange(v, t);
            case "!=":
                return t.Parts == 3 ? v.CompareTo(c) != 0 : !InRange(v, t);
            case ">":
                if (t.Parts == 3)
                {
                    return v.CompareTo(c) > 0;
                }
                return t.Any ? false : v.CompareTo(Upper(t)) >= 0;
            case ">=":
                return v.CompareTo(c) >= 0;
            case "<":
                return t.Any ? false : v.CompareTo(c) < 0;
            case "<=":
                return t.Parts == 3 ? v.CompareTo(c) <= 0 : t.Any || v.CompareTo(Upper(t)) < 0;
            case "~":
                {
                    if (v.CompareTo(c) < 0)
                    {
                        return false;
                    }
                    var upper = t.Parts <= 1 ? SemVersion.Create(t.Major + 1, 0, 0) : SemVersion.Create(t.Major, t.Minor + 1, 0);
                    return t.Any || v.CompareTo(upper) < 0;
                }
            case "^":
                {
                    if (v.CompareTo(c) < 0)
                    {
                        return false;
                    }
                    SemVersion upper;
                    if (t.Major > 0 || t.Parts <= 1)
                    {
                        upper = SemVersion.Create(t.Major + 1, 0, 0);
                    }
                    else if (t.Minor > 0 || t.Parts == 2)
                    {
                        upper = SemVersion.Create(0, t.Minor + 1, 0);
                    }
                    else
                    {
                        upper = SemVersion.Create(0, 0, t.Patch + 1);
                    }
                    return t.Any || v.CompareTo(upper) < 0;
                }
            default:
                return false;
        }
    }

    /// <summary>The first version above a partial version's range: 1 → 2.0.0, 1.2 → 1.3.0.</summary>
    private static SemVersion Upper(Term t) => t.Parts switch
    {
        1 => SemVersion.Create(t.Major + 1, 0, 0),
        2 => SemVersion.Create(t.Major, t.Minor + 1, 0),
        _ => SemVersion.Create(t.Major, t.Minor, t.Patch + 1),
    };

    private static bool InRange(SemVersion v, Term t) =>
        t.Any || (v.CompareTo(SemVersion.Create(t.Major, t.Minor, t.Patch, t.Pre)) >= 0 && v.CompareTo(Upper(t)) < 0);

    public override string ToString() => Original;
}
