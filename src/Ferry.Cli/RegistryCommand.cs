using System.Net;
using System.Runtime.InteropServices;
using Ferry.Registry;

namespace Ferry.Cli;

/// <summary><c>ferry registry serve --storage DIR [--addr HOST:PORT] [--verbose]</c>.</summary>
internal static class RegistryCommand
{
    private const string Usage = "usage: ferry registry serve --storage DIR [--addr 0.0.0.0:5000] [--verbose]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] != "serve")
        {
            throw new UsageException(Usage);
        }
        string? storage = null;
        var addr = "0.0.0.0:5000";
        var verbose = false;
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--storage": storage = Value(); break;
                case "--addr": addr = Value(); break;
                case "--verbose": verbose = true; break;
                default: throw new UsageException(Usage);
            }
        }
        if (storage is null || !IPEndPoint.TryParse(addr, out var endpoint) || endpoint.Port == 0 && !addr.EndsWith(":0", StringComparison.Ordinal))
        {
            throw new UsageException(Usage);
        }
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await using var server = await RegistryServer.StartAsync(storage, endpoint, verbose ? new LineProgress(stderr) : null, stop.Token).ConfigureAwait(false);
            stdout.WriteLine($"ferry registry: serving {Path.GetFullPath(storage)} on http://{endpoint} (OCI distribution API; stop with Ctrl-C)");
            stdout.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            stdout.WriteLine("ferry registry: stopped");
            return 0;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"ferry: registry serve: cannot listen on {addr}: {e.Message}; pick a free --addr");
            return 1;
        }
    }
}
