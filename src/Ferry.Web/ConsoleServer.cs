using System.Globalization;
using System.Net;
using Ferry.Kube;
using Ferry.Registry;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Web;

/// <summary>What the console serves and for whom.</summary>
public sealed record ConsoleOptions
{
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>The users (htpasswd, bcrypt), the TLS certificate if any, and the login throttle.</summary>
    public required RegistryAccess Access { get; init; }

    /// <summary>The cluster the site runs, or null (the pages say so).</summary>
    public IKubernetes? Cluster { get; init; }

    /// <summary>Where deploy-env and the deploy journals live.</summary>
    public string EnvNamespace { get; init; } = DeployEnv.DefaultNamespace;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The folder bundles are uploaded to and picked from (<c>--bundles</c>), or null (no bundle pages).</summary>
    public string? BundlesDir { get; init; }

    /// <summary>The site registry images are pushed to and pinned to (<c>--registry</c>), or null (no plan or deploy).</summary>
    public string? SiteRegistry { get; init; }

    /// <summary>How the site registry is reached (TLS, credentials), as <c>ferry deploy</c> takes it.</summary>
    public Ferry.Oci.RegistryOptions Registry { get; init; } = new();

    /// <summary>A vendor public key bundles must be signed with (<c>--key</c>), besides the site policy's.</summary>
    public string? PublicKey { get; init; }

    /// <summary>Timeouts and waiting of deploys and rollbacks started here.</summary>
    public DeployOptions Deploy { get; init; } = new(TimeSpan.FromMinutes(5));
}

/// <summary>
/// <c>ferry console</c>: the site operator's web console on Kestrel. Every page and API call needs a signed-in session
/// (htpasswd users, login throttled per address); every state change carries the session's CSRF token; responses
/// forbid scripts, framing and caching. The console holds no deploy logic: it shows what the libraries the CLI calls
/// return.
/// </summary>
public sealed partial class ConsoleServer : IAsyncDisposable
{
    private const string LoginCookie = "ferry_login";

    private readonly WebApplication _app;
    private readonly ConsoleOptions _options;
    private readonly ConsoleSessions _sessions;
    private volatile string? _auditProblem;

    private ConsoleServer(WebApplication app, ConsoleOptions options)
    {
        _app = app;
        _options = options;
        _sessions = new ConsoleSessions(options.Clock);
        _shelf = options.BundlesDir is null ? null : new BundleShelf(options.BundlesDir, options.PublicKey);
    }

    /// <summary>The base URL, https when serving TLS.</summary>
    public string Url => $"{(Secure ? "https" : "http")}://{EndPoint}";

    /// <summary>The address served (the port the system chose when given port 0).</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    private bool Secure => _options.Access.Certificate is not null;

    public static async Task<ConsoleServer> StartAsync(ConsoleOptions options, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificate = options.Access.Certificate;
        builder.WebHost.UseKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = 1 << 20; // forms only, for now
            o.Listen(options.EndPoint, l =>
            {
                if (certificate is not null)
                {
                    l.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var server = new ConsoleServer(app, options);
        server._shelf?.RemoveLeftovers();
        app.Run(server.HandleAsync);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Urls.Select(u => new Uri(u)).First();
        server.EndPoint = new IPEndPoint(options.EndPoint.Address, address.Port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_run is { } run)
        {
            await run.Finished.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stopping.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    private async Task HandleAsync(HttpContext ctx)
    {
        var headers = ctx.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; " +
            "frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        var path = ctx.Request.Path.Value ?? "/";
        if (path == "/favicon.ico")
        {
            // asked for by every browser, before and after sign-in: no icon (and no sign-in page, whose new form token
            // would replace the one of the form on screen)
            ctx.Response.StatusCode = 404;
            return;
        }
        if (path == "/login")
        {
            await (HttpMethods.IsPost(ctx.Request.Method) ? LoginAsync(ctx) : LoginPageAsync(ctx, 200, null)).ConfigureAwait(false);
            return;
        }
        var sessionId = ctx.Request.Cookies[ConsoleSessions.Cookie];
        if (_sessions.Find(sessionId) is not { } session)
        {
            await NoSessionAsync(ctx, path).ConfigureAwait(false);
            return;
        }
        // an upload's token is its form's first field, checked before the file is read (UploadAsync)
        var upload = path == "/bundles" && HttpMethods.IsPost(ctx.Request.Method);
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method) && !upload
            && !ConsoleSessions.CsrfMatches(session, await CsrfTokenAsync(ctx).ConfigureAwait(false)))
        {
            await TextAsync(ctx, 403, "this request lacks the page's CSRF token: reload the page and try again").ConfigureAwait(false);
            return;
        }
        try
        {
            await RouteAsync(ctx, path, sessionId!, session).ConfigureAwait(false);
        }
        catch (FerryException e) when (!ctx.Response.HasStarted)
        {
            // the cluster unreachable or refusing: say so on a page, as the CLI says it on its error line
            await HtmlAsync(ctx, 502, ConsolePages.Problem(session, e.Message)).ConfigureAwait(false);
        }
    }

    private async Task RouteAsync(HttpContext ctx, string path, string sessionId, ConsoleSession session)
    {
        switch (ctx.Request.Method, path)
        {
            case ("GET" or "HEAD", "/"):
                await HtmlAsync(ctx, 200, await OverviewAsync(session, ctx.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            case ("GET" or "HEAD", "/audit"):
                await HtmlAsync(ctx, 200, await AuditPageAsync(session, ctx.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            case (_, _) when await SiteRouteAsync(ctx, path, session).ConfigureAwait(false):
                return;
            case (_, _) when ReleasePath(path) is var (ns, name, action):
                await ReleaseAsync(ctx, session, ns, name, action).ConfigureAwait(false);
                return;
            case ("POST", "/logout"):
                await AuditAsync(session.User, "sign-out", "", ctx.RequestAborted).ConfigureAwait(false);
                _sessions.End(sessionId);
                ctx.Response.Cookies.Delete(ConsoleSessions.Cookie, CookieOptions());
                Redirect(ctx, "/login");
                return;
            default:
                if (path.StartsWith("/api/", StringComparison.Ordinal))
                {
                    await TextAsync(ctx, 404, $"no API {path}").ConfigureAwait(false);
                    return;
                }
                await HtmlAsync(ctx, 404, ConsolePages.NotFound(session)).ConfigureAwait(false);
                return;
        }
    }

    private async Task<string> OverviewAsync(ConsoleSession session, CancellationToken ct)
    {
        if (_options.Cluster is not { } cluster)
        {
            return ConsolePages.Overview(session, null, "No cluster is configured: start the console with the site's kubeconfig.");
        }
        try
        {
            var status = await SiteStatus.ReadAsync(cluster, _options.EnvNamespace, _options.Clock.GetUtcNow(), ct).ConfigureAwait(false);
            var health = new Dictionary<string, IReadOnlyList<WorkloadHealth>>(StringComparer.Ordinal);
            foreach (var release in status.Releases)
            {
                health[$"{release.Namespace}/{release.Name}"] = await Workloads.OfReleaseAsync(cluster, release, ct).ConfigureAwait(false);
            }
            return ConsolePages.Overview(session, status, _auditProblem, health);
        }
        catch (FerryException e)
        {
            return ConsolePages.Overview(session, null, _auditProblem is { } audit ? $"{e.Message}\n{audit}" : e.Message);
        }
    }

    /// <summary><c>/releases/NS/NAME</c> (history) or <c>/releases/NS/NAME/rollback</c>, names checked as Kubernetes names.</summary>
    private static (string Ns, string Name, string Action)? ReleasePath(string path)
    {
        var parts = path.Split('/');
        return parts is ["", "releases", var ns, var name, .. var rest] && rest.Length <= 1 && IsName(ns) && IsName(name)
            ? (ns, name, rest.Length == 0 ? "" : rest[0]) : null;

        static bool IsName(string s) =>
            s.Length is > 0 and <= 63 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');
    }

    /// <summary>A release's history (GET), or a rollback to one of its revisions (POST, confirmed on the page).</summary>
    private async Task ReleaseAsync(HttpContext ctx, ConsoleSession session, string ns, string name, string action)
    {
        if (_options.Cluster is not { } cluster)
        {
            await HtmlAsync(ctx, 404, ConsolePages.NotFound(session)).ConfigureAwait(false);
            return;
        }
        var ct = ctx.RequestAborted;
        string? message = null;
        if (action == "rollback" && HttpMethods.IsPost(ctx.Request.Method))
        {
            var form = await FormAsync(ctx).ConfigureAwait(false);
            if (form is null || form["confirm"] != "yes"
                || !int.TryParse(form["revision"], NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
            {
                message = "Tick the confirmation to roll back.";
            }
            else
            {
                message = await RollbackAsync(cluster, session, ns, name, revision, ct).ConfigureAwait(false);
            }
        }
        else if (action.Length > 0 || !(HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method)))
        {
            await HtmlAsync(ctx, 404, ConsolePages.NotFound(session)).ConfigureAwait(false);
            return;
        }
        var history = await new ReleaseStore(cluster).HistoryAsync(name, ns, ct).ConfigureAwait(false);
        await HtmlAsync(ctx, history.Count == 0 ? 404 : 200, ConsolePages.History(session, ns, name, history, message)).ConfigureAwait(false);
    }

    /// <summary>Rolls back as <c>ferry rollback</c> does (the same ReleaseManager call), recorded in the audit log.</summary>
    private async Task<string> RollbackAsync(IKubernetes cluster, ConsoleSession session, string ns, string name, int revision, CancellationToken ct)
    {
        try
        {
            var release = await new ReleaseManager(cluster).RollbackAsync(name, ns, revision, _options.Deploy, ct)
                .ConfigureAwait(false);
            await AuditAsync(session.User, "rollback", $"{ns}/{name} to revision {revision} (now revision {release.Version})", ct)
                .ConfigureAwait(false);
            return $"Rolled back to revision {revision}: {name} is now revision {release.Version} ({release.Info.Status}).";
        }
        catch (FerryException e)
        {
            await AuditAsync(session.User, "rollback failed", $"{ns}/{name} to revision {revision}: {e.Message}", ct).ConfigureAwait(false);
            return $"Rollback failed: {e.Message}";
        }
    }

    private async Task<string> AuditPageAsync(ConsoleSession session, CancellationToken ct) => _options.Cluster is { } cluster
        ? ConsolePages.Audit(session, await new AuditLog(cluster, _options.EnvNamespace).ReadAsync(ct).ConfigureAwait(false))
        : ConsolePages.Audit(session, []);

    /// <summary>Records an operator's action in the cluster's audit log (when the console has a cluster).</summary>
    /// <remarks>
    /// An unreachable cluster does not stop the action (an operator must still be able to sign in and see why): the
    /// failure is kept and the overview shows it until a write succeeds again.
    /// </remarks>
    private async Task AuditAsync(string user, string action, string detail, CancellationToken ct)
    {
        if (_options.Cluster is not { } cluster)
        {
            return;
        }
        try
        {
            await new AuditLog(cluster, _options.EnvNamespace).RecordAsync(new AuditEntry(_options.Clock.GetUtcNow(), user, action, detail), ct)
                .ConfigureAwait(false);
            _auditProblem = null;
        }
        catch (FerryException e)
        {
            _auditProblem = $"The audit log could not record \"{action}\" by {user}: {e.Message}";
        }
    }

    /// <summary>Pages redirect to the sign-in page; API calls and other methods are answered 401.</summary>
    private static async Task NoSessionAsync(HttpContext ctx, string path)
    {
        if (HttpMethods.IsGet(ctx.Request.Method) && !path.StartsWith("/api/", StringComparison.Ordinal))
        {
            Redirect(ctx, "/login");
            return;
        }
        await TextAsync(ctx, 401, "sign in first (POST /login)").ConfigureAwait(false);
    }

    private async Task LoginPageAsync(HttpContext ctx, int status, string? error)
    {
        // the sign-in form carries a token bound to a cookie of its own, so another site cannot sign a browser in
        // a second sign-in page (another tab, a reload) keeps the token, so every form on screen stays valid
        var token = ctx.Request.Cookies[LoginCookie] is { Length: 64 } known && known.All(char.IsAsciiHexDigitLower) ? known
            : ConsoleSessions.NewToken();
        ctx.Response.Cookies.Append(LoginCookie, token, CookieOptions());
        await HtmlAsync(ctx, status, ConsolePages.Login(token, error)).ConfigureAwait(false);
    }

    private async Task LoginAsync(HttpContext ctx)
    {
        var address = ctx.Connection.RemoteIpAddress;
        var throttle = _options.Access.Throttle;
        if (throttle.Blocked(address) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await LoginPageAsync(ctx, 429, $"Too many failed sign-ins from this address: try again in {seconds} s.").ConfigureAwait(false);
            return;
        }
        var form = await FormAsync(ctx).ConfigureAwait(false);
        var expected = ctx.Request.Cookies[LoginCookie];
        if (form is null || !ConsoleSessions.TokensMatch(expected, form["_csrf"].ToString()))
        {
            await LoginPageAsync(ctx, 403, "The sign-in form expired: sign in again.").ConfigureAwait(false);
            return;
        }
        var user = form["user"].ToString();
        if (_options.Access.Users is not { } users || !users.Verify(user, form["password"].ToString()))
        {
            throttle.Failed(address);
            await LoginPageAsync(ctx, 401, "Wrong user or password.").ConfigureAwait(false);
            return;
        }
        throttle.Succeeded(address);
        await AuditAsync(user, "sign-in", $"from {address}", ctx.RequestAborted).ConfigureAwait(false);
        var (id, _) = _sessions.Start(user);
        ctx.Response.Cookies.Delete(LoginCookie, CookieOptions());
        ctx.Response.Cookies.Append(ConsoleSessions.Cookie, id, CookieOptions());
        Redirect(ctx, "/");
    }

    private CookieOptions CookieOptions() => new() { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = Secure, Path = "/" };

    private static async Task<string?> CsrfTokenAsync(HttpContext ctx)
    {
        if (ctx.Request.Headers["X-CSRF-Token"] is { Count: > 0 } header)
        {
            return header.ToString();
        }
        return (await FormAsync(ctx).ConfigureAwait(false))?["_csrf"].ToString();
    }

    /// <summary>The request's form, or null when the body is not a well-formed form (answered as a missing field is).</summary>
    private static async Task<IFormCollection?> FormAsync(HttpContext ctx)
    {
        if (!ctx.Request.HasFormContentType)
        {
            return null;
        }
        try
        {
            return await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null;
        }
    }

    private static void Redirect(HttpContext ctx, string location)
    {
        ctx.Response.StatusCode = 303;
        ctx.Response.Headers.Location = location;
    }

    private static Task HtmlAsync(HttpContext ctx, int status, string html)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        return ctx.Response.WriteAsync(html, ctx.RequestAborted);
    }

    private static Task TextAsync(HttpContext ctx, int status, string text)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        return ctx.Response.WriteAsync(text + "\n", ctx.RequestAborted);
    }
}
