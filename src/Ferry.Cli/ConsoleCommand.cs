using System.Net;
using System.Runtime.InteropServices;
using Ferry.Web;
using Ferry.Kube;
using Ferry.Registry;

namespace Ferry.Cli;

/// <summary><c>ferry console</c>: serves the web console until SIGTERM or Ctrl-C.</summary>
internal static class ConsoleCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse("console", args);
        a.Arguments(0, 0);
        var htpasswd = a.Required("--htpasswd");
        var addr = a.Value("--addr") ?? "127.0.0.1:8080";
        if (!IPEndPoint.TryParse(addr, out var endpoint) || (endpoint.Port == 0 && !addr.EndsWith(":0", StringComparison.Ordinal)))
        {
            throw new UsageException($"--addr {addr}: expected HOST:PORT, such as 127.0.0.1:8080");
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
        using var access = RegistryAccess.Load(htpasswd, a.Value("--tls-cert"), a.Value("--tls-key"));
        var noCluster = a.Value("--kubeconfig") is null && a.Value("--context") is null && Environment.GetEnvironmentVariable("KUBECONFIG") is null;
        using var cluster = noCluster ? null : KubeConnection.Connect(a.Value("--kubeconfig"), a.Value("--context"));
        try
        {
            await using var server = await ConsoleServer.StartAsync(new ConsoleOptions
            {
                EndPoint = endpoint,
                Access = access,
                Cluster = cluster,
                EnvNamespace = a.Value("--env-namespace") ?? DeployEnv.DefaultNamespace,
            }, stop.Token).ConfigureAwait(false);
            stdout.WriteLine($"ferry console: {server.Url} ({access.Users?.Count ?? 0} user(s); " +
                $"{(cluster is null ? "no cluster" : "cluster from the kubeconfig")}; stop with Ctrl-C)");
            stdout.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            stdout.WriteLine("ferry console: stopped");
            return 0;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"ferry: console: cannot listen on {addr}: {e.Message}; pick a free --addr");
            return 1;
        }
    }
}
