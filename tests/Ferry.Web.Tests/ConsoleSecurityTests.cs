using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ferry.Charts.Releases;
using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Registry;

namespace Ferry.Web.Tests;

/// <summary>
/// The console's guard, over real HTTP: nothing without a session, sign-in throttled and bound to its form, every
/// state change bound to the session's CSRF token, cookies HttpOnly and SameSite=Strict, and cluster values shown as
/// text (an app version of &lt;script&gt; is escaped).
/// </summary>
public sealed class ConsoleSecurityTests : IAsyncLifetime
{
    private const string User = "operator";
    private const string Password = "correct horse battery staple";

    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-console-").FullName;
    private readonly KubeTarget _cluster = KubeTarget.Create();
    private ConsoleServer _server = null!;
    private HttpClient _http = null!;
    private RegistryAccess _access = null!;

    public async Task InitializeAsync()
    {
        var htpasswd = Path.Combine(_dir, "htpasswd");
        await File.WriteAllTextAsync(htpasswd, Htpasswd.Line(User, Password) + "\n");
        _access = new RegistryAccess(Htpasswd.Load(htpasswd), throttle: new LoginThrottle(limit: 3));
        await _cluster.CreateNamespaceAsync();
        _server = await ConsoleServer.StartAsync(new ConsoleOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Access = _access,
            Cluster = _cluster.Client,
            EnvNamespace = _cluster.Namespace,
        });
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(_server.Url) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _access.Dispose();
        _cluster.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("GET", "/", HttpStatusCode.SeeOther)]
    [InlineData("GET", "/bundles", HttpStatusCode.SeeOther)]
    [InlineData("GET", "/api/status", HttpStatusCode.Unauthorized)]
    [InlineData("POST", "/logout", HttpStatusCode.Unauthorized)]
    [InlineData("POST", "/api/deploy", HttpStatusCode.Unauthorized)]
    public async Task WithoutASession_PagesRedirectToSignIn_AndEverythingElseIs401(string method, string path, HttpStatusCode expected)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.SeeOther)
        {
            Assert.Equal("/login", response.Headers.Location?.OriginalString);
        }
        using var forged = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Headers = { { "Cookie", "ferry_session=" + new string('a', 64) } },
        });
        Assert.Equal(expected, forged.StatusCode);
    }

    [Fact]
    public async Task SignIn_SetsAStrictHttpOnlyCookie_AndTheOverviewShowsTheCluster()
    {
        var session = await SignInAsync(User, Password);
        using var page = await GetAsync("/", session);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Overview</h1>", html, StringComparison.Ordinal);
        Assert.Contains("No releases yet.", html, StringComparison.Ordinal);
        Assert.Contains(User, html, StringComparison.Ordinal);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task WrongPasswords_AreRefused_ThenThrottled_EvenForTheRightOne()
    {
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await PostLoginAsync(User, "guess" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("Wrong user or password.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(wrong.Headers.TryGetValues("Set-Cookie", out var c) && c.Any(x => x.StartsWith("ferry_session=", StringComparison.Ordinal)));
        }
        using var blocked = await PostLoginAsync(User, Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(int.Parse(blocked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Too many failed sign-ins", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithoutItsFormToken_IsRefused()
    {
        using var response = await _http.PostAsync("/login", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["user"] = User, ["password"] = Password, ["_csrf"] = "forged" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task StateChanges_NeedTheSessionsCsrfToken()
    {
        var session = await SignInAsync(User, Password);
        using var withoutToken = await SendAsync(HttpMethod.Post, "/logout", session, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
        using var wrongToken = await SendAsync(HttpMethod.Post, "/logout", session,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = new string('0', 64) }));
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        using (var stillIn = await GetAsync("/", session))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        var token = CsrfField().Match(await (await GetAsync("/", session)).Content.ReadAsStringAsync()).Groups[1].Value;
        using var logout = await SendAsync(HttpMethod.Post, "/logout", session, new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = token }));
        Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        using var after = await GetAsync("/", session);
        Assert.Equal(HttpStatusCode.SeeOther, after.StatusCode);
    }

    [Fact]
    public async Task ValuesFromTheCluster_AreShownAsText()
    {
        var payload = "<script>alert(1)</script>";
        await new ReleaseStore(_cluster.Client).CreateAsync(new Release
        {
            Name = "web",
            Namespace = _cluster.Namespace,
            Version = 1,
            Info = new ReleaseInfo { Status = ReleaseStatus.Failed, Description = payload },
            ChartJson = "{\"metadata\":{\"name\":\"web\",\"version\":\"1.0.0\",\"appVersion\":\"" + payload.Replace("/", "\\/", StringComparison.Ordinal) +
                "\"},\"lock\":null,\"templates\":[],\"values\":{},\"schema\":null,\"files\":[]}",
            ConfigJson = "{}",
            Manifest = "",
        }, DateTimeOffset.UtcNow);
        var session = await SignInAsync(User, Password);
        var html = await (await GetAsync("/", session)).Content.ReadAsStringAsync();
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Needs attention", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_RollsBackOnlyWhenConfirmed_AndTheAuditLogSaysWhoDidIt()
    {
        var store = new ReleaseStore(_cluster.Client);
        var ns = _cluster.Namespace;
        foreach (var version in new[] { 1, 2 })
        {
            await store.CreateAsync(new Release
            {
                Name = "web",
                Namespace = ns,
                Version = version,
                Info = new ReleaseInfo { Status = version == 2 ? ReleaseStatus.Deployed : ReleaseStatus.Superseded, Description = "Install complete" },
                ChartJson = "{\"metadata\":{\"name\":\"web\",\"version\":\"1.0." + version + "\"},\"lock\":null,\"templates\":[],\"values\":{}," +
                    "\"schema\":null,\"files\":[]}",
                ConfigJson = "{}",
                Manifest = $"---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-v{version}\ndata:\n  v: \"{version}\"\n",
            }, DateTimeOffset.UtcNow);
        }
        var session = await SignInAsync(User, Password);
        var page = await (await GetAsync($"/releases/{ns}/web", session)).Content.ReadAsStringAsync();
        Assert.Contains("Roll back to 1", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Roll back to 2", page, StringComparison.Ordinal);
        var token = CsrfField().Match(page).Groups[1].Value;

        using (var unconfirmed = await SendAsync(HttpMethod.Post, $"/releases/{ns}/web/rollback", session,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = token, ["revision"] = "1" })))
        {
            Assert.Contains("Tick the confirmation", await unconfirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(2, (await store.HistoryAsync("web", ns)).Count);

        using (var confirmed = await SendAsync(HttpMethod.Post, $"/releases/{ns}/web/rollback", session,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = token, ["revision"] = "1", ["confirm"] = "yes" })))
        {
            Assert.Contains("web is now revision 3", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var history = await store.HistoryAsync("web", ns);
        Assert.Equal([1, 2, 3], history.Select(r => r.Version));
        Assert.Equal(ReleaseStatus.Deployed, history[^1].Info.Status);
        Assert.NotNull(await _cluster.GetAsync("v1", "ConfigMap", "web-v1"));

        var audit = await new AuditLog(_cluster.Client, ns).ReadAsync();
        Assert.Contains(audit, e => e.User == User && e.Action == "sign-in");
        Assert.Contains(audit, e => e.User == User && e.Action == "rollback" && e.Detail == $"{ns}/web to revision 1 (now revision 3)");
        var auditPage = await (await GetAsync("/audit", session)).Content.ReadAsStringAsync();
        Assert.Contains($"{ns}/web to revision 1 (now revision 3)", auditPage, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, auditPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_ShowsEachReleasesPodsReady_AndWhyNot()
    {
        var ns = _cluster.Namespace;
        var manifest = "";
        foreach (var (name, image) in new[] { ("good", KubeTarget.Image), ("stuck", KubeTarget.UnpullableImage) })
        {
            var deployment = $"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  replicas: 1\n" +
                $"  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n" +
                $"      containers:\n      - {{name: app, image: \"{image}\", command: [sleep, \"3600\"]}}\n";
            await new Applier(_cluster.Client).ApplyAsync(JsonNode.Parse(Ferry.Templates.Formatting.GoJson.Marshal(
                Ferry.Templates.Values.DataReader.FromYaml(deployment)))!.AsObject(), ns);
            manifest += $"---\n# Source: app/templates/{name}.yaml\n{deployment}";
        }
        await new ReleaseStore(_cluster.Client).CreateAsync(new Release
        {
            Name = "app",
            Namespace = ns,
            Version = 1,
            Info = new ReleaseInfo { Status = ReleaseStatus.Deployed, Description = "Install complete" },
            ChartJson = "{\"metadata\":{\"name\":\"app\",\"version\":\"1.0.0\"},\"lock\":null,\"templates\":[],\"values\":{},\"schema\":null,\"files\":[]}",
            ConfigJson = "{}",
            Manifest = manifest,
        }, DateTimeOffset.UtcNow);
        await new Applier(_cluster.Client).WaitAsync([new ResourceKey("apps/v1", "Deployment", ns, "good")], _cluster.ReadyTimeout, _cluster.PollInterval);
        var session = await SignInAsync(User, Password);
        var deadline = DateTime.UtcNow + _cluster.StuckTimeout + TimeSpan.FromSeconds(30);
        string html;
        do
        {
            html = await (await GetAsync("/", session)).Content.ReadAsStringAsync();
        }
        while (!html.Contains("ImagePullBackOff", StringComparison.Ordinal) && DateTime.UtcNow < deadline && await Delay());
        Assert.Contains("<span class=\"bad\">1/2</span>", html, StringComparison.Ordinal);
        Assert.Contains("ImagePullBackOff", html, StringComparison.Ordinal);

        static async Task<bool> Delay()
        {
            await Task.Delay(200);
            return true;
        }
    }

    [Theory]
    [InlineData("/releases/NS/web")]
    [InlineData("/releases/a/b/c/d")]
    [InlineData("/releases/..%2F..%2Fetc/web")]
    public async Task ReleasePaths_OutsideKubernetesNames_AreNotFound(string path)
    {
        var session = await SignInAsync(User, Password);
        using var response = await GetAsync(path, session);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task MalformedForms_AreRefusedLikeMissingTokens()
    {
        var session = await SignInAsync(User, Password);
        foreach (var content in new HttpContent[]
        {
            new ByteArrayContent("--zz\r\nbroken"u8.ToArray()) { Headers = { { "Content-Type", "multipart/form-data; boundary=zz" } } },
            new StringContent("{\"_csrf\": \"x\"}", System.Text.Encoding.UTF8, "application/json"),
        })
        {
            using var response = await SendAsync(HttpMethod.Post, "/logout", session, content);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var login = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new ByteArrayContent("--zz\r\nbroken"u8.ToArray()) { Headers = { { "Content-Type", "multipart/form-data; boundary=zz" } } },
        });
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
    }

    [Fact]
    public async Task AnUnreachableCluster_StillLetsOperatorsSignIn_AndEveryPageSaysWhy()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var gone = KubeConnection.ForUrl($"http://127.0.0.1:{port}");
        await using var server = await ConsoleServer.StartAsync(new ConsoleOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Access = _access,
            Cluster = gone,
        });
        var original = _http;
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(server.Url) };
        try
        {
            var session = await SignInAsync(User, Password);
            using var overview = await GetAsync("/", session);
            Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
            Assert.Contains("cannot reach the Kubernetes API", await overview.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            foreach (var path in new[] { "/audit", "/releases/shop/web" })
            {
                using var page = await GetAsync(path, session);
                Assert.Equal(HttpStatusCode.BadGateway, page.StatusCode);
                Assert.Contains("cannot reach the Kubernetes API", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        finally
        {
            _http.Dispose();
            _http = original;
        }
    }

    private async Task<string> SignInAsync(string user, string password)
    {
        using var response = await PostLoginAsync(user, password);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        var cookie = ConsoleHttp.SetCookie(response, "ferry_session");
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
        return ConsoleHttp.Cookie(response, "ferry_session");
    }

    private Task<HttpResponseMessage> PostLoginAsync(string user, string password) => _http.PostLoginAsync(user, password);

    private Task<HttpResponseMessage> GetAsync(string path, string cookie) => _http.SendAsync(HttpMethod.Get, path, cookie, null);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string cookie, HttpContent? content) =>
        _http.SendAsync(method, path, cookie, content);

    private static Regex CsrfField() => ConsoleHttp.CsrfField();
}
