namespace Ferry.Templates.Lexing;

/// <summary>
/// Interns the short strings a lexer produces (names, fields, spaces, delimiters): a chart's templates say
/// <c>.Values</c> and <c>include</c> tens of thousands of times, and one string each saves allocating them all.
/// Long tokens (quoted strings) are copied as they come. Not thread-safe: one pool per parsing thread.
/// </summary>
public sealed class StringPool
{
    private const int MaxInternedLength = 64;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool()
    {
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The pooled string equal to <paramref name="text"/>.</summary>
    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length == 0)
        {
            return "";
        }
        if (text.Length > MaxInternedLength)
        {
            return text.ToString();
        }
        if (_lookup.TryGetValue(text, out var pooled))
        {
            return pooled;
        }
        var s = text.ToString();
        _strings[s] = s;
        return s;
    }
}
