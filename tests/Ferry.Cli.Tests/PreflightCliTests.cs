using System.Net;
using Ferry.Kube.Tests;
using Ferry.Registry;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry preflight</c>, plan's preflight section and <c>ferry support-bundle [analyze]</c> as an operator runs them.</summary>
public sealed class PreflightCliTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-cli-preflight-").FullName;

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    [Fact]
    public async Task Preflight_SaysWhatFailsAndWhatToDo_ThenPasses()
    {
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var kc = _target.Simulator?.WriteKubeconfig(Path.Combine(_dir, "kubeconfig")) ?? Environment.GetEnvironmentVariable("FERRY_TEST_KUBECONFIG")!;
        await using var registry = await RegistryServer.StartAsync(Path.Combine(_dir, "registry"), new IPEndPoint(IPAddress.Loopback, 0));
        var bundle = Path.Combine(_dir, "edge.ferry");
        var (code, _, err) = await Ferry("bundle", "build", CliRunner.WriteEdgeSpec(_dir, ns: ns), "-o", bundle, "--env", "DOMAIN=sample.example.com");
        Assert.True(code == 0, err);
        string[] site = ["--registry", registry.Address, "--insecure", "--env-namespace", ns, "--kubeconfig", kc];

        (code, var output, err) = await Ferry(["preflight", bundle, .. site]);
        Assert.True(code == 1, err);
        Assert.Contains("FAIL  env", output, StringComparison.Ordinal);
        Assert.Contains("DOMAIN: required", output, StringComparison.Ordinal);
        Assert.Contains("fix: set the keys named with 'ferry env set'", output, StringComparison.Ordinal);
        Assert.Contains("failed: ferry deploy stops before any change", output, StringComparison.Ordinal);
        (code, _, err) = await Ferry(["deploy", bundle, .. site]);
        Assert.Equal(1, code);
        Assert.Contains("ferry: preflight failed; nothing was changed:", err, StringComparison.Ordinal);

        (code, _, err) = await Ferry("env", "set", "DOMAIN=edge.site.local", "-n", ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        (code, output, err) = await Ferry(["preflight", bundle, .. site]);
        Assert.True(code == 0, output + err);
        Assert.Contains("PASS  kubernetes", output, StringComparison.Ordinal);
        Assert.Matches("SKIP  registry +the bundle carries no images", output);
        Assert.Matches(@"PASS  nodes +[1-9][0-9]* ready of [1-9]", output);
        Assert.Contains(": the site can run this bundle", output, StringComparison.Ordinal);
        (code, output, err) = await Ferry("plan", bundle, "--registry", registry.Address, "--env-namespace", ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        Assert.Matches(@"Preflight: \d+ checks passed", output);

        // the site's support bundle, and the vendor's reading of it
        var support = Path.Combine(_dir, "site-support.tar.gz");
        (code, _, err) = await Ferry("support-bundle", "-n", ns, "--env-namespace", ns, "-o", support, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        Assert.Contains($"wrote {support}", err, StringComparison.Ordinal);
        Assert.Contains($"collecting namespace {ns}", err, StringComparison.Ordinal);
        (code, output, err) = await Ferry("support-bundle", "analyze", support);
        Assert.True(code == 0, output + err);
        Assert.Contains("No problems found", output, StringComparison.Ordinal);
        (code, _, err) = await Ferry("support-bundle", "analyse", support);
        Assert.Equal(2, code);
        Assert.Contains("did you mean \"analyze\"", err, StringComparison.Ordinal);
        (code, _, err) = await Ferry("support-bundle", "analyze", Path.Combine(_dir, "missing.tar.gz"));
        Assert.Equal(1, code);
        Assert.Contains("no such file", err, StringComparison.Ordinal);
        Assert.False(File.Exists(support + ".partial"));

        // a missing bundle is named before any cluster is asked (here: a kubeconfig that does not exist either)
        foreach (var command in new[] { "deploy", "plan", "preflight" })
        {
            (code, _, err) = await Ferry(command, Path.Combine(_dir, "missing.ferry"), "--registry", "127.0.0.1:1", "--kubeconfig", Path.Combine(_dir, "none"));
            Assert.Equal(1, code);
            Assert.Equal($"ferry: {Path.Combine(_dir, "missing.ferry")}: no such bundle file\n", err);
        }
        // a folder given for the bundle (the USB stick's mount point) is called one, with the bundles it holds
        var stick = Directory.CreateDirectory(Path.Combine(_dir, "stick")).FullName;
        (code, _, err) = await Ferry("deploy", stick, "--registry", "127.0.0.1:1", "--kubeconfig", Path.Combine(_dir, "none"));
        Assert.Equal((1, $"ferry: {stick} is a folder, not a bundle file; it holds no .ferry file\n"), (code, err));
        File.WriteAllText(Path.Combine(stick, "shop-1.2.ferry"), "");
        (code, _, err) = await Ferry("plan", stick, "--registry", "127.0.0.1:1", "--kubeconfig", Path.Combine(_dir, "none"));
        Assert.Equal((1, $"ferry: {stick} is a folder, not a bundle file; give the bundle in it: {Path.Combine(stick, "shop-1.2.ferry")}\n"),
            (code, err));
        File.WriteAllText(Path.Combine(stick, "shop-1.1.ferry"), "");
        (code, _, err) = await Ferry("bundle", "verify", stick);
        Assert.Equal((1, $"ferry: {stick} is a folder, not a bundle file; give one of the bundles in it: shop-1.1.ferry, shop-1.2.ferry\n"),
            (code, err));
    }
}
