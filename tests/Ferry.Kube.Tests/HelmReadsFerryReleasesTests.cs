using System.Text.Json.Nodes;
using Ferry.Charts;
using Ferry.Charts.Releases;

namespace Ferry.Kube.Tests;

/// <summary>
/// Real helm (v4.1.4, FERRY_HELM; ./test.sh provides it) reads the releases Ferry records: list, history, status and
/// get values — against the API simulator, or a real cluster with FERRY_TEST_KUBECONFIG.
/// </summary>
public sealed class HelmReadsFerryReleasesTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-helm-reads-").FullName;

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [SkippableFact]
    public async Task HelmAndKubectl_SeeFerrysRelease()
    {
        RealClients.Tool("FERRY_HELM");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var clients = new RealClients(_target, _dir);
        const string Chart = "{\"metadata\":{\"name\":\"web\",\"version\":\"1.0.0\",\"appVersion\":\"1.0\",\"apiVersion\":\"v2\"},\"lock\":null,\"templates\":[],\"values\":{},\"schema\":null,\"files\":[]}";
        ReleasePlan Plan(string value) => new("web", ns, Chart, $"{{\"v\":\"{value}\"}}",
            [new Manifest("web/templates/cm.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  v: \"{value}\"\n", "ConfigMap", "v1", "web")], []);
        var manager = new ReleaseManager(_target.Client);
        await manager.UpgradeOrInstallAsync(Plan("1"), _target.Deploy);
        await manager.UpgradeOrInstallAsync(Plan("2"), _target.Deploy);

        var list = clients.Helm("list", "-n", ns, "-o", "json");
        Assert.True(list.Code == 0, list.Err);
        var release = Assert.Single(JsonNode.Parse(list.Out)!.AsArray())!;
        Assert.Equal(("web", "2", "deployed", "web-1.0.0"), (release["name"]!.GetValue<string>(), release["revision"]!.GetValue<string>(), release["status"]!.GetValue<string>(), release["chart"]!.GetValue<string>()));

        var history = clients.Helm("history", "web", "-n", ns, "-o", "json");
        Assert.True(history.Code == 0, history.Err);
        Assert.Equal(["superseded", "deployed"], JsonNode.Parse(history.Out)!.AsArray().Select(h => h!["status"]!.GetValue<string>()));

        var values = clients.Helm("get", "values", "web", "-n", ns, "-o", "json");
        Assert.True(values.Code == 0, values.Err);
        Assert.Equal("2", JsonNode.Parse(values.Out)!["v"]!.GetValue<string>());

        var manifest = clients.Helm("get", "manifest", "web", "-n", ns);
        Assert.True(manifest.Code == 0, manifest.Err);
        Assert.Contains("v: \"2\"", manifest.Out, StringComparison.Ordinal);
        Assert.Equal(ReleaseStatus.Deployed, (await new ReleaseStore(_target.Client).LastAsync("web", ns))!.Info.Status);
        var status = clients.Helm("status", "web", "-n", ns, "-o", "json");
        Assert.True(status.Code == 0, status.Err);
        Assert.Equal("deployed", JsonNode.Parse(status.Out)!["info"]!["status"]!.GetValue<string>());

        // kubectl, beside them, sees the same cluster
        var version = clients.Kubectl("version", "-o", "json");
        Assert.True(version.Code == 0, version.Err);
        Assert.NotNull(JsonNode.Parse(version.Out)!["serverVersion"]!["gitVersion"]);
        var configMaps = clients.Kubectl("get", "configmaps", "-n", ns, "-o", "json");
        Assert.True(configMaps.Code == 0, configMaps.Err);
        Assert.Contains(JsonNode.Parse(configMaps.Out)!["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == "web");
        var records = clients.Kubectl("get", "secrets", "-n", ns, "-l", "owner=helm,name=web", "-o", "name");
        Assert.True(records.Code == 0, records.Err);
        Assert.Equal(["secret/sh.helm.release.v1.web.v1", "secret/sh.helm.release.v1.web.v2"], records.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task HelmsOwnRelease_InstallWait_Upgrade_Rollback_Uninstall()
    {
        RealClients.Tool("FERRY_HELM");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var clients = new RealClients(_target, _dir);
        var chart = Path.Combine(_dir, "demo");
        var created = clients.Helm("create", chart);
        Assert.True(created.Code == 0, created.Err);

        RealClients.Ok(clients.Helm("install", "demo", chart, "-n", ns, "--wait", "--timeout", "60s"));
        RealClients.Ok(clients.Helm("upgrade", "demo", chart, "-n", ns, "--set", "replicaCount=2", "--wait", "--timeout", "60s"));
        Assert.Equal(2, (await _target.GetAsync("apps/v1", "Deployment", "demo"))!["spec"]!["replicas"]!.GetValue<int>());
        RealClients.Ok(clients.Helm("rollback", "demo", "1", "-n", ns, "--wait", "--timeout", "60s"));
        Assert.Equal(1, (await _target.GetAsync("apps/v1", "Deployment", "demo"))!["spec"]!["replicas"]!.GetValue<int>());
        // a client-side upgrade after server-side ones (helm's --server-side=false path: update, not apply)
        RealClients.Ok(clients.Helm("upgrade", "demo", chart, "-n", ns, "--set", "image.tag=1.2", "--server-side=false"));
        var image = (await _target.GetAsync("apps/v1", "Deployment", "demo"))!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>();
        Assert.EndsWith(":1.2", image, StringComparison.Ordinal);

        var history = JsonNode.Parse(clients.Helm("history", "demo", "-n", ns, "-o", "json").Out)!.AsArray();
        Assert.Equal(["superseded", "superseded", "superseded", "deployed"], history.Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal("Rollback to 1", history[2]!["description"]!.GetValue<string>());

        // Ferry reads helm's records as its own
        var store = new ReleaseStore(_target.Client);
        Assert.Equal((4, ReleaseStatus.Deployed), ((await store.LastAsync("demo", ns))!.Version, (await store.LastAsync("demo", ns))!.Info.Status));

        RealClients.Ok(clients.Helm("uninstall", "demo", "-n", ns, "--wait"));
        Assert.Null(await _target.GetAsync("apps/v1", "Deployment", "demo"));
        Assert.Null(await store.LastAsync("demo", ns));
    }
}
