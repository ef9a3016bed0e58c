using System.Text;

namespace Ferry.Templates.Yaml;

/// <summary>Directives (%YAML, %TAG), anchors, aliases and tags.</summary>
internal sealed partial class YamlScanner
{
    private void FetchDirective()
    {
        UnrollIndent(-1);
        RemoveSimpleKey();
        _simpleKeyAllowed = false;
        Insert(-1, ScanDirective());
    }

    private void FetchAnchor(YamlTokenType type)
    {
        SaveSimpleKey();
        _simpleKeyAllowed = false;
        Insert(-1, ScanAnchor(type));
    }

    private void FetchTag()
    {
        SaveSimpleKey();
        _simpleKeyAllowed = false;
        Insert(-1, ScanTag());
    }

    private YamlToken ScanDirective()
    {
        var start = Mark;
        Advance(); // '%'
        var name = new StringBuilder();
        while (IsAlpha())
        {
            Read(name);
        }
        if (name.Length == 0)
        {
            throw ScannerError("while scanning a directive", start, "could not find expected directive name");
        }
        if (!IsBlankZ())
        {
            throw ScannerError("while scanning a directive", start, "found unexpected non-alphabetical character");
        }
        YamlToken token;
        if (name.ToString() == "YAML")
        {
            SkipBlanks();
            var major = ScanVersionNumber(start);
            if (Ch() != '.')
            {
                throw ScannerError("while scanning a %YAML directive", start, "did not find expected digit or '.' character");
            }
            Advance();
            var minor = ScanVersionNumber(start);
            token = new YamlToken(YamlTokenType.VersionDirective, start, Mark) { Major = major, Minor = minor };
        }
        else if (name.ToString() == "TAG")
        {
            SkipBlanks();
            var handle = ScanTagHandle(directive: true, start);
            if (!IsBlank())
            {
                throw ScannerError("while scanning a %TAG directive", start, "did not find expected whitespace");
            }
            SkipBlanks();
            var prefix = ScanTagUri(directive: true, null, start);
            if (!IsBlankZ())
            {
                throw ScannerError("while scanning a %TAG directive", start, "did not find expected whitespace or line break");
            }
            token = new YamlToken(YamlTokenType.TagDirective, start, Mark) { Value = handle, Suffix = prefix };
        }
        else
        {
            throw ScannerError("while scanning a directive", start, "found unknown directive name");
        }
        SkipBlanks();
        if (Ch() == '#')
        {
            while (!IsBreakZ())
            {
                Advance();
            }
        }
        if (!IsBreakZ())
        {
            throw ScannerError("while scanning a directive", start, "did not find expected comment or line break");
        }
        if (IsBreak())
        {
            AdvanceLine();
        }
        return token;
    }

    private void SkipBlanks()
    {
        while (IsBlank())
        {
            Advance();
        }
    }

    private int ScanVersionNumber(YamlMark start)
    {
        int value = 0, length = 0;
        while (char.IsAsciiDigit(Ch()))
        {
            if (++length > 2)
            {
                throw ScannerError("while scanning a %YAML directive", start, "found extremely long version number");
            }
            value = (value * 10) + (Ch() - '0');
            Advance();
        }
        if (length == 0)
        {
            throw ScannerError("while scanning a %YAML directive", start, "did not find expected version number");
        }
        return value;
    }

    private YamlToken ScanAnchor(YamlTokenType type)
    {
        var start = Mark;
        Advance(); // '&' or '*'
        var s = new StringBuilder();
        while (IsAlpha())
        {
            Read(s);
        }
        var end = Mark;
        if (s.Length == 0 || !(IsBlankZ() || Ch() is '?' or ':' or ',' or ']' or '}' or '%' or '@' or '`'))
        {
            throw ScannerError(type == YamlTokenType.Anchor ? "while scanning an anchor" : "while scanning an alias", start,
                "did not find expected alphabetic or numeric character");
        }
        return new YamlToken(type, start, end) { Value = s.ToString() };
    }

    private YamlToken ScanTag()
    {
        var start = Mark;
        string handle, suffix;
        if (Ch(1) == '<')
        {
            handle = "";
            Advance();
            Advance();
            suffix = ScanTagUri(directive: false, null, start);
            if (Ch() != '>')
            {
                throw ScannerError("while scanning a tag", start, "did not find the expected '>'");
            }
            Advance();
        }
        else
        {
            handle = ScanTagHandle(directive: false, start);
            if (handle.Length > 1 && handle[0] == '!' && handle[^1] == '!')
            {
                suffix = ScanTagUri(directive: false, null, start);
            }
            else
            {
                suffix = ScanTagUri(directive: false, handle, start);
                handle = "!";
                if (suffix.Length == 0)
                {
                    (handle, suffix) = ("", "!");
                }
            }
        }
        if (!IsBlankZ())
        {
            throw ScannerError("while scanning a tag", start, "did not find expected whitespace or line break");
        }
        return new YamlToken(YamlTokenType.Tag, start, Mark) { Value = handle, Suffix = suffix };
    }

    private string ScanTagHandle(bool directive, YamlMark start)
    {
        if (Ch() != '!')
        {
            throw ScannerError(directive ? "while parsing a %TAG directive" : "while parsing a tag", start, "did not find expected '!'");
        }
        var s = new StringBuilder();
        Read(s);
        while (IsAlpha())
        {
            Read(s);
        }
        if (Ch() == '!')
        {
            Read(s);
        }
        else if (directive && s.ToString() != "!")
        {
            throw ScannerError("while parsing a %TAG directive", start, "did not find expected '!'");
        }
        return s.ToString();
    }

    private string ScanTagUri(bool directive, string? head, YamlMark start)
    {
        var s = new StringBuilder();
        var hasTag = !string.IsNullOrEmpty(head);
        if (head is { Length: > 1 })
        {
            s.Append(head, 1, head.Length - 1);
        }
        while (IsAlpha()
            || Ch() is ';' or '/' or '?' or ':' or '@' or '&' or '=' or '+' or '$' or ','
                or '.' or '!' or '~' or '*' or '\'' or '(' or ')' or '[' or ']' or '%')
        {
            if (Ch() == '%')
            {
                ScanUriEscapes(directive, start, s);
            }
            else
            {
                Read(s);
            }
            hasTag = true;
        }
        if (!hasTag)
        {
            throw ScannerError(directive ? "while parsing a %TAG directive" : "while parsing a tag", start, "did not find expected tag URI");
        }
        return s.ToString();
    }

    private void ScanUriEscapes(bool directive, YamlMark start, StringBuilder s)
    {
        var context = directive ? "while parsing a %TAG directive" : "while parsing a tag";
        var bytes = new List<byte>();
        var width = 1024;
        while (width > 0)
        {
            if (!(Ch() == '%' && char.IsAsciiHexDigit(Ch(1)) && char.IsAsciiHexDigit(Ch(2))))
            {
                throw ScannerError(context, start, "did not find URI escaped octet");
            }
            var octet = Convert.ToByte(_s.Substring(_pos + 1, 2), 16);
            if (width == 1024)
            {
                width = (octet & 0x80) == 0 ? 1 : (octet & 0xE0) == 0xC0 ? 2 : (octet & 0xF0) == 0xE0 ? 3 : (octet & 0xF8) == 0xF0 ? 4 : 0;
                if (width == 0)
                {
                    throw ScannerError(context, start, "found an incorrect leading UTF-8 octet");
                }
            }
            else if ((octet & 0xC0) != 0x80)
            {
                throw ScannerError(context, start, "found an incorrect trailing UTF-8 octet");
            }
            bytes.Add(octet);
            Advance();
            Advance();
            Advance();
            width--;
        }
        s.Append(Encoding.UTF8.GetString([.. bytes]));
    }
}
