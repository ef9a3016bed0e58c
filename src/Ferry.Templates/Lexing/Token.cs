namespace Ferry.Templates.Lexing;

/// <summary>
/// A lexed token: its type, text, offset in the source and 1-based line. Text tokens keep a slice of the source
/// instead of a copy (templates are mostly text), so <see cref="Value"/> of a text token copies on demand.
/// </summary>
public readonly struct Token
{
    private readonly string? _value;
    private readonly string? _source;

    public Token(TokenType type, string value, int pos, int line)
    {
        Type = type;
        _value = value;
        Pos = pos;
        Line = line;
        Length = value.Length;
    }

    /// <summary>A token whose text is <paramref name="length"/> characters of <paramref name="source"/> at <paramref name="pos"/>.</summary>
    public Token(TokenType type, string source, int pos, int length, int line)
    {
        Type = type;
        _source = source;
        Pos = pos;
        Length = length;
        Line = line;
    }

    public TokenType Type { get; }

    public int Pos { get; }

    public int Line { get; }

    /// <summary>Length of the token's text.</summary>
    public int Length { get; }

    public string Value => _value ?? _source?.Substring(Pos, Length) ?? "";

    /// <summary>The token's text without copying it.</summary>
    public ReadOnlyMemory<char> Memory => _value is not null ? _value.AsMemory() : _source.AsMemory(Pos, Length);

    public override string ToString() => Type switch
    {
        TokenType.Eof => "EOF",
        TokenType.Error => Value,
        TokenType.Space => "space",
        TokenType.RightDelim => "<right>",
        TokenType.LeftDelim => "<left>",
        TokenType.Text or TokenType.Comment => $"{Value}",
        >= TokenType.Block => $"<{Value}>",
        _ => Value.Length > 10 ? $"{Formatting.GoQuote.Quote(Value[..10])}..." : Formatting.GoQuote.Quote(Value),
    };
}
