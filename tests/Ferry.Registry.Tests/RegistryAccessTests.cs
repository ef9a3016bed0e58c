using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Ferry.Oci;
using Ferry.Oci.Tests;

namespace Ferry.Registry.Tests;

/// <summary><c>ferry registry serve --tls-cert/--tls-key --htpasswd</c>: TLS and basic authentication, checked with Ferry's client, skopeo, raw HTTP and docker-registry.</summary>
public sealed class RegistryAccessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-registry-access-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Sub(string name) => Path.Combine(_dir, name);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    [Fact]
    public async Task FailedLogins_AreThrottledPerAddress_UntilTheWindowPasses()
    {
        File.WriteAllLines(Sub("htpasswd"), [Htpasswd.Line("site", "s3cret")]);
        var clock = new ManualClock();
        using var access = new RegistryAccess(Htpasswd.Load(Sub("htpasswd")), throttle: new LoginThrottle(3, TimeSpan.FromMinutes(1), clock));
        await using var server = await RegistryServer.StartAsync(Sub("storage"), new IPEndPoint(IPAddress.Loopback, Oci.Tests.Registry.FreePort()), access: access);
        using var http = new HttpClient();
        async Task<(HttpStatusCode Status, string? RetryAfter, string Body)> Get(string? credentials)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{server.Url}/v2/"));
            if (credentials is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
            }
            using var response = await http.SendAsync(request);
            return (response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
        }
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Get(null)).Status); // the challenge round does not count
        }
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Get("site:guess" + i)).Status);
        }
        var blocked = await Get("site:s3cret"); // even the right password is not checked now
        Assert.Equal((HttpStatusCode.TooManyRequests, "60"), (blocked.Status, blocked.RetryAfter));
        Assert.Equal("TOOMANYREQUESTS", JsonNode.Parse(blocked.Body)!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Contains("too many failed logins from this address; try again in 60 s", blocked.Body, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await Get("site:s3cret")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("site:guess")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("site:guess")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get("site:s3cret")).Status); // a success clears the count
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("site:guess")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("site:guess")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get("site:s3cret")).Status);
    }

    [SkippableFact]
    public async Task TlsAndBasicAuth_LetInTheUsersOfTheHtpasswdFileOnly()
    {
        var (cert, key, ca) = TestCertificates.WriteSelfSigned(_dir);
        File.WriteAllLines(Sub("htpasswd"), ["# site users", Htpasswd.Line("site", "s3cret"), $"ops:{BCrypt.Net.BCrypt.HashPassword("other", BCrypt.Net.BCrypt.GenerateSalt(6, 'a'))}"]);
        using var access = RegistryAccess.Load(Sub("htpasswd"), cert, key);
        await using var server = await RegistryServer.StartAsync(Sub("storage"), new IPEndPoint(IPAddress.Loopback, Oci.Tests.Registry.FreePort()), access: access);
        Assert.StartsWith("https://", server.Url, StringComparison.Ordinal);

        // Raw HTTP, as docker-registry answers: 401 with a Basic challenge and a distribution error body, /v2/ included.
        using (var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }))
        {
            using var anonymous = await http.GetAsync(new Uri($"{server.Url}/v2/"));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic realm=\"ferry-registry\"", anonymous.Headers.WwwAuthenticate.ToString());
            Assert.Equal("UNAUTHORIZED", JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["errors"]![0]!["code"]!.GetValue<string>());
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{server.Url}/v2/"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("ops:other"u8.ToArray()));
            using var ops = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, ops.StatusCode); // a $2a$ line written elsewhere works too
        }

        var layout = OciLayout.Open(Sub("layout"), create: true);
        var image = TestImages.Image(layout, "app:1.0", [TestImages.Layer(layout, 100_000, 7)]);
        var target = ImageReference.Parse($"{server.Address}/acme/app:1.0");
        using (var anonymous = new RegistryClient(new RegistryOptions { CaFile = ca, MaxAttempts = 1 }))
        {
            var e = await Assert.ThrowsAsync<Oci.RegistryException>(() => new ImageCopier(anonymous).PushAsync(layout, image, target));
            Assert.Contains("authentication required", e.Message, StringComparison.Ordinal);
        }
        using (var wrong = new RegistryClient(new RegistryOptions { CaFile = ca, MaxAttempts = 1, Username = "site", Password = "nope" }))
        {
            var e = await Assert.ThrowsAnyAsync<OciException>(() => new ImageCopier(wrong).PushAsync(layout, image, target));
            Assert.Contains("401", e.Message, StringComparison.Ordinal);
        }
        using var client = new RegistryClient(new RegistryOptions { CaFile = ca, Username = "site", Password = "s3cret" });
        var pushed = await new ImageCopier(client).PushAsync(layout, image, target);
        Assert.Equal(image.Digest, pushed.ManifestDigest);
        var back = OciLayout.Open(Sub("back"), create: true);
        Assert.Equal(image.Digest, (await new ImageCopier(client).PullAsync(target, back, null)).ManifestDigest);
        Assert.Empty(back.Verify());

        var digest = Skopeo.Run("inspect", "--format", "{{.Digest}}", "--creds", "site:s3cret", "--cert-dir", Sub("ca"), $"docker://{target}").Trim();
        Assert.Equal(image.Digest.ToString(), digest);
        Assert.ThrowsAny<Exception>(() => Skopeo.Run("inspect", "--creds", "site:wrong", "--cert-dir", Sub("ca"), $"docker://{target}"));
    }

    [SkippableFact]
    public async Task HtpasswdLines_FerryWritesThemAndDockerRegistryAcceptsThem()
    {
        using var reg = Oci.Tests.Registry.Start(htpasswdLines: Htpasswd.Line("site", "s3cret") + "\n");
        using (var client = new RegistryClient(new RegistryOptions { Insecure = true, MaxAttempts = 1, Username = "site", Password = "s3cret" }))
        {
            Assert.Empty(await client.ListRepositoriesAsync(reg.Address).ToListAsync());
        }
        using var wrong = new RegistryClient(new RegistryOptions { Insecure = true, MaxAttempts = 1, Username = "site", Password = "S3cret" });
        await Assert.ThrowsAnyAsync<OciException>(async () => await wrong.ListRepositoriesAsync(reg.Address).ToListAsync());
    }

    [Fact]
    public void BadHtpasswdOrCertificate_SayWhichLineAndWhatToDo()
    {
        File.WriteAllLines(Sub("htpasswd"), [Htpasswd.Line("site", "x"), "bob:{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs="]);
        var e = Assert.Throws<DistributionException>(() => Htpasswd.Load(Sub("htpasswd")));
        Assert.Equal($"{Sub("htpasswd")}:2:5: user bob: only bcrypt hashes are supported, as in docker-registry; make it with 'ferry registry htpasswd USER' or 'htpasswd -B'", e.Message);
        File.WriteAllText(Sub("htpasswd"), "# nobody\n");
        Assert.Contains("no users; add one with 'ferry registry htpasswd USER', appending its output to this file", Assert.Throws<DistributionException>(() => Htpasswd.Load(Sub("htpasswd"))).Message, StringComparison.Ordinal);
        Assert.Contains("needs both the certificate and its key", Assert.Throws<DistributionException>(() => RegistryAccess.Load(null, Sub("cert.pem"), null)).Message, StringComparison.Ordinal);
        File.WriteAllText(Sub("cert.pem"), "not a certificate");
        File.WriteAllText(Sub("key.pem"), "not a key");
        Assert.Contains("cannot load the TLS certificate and key", Assert.Throws<DistributionException>(() => RegistryAccess.Load(null, Sub("cert.pem"), Sub("key.pem"))).Message, StringComparison.Ordinal);
        File.WriteAllText(Sub("htpasswd"), Htpasswd.Line("a", "pw") + "\n");
        var users = Htpasswd.Load(Sub("htpasswd"));
        Assert.True(users.Verify("a", "pw"));
        Assert.True(users.Verify("a", "pw")); // remembered
        Assert.False(users.Verify("a", "pW"));
        Assert.False(users.Verify("b", "pw"));
        Assert.Throws<ArgumentException>(() => Htpasswd.Line("a:b", "pw"));
        Assert.Matches(@"^site:\$2y\$10\$[./A-Za-z0-9]{53}$", Htpasswd.Line("site", "pw"));
    }
}
