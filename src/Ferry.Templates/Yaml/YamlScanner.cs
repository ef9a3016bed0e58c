using System.Buffers;
using System.Text;

namespace Ferry.Templates.Yaml;

/// <summary>
/// Turns YAML text into tokens the way libyaml (and its Go port, go-yaml v2, which Helm reads YAML with) does:
/// the same simple-key and indentation rules, the same limits (10,000 nested flow or block levels) and the same
/// error wording. Partial classes: this file holds the queue, simple keys, indentation and the token dispatcher;
/// <c>YamlScanner.Scalars.cs</c> the scalar scanners; <c>YamlScanner.Properties.cs</c> directives, anchors and tags.
/// </summary>
internal sealed partial class YamlScanner
{
    private const int MaxFlowLevel = 10000;
    private const int MaxIndents = 10000;

    private readonly string _s;
    private int _pos;
    private int _index;
    private int _line;
    private int _column;

    private readonly List<YamlToken> _tokens = [];

    // Scratch buffers of the scalar scanners (one scalar is scanned at a time), reused instead of four per scalar.
    private readonly StringBuilder _scalarText = new();
    private readonly StringBuilder _leadingBreak = new();
    private readonly StringBuilder _trailingBreaks = new();
    private readonly StringBuilder _whitespaces = new();
    private int _tokensHead;
    private int _tokensParsed;
    private bool _tokenAvailable;
    private bool _streamStartProduced;
    private bool _streamEndProduced;

    private int _flowLevel;
    private int _indent;
    private readonly List<int> _indents = [];
    private bool _simpleKeyAllowed;
    private readonly List<SimpleKey> _simpleKeys = [];
    private readonly HashSet<int> _possibleSimpleKeys = [];
    private int _simpleKeysMinPossibleIndex;

    private struct SimpleKey
    {
        public bool Possible;
        public bool Required;
        public int TokenNumber;
        public YamlMark Mark;
    }

    public YamlScanner(string input)
    {
        CheckCharacters(input);
        _s = input.Length > 0 && input[0] == '\uFEFF' ? input[1..] : input;
    }

    private YamlMark Mark => new(_index, _line, _column);

    // --- the token queue, as the parser sees it ---

    /// <summary>The next token without consuming it (the end-of-stream token repeats).</summary>
    public YamlToken Peek()
    {
        if (!_tokenAvailable)
        {
            FetchMoreTokens();
        }
        return _tokens[_tokensHead];
    }

    /// <summary>Consumes the token <see cref="Peek"/> returned.</summary>
    public void Skip()
    {
        _tokenAvailable = false;
        _tokensParsed++;
        _streamEndProduced = _tokens[_tokensHead].Type == YamlTokenType.StreamEnd;
        _tokensHead++;
        if (_tokensHead > 256 && _tokensHead * 2 > _tokens.Count)
        {
            _tokens.RemoveRange(0, _tokensHead);
            _tokensHead = 0;
        }
    }

    private void Insert(int pos, YamlToken token)
    {
        if (pos < 0)
        {
            _tokens.Add(token);
        }
        else
        {
            _tokens.Insert(_tokensHead + pos, token);
        }
    }

    private void FetchMoreTokens()
    {
        while (true)
        {
            bool needMore;
            if (_tokensHead == _tokens.Count)
            {
                needMore = true;
            }
            else
            {
                StaleSimpleKeys();
                needMore = _possibleSimpleKeys.Contains(_tokensParsed);
            }
            if (!needMore)
            {
                break;
            }
            FetchNextToken();
        }
        _tokenAvailable = true;
    }

    // --- input ---

    /// <summary>The character <paramref name="offset"/> UTF-16 units ahead, or NUL past the end.</summary>
    private char Ch(int offset = 0)
    {
        var i = _pos + offset;
        return i < _s.Length ? _s[i] : '\0';
    }

    private static bool IsBreakChar(char c) => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

    private bool IsBreak(int offset = 0) => IsBreakChar(Ch(offset));

    private bool IsZ(int offset = 0) => _pos + offset >= _s.Length;

    private bool IsBreakZ(int offset = 0) => IsBreak(offset) || IsZ(offset);

    private bool IsBlank(int offset = 0) => Ch(offset) is ' ' or '\t';

    private bool IsBlankZ(int offset = 0) => IsBlank(offset) || IsBreakZ(offset);

    private bool IsAlpha(int offset = 0) => Ch(offset) is (>= '0' and <= '9') or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or '-';

    private bool IsCrlf() => Ch() == '\r' && Ch(1) == '\n';

    /// <summary>Advances over one character (a surrogate pair is one).</summary>
    private void Advance()
    {
        _pos += char.IsHighSurrogate(Ch()) && char.IsLowSurrogate(Ch(1)) ? 2 : 1;
        _index++;
        _column++;
    }

    private void AdvanceLine()
    {
        if (IsCrlf())
        {
            _pos += 2;
            _index += 2;
            _column = 0;
            _line++;
        }
        else if (IsBreak())
        {
            _pos++;
            _index++;
            _column = 0;
            _line++;
        }
    }

    /// <summary>Copies one character to <paramref name="sb"/> and advances.</summary>
    private void Read(System.Text.StringBuilder sb)
    {
        sb.Append(Ch());
        if (char.IsHighSurrogate(Ch()) && char.IsLowSurrogate(Ch(1)))
        {
            sb.Append(Ch(1));
        }
        Advance();
    }

    /// <summary>Copies a line break (normalized to LF, except LS/PS) and advances.</summary>
    private void ReadLine(System.Text.StringBuilder sb)
    {
        var c = Ch();
        if (IsCrlf())
        {
            sb.Append('\n');
            _pos += 2;
            _index += 2;
        }
        else if (c is '\r' or '\n' or '\u0085')
        {
            sb.Append('\n');
            _pos++;
            _index++;
        }
        else if (c is '\u2028' or '\u2029')
        {
            sb.Append(c);
            _pos++;
            _index++;
        }
        else
        {
            return;
        }
        _column = 0;
        _line++;
    }

    private static readonly SearchValues<char> PrintableAscii =
        SearchValues.Create("\t\n\r " + string.Concat(Enumerable.Range('!', '~' - '!' + 1).Select(c => (char)c)));

    /// <summary>go-yaml's reader accepts only printable characters (tab and line breaks included).</summary>
    private static void CheckCharacters(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var skip = s.AsSpan(i).IndexOfAnyExcept(PrintableAscii); // the common case, checked many characters at a time
            if (skip < 0)
            {
                return;
            }
            i += skip;
            var c = s[i];
            if (c is '\t' or '\n' or '\r' or '\u0085' || c is >= ' ' and <= '~' || c is >= '\u00A0' and <= '\uD7FF'
                || c is >= '\uE000' and <= '\uFFFD')
            {
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
                continue;
            }
            throw YamlException.Syntax(YamlErrorKind.Reader, default, default,
                char.IsSurrogate(c) ? "invalid leading UTF-8 octet" : "control characters are not allowed");
        }
    }

    private YamlException ScannerError(string context, YamlMark contextMark, string problem)
    {
        _ = context;
        return YamlException.Syntax(YamlErrorKind.Scanner, contextMark, Mark, problem);
    }

    // --- the dispatcher ---

    private void FetchNextToken()
    {
        if (!_streamStartProduced)
        {
            FetchStreamStart();
            return;
        }
        ScanToNextToken();
        StaleSimpleKeys();
        UnrollIndent(_column);
        if (IsZ())
        {
            FetchStreamEnd();
            return;
        }
        var c = Ch();
        if (_column == 0 && c == '%')
        {
            FetchDirective();
            return;
        }
        if (_column == 0 && ((c == '-' && Ch(1) == '-' && Ch(2) == '-') || (c == '.' && Ch(1) == '.' && Ch(2) == '.')) && IsBlankZ(3))
        {
            FetchDocumentIndicator(c == '-' ? YamlTokenType.DocumentStart : YamlTokenType.DocumentEnd);
            return;
        }
        if (FetchStructureToken(c) || FetchNodeToken(c))
        {
            return;
        }
        // A plain scalar may not start with an indicator, except '-' followed by a non-blank and, in the block
        // context, '?' or ':' followed by a non-blank.
        if (!(IsBlankZ()
                || c is '-' or '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&'
                    or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`')
            || (c == '-' && !IsBlank(1))
            || (_flowLevel == 0 && c is '?' or ':' && !IsBlankZ(1)))
        {
            FetchPlainScalar();
            return;
        }
        throw ScannerError("while scanning for the next token", Mark, "found character that cannot start any token");
    }

    /// <summary>Flow collection brackets, ',', a block entry, a key or a value indicator; false for any other character.</summary>
    private bool FetchStructureToken(char c)
    {
        switch (c)
        {
            case '[':
                FetchFlowCollectionStart(YamlTokenType.FlowSequenceStart);
                return true;
            case '{':
                FetchFlowCollectionStart(YamlTokenType.FlowMappingStart);
                return true;
            case ']':
                FetchFlowCollectionEnd(YamlTokenType.FlowSequenceEnd);
                return true;
            case '}':
                FetchFlowCollectionEnd(YamlTokenType.FlowMappingEnd);
                return true;
            case ',':
                FetchFlowEntry();
                return true;
        }
        if (c == '-' && IsBlankZ(1))
        {
            FetchBlockEntry();
            return true;
        }
        if (c == '?' && (_flowLevel > 0 || IsBlankZ(1)))
        {
            FetchKey();
            return true;
        }
        if (c == ':' && (_flowLevel > 0 || IsBlankZ(1)))
        {
            FetchValue();
            return true;
        }
        return false;
    }

    /// <summary>An alias, anchor, tag, block scalar or quoted scalar; false for any other character.</summary>
    private bool FetchNodeToken(char c)
    {
        switch (c)
        {
            case '*':
                FetchAnchor(YamlTokenType.Alias);
                return true;
            case '&':
                FetchAnchor(YamlTokenType.Anchor);
                return true;
            case '!':
                FetchTag();
                return true;
            case '|' when _flowLevel == 0:
                FetchBlockScalar(literal: true);
                return true;
            case '>' when _flowLevel == 0:
                FetchBlockScalar(literal: false);
                return true;
            case '\'':
                FetchFlowScalar(single: true);
                return true;
            case '"':
                FetchFlowScalar(single: false);
                return true;
        }
        return false;
    }

    // --- simple keys ---

    private void StaleSimpleKeys()
    {
        for (var i = _simpleKeysMinPossibleIndex; i < _simpleKeys.Count; i++)
        {
            var key = _simpleKeys[i];
            if (!key.Possible)
            {
                _simpleKeysMinPossibleIndex = i;
                continue;
            }
            // a simple key is limited to one line and 1024 characters
            if (key.Mark.Line < _line || key.Mark.Index + 1024 < _index)
            {
                if (key.Required)
                {
                    throw YamlException.Syntax(YamlErrorKind.Scanner, key.Mark, Mark, "could not find expected ':'");
                }
                key.Possible = false;
                _simpleKeys[i] = key;
                _possibleSimpleKeys.Remove(key.TokenNumber);
                _simpleKeysMinPossibleIndex = i + 1;
            }
            else
            {
                break;
            }
        }
    }

    private void SaveSimpleKey()
    {
        var required = _flowLevel == 0 && _indent == _column;
        if (!_simpleKeyAllowed)
        {
            return;
        }
        var key = new SimpleKey
        {
            Possible = true,
            Required = required,
            TokenNumber = _tokensParsed + (_tokens.Count - _tokensHead),
            Mark = Mark,
        };
        RemoveSimpleKey();
        _possibleSimpleKeys.Add(key.TokenNumber);
        _simpleKeys[^1] = key;
    }

    private void RemoveSimpleKey()
    {
        var i = _simpleKeys.Count - 1;
        var key = _simpleKeys[i];
        if (key.Possible)
        {
            if (key.Required)
            {
                throw YamlException.Syntax(YamlErrorKind.Scanner, key.Mark, Mark, "could not find expected ':'");
            }
            key.Possible = false;
            _simpleKeys[i] = key;
            _possibleSimpleKeys.Remove(key.TokenNumber);
        }
        if (_simpleKeysMinPossibleIndex > i)
        {
            _simpleKeysMinPossibleIndex = i;
        }
    }

    private void IncreaseFlowLevel()
    {
        _simpleKeys.Add(default);
        _flowLevel++;
        if (_flowLevel > MaxFlowLevel)
        {
            throw YamlException.Syntax(YamlErrorKind.Scanner, _simpleKeys[^1].Mark, Mark, $"exceeded max depth of {MaxFlowLevel}");
        }
    }

    private void DecreaseFlowLevel()
    {
        if (_flowLevel == 0)
        {
            return;
        }
        _flowLevel--;
        var last = _simpleKeys.Count - 1;
        if (_simpleKeys[last].Possible)
        {
            _possibleSimpleKeys.Remove(_simpleKeys[last].TokenNumber);
        }
        _simpleKeys.RemoveAt(last);
        if (_simpleKeysMinPossibleIndex > last)
        {
            _simpleKeysMinPossibleIndex = last;
        }
    }

    // --- indentation ---

    private void RollIndent(int column, int number, YamlTokenType type, YamlMark mark)
    {
        if (_flowLevel > 0 || _indent >= column)
        {
            return;
        }
        _indents.Add(_indent);
        _indent = column;
        if (_indents.Count > MaxIndents)
        {
            throw YamlException.Syntax(YamlErrorKind.Scanner, _simpleKeys[^1].Mark, Mark, $"exceeded max depth of {MaxIndents}");
        }
        Insert(number > -1 ? number - _tokensParsed : -1, new YamlToken(type, mark, mark));
    }

    private void UnrollIndent(int column)
    {
        if (_flowLevel > 0)
        {
            return;
        }
        while (_indent > column)
        {
            Insert(-1, new YamlToken(YamlTokenType.BlockEnd, Mark, Mark));
            _indent = _indents[^1];
            _indents.RemoveAt(_indents.Count - 1);
        }
    }

    // --- simple fetchers ---

    private void FetchStreamStart()
    {
        _indent = -1;
        _simpleKeys.Add(default);
        _simpleKeyAllowed = true;
        _streamStartProduced = true;
        Insert(-1, new YamlToken(YamlTokenType.StreamStart, Mark, Mark));
    }

    private void FetchStreamEnd()
    {
        if (_column != 0)
        {
            _column = 0;
            _line++;
        }
        UnrollIndent(-1);
        RemoveSimpleKey();
        _simpleKeyAllowed = false;
        Insert(-1, new YamlToken(YamlTokenType.StreamEnd, Mark, Mark));
    }

    private void FetchDocumentIndicator(YamlTokenType type)
    {
        UnrollIndent(-1);
        RemoveSimpleKey();
        _simpleKeyAllowed = false;
        var start = Mark;
        Advance();
        Advance();
        Advance();
        Insert(-1, new YamlToken(type, start, Mark));
    }

    private void FetchFlowCollectionStart(YamlTokenType type)
    {
        SaveSimpleKey();
        IncreaseFlowLevel();
        _simpleKeyAllowed = true;
        var start = Mark;
        Advance();
        Insert(-1, new YamlToken(type, start, Mark));
    }

    private void FetchFlowCollectionEnd(YamlTokenType type)
    {
        RemoveSimpleKey();
        DecreaseFlowLevel();
        _simpleKeyAllowed = false;
        var start = Mark;
        Advance();
        Insert(-1, new YamlToken(type, start, Mark));
    }

    private void FetchFlowEntry()
    {
        RemoveSimpleKey();
        _simpleKeyAllowed = true;
        var start = Mark;
        Advance();
        Insert(-1, new YamlToken(YamlTokenType.FlowEntry, start, Mark));
    }

    private void FetchBlockEntry()
    {
        if (_flowLevel == 0)
        {
            if (!_simpleKeyAllowed)
            {
                throw ScannerError("", Mark, "block sequence entries are not allowed in this context");
            }
            RollIndent(_column, -1, YamlTokenType.BlockSequenceStart, Mark);
        }
        RemoveSimpleKey();
        _simpleKeyAllowed = true;
        var start = Mark;
        Advance();
        Insert(-1, new YamlToken(YamlTokenType.BlockEntry, start, Mark));
    }

    private void FetchKey()
    {
        if (_flowLevel == 0)
        {
            if (!_simpleKeyAllowed)
            {
                throw ScannerError("", Mark, "mapping keys are not allowed in this context");
            }
            RollIndent(_column, -1, YamlTokenType.BlockMappingStart, Mark);
        }
        RemoveSimpleKey();
        _simpleKeyAllowed = _flowLevel == 0;
        var start = Mark;
        Advance();
        Insert(-1, new YamlToken(YamlTokenType.Key, start, Mark));
    }

    private void FetchValue()
    {
        var key = _simpleKeys[^1];
        if (key.Possible)
        {
            Insert(key.TokenNumber - _tokensParsed, new YamlToken(YamlTokenType.Key, key.Mark, key.Mark));
            RollIndent(key.Mark.Column, key.TokenNumber, YamlTokenType.BlockMappingStart, key.Mark);
            key.Possible = false;
            _simpleKeys[^1] = key;
            _possibleSimpleKeys.Remove(key.TokenNumber);
            _simpleKeyAllowed = false;
        }
        else
        {
            if (_flowLevel == 0)
            {
                if (!_simpleKeyAllowed)
                {
                    throw ScannerError("", Mark, "mapping values are not allowed in this context");
                }
                RollIndent(_column, -1, YamlTokenType.BlockMappingStart, Mark);
            }
            _simpleKeyAllowed = _flowLevel == 0;
        }
        var start = Mark;
        Advance();
        Insert(-1, new YamlToken(YamlTokenType.Value, start, Mark));
    }

    /// <summary>Skips spaces, tabs where allowed, comments and line breaks up to the next token.</summary>
    private void ScanToNextToken()
    {
        while (true)
        {
            if (_column == 0 && Ch() == '\uFEFF')
            {
                Advance();
            }
            while (Ch() == ' ' || ((_flowLevel > 0 || !_simpleKeyAllowed) && Ch() == '\t'))
            {
                Advance();
            }
            if (Ch() == '#')
            {
                while (!IsBreakZ())
                {
                    Advance();
                }
            }
            if (IsBreak())
            {
                AdvanceLine();
                if (_flowLevel == 0)
                {
                    _simpleKeyAllowed = true;
                }
            }
            else
            {
                break;
            }
        }
    }
}
