namespace Ferry.Templates.Lexing;

/// <summary>
/// Splits template source into tokens with the rules of Go's text/template lexer: text, delimiters with
/// trim markers, comments, and the tokens inside actions. Lexing stops at the first error token.
/// </summary>
public sealed class Lexer
{
    private const char Eof = '\0';
    private const string LeftComment = "/*";
    private const string RightComment = "*/";
    private const int TrimMarkerLength = 2; // "-" plus a space.

    private static readonly Dictionary<string, TokenType> Keywords = new(StringComparer.Ordinal)
    {
        ["."] = TokenType.Dot,
        ["block"] = TokenType.Block,
        ["break"] = TokenType.Break,
        ["continue"] = TokenType.Continue,
        ["define"] = TokenType.Define,
        ["else"] = TokenType.Else,
        ["end"] = TokenType.End,
        ["if"] = TokenType.If,
        ["range"] = TokenType.Range,
        ["nil"] = TokenType.Nil,
        ["template"] = TokenType.Template,
        ["with"] = TokenType.With,
    };

    private readonly string _input;
    private readonly string _leftDelim;
    private readonly string _rightDelim;
    private readonly Queue<Token> _pending = new();
    private readonly StringPool _pool;
    private Token _last;
    private int _pos;
    private int _start;
    private int _linePos;
    private int _line = 1;
    private int _parenDepth;
    private bool _insideAction;
    private bool _done;

    private readonly bool _emitComments;

    /// <param name="emitComments">Emit comment tokens (Go's ParseComments mode); by default comments vanish.</param>
    /// <param name="pool">Where identifiers, fields, spaces and other short tokens are interned; shared by the
    /// lexers of one template set so that the same name is one string.</param>
    public Lexer(string input, string? leftDelim = null, string? rightDelim = null, bool emitComments = false, StringPool? pool = null)
    {
        _input = input;
        _emitComments = emitComments;
        _pool = pool ?? new StringPool();
        _leftDelim = string.IsNullOrEmpty(leftDelim) ? "{{" : leftDelim;
        _rightDelim = string.IsNullOrEmpty(rightDelim) ? "}}" : rightDelim;
    }

    /// <summary>The 1-based line of a source offset; offsets asked for only grow, so lines are counted once.</summary>
    private int LineAt(int pos)
    {
        pos = Math.Min(pos, _input.Length);
        if (pos < _linePos)
        {
            _linePos = 0;
            _line = 1;
        }
        _line += _input.AsSpan(_linePos, pos - _linePos).Count('\n');
        _linePos = pos;
        return _line;
    }

    /// <summary>The next token, lexed on demand as Go's lexer does; after the end, the last token (EOF or error) again.</summary>
    public Token NextToken()
    {
        while (_pending.Count == 0 && !_done)
        {
            if (_insideAction)
            {
                LexInsideAction();
            }
            else
            {
                LexText();
            }
        }
        if (_pending.TryDequeue(out var token))
        {
            _last = token;
        }
        return _last;
    }

    /// <summary>Lexes the whole input. The last token is <see cref="TokenType.Eof"/> or <see cref="TokenType.Error"/>.</summary>
    public IReadOnlyList<Token> Tokenize()
    {
        var tokens = new List<Token>();
        do
        {
            tokens.Add(NextToken());
        }
        while (tokens[^1].Type is not (TokenType.Eof or TokenType.Error));
        return tokens;
    }

    private char Peek() => _pos < _input.Length ? _input[_pos] : Eof;

    private char Next()
    {
        if (_pos >= _input.Length)
        {
            _pos = _input.Length + 1; // Remember we hit EOF so Backup is symmetric.
            return Eof;
        }
        return _input[_pos++];
    }

    private void Backup()
    {
        if (_pos > _input.Length)
        {
            _pos = _input.Length;
            return;
        }
        _pos--;
    }

    private void Emit(TokenType type)
    {
        var end = Math.Min(_pos, _input.Length);
        var line = LineAt(_start);
        _pending.Enqueue(type == TokenType.Text
            ? new Token(type, _input, _start, end - _start, line)
            : new Token(type, _pool.Get(_input.AsSpan(_start, end - _start)), _start, line));
        _start = _pos;
    }

    private void Ignore() => _start = _pos;

    private void Error(string message)
    {
        _pending.Enqueue(new Token(TokenType.Error, message, _start, LineAt(_start)));
        _done = true;
    }

    private bool Accept(string valid)
    {
        if (valid.Contains(Next(), StringComparison.Ordinal) && _pos <= _input.Length)
        {
            return true;
        }
        Backup();
        return false;
    }

    private void AcceptRun(string valid)
    {
        while (_pos < _input.Length && valid.Contains(_input[_pos], StringComparison.Ordinal))
        {
            Next();
        }
    }

    private bool StartsWith(int at, string s) => at <= _input.Length && string.CompareOrdinal(_input, at, s, 0, s.Length) == 0 && at
        + s.Length <= _input.Length;

    private void LexText()
    {
        var x = _input.IndexOf(_leftDelim, _pos, StringComparison.Ordinal);
        if (x < 0)
        {
            _pos = _input.Length;
            if (_pos > _start)
            {
                Emit(TokenType.Text);
            }
            Emit(TokenType.Eof);
            _done = true;
            return;
        }
        _pos = x;
        var trimLength = 0;
        var delimEnd = _pos + _leftDelim.Length;
        if (HasLeftTrimMarker(delimEnd))
        {
            trimLength = RightTrimLength(_start, _pos);
        }
        _pos -= trimLength;
        if (_pos > _start)
        {
            Emit(TokenType.Text);
        }
        _pos += trimLength;
        Ignore();
        LexLeftDelim();
    }

    private int RightTrimLength(int from, int to)
    {
        var i = to;
        while (i > from && IsSpace(_input[i - 1]))
        {
            i--;
        }
        return to - i;
    }

    private int LeftTrimLength(int from)
    {
        var i = from;
        while (i < _input.Length && IsSpace(_input[i]))
        {
            i++;
        }
        return i - from;
    }

    private bool HasLeftTrimMarker(int at) => at + 1 < _input.Length && _input[at] == '-' && IsSpace(_input[at + 1]);

    private bool HasRightTrimMarker(int at) => at + 1 < _input.Length && IsSpace(_input[at]) && _input[at + 1] == '-';

    private (bool Delim, bool Trim) AtRightDelim()
    {
        if (HasRightTrimMarker(_pos) && StartsWith(_pos + TrimMarkerLength, _rightDelim))
        {
            return (true, true);
        }
        return StartsWith(_pos, _rightDelim) ? (true, false) : (false, false);
    }

    private void LexLeftDelim()
    {
        _pos += _leftDelim.Length;
        var trimSpace = HasLeftTrimMarker(_pos);
        var afterMarker = trimSpace ? TrimMarkerLength : 0;
        if (StartsWith(_pos + afterMarker, LeftComment))
        {
            _pos += afterMarker;
            Ignore();
            LexComment();
            return;
        }
        Emit(TokenType.LeftDelim);
        _pos += afterMarker;
        Ignore();
        _parenDepth = 0;
        _insideAction = true;
    }

    private void LexComment()
    {
        _pos += LeftComment.Length;
        var x = _input.IndexOf(RightComment, _pos, StringComparison.Ordinal);
        if (x < 0)
        {
            Error("unclosed comment");
            return;
        }
        _pos = x + RightComment.Length;
        var (delim, trimSpace) = AtRightDelim();
        if (!delim)
        {
            Error("comment ends before closing delimiter");
            return;
        }
        if (_emitComments)
        {
            Emit(TokenType.Comment);
        }
        if (trimSpace)
        {
            _pos += TrimMarkerLength;
        }
        _pos += _rightDelim.Length;
        if (trimSpace)
        {
            _pos += LeftTrimLength(_pos);
        }
        Ignore();
    }

    private void LexRightDelim()
    {
        var (_, trimSpace) = AtRightDelim();
        if (trimSpace)
        {
            _pos += TrimMarkerLength;
            Ignore();
        }
        _pos += _rightDelim.Length;
        Emit(TokenType.RightDelim);
        if (trimSpace)
        {
            _pos += LeftTrimLength(_pos);
            Ignore();
        }
        _insideAction = false;
    }

    private void LexInsideAction()
    {
        var (delim, _) = AtRightDelim();
        if (delim)
        {
            if (_parenDepth == 0)
            {
                LexRightDelim();
                return;
            }
            Error("unclosed left paren");
            return;
        }
        var r = Next();
        if (r == Eof && _pos > _input.Length)
        {
            Error("unclosed action");
            return;
        }
        if (LexActionToken(r))
        {
            return;
        }
        if (IsAlphaNumeric(r))
        {
            Backup();
            LexIdentifier();
            return;
        }
        if (r <= 0x7f && !char.IsControl(r))
        {
            Emit(TokenType.Char);
            return;
        }
        var rune = char.IsSurrogate(r) && _pos < _input.Length ? char.ConvertToUtf32(r, _input[_pos]) : r;
        Error($"unrecognized character in action: {Formatting.GoQuote.UnicodeName(rune)}");
    }

    /// <summary>
    /// Lexes the token that starts with <paramref name="r"/> when it is space, an operator, a quote, a variable, a field,
    /// a number or a paren; false for anything else.
    /// </summary>
    private bool LexActionToken(char r)
    {
        switch (r)
        {
            case ' ' or '\t' or '\r' or '\n':
                Backup();
                LexSpace();
                return true;
            case '=':
                Emit(TokenType.Assign);
                return true;
            case ':':
                if (Next() != '=')
                {
                    Error("expected :=");
                    return true;
                }
                Emit(TokenType.Declare);
                return true;
            case '|':
                Emit(TokenType.Pipe);
                return true;
            case '"':
                LexQuote();
                return true;
            case '`':
                LexRawQuote();
                return true;
            case '$':
                LexFieldOrVariable(TokenType.Variable);
                return true;
            case '\'':
                LexChar();
                return true;
            case '.':
                if (_pos < _input.Length && (_input[_pos] < '0' || _input[_pos] > '9'))
                {
                    LexFieldOrVariable(TokenType.Field);
                    return true;
                }
                Backup();
                LexNumber();
                return true;
            case '+' or '-' or (>= '0' and <= '9'):
                Backup();
                LexNumber();
                return true;
            case '(':
                Emit(TokenType.LeftParen);
                _parenDepth++;
                return true;
            case ')':
                _parenDepth--;
                if (_parenDepth < 0)
                {
                    Error("unexpected right paren");
                    return true;
                }
                Emit(TokenType.RightParen);
                return true;
        }
        return false;
    }

    private void LexSpace()
    {
        var numSpaces = 0;
        while (IsSpace(Peek()) && _pos < _input.Length)
        {
            Next();
            numSpaces++;
        }
        if (HasRightTrimMarker(_pos - 1) && StartsWith(_pos - 1 + TrimMarkerLength, _rightDelim))
        {
            Backup();
            if (numSpaces == 1)
            {
                LexRightDelim();
                return;
            }
        }
        Emit(TokenType.Space);
    }

    private void LexIdentifier()
    {
        while (true)
        {
            var r = Next();
            if (IsAlphaNumeric(r) && _pos <= _input.Length)
            {
                continue;
            }
            Backup();
            var word = _input[_start.._pos];
            if (!AtTerminator())
            {
                Error($"bad character {Formatting.GoQuote.UnicodeName(r)}");
                return;
            }
            if (Keywords.TryGetValue(word, out var keyword) && keyword != TokenType.Dot)
            {
                Emit(keyword);
            }
            else if (word[0] == '.')
            {
                Emit(TokenType.Field);
            }
            else if (word is "true" or "false")
            {
                Emit(TokenType.Bool);
            }
            else
            {
                Emit(TokenType.Identifier);
            }
            return;
        }
    }

    private void LexFieldOrVariable(TokenType type)
    {
        if (AtTerminator())
        {
            Emit(type == TokenType.Variable ? TokenType.Variable : TokenType.Dot);
            return;
        }
        char r;
        while (true)
        {
            r = Next();
            if (!IsAlphaNumeric(r) || _pos > _input.Length)
            {
                Backup();
                break;
            }
        }
        if (!AtTerminator())
        {
            Error($"bad character {Formatting.GoQuote.UnicodeName(r)}");
            return;
        }
        Emit(type);
    }

    private bool AtTerminator()
    {
        var r = Peek();
        if (_pos >= _input.Length || IsSpace(r))
        {
            return true;
        }
        return r is '.' or ',' or '|' or ':' or ')' or '(' || StartsWith(_pos, _rightDelim);
    }

    private void LexChar() => LexQuoted('\'', "unterminated character constant", TokenType.CharConstant);

    private void LexNumber()
    {
        if (!ScanNumber())
        {
            Error($"bad number syntax: {Formatting.GoQuote.Quote(_input[_start..Math.Min(_pos, _input.Length)])}");
            return;
        }
        var sign = Peek();
        if ((sign == '+' || sign == '-') && _pos < _input.Length)
        {
            if (!ScanNumber() || _input[_pos - 1] != 'i')
            {
                Error($"bad number syntax: {Formatting.GoQuote.Quote(_input[_start..Math.Min(_pos, _input.Length)])}");
                return;
            }
            Emit(TokenType.Complex);
            return;
        }
        Emit(TokenType.Number);
    }

    private bool ScanNumber()
    {
        Accept("+-");
        var digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX"))
            {
                digits = "0123456789abcdefABCDEF_";
            }
            else if (Accept("oO"))
            {
                digits = "01234567_";
            }
            else if (Accept("bB"))
            {
                digits = "01_";
            }
        }
        AcceptRun(digits);
        if (Accept("."))
        {
            AcceptRun(digits);
        }
        if (digits.Length == 10 + 1 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        if (digits.Length == 16 + 6 + 1 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        Accept("i");
        if (_pos < _input.Length && IsAlphaNumeric(Peek()))
        {
            Next();
            return false;
        }
        return true;
    }

    private void LexQuote() => LexQuoted('"', "unterminated quoted string", TokenType.String);

    /// <summary>A quoted constant up to its closing <paramref name="quote"/>: escapes skip a character, a newline or the end is an error.</summary>
    private void LexQuoted(char quote, string unterminated, TokenType type)
    {
        while (true)
        {
            var c = Next();
            if (c == '\\')
            {
                var r = Next();
                if (_pos <= _input.Length && r != '\n')
                {
                    continue;
                }
                Error(unterminated);
                return;
            }
            if ((c == Eof && _pos > _input.Length) || c == '\n')
            {
                Error(unterminated);
                return;
            }
            if (c == quote)
            {
                break;
            }
        }
        Emit(type);
    }

    private void LexRawQuote()
    {
        while (true)
        {
            var c = Next();
            if (c == Eof && _pos > _input.Length)
            {
                Error("unterminated raw quoted string");
                return;
            }
            if (c == '`')
            {
                break;
            }
        }
        Emit(TokenType.RawString);
    }

    internal static bool IsSpace(char r) => r is ' ' or '\t' or '\r' or '\n';

    internal static bool IsAlphaNumeric(char r) => r == '_' || char.IsLetterOrDigit(r) || (char.IsSurrogate(r));
}
