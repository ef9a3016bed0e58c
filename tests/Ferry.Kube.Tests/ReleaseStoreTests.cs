using System.Text.Json.Nodes;
using Ferry.Charts.Releases;
using k8s;
using k8s.Models;

namespace Ferry.Kube.Tests;

/// <summary>Release records and deploy-env through the real KubernetesClient (simulator, or a cluster with FERRY_TEST_KUBECONFIG).</summary>
public sealed class ReleaseStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static Release Revision(string name, string ns, int version, string status) => new()
    {
        Name = name,
        Namespace = ns,
        Version = version,
        Info = new ReleaseInfo { FirstDeployed = T0, LastDeployed = T0.AddMinutes(version), Status = status, Description = $"revision {version}" },
        ChartJson = "{\"metadata\":{\"name\":\"web\",\"version\":\"1.0.0\"},\"lock\":null,\"templates\":[],\"values\":{},\"schema\":null,\"files\":[]}",
        ConfigJson = $"{{\"replicas\":{version}}}",
        Manifest = $"---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: web-v{version}\n",
    };

    [Fact]
    public async Task InstallUpgradeHistoryAndPrune_AsHelmStoresThem()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var ns = target.Namespace;
        var store = new ReleaseStore(target.Client);
        Assert.Null(await store.LastAsync("web", ns));

        var v1 = Revision("web", ns, 1, ReleaseStatus.PendingInstall);
        await store.CreateAsync(v1, T0);
        v1.Info.Status = ReleaseStatus.Deployed;
        await store.UpdateAsync(v1, T0.AddMinutes(1));
        await store.CreateAsync(Revision("other", ns, 1, ReleaseStatus.Deployed), T0);
        v1.Info.Status = ReleaseStatus.Superseded;
        await store.UpdateAsync(v1, T0.AddMinutes(2));
        await store.CreateAsync(Revision("web", ns, 2, ReleaseStatus.Deployed), T0.AddMinutes(2));

        var history = await store.HistoryAsync("web", ns);
        Assert.Equal([(1, "superseded"), (2, "deployed")], history.Select(r => (r.Version, r.Info.Status)));
        Assert.Equal(2, (await store.DeployedAsync("web", ns))!.Version);
        Assert.Equal("{\"replicas\":2}", history[1].ConfigJson);

        // the raw Secret carries Helm's name, type and labels; the update kept createdAt and added modifiedAt
        var raw = await target.Client.CoreV1.ReadNamespacedSecretAsync("sh.helm.release.v1.web.v1", ns);
        Assert.Equal("helm.sh/release.v1", raw.Type);
        Assert.Equal("helm", raw.Metadata.Labels["owner"]);
        Assert.Equal("superseded", raw.Metadata.Labels["status"]);
        Assert.Equal(T0.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), raw.Metadata.Labels["createdAt"]);
        Assert.Equal(T0.AddMinutes(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), raw.Metadata.Labels["modifiedAt"]);
        Assert.Equal("web", ReleaseSecret.FromSecret(JsonNode.Parse(k8s.KubernetesJson.Serialize(raw))!).Name);

        Assert.Equal(1, await store.PruneHistoryAsync("web", ns, max: 1));
        Assert.Equal([2], (await store.HistoryAsync("web", ns)).Select(r => r.Version));
        Assert.Single(await store.HistoryAsync("other", ns));
    }

    [Fact]
    public async Task StaleUpdate_IsAClearConflict()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var ns = target.Namespace;
        var cm = await target.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);
        cm.Data["a"] = "2";
        await target.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns);
        cm.Data["a"] = "3"; // still the old resourceVersion
        var e = await Assert.ThrowsAsync<KubeException>(() => KubeConnection.CallAsync("update ConfigMap c", () => target.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns)));
        Assert.True(KubeConnection.IsConflict(e));
        Assert.StartsWith("update ConfigMap c: conflict (Operation cannot be fulfilled on configmaps \"c\": the object has been modified", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<KubeException>(() => KubeConnection.CallAsync("create ConfigMap c", () => target.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, ns)));
        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.Null(await KubeConnection.FindAsync("read ConfigMap nope", () => target.Client.CoreV1.ReadNamespacedConfigMapAsync("nope", ns)));
    }

    [Fact]
    public async Task DeployEnv_SecretsApartAndBackupOfPreviousContent()
    {
        using var target = KubeTarget.Create();
        var env = new DeployEnv(target.Client, target.Namespace);
        Assert.Empty((await env.ReadAsync()).Values);
        var secretKeys = new HashSet<string> { "DB_PASSWORD" };
        await env.SetAsync(new Dictionary<string, string> { ["DB_HOST"] = "db.local", ["DB_PASSWORD"] = "s3cret" }, secretKeys);
        var site = await env.ReadAsync();
        Assert.Equal("db.local", site.Values["DB_HOST"]);
        Assert.Equal("s3cret", site.Values["DB_PASSWORD"]);
        Assert.Equal(["DB_PASSWORD"], site.SecretKeys);
        var cm = await target.Client.CoreV1.ReadNamespacedConfigMapAsync(DeployEnv.ObjectName, target.Namespace);
        Assert.False(cm.Data.ContainsKey("DB_PASSWORD"));

        await env.SetAsync(new Dictionary<string, string> { ["DB_HOST"] = "db2.local" }, secretKeys);
        Assert.Equal("db2.local", (await env.ReadAsync()).Values["DB_HOST"]);
        var backup = await target.Client.CoreV1.ReadNamespacedConfigMapAsync(DeployEnv.BackupName, target.Namespace);
        Assert.Equal("db.local", backup.Data["DB_HOST"]);
        var backupSecret = await target.Client.CoreV1.ReadNamespacedSecretAsync(DeployEnv.BackupName, target.Namespace);
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(backupSecret.Data["DB_PASSWORD"]));
    }

    [Fact]
    public async Task ListSelectors_LabelsAndFields()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var ns = target.Namespace;
        foreach (var (name, tier) in new[] { ("a", "front"), ("b", "back"), ("c", "front") })
        {
            await target.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["tier"] = tier } } }, ns);
        }
        var front = await target.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "tier=front");
        Assert.Equal(["a", "c"], front.Items.Select(i => i.Metadata.Name).Where(n => n.Length == 1).Order());
        var notB = await target.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "tier in (front,back)", fieldSelector: "metadata.name!=b");
        Assert.Equal(["a", "c"], notB.Items.Select(i => i.Metadata.Name).Order());
        var one = await target.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=b");
        Assert.Equal("back", Assert.Single(one.Items).Metadata.Labels["tier"]);
    }

    [Fact]
    public async Task ForbiddenAndUnreachable_SayWhatToDo()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var nobody = $"system:serviceaccount:{target.Namespace}:nobody"; // no role bindings
        using var client = target.ConnectAs(nobody);
        var e = await Assert.ThrowsAsync<KubeException>(() => new ReleaseStore(client).HistoryAsync("web", target.Namespace));
        Assert.Contains($"list releases web in namespace {target.Namespace}: forbidden", e.Message, StringComparison.Ordinal);
        Assert.Contains($"User \"{nobody}\" cannot list resource \"secrets\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("RBAC", e.Message, StringComparison.Ordinal);

        using var closed = KubeConnection.ForUrl("http://127.0.0.1:1");
        e = await Assert.ThrowsAsync<KubeException>(() => new ReleaseStore(closed).HistoryAsync("web", "acme"));
        Assert.Contains("cannot reach the Kubernetes API", e.Message, StringComparison.Ordinal);
    }
}

public sealed class LabelSelectorTests
{
    [Theory]
    [InlineData("owner=helm,name=web", true)]
    [InlineData("owner==helm", true)]
    [InlineData("owner!=helm", false)]
    [InlineData("status in (deployed,failed)", true)]
    [InlineData("status notin (deployed)", false)]
    [InlineData("name,!missing", true)]
    [InlineData("missing", false)]
    [InlineData("", true)]
    public void Matches_LikeKubernetes(string selector, bool expected)
    {
        var labels = new JsonObject { ["owner"] = "helm", ["name"] = "web", ["status"] = "deployed" };
        Assert.Equal(expected, LabelSelector.Parse(selector)(labels));
    }

    [Fact]
    public void DotEnv_ParsesAndReportsLine()
    {
        var values = DeployEnv.ParseDotEnv("# site\nDB_HOST=db\nNAME=\"a b\"\n", "site.env");
        Assert.Equal("a b", values["NAME"]);
        var e = Assert.Throws<KubeException>(() => DeployEnv.ParseDotEnv("A=1\nnope\n", "site.env"));
        Assert.StartsWith("site.env:2:1:", e.Message, StringComparison.Ordinal);
    }
}
