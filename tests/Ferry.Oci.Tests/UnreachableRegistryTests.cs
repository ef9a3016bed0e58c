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

    [Fact]
    public async Task PushOfManyImages_ToADeadRegistry_GivesUpAfterOneRoundOfRetries()
    {
        using var dead = new ClosingListener();
        var layout = OciLayout.Open(Path.Combine(_dir, "layout"), create: true);
        var targets = Enumerable.Range(1, 12).Select(i => (
            Top: TestImages.Image(layout, $"docker.io/acme/app-{i}:1", [TestImages.Layer(layout, 500, i)]),
            Target: ImageCopier.PushTarget($"docker.io/acme/app-{i}:1", dead.Address))).ToList();
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
        var layout = OciLayout.Open(Path.Combine(_dir, "few"), create: true);
        var targets = Enumerable.Range(1, 5).Select(i => (
            Top: TestImages.Image(layout, $"docker.io/acme/app-{i}:1", [TestImages.Layer(layout, 500, i)]),
            Target: ImageCopier.PushTarget($"docker.io/acme/app-{i}:1", dead.Address))).ToList();
        using var client = Client();
        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => new ImageCopier(client).PushAllAsync(layout, targets));
        Assert.StartsWith($"{dead.Address}: ", e.Message, StringComparison.Ordinal);
        // too few images for a catalog read: each image's probe runs, several at once (each may also ask whether the
        // address speaks HTTPS first), and the first to give up ends the push; before, a failed probe counted as
        // "unknown" and every upload then retried too (36 connections here)
        Assert.InRange(dead.Connections, Attempts, client.Options.Parallelism * (1 + Attempts));
    }

    /// <summary>A loopback port that accepts every connection and closes it at once (a registry that dies on each request).</summary>
    private sealed class ClosingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public ClosingListener()
        {
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
