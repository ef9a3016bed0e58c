using System.Net;
using System.Runtime.InteropServices;

namespace Ferry.Cli;

/// <summary>
/// What the serving commands (<c>registry serve</c>, <c>console</c>) share: their <c>--addr</c>, and running until
/// SIGTERM or Ctrl-C (both handled, so the server stops cleanly instead of the process being killed).
/// </summary>
internal sealed class Serving : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sigint;

    public Serving()
    {
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    }

    /// <summary>Cancelled by SIGTERM or Ctrl-C.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>HOST:PORT (port 0 only when written so), or a usage error naming <paramref name="example"/>.</summary>
    public static IPEndPoint Endpoint(string addr, string example) =>
        IPEndPoint.TryParse(addr, out var endpoint) && (endpoint.Port != 0 || addr.EndsWith(":0", StringComparison.Ordinal))
            ? endpoint : throw new UsageException($"--addr {addr}: expected HOST:PORT, such as {example}");

    /// <summary>Returns once SIGTERM or Ctrl-C arrives.</summary>
    public async Task UntilStoppedAsync()
    {
        try
        {
            await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _sigterm.Dispose();
        _sigint.Dispose();
        _stop.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }
}
