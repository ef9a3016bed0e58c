using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Ferry.Bundles;

/// <summary>Options of <c>ferry cluster install</c>.</summary>
public sealed record ClusterInstallOptions
{
    public required string Bundle { get; init; }

    /// <summary>server (the first node, or another server) or agent (a worker joining <see cref="Server"/>).</summary>
    public string Role { get; init; } = "server";

    /// <summary>For agents: https://SERVER:6443.</summary>
    public string? Server { get; init; }

    /// <summary>For agents: the server's node token (/var/lib/rancher/k3s/server/node-token).</summary>
    public string? Token { get; init; }

    /// <summary>Where the node's filesystem is: "/" installs for real; any other folder is a dry run that only writes files and prints the
    /// commands.</summary>
    public string Root { get; init; } = "/";

    /// <summary>The site registry mirrored for every registry the bundle's images come from (registries.yaml), or null.</summary>
    public SiteRegistryAccess? Registry { get; init; }

    public string? NodeName { get; init; }

    /// <summary>Also run the site registry on this node: <c>ferry registry serve</c> as a systemd service storing under this folder.</summary>
    public string? RegistryStorage { get; init; }

    /// <summary>Where that registry listens (HOST:PORT).</summary>
    public string RegistryAddress { get; init; } = "0.0.0.0:5000";

    /// <summary>That registry's TLS certificate and key (PEM files on this machine), installed under /etc/ferry/registry.</summary>
    public string? RegistryTlsCert { get; init; }

    public string? RegistryTlsKey { get; init; }

    /// <summary>That registry's users (a bcrypt htpasswd file on this machine), installed under /etc/ferry/registry.</summary>
    public string? RegistryHtpasswd { get; init; }

    public string? PublicKey { get; init; }
}

/// <summary>What <c>ferry cluster install</c> placed (node paths, with their modes) and the commands it runs or would run.</summary>
public sealed record ClusterInstallResult(IReadOnlyList<(string Path, string Mode)> Files, IReadOnlyList<string> Commands, bool DryRun);

/// <summary>
/// <c>ferry cluster install</c>: k3s from the bundle onto a node, the air-gapped way — the k3s binary in
/// /usr/local/bin, the airgap images where k3s imports them at start, /etc/rancher/k3s/config.yaml (role, server and
/// token for agents, the local-path provisioner's storage folder), registries.yaml mirroring the product's registries
/// to the site registry, the ferry binary when the bundle carries it, then k3s's own install script with
/// <c>INSTALL_K3S_SKIP_DOWNLOAD=true</c> (it sets up the systemd service). Under a <c>--root</c> other than "/" it
/// writes the same tree there and prints the commands instead of running them.
/// </summary>
public static class ClusterInstaller
{
    public const string ScriptPath = "/usr/local/share/ferry/k3s-install.sh";

    public static ClusterInstallResult Install(ClusterInstallOptions options, IProgress<string>? log = null)
    {
        CheckOptions(options);
        using var bundle = OpenedBundle.Open(options.Bundle, options.PublicKey, withNodeFiles: true);
        if (bundle.Manifest.Cluster is not { } cluster)
        {
            throw new BundleException($"{options.Bundle} carries no cluster: add cluster.k3s (version, binary, installScript, images) to " +
                "ferry.yaml and rebuild it");
        }
        var carriedFerry = bundle.Manifest.Ferry;
        if (options.RegistryStorage is not null && carriedFerry is null)
        {
            throw new BundleException("the site registry runs on the ferry executable, but this bundle does not carry it: rebuild the " +
                "bundle carrying ferry")
            {
                Remedies = [Remedy.IncludeFerry],
            };
        }
        var k3s = cluster.K3s;
        var dryRun = Path.GetFullPath(options.Root) != "/";
        var node = new NodeFiles(options.Root, bundle, log);
        node.Copy(k3s.Binary, "/usr/local/bin/k3s", "755");
        if (k3s.Images is { } images)
        {
            node.Copy(images, $"/var/lib/rancher/k3s/agent/images/{Path.GetFileName(images)}", "644");
        }
        node.Copy(k3s.InstallScript, ScriptPath, "755");
        if (carriedFerry is not null)
        {
            node.Copy(carriedFerry, "/usr/local/bin/ferry", "755");
        }
        node.Text("/etc/rancher/k3s/config.yaml", "600", Config(bundle.Label, options, cluster.StoragePath));
        if (options.Registry is { } registry)
        {
            node.Text(K3sRegistries.DefaultPath, "600", K3sRegistries.Render(K3sRegistries.RegistriesOf(bundle), registry));
        }
        var commands = new List<string>();
        if (options.RegistryStorage is { } storage)
        {
            commands.Add(PlaceRegistry(node, options, storage));
        }
        var command = $"INSTALL_K3S_SKIP_DOWNLOAD=true INSTALL_K3S_VERSION={k3s.Version} INSTALL_K3S_EXEC={options.Role} sh {ScriptPath}";
        commands.Add(command);
        if (!dryRun)
        {
            if (options.RegistryStorage is not null)
            {
                Run("sh", ["-c", commands[0]], "starting the ferry-registry service");
            }
            log?.Report($"running {command}");
            RunInstallScript(k3s.Version, options.Role);
        }
        return new ClusterInstallResult(node.Placed, commands, dryRun);
    }

    /// <summary>The role is one k3s knows, an agent knows its server, and the registry's files are complete.</summary>
    private static void CheckOptions(ClusterInstallOptions options)
    {
        if (options.Role is not ("server" or "agent"))
        {
            throw new BundleException($"node role {options.Role}: use server or agent") { Remedies = [Remedy.Role] };
        }
        CheckRegistryFiles(options);
        if (options.Role == "agent" && (options.Server is null || options.Token is null))
        {
            throw new BundleException("an agent joins a server: give the server's URL (https://SERVER:6443) and its join token (the server's " +
                "/var/lib/rancher/k3s/server/node-token)")
            {
                Remedies = [Remedy.JoinServer],
            };
        }
    }

    /// <summary>Places the site registry's TLS files, users and systemd unit; returns the command that starts it.</summary>
    private static string PlaceRegistry(NodeFiles node, ClusterInstallOptions options, string storage)
    {
        // the unit runs `ferry registry serve` with these flags
        var flags = new StringBuilder($"--storage {storage} --addr {options.RegistryAddress}");
        foreach (var (source, nodePath, mode, flag) in new[]
        {
            (options.RegistryTlsCert, RegistryConfigDir + "/tls.crt", "644", "--tls-cert"),
            (options.RegistryTlsKey, RegistryConfigDir + "/tls.key", "600", "--tls-key"),
            (options.RegistryHtpasswd, RegistryConfigDir + "/htpasswd", "600", "--htpasswd"),
        })
        {
            if (source is not null)
            {
                node.Place(nodePath, mode, t => File.Copy(source, t));
                flags.Append(' ').Append(flag).Append(' ').Append(nodePath);
            }
        }
        node.Text(RegistryUnitPath, "644", RegistryUnit(flags.ToString()));
        return $"systemctl daemon-reload && systemctl enable --now {Path.GetFileName(RegistryUnitPath)}";
    }

    private static void RunInstallScript(string version, string role)
    {
        var psi = new ProcessStartInfo("sh", [ScriptPath]) { UseShellExecute = false };
        psi.Environment["INSTALL_K3S_SKIP_DOWNLOAD"] = "true";
        psi.Environment["INSTALL_K3S_VERSION"] = version;
        psi.Environment["INSTALL_K3S_EXEC"] = role;
        using var p = Process.Start(psi) ?? throw new BundleException("cannot start sh to run the k3s install script");
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new BundleException($"the k3s install script failed (exit {p.ExitCode}); its output above says why; the files are in place, " +
                "re-run after fixing it");
        }
    }

    /// <summary>Files placed on the node under a root, each written to a temporary name and moved into place with its mode.</summary>
    private sealed class NodeFiles(string root, OpenedBundle bundle, IProgress<string>? log)
    {
        public List<(string, string)> Placed { get; } = [];

        public void Place(string nodePath, string mode, Action<string> write)
        {
            var target = Path.Combine(root, nodePath.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = target + ".ferry-tmp";
            write(temp);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, (UnixFileMode)Convert.ToInt32(mode, 8));
            }
            File.Move(temp, target, overwrite: true);
            Placed.Add((nodePath, mode));
            log?.Report($"placed {nodePath} ({mode})");
        }

        public void Copy(string bundleFile, string nodePath, string mode) =>
            Place(nodePath, mode, t => File.Copy(bundle.BundleFile(bundleFile, $"the file for {nodePath}"), t));

        public void Text(string nodePath, string mode, string content) => Place(nodePath, mode, t => File.WriteAllText(t, content));
    }

    public const string RegistryUnitPath = "/etc/systemd/system/ferry-registry.service";

    /// <summary>Where the site registry's TLS files and htpasswd go (key and users readable by root only).</summary>
    public const string RegistryConfigDir = "/etc/ferry/registry";

    /// <summary>The registry's TLS and user files exist, come as a pair (cert and key), and go with a registry to run.</summary>
    private static void CheckRegistryFiles(ClusterInstallOptions options)
    {
        var given = new[]
            {
                ("the site registry's TLS certificate", options.RegistryTlsCert),
                ("the site registry's TLS key", options.RegistryTlsKey),
                ("the site registry's htpasswd file", options.RegistryHtpasswd),
            }
            .Where(f => f.Item2 is not null).ToList();
        if (given.Count == 0)
        {
            return;
        }
        if (options.RegistryStorage is null)
        {
            throw new BundleException($"{given[0].Item1} is for a site registry this node runs: give the registry's storage folder too")
            {
                Remedies = [Remedy.RegistryStorage],
            };
        }
        if ((options.RegistryTlsCert is null) != (options.RegistryTlsKey is null))
        {
            throw new BundleException("the site registry's TLS certificate and key go together (PEM certificate and unencrypted key)");
        }
        foreach (var (flag, path) in given)
        {
            if (!File.Exists(path))
            {
                throw new BundleException($"{flag} {path}: no such file");
            }
        }
    }

    /// <summary>The systemd unit running <c>ferry registry serve</c> (started before k3s, so images can be pushed as soon as it is up).</summary>
    private static string RegistryUnit(string serveFlags) => $"""
        # Written by ferry cluster install: the site registry.
        [Unit]
        Description=Ferry site registry (OCI distribution API)
        After=network-online.target
        Wants=network-online.target
        Before=k3s.service k3s-agent.service

        [Service]
        ExecStart=/usr/local/bin/ferry registry serve {serveFlags}
        Restart=always
        RestartSec=2

        [Install]
        WantedBy=multi-user.target

        """;

    private static void Run(string file, string[] args, string what)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })
            ?? throw new BundleException($"{what}: cannot start {file}");
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new BundleException($"{what} failed (exit {p.ExitCode}); its output above says why");
        }
    }

    /// <summary>k3s's config.yaml for this node (the token stays here, readable by root only, never on a command line).</summary>
    private static string Config(string bundle, ClusterInstallOptions options, string storagePath)
    {
        var sb = new StringBuilder();
        sb.Append("# Written by ferry cluster install from ").Append(bundle).Append(".\n");
        if (options.Role == "agent")
        {
            sb.Append("server: ").Append(Quote(options.Server!)).Append('\n');
            sb.Append("token: ").Append(Quote(options.Token!)).Append('\n');
        }
        else
        {
            sb.Append("write-kubeconfig-mode: \"0600\"\n");
            sb.Append("default-local-storage-path: ").Append(Quote(storagePath)).Append('\n');
        }
        if (options.NodeName is not null)
        {
            sb.Append("node-name: ").Append(Quote(options.NodeName)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
