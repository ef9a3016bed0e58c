using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.Oci.Tests;

/// <summary>
/// A loopback HTTP proxy (Kestrel) in front of a registry that fails a fraction of requests: 500/503 answers,
/// dropped connections, and response bodies cut off half way.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly string _target;
    private readonly double _rate;
    private readonly Random _random = new(42);
    private readonly ConcurrentQueue<string> _requests = new();
    private int _faults;

    public FaultProxy(string targetAddress, double failureRate)
    {
        _target = "http://" + targetAddress;
        _rate = failureRate;
        Port = Registry.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.Run(HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public int Faults => _faults;

    private int _corruptBlobGets;

    /// <summary>How many blob downloads still to answer with one byte flipped (content damaged in transit).</summary>
    public int CorruptBlobGets { get => _corruptBlobGets; set => _corruptBlobGets = value; }

    /// <summary>Every request in the order it arrived: "METHOD /path?query BODY_BYTES".</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Transfer-Encoding", "Connection", "Keep-Alive", "Content-Length" };

    private async Task HandleAsync(HttpContext ctx)
    {
        double roll;
        lock (_random)
        {
            roll = _random.NextDouble();
        }
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body).ConfigureAwait(false);
        _requests.Enqueue($"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString} {body.Length}");
        if (roll < _rate / 3)
        {
            Interlocked.Increment(ref _faults);
            ctx.Response.StatusCode = roll < _rate / 6 ? 500 : 503;
            return;
        }
        if (roll < 2 * _rate / 3)
        {
            Interlocked.Increment(ref _faults);
            ctx.Abort();
            return;
        }
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), _target + ctx.Request.Path + ctx.Request.QueryString);
        if (body.Length > 0 || ctx.Request.Method is "PUT" or "POST" or "PATCH")
        {
            request.Content = new ByteArrayContent(body.ToArray());
        }
        foreach (var (key, value) in ctx.Request.Headers)
        {
            if (key is "Host" || HopByHop.Contains(key) || key.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(key, value.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(key, value.ToArray());
            }
        }
        request.Headers.Host = Address;
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var h in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(h.Key))
            {
                ctx.Response.Headers[h.Key] = h.Value.ToArray();
            }
        }
        if (ctx.Request.Method == "HEAD")
        {
            ctx.Response.ContentLength = response.Content.Headers.ContentLength;
            return;
        }
        ctx.Response.ContentLength = bytes.Length;
        if (ctx.Request.Method == "GET" && ctx.Request.Path.Value!.Contains("/blobs/sha256:", StringComparison.Ordinal) && bytes.Length > 0
            && response.IsSuccessStatusCode && Interlocked.Decrement(ref _corruptBlobGets) >= 0)
        {
            Interlocked.Increment(ref _faults);
            bytes[bytes.Length / 2] ^= 0x20;
        }
        if (roll < _rate && bytes.Length > 64 && ctx.Request.Method == "GET")
        {
            Interlocked.Increment(ref _faults);
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2)).ConfigureAwait(false);
            await ctx.Response.Body.FlushAsync().ConfigureAwait(false);
            ctx.Abort();
            return;
        }
        await ctx.Response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
        _client.Dispose();
    }
}
