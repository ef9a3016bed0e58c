namespace Ferry.Cli.Tests;

/// <summary><c>ferry cluster install --root</c>: the exact file tree, modes, contents and commands (golden), for a server and an agent.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterInstallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-cluster-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    /// <summary>An image-free bundle carrying (fake) k3s artifacts and a (fake) ferry binary.</summary>
    private async Task<(string Bundle, byte[] K3s, byte[] Images, string Script, byte[] FerryBinary)> BuildAsync(bool withCluster = true, bool withFerry = true)
    {
        var k3s = new byte[120_000];
        var images = new byte[90_000];
        new Random(1).NextBytes(k3s);
        new Random(2).NextBytes(images);
        var ferry = TestElf.Executable(62, dynamic: false, 50_000);
        const string Script = "#!/bin/sh\n# stands in for k3s's install.sh\necho installing k3s\n";
        Directory.CreateDirectory(Path.Combine(_dir, "k3s"));
        File.WriteAllBytes(Path.Combine(_dir, "k3s", "k3s"), k3s);
        File.WriteAllBytes(Path.Combine(_dir, "k3s", "k3s-airgap-images-amd64.tar.zst"), images);
        File.WriteAllText(Path.Combine(_dir, "k3s", "install.sh"), Script);
        File.WriteAllBytes(Path.Combine(_dir, "ferry-native"), ferry);
        var cluster = withCluster ? """
            cluster:
              k3s: { version: v1.31.4+k3s1, binary: k3s/k3s, images: k3s/k3s-airgap-images-amd64.tar.zst, installScript: k3s/install.sh }
              storage: { path: /data/local-path }
            """ : "";
        CliRunner.WriteEdgeSpec(_dir, domain: "default: edge.example.com", extra: cluster);
        var bundle = Path.Combine(_dir, "edge.ferry");
        string[] build = ["bundle", "build", Path.Combine(_dir, "ferry.yaml"), "-o", bundle];
        var (code, _, err) = await Ferry(withFerry ? [.. build, "--include-ferry", Path.Combine(_dir, "ferry-native")] : build);
        Assert.True(code == 0, err);
        return (bundle, k3s, images, Script, ferry);
    }

    [Theory]
    [InlineData("random", "is not a 64-bit Linux executable")]
    [InlineData("dynamic", "is dynamically linked: it would need the site's glibc and libssl versions")]
    [InlineData("arm64", "is for linux/arm64, but the bundle is for linux/amd64")]
    public async Task IncludeFerry_RefusesAnExecutableThatWouldNotStartOnTheSite(string kind, string message)
    {
        var file = Path.Combine(_dir, "ferry-" + kind);
        File.WriteAllBytes(file, kind switch
        {
            "random" => [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))],
            "dynamic" => TestElf.Executable(62, dynamic: true, 8192),
            _ => TestElf.Executable(183, dynamic: false, 8192),
        });
        CliRunner.WriteEdgeSpec(_dir, domain: "default: edge.example.com");
        var output = Path.Combine(_dir, "edge.ferry");
        var (code, _, err) = await Ferry("bundle", "build", Path.Combine(_dir, "ferry.yaml"), "-o", output, "--include-ferry", file);
        Assert.Equal(1, code);
        Assert.Contains($"the ferry executable to carry: {file} {message}", err, StringComparison.Ordinal);
        Assert.EndsWith("(--include-ferry)", err.TrimEnd(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        // the arm64 executable is right for an arm64 bundle
        if (kind == "arm64")
        {
            (code, _, err) = await Ferry("bundle", "build", Path.Combine(_dir, "ferry.yaml"), "-o", output, "--include-ferry", file, "--platform", "linux/arm64");
            Assert.True(code == 0, err);
        }
    }

    private static List<(string Path, UnixFileMode Mode)> Tree(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => ("/" + Path.GetRelativePath(root, f), File.GetUnixFileMode(f))).Order()];

    [Fact]
    public async Task Server_DryRun_ProducesTheExactTreeAndCommands()
    {
        var (bundle, k3s, images, script, ferry) = await BuildAsync();
        var root = Path.Combine(_dir, "node");
        string[] install = ["cluster", "install", bundle, "--root", root, "--registry", "10.0.0.5:5000/mirror", "--plain-http", "--node-name", "node-1", "--registry-storage", "/srv/registry"];
        var (code, output, err) = await Ferry(install);
        Assert.True(code == 0, err);
        Assert.Equal("""
            755 /usr/local/bin/k3s
            644 /var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst
            755 /usr/local/share/ferry/k3s-install.sh
            755 /usr/local/bin/ferry
            600 /etc/rancher/k3s/config.yaml
            600 /etc/rancher/k3s/registries.yaml
            644 /etc/systemd/system/ferry-registry.service
            would run: systemctl daemon-reload && systemctl enable --now ferry-registry.service
            would run: INSTALL_K3S_SKIP_DOWNLOAD=true INSTALL_K3S_VERSION=v1.31.4+k3s1 INSTALL_K3S_EXEC=server sh /usr/local/share/ferry/k3s-install.sh

            """, output);
        const UnixFileMode Exec = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        const UnixFileMode Read = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(
            [("/etc/rancher/k3s/config.yaml", Private), ("/etc/rancher/k3s/registries.yaml", Private), ("/etc/systemd/system/ferry-registry.service", Read), ("/usr/local/bin/ferry", Exec), ("/usr/local/bin/k3s", Exec),
             ("/usr/local/share/ferry/k3s-install.sh", Exec), ("/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst", Read)],
            Tree(root));
        Assert.Equal(k3s, File.ReadAllBytes(Path.Combine(root, "usr/local/bin/k3s")));
        Assert.Equal(images, File.ReadAllBytes(Path.Combine(root, "var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst")));
        Assert.Equal(script, File.ReadAllText(Path.Combine(root, "usr/local/share/ferry/k3s-install.sh")));
        Assert.Equal(ferry, File.ReadAllBytes(Path.Combine(root, "usr/local/bin/ferry")));
        Assert.Equal("""
            # Written by ferry cluster install from edge 1.0.0.
            write-kubeconfig-mode: "0600"
            default-local-storage-path: "/data/local-path"
            node-name: "node-1"

            """, File.ReadAllText(Path.Combine(root, "etc/rancher/k3s/config.yaml")));
        var unit = File.ReadAllText(Path.Combine(root, "etc/systemd/system/ferry-registry.service"));
        Assert.Contains("\nExecStart=/usr/local/bin/ferry registry serve --storage /srv/registry --addr 0.0.0.0:5000\n", unit, StringComparison.Ordinal);
        Assert.Contains("\nBefore=k3s.service k3s-agent.service\n", unit, StringComparison.Ordinal);
        var registries = File.ReadAllText(Path.Combine(root, "etc/rancher/k3s/registries.yaml"));
        foreach (var registry in new[] { "docker.io", "registry.k8s.io", "ghcr.io", "quay.io" })
        {
            Assert.Contains($"  \"{registry}\":\n    endpoint:\n      - \"http://10.0.0.5:5000\"\n    rewrite:\n      \"^(.*)$\": \"mirror/$1\"\n", registries, StringComparison.Ordinal);
        }

        // Running it again gives the same tree (idempotent, no leftovers).
        (code, var again, err) = await Ferry(install);
        Assert.True(code == 0, err);
        Assert.Equal(output, again);
        Assert.Equal(7, Tree(root).Count);
    }

    [Fact]
    public async Task Agent_JoinsWithATokenFromAFile_AndBadInputSaysWhatToDo()
    {
        var (bundle, _, _, _, _) = await BuildAsync();
        var root = Path.Combine(_dir, "worker");
        File.WriteAllText(Path.Combine(_dir, "token"), "K10abc::server:secret\n");
        var (code, output, err) = await Ferry("cluster", "install", bundle, "--root", root, "--role", "agent", "--server", "https://10.0.0.1:6443", "--token-file", Path.Combine(_dir, "token"));
        Assert.True(code == 0, err);
        Assert.EndsWith("would run: INSTALL_K3S_SKIP_DOWNLOAD=true INSTALL_K3S_VERSION=v1.31.4+k3s1 INSTALL_K3S_EXEC=agent sh /usr/local/share/ferry/k3s-install.sh\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", output, StringComparison.Ordinal);
        Assert.Equal("""
            # Written by ferry cluster install from edge 1.0.0.
            server: "https://10.0.0.1:6443"
            token: "K10abc::server:secret"

            """, File.ReadAllText(Path.Combine(root, "etc/rancher/k3s/config.yaml")));
        Assert.False(File.Exists(Path.Combine(root, "etc/rancher/k3s/registries.yaml")));

        (code, _, err) = await Ferry("cluster", "install", bundle, "--root", root, "--role", "agent");
        Assert.Equal(1, code);
        Assert.Contains("give the server's URL (https://SERVER:6443) and its join token (the server's /var/lib/rancher/k3s/server/node-token) (--server, --token)", err, StringComparison.Ordinal);

        var (noFerry, _, _, _, _) = await BuildAsync(withFerry: false);
        var untouched = Path.Combine(_dir, "untouched");
        (code, _, err) = await Ferry("cluster", "install", noFerry, "--root", untouched, "--registry-storage", "/srv/registry");
        Assert.Equal(1, code);
        Assert.Contains("this bundle does not carry it: rebuild the bundle carrying ferry (--include-ferry)", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(untouched)); // refused before placing anything

        var (plain, _, _, _, _) = await BuildAsync(withCluster: false);
        (code, _, err) = await Ferry("cluster", "install", plain, "--root", root);
        Assert.Equal(1, code);
        Assert.Contains("carries no cluster: add cluster.k3s", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiteRegistry_WithTlsAndUsers_GetsItsFilesPrivately_AndK3sTheCaAndCredentials()
    {
        var (bundle, _, _, _, _) = await BuildAsync();
        var root = Path.Combine(_dir, "secure");
        File.WriteAllText(Path.Combine(_dir, "tls.crt"), "-----BEGIN CERTIFICATE-----\nc\n");
        File.WriteAllText(Path.Combine(_dir, "tls.key"), "-----BEGIN PRIVATE KEY-----\nk\n");
        File.WriteAllText(Path.Combine(_dir, "htpasswd"), "site:$2y$10$abc\n");
        File.WriteAllText(Path.Combine(_dir, "pull-password"), "s3cret\n");
        var (code, output, err) = await Ferry("cluster", "install", bundle, "--root", root, "--registry", "10.0.0.5:5000", "--ca-file", "/etc/ferry/registry/tls.crt",
            "--registry-username", "site", "--registry-password-file", Path.Combine(_dir, "pull-password"), "--registry-storage", "/srv/registry",
            "--registry-tls-cert", Path.Combine(_dir, "tls.crt"), "--registry-tls-key", Path.Combine(_dir, "tls.key"), "--registry-htpasswd", Path.Combine(_dir, "htpasswd"));
        Assert.True(code == 0, err);
        Assert.Contains("644 /etc/ferry/registry/tls.crt\n600 /etc/ferry/registry/tls.key\n600 /etc/ferry/registry/htpasswd\n644 /etc/systemd/system/ferry-registry.service\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output, StringComparison.Ordinal);
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(root, "etc/ferry/registry/tls.key")));
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(root, "etc/ferry/registry/htpasswd")));
        Assert.Equal("site:$2y$10$abc\n", File.ReadAllText(Path.Combine(root, "etc/ferry/registry/htpasswd")));
        Assert.Contains("\nExecStart=/usr/local/bin/ferry registry serve --storage /srv/registry --addr 0.0.0.0:5000 --tls-cert /etc/ferry/registry/tls.crt --tls-key /etc/ferry/registry/tls.key --htpasswd /etc/ferry/registry/htpasswd\n",
            File.ReadAllText(Path.Combine(root, "etc/systemd/system/ferry-registry.service")), StringComparison.Ordinal);
        Assert.Contains("""
              "10.0.0.5:5000":
                auth:
                  username: "site"
                  password: "s3cret"
                tls:
                  ca_file: "/etc/ferry/registry/tls.crt"
            """, File.ReadAllText(Path.Combine(root, "etc/rancher/k3s/registries.yaml")), StringComparison.Ordinal);

        (code, _, err) = await Ferry("cluster", "install", bundle, "--root", root, "--registry-htpasswd", Path.Combine(_dir, "htpasswd"));
        Assert.Equal(1, code);
        Assert.Contains("the site registry's htpasswd file is for a site registry this node runs: give the registry's storage folder too (--registry-storage DIR)", err, StringComparison.Ordinal);
        (code, _, err) = await Ferry("cluster", "install", bundle, "--root", root, "--registry-storage", "/srv/registry", "--registry-tls-cert", Path.Combine(_dir, "tls.crt"));
        Assert.Equal(1, code);
        Assert.Contains("the site registry's TLS certificate and key go together", err, StringComparison.Ordinal);
        (code, _, err) = await Ferry("cluster", "install", bundle, "--root", root, "--registry-storage", "/srv/registry", "--registry-htpasswd", Path.Combine(_dir, "nope"));
        Assert.Equal(1, code);
        Assert.Contains($"the site registry's htpasswd file {Path.Combine(_dir, "nope")}: no such file", err, StringComparison.Ordinal);
    }
}
