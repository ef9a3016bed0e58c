using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Ferry.Oci;

/// <summary>
/// The OCI distribution API over HttpClient: manifests and blobs, token and basic auth, retries with backoff on
/// 5xx/429/connection resets/truncated bodies, resumable downloads (Range), cross-repository mounts and
/// monolithic or chunked uploads. Blobs are streamed; nothing larger than a manifest is held in memory.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private readonly RegistryOptions _options;
    private readonly HttpClient _http;
    private readonly Credentials _credentials;
    private readonly Dictionary<string, Task<string>> _schemes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuthenticationHeaderValue> _auth = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _authLock = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.Ordinal);

    public RegistryClient(RegistryOptions? options = null, HttpMessageHandler? handler = null)
    {
        _options = options ?? new RegistryOptions();
        _credentials = new Credentials(_options);
        _http = new HttpClient(handler ?? CreateHandler(_options), disposeHandler: true) { Timeout = _options.Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("ferry/0.1");
    }

    public RegistryOptions Options => _options;

    private static SocketsHttpHandler CreateHandler(RegistryOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            MaxConnectionsPerServer = Math.Max(options.Parallelism * 2, 8),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = options.ConnectTimeout,
        };
        if (options.Insecure)
        {
#pragma warning disable CA5359 // --insecure is the user's explicit choice for loopback and test registries
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (options.CaFile is not null)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(options.CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }
                if (cert is null)
                {
                    return false;
                }
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(cert)) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
            };
        }
        return handler;
    }

    public void Dispose()
    {
        _http.Dispose();
        _authLock.Dispose();
    }

    // --- base URL and transport ---
    private async Task<Uri> BaseAsync(string registry, CancellationToken ct)
    {
        Task<string> scheme;
        lock (_schemes)
        {
            // one probe per registry, shared by every request in flight on first contact
            if (!_schemes.TryGetValue(registry, out scheme!) || scheme.IsFaulted || scheme.IsCanceled)
            {
                _schemes[registry] = scheme = _options.Insecure ? ProbeSchemeAsync(registry) : Task.FromResult("https");
            }
        }
        return new Uri($"{await scheme.WaitAsync(ct).ConfigureAwait(false)}://{Host(registry)}");
    }

    /// <summary>With --insecure: HTTPS when the registry speaks it, else plain HTTP (bounded by the connect timeout, not a caller).</summary>
    private async Task<string> ProbeSchemeAsync(string registry)
    {
        try
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, $"https://{Host(registry)}/v2/");
            using var r = await _http.SendAsync(probe, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None).ConfigureAwait(false);
            return "https";
        }
        catch (Exception e) when (Transport(e) is not null)
        {
            return "http";
        }
    }

    private static string Host(string registry) => registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;

    private async Task<HttpResponseMessage> SendAsync(string registry, Func<Uri, HttpRequestMessage> build, CancellationToken ct, bool retry = true)
    {
        var baseUri = await BaseAsync(registry, ct).ConfigureAwait(false);
        var authRounds = 0;
        for (var attempt = 1; ; attempt++)
        {
            using var request = build(baseUri);
            var scopeKey = ScopeKey(registry, request.RequestUri);
            lock (_auth)
            {
                if ((_auth.TryGetValue(scopeKey, out var header) || _auth.TryGetValue(registry, out header)) && request.Headers.Authorization is null)
                {
                    request.Headers.Authorization = header;
                }
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (Transport(e) is { } failure && !Hopeless(failure) && retry && WorthRetrying(registry, attempt))
            {
                await BackoffAsync(attempt, ct).ConfigureAwait(false);
                continue;
            }
            catch (Exception e) when (Transport(e) is { } failure)
            {
                if (retry)
                {
                    GiveUpOn(registry);
                }
                throw await ConnectionFailure.DescribeAsync(registry, request.RequestUri!, failure, _options, ct).ConfigureAwait(false);
            }
            _unreachable.TryRemove(registry, out _); // it answered: back to full retries
            if (response.StatusCode == HttpStatusCode.Unauthorized && authRounds < 2)
            {
                authRounds++;
                var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
                response.Dispose();
                await AuthenticateAsync(registry, scopeKey, challenge, ct).ConfigureAwait(false);
                attempt--;
                continue;
            }
            if (retry && attempt < _options.MaxAttempts && Transient(response.StatusCode))
            {
                response.Dispose();
                await BackoffAsync(attempt, ct).ConfigureAwait(false);
                continue;
            }
            return response;
        }
    }

    /// <summary>
    /// Whether a transport failure (nothing listening, a dropped connection) on the <paramref name="attempt"/>-th try is
    /// worth another: not after <c>MaxAttempts</c>, and not once this client has given up on the registry — then each
    /// request there tries once, so many requests in flight do not each wait out the full backoff.
    /// </summary>
    private bool WorthRetrying(string registry, int attempt) => attempt < _options.MaxAttempts && !_unreachable.ContainsKey(registry);

    /// <summary>
    /// An answer worth asking again for: the registry or a proxy before it is overloaded, restarting or timed out (500,
    /// 502, 503, 504), or asks to slow down (429, 408). 501 (not implemented) and 505 will not change on retry.
    /// </summary>
    internal static bool Transient(HttpStatusCode status) => status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    /// <summary>
    /// A failure to exchange a request at all, as an HttpRequestException: HttpClient wraps most socket errors itself,
    /// but a connection the peer resets before it is set up can surface as a bare SocketException (ENOTCONN), and a
    /// connection that does not open within <c>ConnectTimeout</c> as a cancellation holding a TimeoutException.
    /// </summary>
    private static HttpRequestException? Transport(Exception e) => e switch
    {
        HttpRequestException h => h,
        System.Net.Sockets.SocketException s => new HttpRequestException(HttpRequestError.ConnectionError, s.Message, s),
        TaskCanceledException { InnerException: TimeoutException t } => new HttpRequestException(HttpRequestError.ConnectionError, t.Message, t),
        _ => null,
    };

    /// <summary>
    /// A transport failure that no retry heals: the TLS handshake failed (a certificate not trusted, plain HTTP where
    /// HTTPS was expected), or DNS answered that the name does not exist. A refused or dropped connection may be a
    /// registry restarting, a resolver that did not answer may answer next time; these are settings to change.
    /// </summary>
    internal static bool Hopeless(HttpRequestException e) => e.HttpRequestError == HttpRequestError.SecureConnectionError
        || (e.HttpRequestError == HttpRequestError.NameResolutionError
            && e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound });

    /// <summary>Every retry of a request failed in transport: the registry, not the request, is down.</summary>
    private void GiveUpOn(string registry) => _unreachable[registry] = true;

    private async Task BackoffAsync(int attempt, CancellationToken ct)
    {
        var delay = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 6));
        delay += Random.Shared.NextDouble() * _options.RetryBaseDelay.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromMilliseconds(delay), ct).ConfigureAwait(false);
    }

    /// <summary>Tokens are cached per repository (the scope registries grant them for); basic auth per registry.</summary>
    private static string ScopeKey(string registry, Uri? uri)
    {
        var path = uri?.AbsolutePath ?? "";
        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return registry;
        }
        var rest = path[4..];
        foreach (var marker in new[] { "/manifests/", "/blobs/", "/tags/" })
        {
            var i = rest.IndexOf(marker, StringComparison.Ordinal);
            if (i > 0)
            {
                return registry + "|" + rest[..i];
            }
        }
        return registry;
    }

    private async Task AuthenticateAsync(string registry, string scopeKey, AuthenticationHeaderValue? challenge, CancellationToken ct)
    {
        var creds = _credentials.For(registry);
        if (challenge is null)
        {
            throw new RegistryException($"{registry}: authentication required but the registry sent no challenge", 401);
        }
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (creds is null)
            {
                throw new RegistryException($"{registry}: authentication required; log in (docker login {registry}) or give a user and password", 401)
                {
                    Remedies = [Remedy.Credentials],
                };
            }
            lock (_auth)
            {
                _auth[registry] = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{creds.Value.User}:{creds.Value.Secret}")));
            }
            return;
        }
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException($"{registry}: unsupported authentication scheme {challenge.Scheme}", 401);
        }
        var p = ParseChallenge(challenge.Parameter ?? "");
        if (!p.TryGetValue("realm", out var realm))
        {
            throw new RegistryException($"{registry}: bearer challenge without a realm", 401);
        }
        var query = new List<string>();
        if (p.TryGetValue("service", out var service))
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }
        if (p.TryGetValue("scope", out var scope))
        {
            query.AddRange(scope.Split(' ').Select(s => "scope=" + Uri.EscapeDataString(s)));
        }
        var url = realm + (query.Count > 0 ? (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join("&", query) : "");
        await _authLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, url);
            if (creds is not null)
            {
                req.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{creds.Value.User}:{creds.Value.Secret}")));
            }
            using var resp = await _http.SendAsync(req, ct).ConfigureAwait(false);
            if (!resp.IsSuccessStatusCode)
            {
                throw new RegistryException($"{registry}: token request to {realm} failed with {(int)resp.StatusCode}; check " +
                    "the credentials", (int)resp.StatusCode);
            }
            using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var token = doc.RootElement.TryGetProperty("token", out var t) ? t.GetString()
                : doc.RootElement.TryGetProperty("access_token", out var at) ? at.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw new RegistryException($"{registry}: the token service returned no token", 401);
            }
            lock (_auth)
            {
                _auth[scopeKey] = new AuthenticationHeaderValue("Bearer", token);
            }
        }
        finally
        {
            _authLock.Release();
        }
    }

    private static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && parameter[i] is ' ' or ',')
            {
                i++;
            }
            var eq = parameter.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }
            var key = parameter[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < parameter.Length && parameter[i] == '"')
            {
                var end = parameter.IndexOf('"', i + 1);
                end = end < 0 ? parameter.Length : end;
                value = parameter[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = parameter.IndexOf(',', i);
                end = end < 0 ? parameter.Length : end;
                value = parameter[i..end].Trim();
                i = end;
            }
            result[key] = value;
        }
        return result;
    }

    private static async Task<RegistryException> ErrorAsync(HttpResponseMessage r, string what, CancellationToken ct)
    {
        var body = "";
        try
        {
            // an error body is small; a proxy's HTML page need not be read whole
            using var stream = await r.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var buffer = new char[64 * 1024];
            using var reader = new StreamReader(stream);
            body = new string(buffer, 0, await reader.ReadBlockAsync(buffer, ct).ConfigureAwait(false));
        }
        catch (HttpRequestException)
        {
        }
        catch (IOException)
        {
        }
        var errors = DistributionErrors(body);
        var page = errors.Count == 0 ? WebPage(r, body) : null;
        var detail = errors.Count > 0
            ? string.Join("; ", errors.Select(
                e => $"{e.Code}: {e.Message}{(e.Detail is { Length: > 0 } d ? $" ({(d.Length > 200 ? d[..200] + "..." : d)})" : "")}"))
            : page ?? Collapse(body, 300);
        var hint = page is not null ? "" : r.StatusCode switch
        {
            HttpStatusCode.NotFound => " (check the image name and tag)",
            HttpStatusCode.Forbidden => " (the credentials lack access)",
            _ => "",
        };
        var request = r.RequestMessage;
        return new RegistryException($"{what}: registry answered {(int)r.StatusCode} {r.ReasonPhrase}{hint} {detail}".TrimEnd(), (int)r.StatusCode)
        {
            Method = request?.Method.Method ?? "",
            Url = request?.RequestUri?.ToString() ?? "",
            Errors = errors,
        };
    }

    /// <summary>
    /// An error body that is a web page (a web server's, a proxy's or a login portal's), not a registry's: named by its
    /// title with the question that matters — is this address a registry at all; null for any other body.
    /// </summary>
    private static string? WebPage(HttpResponseMessage r, string body)
    {
        if (r.Content.Headers.ContentType?.MediaType is not "text/html" && !body.TrimStart().StartsWith('<'))
        {
            return null;
        }
        var title = HtmlTitle().Match(body) is { Success: true } m ? $" \"{Collapse(m.Groups[1].Value, 80)}\"" : "";
        var host = r.RequestMessage?.RequestUri?.Authority ?? "it";
        return $"with a web page{title}, not a registry's answer: is {host} an OCI registry (the distribution API under /v2/), " +
            "and not a web server or a proxy?";
    }

    private static string Collapse(string text, int max)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length > max ? line[..max] + "..." : line;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"<title[^>]*>([^<]*)</title>", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex HtmlTitle();

    /// <summary>The <c>errors</c> of a distribution error body (<c>{"errors":[{"code","message","detail"}]}</c>), or none.</summary>
    internal static IReadOnlyList<RegistryError> DistributionErrors(string body)
    {
        if (!body.TrimStart().StartsWith('{'))
        {
            return [];
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("errors", out var list) || list.ValueKind != System.Text.Json.JsonValueKind.Array)
            {
                return [];
            }
            string? Text(System.Text.Json.JsonElement e, string name) => e.TryGetProperty(name, out var v)
                ? v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : v.ValueKind is System.Text.Json.JsonValueKind.Null ? null
                    : v.GetRawText()
                : null;
            return [.. list.EnumerateArray().Where(e => e.ValueKind == System.Text.Json.JsonValueKind.Object)
                .Select(e => new RegistryError(Text(e, "code") ?? "UNKNOWN", Text(e, "message") ?? "", Text(e, "detail")))];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
