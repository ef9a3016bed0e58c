using Ferry.Bundles;

namespace Ferry.Cli;

/// <summary><c>ferry cluster install BUNDLE</c>: k3s from the bundle onto this node (or under --root, as a dry run).</summary>
internal static class ClusterCommand
{
    private const string Usage = "usage: ferry cluster install BUNDLE [--role server|agent] [--server https://HOST:6443 --token T|--token-file F] [--root DIR] [--registry HOST[:PORT][/PREFIX] [--plain-http] [--ca-file F] [--registry-username U --registry-password-file F]] [--node-name N] [--registry-storage DIR [--registry-addr 0.0.0.0:5000] [--registry-tls-cert F --registry-tls-key F] [--registry-htpasswd F]] [--key pub.pem]\n(k3s and the bundle's ferry are static executables: any Linux distribution of the bundle's architecture with systemd — Ubuntu 20.04+, Debian 10+, RHEL/CentOS 7-9, Kylin V10, UOS, SUSE)";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] != "install")
        {
            throw new UsageException(Usage);
        }
        string? bundle = null, server = null, token = null, root = null, registry = null, caFile = null, nodeName = null, key = null, registryStorage = null;
        string? tlsCert = null, tlsKey = null, htpasswd = null, username = null, password = null;
        var registryAddr = "0.0.0.0:5000";
        var role = "server";
        var plainHttp = false;
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--role": role = Value(); break;
                case "--server": server = Value(); break;
                case "--token": token = Value(); break;
                case "--token-file": token = File.ReadAllText(Value()).Trim(); break;
                case "--root": root = Value(); break;
                case "--registry": registry = Value(); break;
                case "--plain-http": plainHttp = true; break;
                case "--ca-file": caFile = Value(); break;
                case "--node-name": nodeName = Value(); break;
                case "--key": key = Value(); break;
                case "--registry-storage": registryStorage = Value(); break;
                case "--registry-addr": registryAddr = Value(); break;
                case "--registry-tls-cert": tlsCert = Value(); break;
                case "--registry-tls-key": tlsKey = Value(); break;
                case "--registry-htpasswd": htpasswd = Value(); break;
                case "--registry-username": username = Value(); break;
                case "--registry-password-file": password = File.ReadAllText(Value()).TrimEnd('\r', '\n'); break;
                default:
                    bundle = bundle is null && !args[i].StartsWith('-') ? args[i] : throw new UsageException(Usage);
                    break;
            }
        }
        if (bundle is null)
        {
            throw new UsageException(Usage);
        }
        try
        {
            var result = ClusterInstaller.Install(new ClusterInstallOptions
            {
                Bundle = bundle,
                Role = role,
                Server = server,
                Token = token,
                Root = root ?? "/",
                Registry = registry is null ? null : new SiteRegistryAccess(registry, plainHttp, caFile, Username: username, Password: password),
                NodeName = nodeName,
                PublicKey = key,
                RegistryStorage = registryStorage,
                RegistryAddress = registryAddr,
                RegistryTlsCert = tlsCert,
                RegistryTlsKey = tlsKey,
                RegistryHtpasswd = htpasswd,
            }, new LineProgress(stderr));
            foreach (var (path, mode) in result.Files)
            {
                stdout.WriteLine($"{mode} {path}");
            }
            foreach (var command in result.Commands)
            {
                stdout.WriteLine(result.DryRun ? $"would run: {command}" : $"ran: {command}");
            }
            return 0;
        }
        catch (Exception e) when (e is BundleException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }
}
