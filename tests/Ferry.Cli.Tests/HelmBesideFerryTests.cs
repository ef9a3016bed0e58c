using System.Text.Json.Nodes;
using Ferry.Kube.Tests;

namespace Ferry.Cli.Tests;

/// <summary>
/// A site admin runs real helm (FERRY_HELM; ./test.sh provides it) beside <c>ferry</c> on the same releases: helm
/// upgrades and rolls back a Ferry release, installs an app Ferry then adopts, uninstalls one; each time Ferry
/// names the fields helm took, <c>ferry plan</c> predicts it, and <c>ferry deploy --force-conflicts</c> takes them back.
/// Against the API simulator, or a real cluster with FERRY_TEST_KUBECONFIG.
/// </summary>
public sealed class HelmBesideFerryTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-helm-beside-").FullName;

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Ns => _target.Namespace;

    private static string Chart => Path.Combine(CliRunner.Examples, "charts", "gateway");

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    /// <summary>The edge bundle (one app, gateway, in the test's namespace), with DOMAIN=site.local in the site's env.</summary>
    private async Task<(RealClients Clients, string Kubeconfig, string Bundle, string EnvNs)> SetUpAsync()
    {
        RealClients.Tool("FERRY_HELM");
        await _target.CreateNamespaceAsync();
        var clients = new RealClients(_target, _dir);
        var bundle = Path.Combine(_dir, "edge.ferry");
        var (code, _, err) = await Ferry("bundle", "build", CliRunner.WriteEdgeSpec(_dir, ns: Ns), "-o", bundle, "--env", "DOMAIN=sample.example.com");
        Assert.True(code == 0, err);
        (code, _, err) = await Ferry("env", "set", "DOMAIN=site.local", "-n", Ns, "--kubeconfig", clients.Kubeconfig);
        Assert.True(code == 0, err);
        return (clients, clients.Kubeconfig, bundle, Ns);
    }

    private Task<(int Code, string Out, string Err)> DeployAsync(string bundle, string kubeconfig, params string[] extra) =>
        Ferry(["deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kubeconfig, "--env-namespace", Ns, "--timeout", "20s", .. extra]);

    private async Task<string> HostAsync()
    {
        var ingress = await _target.GetAsync("networking.k8s.io/v1", "Ingress", "gateway-gateway");
        return ingress!["spec"]!["rules"]![0]!["host"]!.GetValue<string>();
    }

    [SkippableFact]
    public async Task HelmUpgradeAndRollbackOfAFerryRelease_FerryNamesTheConflicts_AndTakesOver()
    {
        var (helm, kc, bundle, _) = await SetUpAsync();
        var (code, output, err) = await DeployAsync(bundle, kc);
        Assert.True(code == 0, err);
        Assert.Matches(@"^gateway\s+installed\s+revision 1", output);

        // helm upgrade (server-side, as Helm 4 continues a release Ferry applied server-side) stops at ferry's fields
        var refused = helm.Helm("upgrade", "gateway", Chart, "-n", Ns, "--reuse-values", "--set", "host=helm.local");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("conflict with \"ferry\"", refused.Err, StringComparison.Ordinal);
        RealClients.Ok(helm.Helm("upgrade", "gateway", Chart, "-n", Ns, "--reuse-values", "--set", "host=helm.local", "--force-conflicts"));
        Assert.Equal("helm.local", await HostAsync());
        var helmRevision = JsonNode.Parse(RealClients.Ok(helm.Helm("status", "gateway", "-n", Ns, "-o", "json")).Out)!["version"]!.GetValue<int>();

        // ferry plan predicts the conflict (nothing changes), ferry deploy names it and rolls back to helm's revision
        (code, output, err) = await Ferry("plan", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns, "--output", "json");
        Assert.True(code == 0, err);
        var conflict = Assert.Single(JsonNode.Parse(output)!["apps"]![0]!["conflicts"]!.AsArray())!.GetValue<string>();
        Assert.Equal($"Ingress {Ns}/gateway-gateway: 2 fields are owned by helm: .metadata.annotations.ferry.dev/banner, .spec.rules", conflict);
        Assert.Equal("helm.local", await HostAsync());
        (code, output, _) = await DeployAsync(bundle, kc);
        Assert.Equal(1, code);
        Assert.Contains("2 fields are owned by helm: .metadata.annotations.ferry.dev/banner, .spec.rules", output, StringComparison.Ordinal);
        Assert.Contains("or take them over (as helm --force-conflicts does); rolled back", output, StringComparison.Ordinal);
        Assert.Contains(") (--force-conflicts)", output, StringComparison.Ordinal);
        Assert.Contains($"rolled back to revision {helmRevision}", output, StringComparison.Ordinal);
        Assert.Equal("helm.local", await HostAsync());

        // an app the bundle does not have is refused before anything changes
        (code, _, err) = await DeployAsync(bundle, kc, "--force-conflicts=gatewya");
        Assert.Equal(1, code);
        Assert.Contains("taking over conflicts of gatewya: edge 1.0.0 has no app gatewya; its apps are gateway (--force-conflicts)", err, StringComparison.Ordinal);

        (code, output, err) = await DeployAsync(bundle, kc, "--force-conflicts=gateway");
        Assert.True(code == 0, err + output);
        Assert.Matches(@"^gateway\s+upgraded", output);
        Assert.Equal("site.local", await HostAsync());

        // helm rollback to its own revision, then ferry takes the release back (every app: bare --force-conflicts)
        var back = helmRevision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("conflict with \"ferry\"", helm.Helm("rollback", "gateway", back, "-n", Ns).Err, StringComparison.Ordinal);
        RealClients.Ok(helm.Helm("rollback", "gateway", back, "-n", Ns, "--force-conflicts"));
        Assert.Equal("helm.local", await HostAsync());
        (code, output, err) = await DeployAsync(bundle, kc, "--force-conflicts");
        Assert.True(code == 0, err + output);
        Assert.Equal("site.local", await HostAsync());
        (code, output, _) = await DeployAsync(bundle, kc);
        Assert.Equal(0, code);
        Assert.Matches(@"^gateway\s+unchanged", output);

        // every revision either tool wrote is one history: one deployed, the rest superseded or failed
        var history = JsonNode.Parse(RealClients.Ok(helm.Helm("history", "gateway", "-n", Ns, "-o", "json", "--max", "50")).Out)!.AsArray();
        Assert.Equal(1, history.Count(h => h!["status"]!.GetValue<string>() == "deployed"));
        Assert.Equal("deployed", history[^1]!["status"]!.GetValue<string>());
        Assert.All(history, h => Assert.Contains(h!["status"]!.GetValue<string>(), new[] { "deployed", "superseded", "failed" }));

        // helm uninstall of a Ferry release removes it; the next ferry deploy installs it again
        RealClients.Ok(helm.Helm("uninstall", "gateway", "-n", Ns));
        Assert.Null(await _target.GetAsync("networking.k8s.io/v1", "Ingress", "gateway-gateway"));
        (code, output, err) = await DeployAsync(bundle, kc);
        Assert.True(code == 0, err + output);
        Assert.Matches(@"^gateway\s+installed\s+revision 1", output);
    }

    [SkippableFact]
    public async Task HelmInstalledApp_IsAdoptedByFerryDeploy()
    {
        var (helm, kc, bundle, _) = await SetUpAsync();
        RealClients.Ok(helm.Helm("install", "gateway", Chart, "-n", Ns, "--set", "host=helm.local"));

        var (code, output, _) = await DeployAsync(bundle, kc);
        Assert.Equal(1, code);
        Assert.Contains("owned by helm", output, StringComparison.Ordinal);
        (code, output, var err) = await DeployAsync(bundle, kc, "--force-conflicts=gateway");
        Assert.True(code == 0, err + output);
        Assert.Matches(@"^gateway\s+upgraded", output);
        Assert.Equal("site.local", await HostAsync());

        // helm sees Ferry's revision as the release's latest, with Ferry's values
        var status = JsonNode.Parse(RealClients.Ok(helm.Helm("status", "gateway", "-n", Ns, "-o", "json")).Out)!;
        Assert.Equal("deployed", status["info"]!["status"]!.GetValue<string>());
        var values = JsonNode.Parse(RealClients.Ok(helm.Helm("get", "values", "gateway", "-n", Ns, "-o", "json")).Out)!;
        Assert.Equal("site.local", values["host"]!.GetValue<string>());
        Assert.Equal("superseded", ReleaseStatusOf(helm, 1));
    }

    private string ReleaseStatusOf(RealClients helm, int revision) =>
        JsonNode.Parse(RealClients.Ok(helm.Helm("history", "gateway", "-n", Ns, "-o", "json")).Out)!.AsArray()
            .Single(h => h!["revision"]!.GetValue<int>() == revision)!["status"]!.GetValue<string>();
}
