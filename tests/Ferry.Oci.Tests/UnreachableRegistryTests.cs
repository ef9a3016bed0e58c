using System.Net;
using System.Net.Sockets;

namespace Ferry.Oci.Tests;

/// <summary>
/// A registry that cannot be talked to at all: one request waits out its retries, the others in the same transfer do
/// not each wait them out again (a push of many images to a mistyped or dead address fails in one retry round).
/// </summary>
public sealed class UnreachableRegistryTests : IDisposable
{
    private const int Attempts = 4;

    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-unreachable-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RegistryClient Client() =>
        new(new RegistryOptions { Insecure = true, MaxAttempts = Attempts, RetryBaseDelay = TimeSpan.FromMilliseconds(5) });

    /// <summary>A layout of <paramref name="count"/> small images, each bound for its own repository at <paramref name="address"/>.</summary>
    private (OciLayout Layout, List<(Descriptor Top, ImageReference Target)> Targets) Images(string folder, int count, string address)
    {
        var layout = OciLayout.Open(Path.Combine(_dir, folder), create: true);
        return (layout, [.. Enumerable.Range(1, count).Select(i => (
            TestImages.Image(layout, $"docker.io/acme/app-{i}:1", [TestImages.Layer(layout, 500, i)]),
            ImageCopier.PushTarget($"docker.io/acme/app-{i}:1", address)))]);
    }

    [Fact]
    public async Task PushOfManyImages_ToADeadRegistry_GivesUpAfterOneRoundOfRetries()
    {
        using var dead = new ClosingListener();
        var (layout, targets) = Images("layout", 12, dead.Address);
        using var client = Client();
        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => new ImageCopier(client).PushAllAsync(layout, targets));
        Assert.StartsWith($"{dead.Address}: ", e.Message, StringComparison.Ordinal);
        // the scheme probe, then one request's retries; before, every probe and every upload retried in turn (> 100 connections)
        Assert.InRange(dead.Connections, Attempts, Attempts + 2);

        // given up on, the registry still gets one try per request (it may be back), not a round of retries
        var before = dead.Connections;
        await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.BlobExistsAsync(dead.Address, "acme/app-1", targets[0].Top.Digest));
        Assert.Equal(before + 1, dead.Connections);
    }

    [Fact]
    public async Task PushOfAFewImages_ProbedOneByOne_DoesNotTreatADeadRegistryAsUnknown()
    {
        using var dead = new ClosingListener();
        var (layout, targets) = Images("few", 5, dead.Address);
        using var client = Client();
        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => new ImageCopier(client).PushAllAsync(layout, targets));
        Assert.StartsWith($"{dead.Address}: ", e.Message, StringComparison.Ordinal);
        // too few images for a catalog read: each image's probe runs, several at once (each may also ask whether the
        // address speaks HTTPS first), and the first to give up ends the push; before, a failed probe counted as
        // "unknown" and every upload then retried too (36 connections here)
        Assert.InRange(dead.Connections, Attempts, client.Options.Parallelism * (1 + Attempts));
    }

    [Fact]
    public async Task PlainHttpSpokenToOverTls_IsNotRetried_AndSaysSo()
    {
        using var plain = new ClosingListener("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        using var client = new RegistryClient(new RegistryOptions { MaxAttempts = Attempts, RetryBaseDelay = TimeSpan.FromMilliseconds(5) });
        var layout = OciLayout.Open(Path.Combine(_dir, "tls"), create: true);
        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() =>
            new ImageCopier(client).PullAsync(ImageReference.Parse($"{plain.Address}/acme/app:1"), layout, null));
        Assert.Equal($"{plain.Address} answers plain HTTP, not HTTPS: allow plain HTTP with this registry", e.Message);
        // one TLS handshake that failed, and one plain request to find out why: a failed handshake is a setting, not a hiccup
        Assert.Equal(2, plain.Connections);
    }

    [Fact]
    public async Task WithInsecure_ManyRequestsOnFirstContact_ShareOneHttpsProbe()
    {
        using var plain = new ClosingListener("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        using var client = new RegistryClient(new RegistryOptions { Insecure = true, MaxAttempts = 1 });
        var found = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => client.BlobExistsAsync(plain.Address, "acme/app", Digest.Of([(byte)i])))));
        Assert.All(found, Assert.False);
        // one TLS handshake to learn the registry speaks plain HTTP, then one connection per request (each answer closes it)
        Assert.Equal(9, plain.Connections);
    }

    [SkippableFact]
    public async Task ANameThatDoesNotExist_IsNotRetried()
    {
        // retried, the three tries would take at least 2 + 4 s
        using var client = new RegistryClient(new RegistryOptions { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(2) });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() =>
            client.BlobExistsAsync("registry.ferry-test.invalid", "acme/app", Digest.Of("x"u8)));
        Assert.StartsWith("registry.ferry-test.invalid: the host name registry.ferry-test.invalid does not resolve", e.Message,
            StringComparison.Ordinal);
        Skip.IfNot(e.InnerException?.InnerException is SocketException { SocketErrorCode: SocketError.HostNotFound },
            "this machine's resolver did not answer that the name does not exist (no DNS at all?)");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task AnAddressWhereConnectionsHang_FailsWithinTheConnectTimeout_AndSaysWhatToCheck()
    {
        using var silent = await SilentPort.OpenAsync(); // connections there get no answer, as behind a firewall
        var address = silent.Address;
        using var client = new RegistryClient(new RegistryOptions
        {
            MaxAttempts = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(5), ConnectTimeout = TimeSpan.FromMilliseconds(300), Insecure = true,
        });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.BlobExistsAsync(address, "acme/app", Digest.Of("x"u8)));
        Assert.Equal($"{address}: no connection within 0.3 s: is that the registry's address, and does a firewall let the port through?",
            e.Message);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}"); // the kernel's own wait is minutes
    }

    /// <summary>
    /// A loopback port that accepts every connection and closes it at once (a registry that dies on each request) or,
    /// given an answer, writes it to whatever was sent first (a plain HTTP server meeting a TLS handshake).
    /// </summary>
    private sealed class ClosingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly byte[]? _answer;
        private int _connections;

        public ClosingListener(byte[]? answer = null)
        {
            _answer = answer;
            _listener.Start();
            Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = AcceptAsync();
        }

        public string Address { get; }

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    if (_answer is not null)
                    {
                        await socket.ReceiveAsync(new byte[4096], _stop.Token);
                        await socket.SendAsync(_answer, _stop.Token);
                        socket.Shutdown(SocketShutdown.Both);
                        continue;
                    }
                    socket.LingerState = new LingerOption(true, 0); // reset, not a graceful close
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
