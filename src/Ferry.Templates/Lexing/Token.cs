namespace Ferry.Templates.Lexing;

/// <summary>A lexed token: its type, text, offset in the source and 1-based line.</summary>
public readonly record struct Token(TokenType Type, string Value, int Pos, int Line)
{
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
