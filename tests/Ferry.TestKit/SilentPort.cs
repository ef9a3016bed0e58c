using System.Net;
using System.Net.Sockets;

namespace Ferry.Oci.Tests;

/// <summary>
/// A loopback port that takes no connection: a listener that never accepts, its queue filled, so further connections get
/// no answer at all (as behind a firewall that drops packets) until the kernel gives up minutes later.
/// </summary>
public sealed class SilentPort : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _queued = [];

    private SilentPort()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
    }

    /// <summary>HOST:PORT.</summary>
    public string Address { get; }

    public static async Task<SilentPort> OpenAsync()
    {
        var port = new SilentPort();
        for (var i = 0; i < 3; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            port._queued.Add(s);
            _ = s.ConnectAsync(port._listener.LocalEndPoint!);
        }
        await Task.Delay(200); // the queue fills
        return port;
    }

    public void Dispose()
    {
        _queued.ForEach(s => s.Dispose());
        _listener.Dispose();
    }
}
