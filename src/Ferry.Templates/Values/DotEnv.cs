namespace Ferry.Templates.Values;

/// <summary>dotenv files: <c>KEY=value</c> lines, <c>#</c> comments, an optional <c>export </c> prefix, optional quotes.</summary>
public static class DotEnv
{
    /// <exception cref="FormatException">A line is not <c>KEY=value</c>; the message is <c>FILE:LINE:1: ...</c>.</exception>
    public static Dictionary<string, string> Parse(string text, string file)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..];
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"{file}:{lineNo}:1: expected KEY=value");
            }
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            result[line[..eq].Trim()] = value;
        }
        return result;
    }
}
