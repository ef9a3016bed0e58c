using System.Text;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>huandu/xstrings case conversions as Sprig uses them.</summary>
internal static class CaseFunctions
{
    /// <summary>Splits into words at separators, lower→upper changes and the end of acronyms (HTTPServer → HTTP, Server).</summary>
    private static List<string> Words(string s)
    {
        var words = new List<string>();
        var cur = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }
            if (cur.Length > 0 && char.IsUpper(c))
            {
                var prev = cur[^1];
                var nextIsLower = i + 1 < s.Length && char.IsLower(s[i + 1]);
                if (char.IsLower(prev) || char.IsDigit(prev) || (char.IsUpper(prev) && nextIsLower))
                {
                    Flush();
                }
            }
            cur.Append(c);
        }
        Flush();
        return words;

        void Flush()
        {
            if (cur.Length > 0)
            {
                words.Add(cur.ToString());
                cur.Clear();
            }
        }
    }

    public static string Snake(string s) => string.Join('_', Words(s).Select(w => w.ToLowerInvariant()));

    public static string Kebab(string s) => string.Join('-', Words(s).Select(w => w.ToLowerInvariant()));

    public static string Camel(string s)
    {
        if (s.Length == 0)
        {
            return "";
        }
        var sb = new StringBuilder();
        var i = 0;
        while (i < s.Length && s[i] == '_')
        {
            sb.Append('_');
            i++;
        }
        if (i == s.Length)
        {
            return sb.ToString();
        }
        var r0 = char.ToUpperInvariant(s[i++]);
        while (i < s.Length)
        {
            var r1 = r0;
            r0 = s[i++];
            if (r1 == '_' && r0 == '_')
            {
                sb.Append(r1);
                continue;
            }
            if (r1 == '_')
            {
                r0 = char.ToUpperInvariant(r0);
            }
            else
            {
                sb.Append(r1);
            }
        }
        sb.Append(r0);
        return sb.ToString();
    }

    public static string Swap(string s) => new(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.IsLower(c) ? char.ToUpperInvariant(c) : c).ToArray());
}
