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
        r.Add(Values.TemplateFunction.Fixed("regexMatch", 2, a => TryCompile(a[0]) is { } re && re.IsMatch(AsString(a[1]))));
        r.Add(Values.TemplateFunction.Fixed("mustRegexMatch", 2, a => Compile(a[0], must: true).IsMatch(AsString(a[1]))));
        Both(r, "regexFind", 2, (re, a) => { var m = re.Match(AsString(a[1])); return m.Success ? m.Value : ""; });
        Both(r, "regexFindAll", 3, (re, a) => FindAll(re, AsString(a[1]), AsInt(a[2])));
        Both(r, "regexReplaceAll", 3, (re, a) => re.Replace(AsString(a[1]), m => Expand(AsString(a[2]), m)));
        Both(r, "regexReplaceAllLiteral", 3, (re, a) => re.Replace(AsString(a[1]), _ => AsString(a[2])));
        Both(r, "regexSplit", 3, (re, a) => Split(re, AsString(a[1]), AsInt(a[2])));
        r.Add(Values.TemplateFunction.Fixed("regexQuoteMeta", 1, a => QuoteMeta(AsString(a[0]))));
    }

    /// <summary>Sprig's pair: <c>name</c> compiles with regexp.MustCompile (its panic is the error), <c>mustName</c> with Compile.</summary>
    private static void Both(FunctionRegistry r, string name, int count, Func<Regex, object?[], object?> body)
    {
        r.Add(Values.TemplateFunction.Fixed(name, count, a => body(Compile(a[0], must: false), a)));
        var mustName = "must" + char.ToUpperInvariant(name[0]) + name[1..];
        r.Add(Values.TemplateFunction.Fixed(mustName, count, a => body(Compile(a[0], must: true), a)));
    }

    /// <summary>
    /// Go's regexp.Compile over RE2 syntax: Go's parser decides what is refused and says it in Go's words (with
    /// MustCompile's <c>regexp: Compile(`…`): </c> in front for the non-must functions); .NET compiles what passes.
    /// </summary>
    internal static Regex Compile(object? pattern, bool must = true)
    {
        var p = AsString(pattern);
        var problem = GoRegexSyntax.Translate(p, out var dotNet, out var unsupported);
        if (problem is null && unsupported is not null)
        {
            throw new Values.TemplateFunctionException($"the pattern `{p}` uses {unsupported}, which Ferry's regexp does not support yet");
        }
        if (problem is not null)
        {
            throw new Values.TemplateFunctionException(must ? problem : $"regexp: Compile({GoBackquote(p)}): {problem}");
        }
        return DotNet(dotNet!) ?? throw new Values.TemplateFunctionException(
            $"the pattern `{p}` is valid Go regexp syntax that Ferry's regexp does not support yet");
    }

    private static Regex? DotNet(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Regex? TryCompile(object? pattern)
    {
        var p = AsString(pattern);
        return GoRegexSyntax.Translate(p, out var dotNet, out _) is null && dotNet is not null ? DotNet(dotNet) : null;
    }

    /// <summary>regexp's quote: a raw string literal when strconv.CanBackquote allows, else a quoted one.</summary>
    private static string GoBackquote(string s) =>
        s.Any(c => c == '`' || c == '\uFFFD' || (c < ' ' && c != '\t') || c == 0x7f) ? Formatting.GoQuote.Quote(s) : "`" + s + "`";

    private static List<object?> FindAll(Regex re, string s, int n)
    {
        var result = GoTypedList.Nil("[]string");
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
