using System.Text;

namespace Ferry.Templates.Formatting;

/// <summary>
/// Go's <c>net/url.Parse</c> (Go 1.25, as helm is built), with its errors word for word
/// (<c>parse "…": first path segment in URL cannot contain colon</c>). Go parses bytes: internally every string here
/// holds one char per UTF-8 byte (<see cref="Bytes"/>), so slicing and the three-byte escape errors cut where Go's do.
/// </summary>
public sealed class GoUrl
{
    private enum Mode { Path, PathSegment, Host, Zone, UserPassword, QueryComponent, Fragment }

    private GoUrl()
    {
    }

    public string Scheme { get; private set; } = "";
    public string Opaque { get; private set; } = "";
    public string Host { get; private set; } = "";
    public string Path { get; private set; } = "";
    public string RawQuery { get; private set; } = "";
    public string Fragment { get; private set; } = "";

    private string? user;
    private string? password;

    /// <summary>url.URL.Hostname(): the host without its port and IPv6 brackets.</summary>
    public string Hostname
    {
        get
        {
            var h = Bytes(Host);
            var colon = h.LastIndexOf(':');
            if (colon >= 0 && ValidOptionalPort(h[colon..]))
            {
                h = h[..colon];
            }
            if (h.StartsWith('[') && h.EndsWith(']'))
            {
                h = h[1..^1];
            }
            return Text(h);
        }
    }

    /// <summary>url.Userinfo.String(): user and password escaped again; empty without userinfo.</summary>
    public string UserInfo => user is null ? "" : Text(Escape(user) + (password is null ? "" : ":" + Escape(password)));

    /// <summary>url.Parse; a failure is a <see cref="FormatException"/> in url.Error's words.</summary>
    public static GoUrl Parse(string rawUrl)
    {
        var raw = Bytes(rawUrl);
        var hash = raw.IndexOf('#', StringComparison.Ordinal);
        var (u, frag) = hash < 0 ? (raw, "") : (raw[..hash], raw[(hash + 1)..]);
        var url = new GoUrl();
        var err = url.ParseMain(u);
        if (err is not null)
        {
            throw Failure(u, err);
        }
        if (frag.Length > 0)
        {
            var (f, fragErr) = Unescape(frag, Mode.Fragment);
            if (fragErr is not null)
            {
                throw Failure(raw, fragErr);
            }
            url.Fragment = Text(f);
        }
        return url;
    }

    private static FormatException Failure(string raw, string err) => new($"parse {Quote(raw)}: {err}");

    private string? ParseMain(string raw)
    {
        if (raw.Any(c => c < 0x20 || c == 0x7f))
        {
            return "net/url: invalid control character in URL";
        }
        if (raw == "*")
        {
            Path = "*";
            return null;
        }
        var (scheme, rest, err) = SplitScheme(raw);
        if (err is not null)
        {
            return err;
        }
        Scheme = Text(scheme.ToLowerInvariant());
        if (rest.EndsWith('?') && rest.Count(c => c == '?') == 1)
        {
            rest = rest[..^1];
        }
        else if (rest.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            RawQuery = Text(rest[(q + 1)..]);
            rest = rest[..q];
        }
        if (!rest.StartsWith('/'))
        {
            if (Scheme.Length > 0)
            {
                Opaque = Text(rest);
                return null;
            }
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if ((slash < 0 ? rest : rest[..slash]).Contains(':', StringComparison.Ordinal))
            {
                return "first path segment in URL cannot contain colon";
            }
        }
        if ((Scheme.Length > 0 || !rest.StartsWith("///", StringComparison.Ordinal)) && rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..];
            rest = "";
            if (authority.IndexOf('/', StringComparison.Ordinal) is var i and >= 0)
            {
                rest = authority[i..];
                authority = authority[..i];
            }
            err = ParseAuthority(authority);
            if (err is not null)
            {
                return err;
            }
        }
        var (path, pathErr) = Unescape(rest, Mode.Path);
        Path = Text(path);
        return pathErr;
    }

    private static (string Scheme, string Remainder, string? Error) SplitScheme(string raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (char.IsAsciiLetter(c))
            {
                continue;
            }
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0)
                {
                    return ("", raw, null);
                }
                continue;
            }
            if (c == ':')
            {
                return i == 0 ? ("", "", "missing protocol scheme") : (raw[..i], raw[(i + 1)..], null);
            }
            return ("", raw, null);
        }
        return ("", raw, null);
    }

    private string? ParseAuthority(string authority)
    {
        var at = authority.LastIndexOf('@');
        var (host, err) = ParseHost(at < 0 ? authority : authority[(at + 1)..]);
        if (err is not null)
        {
            return err;
        }
        Host = Text(host);
        if (at < 0)
        {
            return null;
        }
        var userinfo = authority[..at];
        if (!ValidUserinfo(userinfo))
        {
            return "net/url: invalid userinfo";
        }
        var colon = userinfo.IndexOf(':', StringComparison.Ordinal);
        (user, err) = Unescape(colon < 0 ? userinfo : userinfo[..colon], Mode.UserPassword);
        if (err is null && colon >= 0)
        {
            (password, err) = Unescape(userinfo[(colon + 1)..], Mode.UserPassword);
        }
        return err;
    }

    private static bool ValidUserinfo(string s) =>
        s.All(c => char.IsAsciiLetterOrDigit(c) || "-._:~!$&'()*+,;=%@".Contains(c, StringComparison.Ordinal));

    private static (string Host, string? Error) ParseHost(string host)
    {
        if (!host.StartsWith('['))
        {
            var colon = host.LastIndexOf(':');
            if (colon >= 0 && !ValidOptionalPort(host[colon..]))
            {
                return ("", $"invalid port {Quote(host[colon..])} after host");
            }
            return Unescape(host, Mode.Host);
        }
        var close = host.LastIndexOf(']');
        if (close < 0)
        {
            return ("", "missing ']' in host");
        }
        if (!ValidOptionalPort(host[(close + 1)..]))
        {
            return ("", $"invalid port {Quote(host[(close + 1)..])} after host");
        }
        string unescaped;
        var zone = host[..close].IndexOf("%25", StringComparison.Ordinal);
        if (zone >= 0)
        {
            var (h1, e1) = Unescape(host[..zone], Mode.Host);
            var (h2, e2) = e1 is null ? Unescape(host[zone..close], Mode.Zone) : ("", null);
            var (h3, e3) = e1 is null && e2 is null ? Unescape(host[close..], Mode.Host) : ("", null);
            if ((e1 ?? e2 ?? e3) is { } zoneErr)
            {
                return ("", zoneErr);
            }
            unescaped = h1 + h2 + h3;
        }
        else
        {
            var (h, e) = Unescape(host, Mode.Host);
            if (e is not null)
            {
                return ("", e);
            }
            unescaped = h;
        }
        var literal = unescaped[1..unescaped.LastIndexOf(']')];
        if (GoNetIp.ParseAddr(literal, out var isIPv4) is { } ipErr)
        {
            return ("", "invalid host: " + ipErr);
        }
        if (isIPv4)
        {
            return ("", "invalid IP-literal");
        }
        return (unescaped, null);
    }

    private static bool ValidOptionalPort(string port) =>
        port.Length == 0 || (port[0] == ':' && port.Skip(1).All(char.IsAsciiDigit));

    private static (string Value, string? Error) Unescape(string s, Mode mode)
    {
        var hasEscape = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                hasEscape = true;
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return ("", EscapeError(s[i..Math.Min(s.Length, i + 3)]));
                }
                var v = Convert.ToByte(s.Substring(i + 1, 2), 16);
                var isPercent = s.AsSpan(i, 3).SequenceEqual("%25");
                if ((mode == Mode.Host && v >> 4 < 8 && !isPercent)
                    || (mode == Mode.Zone && !isPercent && v != ' ' && ShouldEscape((char)v, Mode.Host)))
                {
                    return ("", EscapeError(s[i..(i + 3)]));
                }
                i += 2;
            }
            else if (mode is Mode.Host or Mode.Zone && c < 0x80 && ShouldEscape(c, mode))
            {
                return ("", $"invalid character {Quote(c.ToString())} in host name");
            }
        }
        if (!hasEscape && !(mode == Mode.QueryComponent && s.Contains('+', StringComparison.Ordinal)))
        {
            return (s, null);
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%')
            {
                sb.Append((char)Convert.ToByte(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                sb.Append(mode == Mode.QueryComponent && s[i] == '+' ? ' ' : s[i]);
            }
        }
        return (sb.ToString(), null);
    }

    private static string EscapeError(string s) => "invalid URL escape " + Quote(s);

    /// <summary>Go's url.QueryEscape (the template builtin <c>urlquery</c>) over the Go string's bytes.</summary>
    internal static string QueryEscape(string s) => Escape(Encoding.Latin1.GetString(Values.GoString.ToBytes(s)), Mode.QueryComponent);

    private static string Escape(string s, Mode mode = Mode.UserPassword)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c == ' ' && mode == Mode.QueryComponent)
            {
                sb.Append('+');
            }
            else if (ShouldEscape(c, mode))
            {
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static bool ShouldEscape(char c, Mode mode)
    {
        if (char.IsAsciiLetterOrDigit(c))
        {
            return false;
        }
        if (mode is Mode.Host or Mode.Zone && "!$&'()*+,;=:[]<>\"".Contains(c, StringComparison.Ordinal))
        {
            return false;
        }
        if (c is '-' or '_' or '.' or '~')
        {
            return false;
        }
        if ("$&+,/:;=?@".Contains(c, StringComparison.Ordinal))
        {
            return mode switch
            {
                Mode.Path => c == '?',
                Mode.PathSegment => c is '/' or ';' or ',' or '?',
                Mode.UserPassword => c is '@' or '/' or '?' or ':',
                Mode.QueryComponent => true,
                Mode.Fragment => false,
                _ => true,
            };
        }
        return !(mode == Mode.Fragment && c is '!' or '(' or ')' or '*');
    }

    /// <summary>A .NET string as Go's bytes: one char (0–255) per UTF-8 byte.</summary>
    internal static string Bytes(string s) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(s));

    /// <summary>Go's bytes back to a .NET string (invalid UTF-8 becomes U+FFFD).</summary>
    internal static string Text(string bytes) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(bytes));

    internal static string Quote(string bytes) => GoQuote.QuoteBytes(Encoding.Latin1.GetBytes(bytes));
}
