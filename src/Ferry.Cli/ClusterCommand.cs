using Ferry.Bundles;

namespace Ferry.Cli;

/// <summary><c>ferry cluster install BUNDLE</c>: k3s from the bundle onto this node (or under --root, as a dry run).</summary>
internal static class ClusterCommand
{
    private static readonly string Usage = CommandCatalog.UsageOf("cluster install") + "\n(k3s and the bundle's ferry are static executables: any " +
        "Linux distribution of the bundle's architecture with systemd — Ubuntu 20.04+, Debian 10+, RHEL/CentOS 7-9, Kylin V10, UOS, SUSE)";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] != "install")
        {
            throw new UsageException(Usage);
        }
        var a = CommandArgs.Parse("cluster install", args[1..]);
        var bundle = a.Arguments(1, 1)[0];
        var role = a.Value("--role") ?? "server";
        var (server, root, registry, caFile, nodeName, key) = (a.Value("--server"), a.Value("--root"), a.Value("--registry"), a.Value("--ca-file"),
            a.Value("--node-name"), a.Value("--key"));
        var token = a.Value("--token-file") is { } tokenFile ? File.ReadAllText(tokenFile).Trim() : a.Value("--token");
        var registryStorage = a.Value("--registry-storage");
        var registryAddr = a.Value("--registry-addr") ?? "0.0.0.0:5000";
        var (tlsCert, tlsKey, htpasswd, username) = (a.Value("--registry-tls-cert"), a.Value("--registry-tls-key"), a.Value("--registry-htpasswd"),
            a.Value("--registry-username"));
        var password = a.Value("--registry-password-file") is { } passwordFile ? File.ReadAllText(passwordFile).TrimEnd('\r', '\n') : null;
        var plainHttp = a.Has("--plain-http");
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
            stderr.WriteLine(CommandLine.Failure(e));
            return 1;
        }
    }
}
