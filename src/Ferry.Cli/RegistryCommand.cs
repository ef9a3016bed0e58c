using System.Net;
using System.Runtime.InteropServices;
using Ferry.Registry;

namespace Ferry.Cli;

/// <summary>
/// <c>ferry registry serve --storage DIR [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE] [--htpasswd FILE] [--verbose]</c>
/// and <c>ferry registry htpasswd USER --password-stdin</c>.
/// </summary>
internal static class RegistryCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        if (args.Length > 0 && args[0] == "htpasswd")
        {
            var h = CommandArgs.Parse("registry htpasswd", args[1..]);
            var user = h.Arguments(1, 1)[0];
            if (!h.Has("--password-stdin"))
            {
                throw new UsageException("registry htpasswd: give the password on stdin: printf %s \"$PASSWORD\" | ferry registry htpasswd USER " +
                    "--password-stdin");
            }
            var password = (await stdin.ReadToEndAsync().ConfigureAwait(false)).TrimEnd('\r', '\n');
            if (password.Length == 0)
            {
                throw new UsageException("registry htpasswd: no password on stdin (printf %s \"$PASSWORD\" | ferry registry htpasswd USER " +
                    "--password-stdin)");
            }
            try
            {
                stdout.WriteLine(Htpasswd.Line(user, password));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"registry htpasswd: {e.Message}");
            }
            return 0;
        }
        var a = CommandArgs.Parse("registry serve", args[1..]);
        a.Arguments(0, 0);
        var storage = a.Required("--storage");
        var (htpasswd, tlsCert, tlsKey) = (a.Value("--htpasswd"), a.Value("--tls-cert"), a.Value("--tls-key"));
        var addr = a.Value("--addr") ?? "0.0.0.0:5000";
        var verbose = a.Has("--verbose");
        if (!IPEndPoint.TryParse(addr, out var endpoint) || (endpoint.Port == 0 && !addr.EndsWith(":0", StringComparison.Ordinal)))
        {
            throw new UsageException($"--addr {addr}: expected HOST:PORT, such as 0.0.0.0:5000");
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
        RegistryAccess access;
        try
        {
            access = RegistryAccess.Load(htpasswd, tlsCert, tlsKey);
        }
        catch (DistributionException e)
        {
            stderr.WriteLine($"ferry: registry serve: {e.Message}{RemedyFlags.Of(e)}");
            return 1;
        }
        using var accessScope = access;
        try
        {
            _ = new RegistryStorage(storage); // the storage folder first, so its problems are not reported as the address's
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ferry: registry serve: cannot use --storage {storage}: {e.Message}");
            return 1;
        }
        try
        {
            await using var server =
                await RegistryServer.StartAsync(storage, endpoint, verbose ? new LineProgress(stderr) : null, access, stop.Token)
                    .ConfigureAwait(false);
            var users = access.Users is null ? "no authentication" : $"basic authentication, {access.Users.Count} user(s)";
            stdout.WriteLine($"ferry registry: serving {Path.GetFullPath(storage)} on {server.Url} (OCI " +
                $"distribution API, {users}; stop with Ctrl-C)");
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
