using Ferry.Kube;
using Ferry.Registry;
using Ferry.Web;

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
        var endpoint = Serving.Endpoint(addr, "127.0.0.1:8080");
        using var serving = new Serving();
        using var access = RegistryAccess.Load(htpasswd, a.Value("--tls-cert"), a.Value("--tls-key"));
        var bundles = a.Value("--bundles");
        if (bundles is not null && !Directory.Exists(bundles))
        {
            throw new UsageException($"console --bundles {bundles}: no such folder; create it (bundles are uploaded to it and picked from it)");
        }
        if (a.Value("--key") is { } key && !File.Exists(key))
        {
            throw new UsageException($"console --key {key}: no such file; give the vendor's public key (PEM), as deploy takes it");
        }
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
                BundlesDir = bundles,
                SiteRegistry = a.Value("--registry"),
                Registry = a.Registry(Console.In),
                PublicKey = a.Value("--key"),
                Deploy = new DeployOptions(a.Duration("--timeout", TimeSpan.FromMinutes(5))),
            }, serving.Stopping).ConfigureAwait(false);
            stdout.WriteLine($"ferry console: {server.Url} ({access.Users?.Count ?? 0} user(s); " +
                $"{(cluster is null ? "no cluster" : "cluster from the kubeconfig")}; " +
                $"{(bundles is null ? "no bundle folder" : "bundles in " + bundles)}; stop with Ctrl-C)");
            stdout.Flush();
            await serving.UntilStoppedAsync().ConfigureAwait(false);
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
