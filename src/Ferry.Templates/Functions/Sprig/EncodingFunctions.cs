using System.Globalization;
using System.Text;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's JSON and URL functions.</summary>
internal static class EncodingFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Fixed("toJson", 1, a => TryOrEmpty(() => GoJson.Marshal(a[0]))));
        r.Add(TemplateFunction.Fixed("mustToJson", 1, a => GoJson.Marshal(a[0])));
        r.Add(TemplateFunction.Fixed("toPrettyJson", 1, a => TryOrEmpty(() => GoJson.Marshal(a[0], indent: "  "))));
        r.Add(TemplateFunction.Fixed("mustToPrettyJson", 1, a => GoJson.Marshal(a[0], indent: "  ")));
        r.Add(TemplateFunction.Fixed("toRawJson", 1, a => TryOrEmpty(() => GoJson.Marshal(a[0], escapeHtml: false))));
        r.Add(TemplateFunction.Fixed("mustToRawJson", 1, a => GoJson.Marshal(a[0], escapeHtml: false)));
        r.Add(TemplateFunction.Fixed("fromJson", 1, a =>
            { try { return ParseJson(AsString(a[0])); } catch (TemplateFunctionException) { return null; } }));
        r.Add(TemplateFunction.Fixed("mustFromJson", 1, a => ParseJson(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("urlParse", 1, a => UrlParse(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("urlJoin", 1, a => UrlJoin(AsDict(a[0], "urlJoin"))));
    }

    private static string TryOrEmpty(Func<string> f)
    {
        try
        {
            return f();
        }
        catch (TemplateFunctionException)
        {
            return "";
        }
    }

    /// <summary>json.Unmarshal into interface{}: numbers are float64.</summary>
    public static object? ParseJson(string s)
    {
        try
        {
            return GoJsonReader.Read(s);
        }
        catch (FormatException e)
        {
            throw new TemplateFunctionException(e.Message);
        }
    }

    /// <summary>Go's url.Parse, as Sprig's urlParse map (scheme, host, hostname, path, query, opaque, fragment, userinfo).</summary>
    private static Dictionary<string, object?> UrlParse(string s)
    {
        GoUrl url;
        try
        {
            url = GoUrl.Parse(s);
        }
        catch (FormatException e)
        {
            throw new TemplateFunctionException("unable to parse url: " + e.Message);
        }
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["scheme"] = url.Scheme,
            ["host"] = url.Host,
            ["hostname"] = url.Hostname,
            ["path"] = url.Path,
            ["query"] = url.RawQuery,
            ["opaque"] = url.Opaque,
            ["fragment"] = url.Fragment,
            ["userinfo"] = url.UserInfo,
        };
    }

    /// <summary>Go's url.URL.String() built from Sprig's urlJoin map.</summary>
    private static string UrlJoin(IDictionary<string, object?> d)
    {
        string Get(string k) => d.TryGetValue(k, out var v) && v is not null ? Str(v) : "";
        var sb = new StringBuilder();
        var scheme = Get("scheme");
        if (scheme.Length > 0)
        {
            sb.Append(scheme).Append(':');
        }
        var opaque = Get("opaque");
        if (opaque.Length > 0)
        {
            sb.Append(opaque);
        }
        else
        {
            var host = Get("host");
            var user = Get("userinfo");
            if (scheme.Length > 0 || host.Length > 0 || user.Length > 0)
            {
                if (host.Length > 0 || Get("path").Length > 0 || user.Length > 0)
                {
                    sb.Append("//");
                }
                if (user.Length > 0)
                {
                    sb.Append(user).Append('@');
                }
                sb.Append(host);
            }
            var path = Get("path");
            if (path.Length > 0 && path[0] != '/' && host.Length > 0)
            {
                sb.Append('/');
            }
            sb.Append(EscapePath(path));
        }
        var query = Get("query");
        if (query.Length > 0)
        {
            sb.Append('?').Append(query);
        }
        var fragment = Get("fragment");
        if (fragment.Length > 0)
        {
            sb.Append('#').Append(Uri.EscapeDataString(fragment).Replace("%2F", "/", StringComparison.Ordinal));
        }
        return sb.ToString();
    }

    private static string EscapePath(string p)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(p))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-_.~/!$&'()*+,;=:@".Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
