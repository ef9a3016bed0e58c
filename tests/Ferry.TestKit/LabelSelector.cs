using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>Kubernetes label selector semantics: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>.</summary>
public static class LabelSelector
{
    public static Func<JsonObject?, bool> Parse(string selector)
    {
        var tests = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var term in Split(selector))
        {
            var t = term.Trim();
            if (t.Length == 0)
            {
                continue;
            }
            int i;
            if ((i = t.IndexOf(" notin ", StringComparison.Ordinal)) > 0)
            {
                var (k, set) = (t[..i].Trim(), Set(t[(i + 7)..]));
                tests.Add(l => !l.TryGetValue(k, out var v) || !set.Contains(v));
            }
            else if ((i = t.IndexOf(" in ", StringComparison.Ordinal)) > 0)
            {
                var (k, set) = (t[..i].Trim(), Set(t[(i + 4)..]));
                tests.Add(l => l.TryGetValue(k, out var v) && set.Contains(v));
            }
            else if ((i = t.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                var (k, want) = (t[..i].Trim(), t[(i + 2)..].Trim());
                tests.Add(l => !l.TryGetValue(k, out var v) || v != want);
            }
            else if ((i = t.IndexOf('=', StringComparison.Ordinal)) > 0)
            {
                var k = t[..i].Trim();
                var want = t[(i + (t.Length > i + 1 && t[i + 1] == '=' ? 2 : 1))..].Trim();
                tests.Add(l => l.TryGetValue(k, out var v) && v == want);
            }
            else if (t.StartsWith('!'))
            {
                var k = t[1..].Trim();
                tests.Add(l => !l.ContainsKey(k));
            }
            else
            {
                tests.Add(l => l.ContainsKey(t));
            }
        }
        return labels =>
        {
            var map = labels?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "", StringComparer.Ordinal) ?? [];
            return tests.All(test => test(map));
        };
    }

    private static HashSet<string> Set(string text) =>
        text.Trim().TrimStart('(').TrimEnd(')').Split(',').Select(s => s.Trim()).ToHashSet(StringComparer.Ordinal);

    /// <summary>Splits on commas outside parentheses.</summary>
    private static IEnumerable<string> Split(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }
        yield return selector[start..];
    }
}
