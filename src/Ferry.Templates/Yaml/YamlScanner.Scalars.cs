using System.Globalization;
using System.Text;

namespace Ferry.Templates.Yaml;

/// <summary>The scalar scanners: block (literal, folded), quoted and plain, with libyaml's folding and chomping.</summary>
internal sealed partial class YamlScanner
{
    private void FetchBlockScalar(bool literal)
    {
        RemoveSimpleKey();
        _simpleKeyAllowed = true;
        Insert(-1, ScanBlockScalar(literal));
    }

    private void FetchFlowScalar(bool single)
    {
        SaveSimpleKey();
        _simpleKeyAllowed = false;
        Insert(-1, ScanFlowScalar(single));
    }

    private void FetchPlainScalar()
    {
        SaveSimpleKey();
        _simpleKeyAllowed = false;
        Insert(-1, ScanPlainScalar());
    }

    private YamlToken ScanBlockScalar(bool literal)
    {
        var start = Mark;
        Advance(); // '|' or '>'
        var (chomping, increment) = ScanBlockScalarHeader(start);
        var end = Mark;
        var indent = 0;
        if (increment > 0)
        {
            indent = _indent >= 0 ? _indent + increment : increment;
        }
        var s = _scalarText.Clear();
        var leadingBreak = _leadingBreak.Clear();
        var trailingBreaks = _trailingBreaks.Clear();
        ScanBlockScalarBreaks(ref indent, trailingBreaks, start, ref end);
        bool leadingBlank = false, trailingBlank;
        while (_column == indent && !IsZ())
        {
            // the start of a non-empty line
            trailingBlank = IsBlank();
            if (!literal && !leadingBlank && !trailingBlank && leadingBreak.Length > 0 && leadingBreak[0] == '\n')
            {
                if (trailingBreaks.Length == 0)
                {
                    s.Append(' ');
                }
            }
            else
            {
                s.Append(leadingBreak);
            }
            leadingBreak.Clear();
            s.Append(trailingBreaks);
            trailingBreaks.Clear();
            leadingBlank = IsBlank();
            while (!IsBreakZ())
            {
                Read(s);
            }
            ReadLine(leadingBreak);
            ScanBlockScalarBreaks(ref indent, trailingBreaks, start, ref end);
        }
        if (chomping != -1)
        {
            s.Append(leadingBreak);
        }
        if (chomping == 1)
        {
            s.Append(trailingBreaks);
        }
        return new YamlToken(YamlTokenType.Scalar, start, end)
        {
            Value = s.ToString(),
            Style = literal ? YamlScalarStyle.Literal : YamlScalarStyle.Folded,
        };
    }

    /// <summary>
    /// The block scalar's header after its '|' or '>': chomping (+1 keep, -1 strip, 0 clip) and indentation indicators in
    /// either order, then blanks, a comment and the line break.
    /// </summary>
    private (int Chomping, int Increment) ScanBlockScalarHeader(YamlMark start)
    {
        int chomping = 0, increment = 0;
        if (Ch() is '+' or '-')
        {
            chomping = Ch() == '+' ? 1 : -1;
            Advance();
            if (char.IsAsciiDigit(Ch()))
            {
                if (Ch() == '0')
                {
                    throw ScannerError("while scanning a block scalar", start, "found an indentation indicator equal to 0");
                }
                increment = Ch() - '0';
                Advance();
            }
        }
        else if (char.IsAsciiDigit(Ch()))
        {
            if (Ch() == '0')
            {
                throw ScannerError("while scanning a block scalar", start, "found an indentation indicator equal to 0");
            }
            increment = Ch() - '0';
            Advance();
            if (Ch() is '+' or '-')
            {
                chomping = Ch() == '+' ? 1 : -1;
                Advance();
            }
        }
        while (IsBlank())
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
        if (!IsBreakZ())
        {
            throw ScannerError("while scanning a block scalar", start, "did not find expected comment or line break");
        }
        if (IsBreak())
        {
            AdvanceLine();
        }
        return (chomping, increment);
    }

    /// <summary>Eats indentation and empty lines of a block scalar; determines its indentation when not given.</summary>
    private void ScanBlockScalarBreaks(ref int indent, StringBuilder breaks, YamlMark start, ref YamlMark end)
    {
        end = Mark;
        var maxIndent = 0;
        while (true)
        {
            while ((indent == 0 || _column < indent) && Ch() == ' ')
            {
                Advance();
            }
            if (_column > maxIndent)
            {
                maxIndent = _column;
            }
            if ((indent == 0 || _column < indent) && Ch() == '\t')
            {
                throw ScannerError("while scanning a block scalar", start, "found a tab character where an indentation space is expected");
            }
            if (!IsBreak())
            {
                break;
            }
            ReadLine(breaks);
            end = Mark;
        }
        if (indent == 0)
        {
            indent = Math.Max(Math.Max(maxIndent, _indent + 1), 1);
        }
    }

    private YamlToken ScanFlowScalar(bool single)
    {
        var start = Mark;
        Advance(); // the opening quote
        var s = _scalarText.Clear();
        var leadingBreak = _leadingBreak.Clear();
        var trailingBreaks = _trailingBreaks.Clear();
        var whitespaces = _whitespaces.Clear();
        while (true)
        {
            if (_column == 0 && ((Ch() == '-' && Ch(1) == '-' && Ch(2) == '-') || (Ch() == '.' && Ch(1) == '.' && Ch(2) == '.')) && IsBlankZ(3))
            {
                throw ScannerError("while scanning a quoted scalar", start, "found unexpected document indicator");
            }
            if (IsZ())
            {
                throw ScannerError("while scanning a quoted scalar", start, "found unexpected end of stream");
            }
            var leadingBlanks = false;
            while (!IsBlankZ())
            {
                var c = Ch();
                if (single && c == '\'' && Ch(1) == '\'')
                {
                    s.Append('\'');
                    Advance();
                    Advance();
                }
                else if (single && c == '\'')
                {
                    break;
                }
                else if (!single && c == '"')
                {
                    break;
                }
                else if (!single && c == '\\' && IsBreak(1))
                {
                    Advance();
                    AdvanceLine();
                    leadingBlanks = true;
                    break;
                }
                else if (!single && c == '\\')
                {
                    ScanEscape(s, start);
                }
                else
                {
                    Read(s);
                }
            }
            if (single ? Ch() == '\'' : Ch() == '"')
            {
                break;
            }
            while (IsBlank() || IsBreak())
            {
                ScalarSpace(ref leadingBlanks);
            }
            if (leadingBlanks)
            {
                AppendFolded(s);
            }
            else
            {
                s.Append(whitespaces);
                whitespaces.Clear();
            }
        }
        Advance(); // the closing quote
        return new YamlToken(YamlTokenType.Scalar, start, Mark)
        {
            Value = s.ToString(),
            Style = single ? YamlScalarStyle.SingleQuoted : YamlScalarStyle.DoubleQuoted,
        };
    }

    private void ScanEscape(StringBuilder s, YamlMark start)
    {
        var codeLength = 0;
        switch (Ch(1))
        {
            case '0': s.Append('\0'); break;
            case 'a': s.Append('\a'); break;
            case 'b': s.Append('\b'); break;
            case 't' or '\t': s.Append('\t'); break;
            case 'n': s.Append('\n'); break;
            case 'v': s.Append('\v'); break;
            case 'f': s.Append('\f'); break;
            case 'r': s.Append('\r'); break;
            case 'e': s.Append('\u001B'); break;
            case ' ': s.Append(' '); break;
            case '"': s.Append('"'); break;
            case '\'': s.Append('\''); break;
            case '\\': s.Append('\\'); break;
            case 'N': s.Append('\u0085'); break;
            case '_': s.Append('\u00A0'); break;
            case 'L': s.Append('\u2028'); break;
            case 'P': s.Append('\u2029'); break;
            case 'x': codeLength = 2; break;
            case 'u': codeLength = 4; break;
            case 'U': codeLength = 8; break;
            default:
                throw ScannerError("while parsing a quoted scalar", start, "found unknown escape character");
        }
        Advance();
        Advance();
        if (codeLength == 0)
        {
            return;
        }
        var value = 0L;
        for (var k = 0; k < codeLength; k++)
        {
            if (!char.IsAsciiHexDigit(Ch(k)))
            {
                throw ScannerError("while parsing a quoted scalar", start, "did not find expected hexdecimal number");
            }
            value = (value << 4) + int.Parse(Ch(k).ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        if (value is >= 0xD800 and <= 0xDFFF || value > 0x10FFFF)
        {
            throw ScannerError("while parsing a quoted scalar", start, "found invalid Unicode character escape code");
        }
        s.Append(char.ConvertFromUtf32((int)value));
        for (var k = 0; k < codeLength; k++)
        {
            Advance();
        }
    }

    private static readonly System.Buffers.SearchValues<char> PlainStopsInBlock = System.Buffers.SearchValues.Create(" \t\r\n\u0085\u2028\u2029:");
    private static readonly System.Buffers.SearchValues<char> PlainStopsInFlow =
        System.Buffers.SearchValues.Create(" \t\r\n\u0085\u2028\u2029:,?[]{}");

    /// <summary>
    /// How many characters from the current one a plain scalar copies as they are: up to a blank, a break, a ':', a
    /// flow indicator inside flow, or a surrogate (each a one-column, one-index character).
    /// </summary>
    private int PlainRun()
    {
        var rest = _s.AsSpan(_pos);
        var n = rest.IndexOfAny(_flowLevel > 0 ? PlainStopsInFlow : PlainStopsInBlock);
        if (n < 0)
        {
            n = rest.Length;
        }
        var surrogate = rest[..n].IndexOfAnyInRange('\uD800', '\uDFFF');
        return surrogate < 0 ? n : surrogate;
    }

    private YamlToken ScanPlainScalar()
    {
        var s = _scalarText.Clear();
        var leadingBreak = _leadingBreak.Clear();
        var trailingBreaks = _trailingBreaks.Clear();
        var whitespaces = _whitespaces.Clear();
        var leadingBlanks = false;
        var indent = _indent + 1;
        var start = Mark;
        var end = Mark;
        while (true)
        {
            if (_column == 0 && ((Ch() == '-' && Ch(1) == '-' && Ch(2) == '-') || (Ch() == '.' && Ch(1) == '.' && Ch(2) == '.')) && IsBlankZ(3))
            {
                break;
            }
            if (Ch() == '#')
            {
                break;
            }
            while (!IsBlankZ())
            {
                var c = Ch();
                if ((c == ':' && IsBlankZ(1)) || (_flowLevel > 0 && c is ',' or '?' or '[' or ']' or '{' or '}'))
                {
                    break;
                }
                if (leadingBlanks || whitespaces.Length > 0)
                {
                    if (leadingBlanks)
                    {
                        AppendFolded(s);
                        leadingBlanks = false;
                    }
                    else
                    {
                        s.Append(whitespaces);
                        whitespaces.Clear();
                    }
                }
                var run = PlainRun();
                if (run > 1)
                {
                    s.Append(_s, _pos, run);
                    _pos += run;
                    _index += run;
                    _column += run;
                }
                else
                {
                    Read(s);
                }
                end = Mark;
            }
            if (!(IsBlank() || IsBreak()))
            {
                break;
            }
            while (IsBlank() || IsBreak())
            {
                if (IsBlank() && leadingBlanks && _column < indent && Ch() == '\t')
                {
                    throw ScannerError("while scanning a plain scalar", start, "found a tab character that violates indentation");
                }
                ScalarSpace(ref leadingBlanks);
            }
            if (_flowLevel == 0 && _column < indent)
            {
                break;
            }
        }
        if (leadingBlanks)
        {
            _simpleKeyAllowed = true;
        }
        return new YamlToken(YamlTokenType.Scalar, start, end) { Value = s.ToString(), Style = YamlScalarStyle.Plain };
    }

    /// <summary>
    /// One blank or line break between the words of a flow or plain scalar, as go-yaml reads them: blanks are kept until
    /// the first break (they are content if the line goes on), then the first break and the ones after it apart, for folding.
    /// </summary>
    private void ScalarSpace(ref bool leadingBlanks)
    {
        if (IsBlank())
        {
            if (!leadingBlanks)
            {
                Read(_whitespaces);
            }
            else
            {
                Advance();
            }
        }
        else if (!leadingBlanks)
        {
            _whitespaces.Clear();
            ReadLine(_leadingBreak);
            leadingBlanks = true;
        }
        else
        {
            ReadLine(_trailingBreaks);
        }
    }

    /// <summary>Folds the line breaks read between two words into <paramref name="s"/>: one break is a space, more keep all but the first.</summary>
    private void AppendFolded(StringBuilder s)
    {
        if (_leadingBreak.Length > 0 && _leadingBreak[0] == '\n')
        {
            if (_trailingBreaks.Length == 0)
            {
                s.Append(' ');
            }
            else
            {
                s.Append(_trailingBreaks);
            }
        }
        else
        {
            s.Append(_leadingBreak).Append(_trailingBreaks);
        }
        _trailingBreaks.Clear();
        _leadingBreak.Clear();
    }
}
