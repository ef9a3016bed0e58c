using System.Text.RegularExpressions;

namespace Ferry.Web.Tests;

/// <summary>Talking to the console as a browser does, over plain HTTP: cookies by hand, the forms' CSRF tokens read from the pages.</summary>
internal static partial class ConsoleHttp
{
    /// <summary>A request carrying <paramref name="cookie"/> ("name=value").</summary>
    public static Task<HttpResponseMessage> SendAsync(this HttpClient http, HttpMethod method, string path, string cookie, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Cookie", cookie);
        return http.SendAsync(request);
    }

    /// <summary>Signs in as a browser does: get the form (and its cookie), post it back with its token.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(this HttpClient http, string user, string password)
    {
        using var form = await http.GetAsync("/login");
        var token = CsrfField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        return await http.SendAsync(HttpMethod.Post, "/login", Cookie(form, "ferry_login"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = user, ["password"] = password, ["_csrf"] = token }));
    }

    /// <summary>The cookie a response sets, as a request sends it back ("name=value").</summary>
    public static string Cookie(HttpResponseMessage response, string name)
    {
        var header = SetCookie(response, name);
        return header[..header.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>The whole Set-Cookie header of <paramref name="name"/> (with its attributes).</summary>
    public static string SetCookie(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    [GeneratedRegex("name=\"_csrf\" value=\"([0-9a-f]+)\"")]
    public static partial Regex CsrfField();
}
