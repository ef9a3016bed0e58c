using Ferry.Templates.Values;
using System.Text;
using System.Text.RegularExpressions;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// Sprig's regex functions over Go's RE2 syntax. Patterns are translated to .NET where the meaning is the same
/// (<c>(?P&lt;name&gt;</c>); constructs RE2 rejects (backreferences, lookaround) are rejected here too.
/// </summary>
internal static class RegexFunctions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static void Register(FunctionRegistry r)
    {
        Both(r, "regexMatch", 2, a => Compile(a[0]).IsMatch(AsString(a[1])));
        Both(r, "regexFind", 2, a => { var m = Compile(a[0]).Match(AsString(a[1])); return m.Success ? m.Value : ""; });
        Both(r, "regexFindAll", 3, a => FindAll(Compile(a[0]), AsString(a[1]), AsInt(a[2])));
        Both(r, "regexReplaceAll", 3, a => Compile(a[0]).Replace(AsString(a[1]), m => Expand(AsString(a[2]), m)));
        Both(r, "regexReplaceAllLiteral", 3, a => Compile(a[0]).Replace(AsString(a[1]), _ => AsString(a[2])));
        Both(r, "regexSplit", 3, a => Split(Compile(a[0]), AsString(a[1]), AsInt(a[2])));
        r.Add(Values.TemplateFunction.Fixed("regexQuoteMeta", 1, a => QuoteMeta(AsString(a[0]))));
    }

    private static void Both(FunctionRegistry r, string name, int count, Values.TemplateFunctionBody body)
    {
        r.Add(Values.TemplateFunction.Fixed(name, count, body));
        r.Add(Values.TemplateFunction.Fixed("must" + char.ToUpperInvariant(name[0]) + name[1..], count, body));
    }

    internal static Regex Compile(object? pattern)
    {
        var p = AsString(pattern);
        if (Regex.IsMatch(p, @"\(\?(=|!|<=|<!)") || Regex.IsMatch(p, @"(?<!\\)\\[1-9]"))
        {
            throw new Values.TemplateFunctionException($"error parsing regexp: invalid or unsupported Perl syntax in `{p}`");
        }
        try
        {
            return new Regex(p.Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException e)
        {
            throw new Values.TemplateFunctionException($"error parsing regexp: {e.Message}");
        }
    }

    private static List<object?> FindAll(Regex re, string s, int n)
    {
        var result = new GoTypedList("[]string");
        if (n == 0)
        {
            return result;
        }
        foreach (Match m in re.Matches(s))
        {
            if (n > 0 && result.Count >= n)
            {
                break;
            }
            result.Add(m.Value);
        }
        return result;
    }

    /// <summary>Go's regexp.Split: n &gt; 0 at most n pieces, n == 0 none, n &lt; 0 all.</summary>
    private static List<object?> Split(Regex re, string s, int n)
    {
        var result = new GoTypedList("[]string");
        if (n == 0)
        {
            return result;
        }
        if (re.ToString().Length > 0 && s.Length == 0)
        {
            result.Add("");
            return result;
        }
        var beg = 0;
        foreach (Match m in re.Matches(s))
        {
            if (n > 0 && result.Count == n - 1)
            {
                break;
            }
            var end = m.Index;
            if (m.Length == 0)
            {
                if (m.Index == 0 || m.Index == s.Length)
                {
                    continue;
                }
            }
            result.Add(s[beg..end]);
            beg = m.Index + m.Length;
        }
        result.Add(s[beg..]);
        return result;
    }

    /// <summary>Go's Regexp.Expand template: <c>$1</c>, <c>${1}</c>, <c>$name</c>, <c>$$</c>; unknown groups are empty.</summary>
    private static string Expand(string template, Match m)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '$' || i + 1 >= template.Length)
            {
                sb.Append(c);
                continue;
            }
            if (template[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            string name;
            var j = i + 1;
            if (template[j] == '{')
            {
                var close = template.IndexOf('}', j);
                if (close < 0)
                {
                    sb.Append(c);
                    continue;
                }
                name = template[(j + 1)..close];
                j = close + 1;
            }
            else
            {
                var k = j;
                while (k < template.Length && (char.IsLetterOrDigit(template[k]) || template[k] == '_'))
                {
                    k++;
                }
                name = template[j..k];
                j = k;
            }
            if (name.Length == 0)
            {
                sb.Append(c);
                continue;
            }
            var g = int.TryParse(name, out var num) ? (num < m.Groups.Count ? m.Groups[num] : null) : m.Groups[name];
            if (g is not null && g.Success)
            {
                sb.Append(g.Value);
            }
            i = j - 1;
        }
        return sb.ToString();
    }

    private static string QuoteMeta(string s)
    {
        var sb = new StringBuilder(s.Length * 2);
        foreach (var c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
