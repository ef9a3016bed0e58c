using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.Oci.Tests;

/// <summary>
/// An address that answers HTTP but is no registry (a web server, a proxy's error page): the error says so in one line,
/// without the page's HTML, and an answer that will not change (501) is not asked again.
/// </summary>
public sealed class NotARegistryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-notregistry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AWebServer_IsNamedAsNoRegistry_AndItsNotImplementedIsNotRetried()
    {
        await using var web = await WebServer.StartAsync();
        using var client = new RegistryClient(new RegistryOptions { Insecure = true, RetryBaseDelay = TimeSpan.FromMilliseconds(5) });
        var question = $"with a web page \"Error response\", not a registry's answer: is {web.Address} an OCI registry (the distribution " +
            "API under /v2/), and not a web server or a proxy?";

        var pull = await Assert.ThrowsAsync<RegistryException>(() =>
            new ImageCopier(client).PullAsync(ImageReference.Parse($"{web.Address}/acme/app:1"), OciLayout.Open(Path.Combine(_dir, "pulled"),
                create: true), null));
        Assert.Equal($"{web.Address}/acme/app:1: registry answered 404 Not Found {question}", pull.Message);

        var layout = OciLayout.Open(Path.Combine(_dir, "layout"), create: true);
        var image = TestImages.Image(layout, "docker.io/acme/app:1", [TestImages.Layer(layout, 500, 1)]);
        var push = await Assert.ThrowsAsync<RegistryException>(() =>
            new ImageCopier(client).PushAsync(layout, image, ImageReference.Parse($"{web.Address}/acme/app:1")));
        Assert.Equal(501, push.Status);
        Assert.EndsWith($"registry answered 501 Not Implemented {question}", push.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", push.Message, StringComparison.Ordinal);
        // 501 is an answer, not a hiccup: each upload start (of the layer and the config, side by side) was sent at most
        // once; a 503 is retried up to 8 times each
        Assert.InRange(web.Requests.Count(r => r.StartsWith("POST ", StringComparison.Ordinal)), 1, 2);
    }

    /// <summary>A loopback web server that knows no registry API: 404 pages for GET/HEAD, 501 pages for anything else.</summary>
    private sealed class WebServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<string> _requests = new();

        private WebServer(WebApplication app, int port)
        {
            _app = app;
            Address = $"127.0.0.1:{port}";
        }

        public string Address { get; }

        public IReadOnlyList<string> Requests => [.. _requests];

        public static async Task<WebServer> StartAsync()
        {
            var port = Registry.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
            var app = builder.Build();
            var server = new WebServer(app, port);
            app.Run(async ctx =>
            {
                server._requests.Enqueue($"{ctx.Request.Method} {ctx.Request.Path}");
                var (status, text) = ctx.Request.Method is "GET" or "HEAD" ? (404, "Not Found") : (501, "Not Implemented");
                ctx.Response.StatusCode = status;
                ctx.Response.ContentType = "text/html;charset=utf-8";
                await ctx.Response.WriteAsync($"<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<title>Error response</title>\n</head>\n<body>\n" +
                    $"<h1>Error response</h1>\n<p>Error code: {status}</p>\n<p>Message: {text}.</p>\n</body>\n</html>\n");
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
