using System.Net;
using System.Net.Http.Headers;
using Ferry.Bundles;
using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Registry;

namespace Ferry.Web.Tests;

/// <summary>
/// The bundle folder, the settings form and the deploy form over real HTTP: uploads need the CSRF token before any
/// byte is written, damaged bundles and unsafe names leave nothing behind, nothing outside the folder is reachable,
/// values from a bundle or the operator are shown as text, a deploy needs its confirmation, and no response body ever
/// carries a secret setting's value (every response of every test is scanned).
/// </summary>
public sealed class ConsoleSiteTests : IAsyncLifetime
{
    private const string User = "operator";
    private const string Password = "correct horse battery staple";
    private const string Secret = "t0ken-that-must-not-leak";
    private const string Xss = "<script>alert(1)</script>";

    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-console-site-").FullName;
    private readonly KubeTarget _cluster = KubeTarget.Create();
    private readonly List<string> _bodies = [];
    private ConsoleServer _server = null!;
    private HttpClient _http = null!;
    private RegistryAccess _access = null!;
    private string _bundles = null!;
    private string _bundle = null!;

    public async Task InitializeAsync()
    {
        var htpasswd = Path.Combine(_dir, "htpasswd");
        await File.WriteAllTextAsync(htpasswd, Htpasswd.Line(User, Password) + "\n");
        _access = new RegistryAccess(Htpasswd.Load(htpasswd));
        await _cluster.CreateNamespaceAsync();
        _bundles = Directory.CreateDirectory(Path.Combine(_dir, "bundles")).FullName;
        _bundle = await BuildAsync();
        _server = await ConsoleServer.StartAsync(new ConsoleOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Access = _access,
            Cluster = _cluster.Client,
            EnvNamespace = _cluster.Namespace,
            BundlesDir = _bundles,
            SiteRegistry = "127.0.0.1:1",
        });
        _http = new HttpClient(new Recording(_bodies)) { BaseAddress = new Uri(_server.Url) };
    }

    public async Task DisposeAsync()
    {
        // every response any test received: the secret value never in one
        Assert.DoesNotContain(_bodies, b => b.Contains(Secret, StringComparison.Ordinal));
        _http.Dispose();
        await _server.DisposeAsync();
        _access.Dispose();
        _cluster.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task AnUpload_WithoutTheCsrfTokenFirst_IsRefused_BeforeAnythingIsWritten()
    {
        var (cookie, _) = await SignInAsync();
        using var noToken = await UploadAsync(cookie, null, "edge.ferry", File.ReadAllBytes(_bundle));
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        using var wrongToken = await UploadAsync(cookie, new string('0', 64), "edge.ferry", File.ReadAllBytes(_bundle));
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bundles));
    }

    [Fact]
    public async Task AnUpload_IsVerified_ThenListed_AndItsContentShownAsText()
    {
        var (cookie, token) = await SignInAsync();
        using var damaged = await UploadAsync(cookie, token, "damaged.ferry", [.. File.ReadAllBytes(_bundle).SkipLast(4096)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, damaged.StatusCode);
        Assert.Contains("damaged.ferry was not kept", await damaged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bundles));

        using var upload = await UploadAsync(cookie, token, "edge.ferry", File.ReadAllBytes(_bundle));
        Assert.Equal(HttpStatusCode.SeeOther, upload.StatusCode);
        Assert.Equal("/bundles/edge.ferry", upload.Headers.Location?.OriginalString);
        Assert.Equal(File.ReadAllBytes(_bundle), File.ReadAllBytes(Path.Combine(_bundles, "edge.ferry")));
        var page = await GetTextAsync("/bundles/edge.ferry", cookie);
        Assert.Contains("Verified: every file matches its checksum", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal); // the env description
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("edge.ferry", await GetTextAsync("/bundles", cookie), StringComparison.Ordinal);

        using var again = await UploadAsync(cookie, token, "edge.ferry", File.ReadAllBytes(_bundle));
        Assert.Contains("already in the bundle folder", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALargeUpload_StreamsToDisk_WithFlatMemory_AndIsDeletedWhenItIsNoBundle()
    {
        const long size = 768L << 20;
        var (cookie, token) = await SignInAsync();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(20);
            }
        });
        var form = new MultipartFormDataContent { { new StringContent(token), "_csrf" } };
        form.Add(new StreamContent(new ZeroStream(size), 1 << 16), "bundle", "huge.ferry");
        using var response = await SendAsync(HttpMethod.Post, "/bundles", cookie, form);
        await sampling.CancelAsync();
        await sampler;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("huge.ferry was not kept", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bundles));
        // the whole request went through this process (client and server): the heap grew by buffers, not by the upload
        Assert.True(peak - baseline < 96L << 20, $"the heap grew by {(peak - baseline) >> 20} MiB during a {size >> 20} MiB upload");
    }

    [Fact]
    public async Task TheSitesSignaturePolicy_AppliesToUploads()
    {
        var key = Path.Combine(_dir, "vendor");
        BundleSigner.GenerateKey(key + ".pem", key + ".pub.pem");
        await new SitePolicy(_cluster.Client, _cluster.Namespace).SetPublicKeyAsync(await File.ReadAllTextAsync(key + ".pub.pem"));
        var (cookie, token) = await SignInAsync();
        using (var unsigned = await UploadAsync(cookie, token, "edge.ferry", File.ReadAllBytes(_bundle)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, unsigned.StatusCode);
            Assert.Contains("edge.ferry: not signed", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bundles));
        // the console's --key applies as deploy's does: an unsigned bundle in a folder checked with it is not verified
        var keyed = Directory.CreateDirectory(Path.Combine(_dir, "keyed")).FullName;
        File.Copy(_bundle, Path.Combine(keyed, "edge.ferry"));
        var unsignedCheck = new BundleShelf(keyed, key + ".pub.pem").Check("edge.ferry", policyKeyPem: null);
        Assert.Contains(unsignedCheck.Problems, p => p.Contains("not signed", StringComparison.Ordinal));
        BundleSigner.SignBundle(_bundle, key + ".pem");
        File.Copy(_bundle, Path.Combine(keyed, "edge.ferry"), overwrite: true);
        File.SetLastWriteTimeUtc(Path.Combine(keyed, "edge.ferry"), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("the vendor key the console was given", new BundleShelf(keyed, key + ".pub.pem").Check("edge.ferry", null).SignedBy);
        using (var signed = await UploadAsync(cookie, token, "edge.ferry", File.ReadAllBytes(_bundle)))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signed.StatusCode);
        }
        Assert.Contains("signed by the key the site&#39;s policy requires", await GetTextAsync("/bundles/edge.ferry", cookie), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".hidden.ferry", "not a usable bundle file name")]
    [InlineData("space name.ferry", "not a usable bundle file name")]
    [InlineData("../../outside.ferry", null)] // the browser's path is dropped: it lands inside the folder
    public async Task UploadNames_StayInsideTheFolder(string name, string? refusal)
    {
        var (cookie, token) = await SignInAsync();
        using var response = await UploadAsync(cookie, token, name, File.ReadAllBytes(_bundle));
        if (refusal is not null)
        {
            Assert.Contains(refusal, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_bundles));
        }
        else
        {
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            Assert.Equal(["outside.ferry"], Directory.EnumerateFileSystemEntries(_bundles).Select(Path.GetFileName));
        }
        Assert.False(File.Exists(Path.Combine(_dir, "outside.ferry")));
    }

    [Fact]
    public async Task NothingOutsideTheFolder_IsABundle()
    {
        var outside = Path.Combine(_dir, "secret.ferry");
        File.Copy(_bundle, outside);
        File.CreateSymbolicLink(Path.Combine(_bundles, "link.ferry"), outside);
        var (cookie, _) = await SignInAsync();
        Assert.DoesNotContain("link.ferry", await GetTextAsync("/bundles", cookie), StringComparison.Ordinal);
        foreach (var path in new[] { "/bundles/link.ferry", "/bundles/..%2Fsecret.ferry", "/bundles/%2E%2E/secret.ferry", "/plan?bundle=../secret.ferry" })
        {
            using var response = await GetAsync(path, cookie);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict, $"{path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Settings_AreValidatedTogether_SecretsWriteOnly_ValuesShownAsText()
    {
        File.Copy(_bundle, Path.Combine(_bundles, "edge.ferry"));
        var (cookie, token) = await SignInAsync();
        var form = await GetTextAsync("/settings", cookie);
        Assert.Contains("DOMAIN: required", form, StringComparison.Ordinal);
        Assert.Contains("API_TOKEN: required", form, StringComparison.Ordinal);

        using (var noToken = await PostAsync("/settings", cookie, new() { ["bundle"] = "edge.ferry", ["env.DOMAIN"] = "x" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        }
        using (var refused = await PostAsync("/settings", cookie, new() { ["_csrf"] = token, ["bundle"] = "edge.ferry", ["env.API_TOKEN"] = "short" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("DOMAIN: required", html, StringComparison.Ordinal);
            Assert.Contains("API_TOKEN: the secret value does not match", html, StringComparison.Ordinal);
            Assert.DoesNotContain("short", html, StringComparison.Ordinal);
        }
        Assert.Empty((await new DeployEnv(_cluster.Client, _cluster.Namespace).ReadAsync()).Values);

        using (var saved = await PostAsync("/settings", cookie, new() { ["_csrf"] = token, ["bundle"] = "edge.ferry", ["env.DOMAIN"] = Xss, ["env.API_TOKEN"] = Secret }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var html = await saved.Content.ReadAsStringAsync();
            Assert.Contains("API_TOKEN: set (secret, 24 characters)", html, StringComparison.Ordinal);
            Assert.Contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        }
        var env = await new DeployEnv(_cluster.Client, _cluster.Namespace).ReadAsync();
        Assert.Equal((Xss, Secret), (env.Values["DOMAIN"], env.Values["API_TOKEN"]));
        Assert.Contains("API_TOKEN", env.SecretKeys);
        Assert.Contains("set (24 characters): leave empty to keep it", await GetTextAsync("/settings?bundle=edge.ferry", cookie), StringComparison.Ordinal);

        // an empty secret field keeps the secret; an emptied plain field removes its key (the previous content is backed up)
        using (var kept = await PostAsync("/settings", cookie, new() { ["_csrf"] = token, ["bundle"] = "edge.ferry", ["env.DOMAIN"] = "shop.site", ["env.API_TOKEN"] = "" }))
        {
            Assert.Contains(WebUtility.HtmlEncode($"DOMAIN: \"{Xss}\" -> \"shop.site\""), await kept.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        env = await new DeployEnv(_cluster.Client, _cluster.Namespace).ReadAsync();
        Assert.Equal(("shop.site", Secret), (env.Values["DOMAIN"], env.Values["API_TOKEN"]));
        var audit = await GetTextAsync("/audit", cookie);
        Assert.Contains("API_TOKEN: set (secret, 24 characters)", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePlan_ShowsManifestsAsText_AndMasksSecrets()
    {
        File.Copy(_bundle, Path.Combine(_bundles, "edge.ferry"));
        await new DeployEnv(_cluster.Client, _cluster.Namespace).SetAsync(
            new Dictionary<string, string> { ["DOMAIN"] = Xss, ["API_TOKEN"] = Secret }, new HashSet<string> { "API_TOKEN" });
        var (cookie, _) = await SignInAsync();
        var page = await GetTextAsync("/plan?bundle=edge.ferry", cookie);
        Assert.Contains("<td class=\"bad\">install</td>", page, StringComparison.Ordinal);
        var diff = page[page.IndexOf("<pre class=\"diff\" id=\"diff-gateway\">", StringComparison.Ordinal)..];
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", diff, StringComparison.Ordinal); // the ingress host, from DOMAIN
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("name=\"confirm\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeploy_NeedsItsConfirmation_AndTheCsrfToken()
    {
        File.Copy(_bundle, Path.Combine(_bundles, "edge.ferry"));
        var (cookie, token) = await SignInAsync();
        using (var noToken = await PostAsync("/deploy", cookie, new() { ["bundle"] = "edge.ferry", ["confirm"] = "yes" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        }
        using (var unconfirmed = await PostAsync("/deploy", cookie, new() { ["_csrf"] = token, ["bundle"] = "edge.ferry" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, unconfirmed.StatusCode);
            Assert.StartsWith("/plan?bundle=edge.ferry", unconfirmed.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }
        using (var missing = await PostAsync("/deploy", cookie, new() { ["_csrf"] = token, ["bundle"] = "absent.ferry", ["confirm"] = "yes" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, missing.StatusCode);
        }
        Assert.Null(_server.CurrentDeploy);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"10\">", await GetTextAsync("/", cookie), StringComparison.Ordinal); // live overview
        Assert.Contains("No deploy was started from this console", await GetTextAsync("/deploy", cookie), StringComparison.Ordinal);

        // confirmed: the deploy runs and its refusal (DOMAIN unset) is the run's result, shown on the page
        using (var confirmed = await PostAsync("/deploy", cookie, new() { ["_csrf"] = token, ["bundle"] = "edge.ferry", ["confirm"] = "yes" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, confirmed.StatusCode);
        }
        await _server.CurrentDeploy!.Finished.WaitAsync(TimeSpan.FromMinutes(1));
        var page = await GetTextAsync("/deploy", cookie);
        Assert.Contains("edge.ferry: failed", page, StringComparison.Ordinal);
        Assert.Contains("DOMAIN: required", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeployFromTheConsole_AndOneFromTheCli_ExcludeEachOther()
    {
        File.Copy(_bundle, Path.Combine(_bundles, "edge.ferry"));
        await new DeployEnv(_cluster.Client, _cluster.Namespace).SetAsync(
            new Dictionary<string, string> { ["DOMAIN"] = "edge.site", ["API_TOKEN"] = Secret }, new HashSet<string> { "API_TOKEN" });
        var (cookie, token) = await SignInAsync();
        // what a running `ferry deploy` of the product holds: its journal, alive
        await using (await DeployJournal.BeginAsync(_cluster.Client, _cluster.Namespace, "edge", "edge 1.0.0", "sha256:" + new string('b', 64),
            DeployJournal.DefaultLease, forceUnlock: false))
        {
            using var confirmed = await PostAsync("/deploy", cookie, new() { ["_csrf"] = token, ["bundle"] = "edge.ferry", ["confirm"] = "yes" });
            await _server.CurrentDeploy!.Finished.WaitAsync(TimeSpan.FromMinutes(1));
        }
        var page = await GetTextAsync("/deploy", cookie);
        Assert.Contains("edge.ferry: failed", page, StringComparison.Ordinal);
        Assert.Contains("another ferry deploy of edge is running", page, StringComparison.Ordinal);
        Assert.Null(await new ReleaseStore(_cluster.Client).DeployedAsync("gateway", "edge"));
    }

    /// <summary>An image-free product: the example gateway chart, DOMAIN and a secret token; a description with markup.</summary>
    private async Task<string> BuildAsync()
    {
        var src = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        await File.WriteAllTextAsync(Path.Combine(src, "ferry.yaml"), $"""
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: {"{"} name: edge, version: 1.0.0 {"}"}
            env:
              - {"{"} name: DOMAIN, required: true, description: "{Xss}" {"}"}
              - {"{"} name: API_TOKEN, required: true, secret: true, pattern: "^.{"{"}8,{"}"}$" {"}"}
            apps:
              - name: gateway
                namespace: edge
                chart: {"{"} path: "{Ferry.Charts.Tests.TestPaths.Chart("gateway")}" {"}"}
                values: gateway.yaml.tmpl
            """);
        await File.WriteAllTextAsync(Path.Combine(src, "gateway.yaml.tmpl"), "host: {{ .Env.DOMAIN }}\n");
        var output = Path.Combine(_dir, "edge.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = Path.Combine(src, "ferry.yaml"),
            Output = output,
            EnvOverrides = new Dictionary<string, string> { ["DOMAIN"] = "sample.local", ["API_TOKEN"] = "sample-token" },
        });
        return output;
    }

    private async Task<(string Cookie, string Token)> SignInAsync()
    {
        using var response = await _http.PostLoginAsync(User, Password);
        var cookie = ConsoleHttp.Cookie(response, "ferry_session");
        return (cookie, ConsoleHttp.CsrfField().Match(await GetTextAsync("/", cookie)).Groups[1].Value);
    }

    private Task<HttpResponseMessage> UploadAsync(string cookie, string? token, string fileName, byte[] content)
    {
        var form = new MultipartFormDataContent();
        if (token is not null)
        {
            form.Add(new StringContent(token), "_csrf");
        }
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "bundle", fileName);
        return SendAsync(HttpMethod.Post, "/bundles", cookie, form);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string cookie, Dictionary<string, string> fields) =>
        SendAsync(HttpMethod.Post, path, cookie, new FormUrlEncodedContent(fields));

    private Task<HttpResponseMessage> GetAsync(string path, string cookie) => SendAsync(HttpMethod.Get, path, cookie, null);

    private async Task<string> GetTextAsync(string path, string cookie)
    {
        using var response = await GetAsync(path, cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string cookie, HttpContent? content) =>
        _http.SendAsync(method, path, cookie, content);

    /// <summary>Keeps every response body (buffered, so the test still reads it) for the secret scan.</summary>
    private sealed class Recording(List<string> bodies) : DelegatingHandler(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            lock (bodies)
            {
                bodies.Add(body);
            }
            return response;
        }
    }
}
