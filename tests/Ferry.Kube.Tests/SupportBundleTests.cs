using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Ferry.Charts;
using Ferry.Kube.Support;
using k8s;

namespace Ferry.Kube.Tests;

/// <summary>
/// A broken deploy (one app crash-looping, one whose image cannot be pulled) collected into a support bundle and
/// analyzed: the archive holds what the analysis needs, the analysis names both problems, and none of the site's
/// secrets is anywhere in it — not even where the crashing app printed one into its log.
/// </summary>
public sealed class SupportBundleTests : IDisposable
{
    private const string DbPassword = "Tr0ub4dor-s3cret-77";
    private const string ConnPassword = "hunter2-conn-pw";
    private const string Token = "tok_9f8e7d6c5b4a39281706";
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-support-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ReleasePlan App(string name, string ns, string image, string command, string resources = "{}") => new(name, ns,
        "{\"metadata\":{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"appVersion\":\"1.0\"},\"lock\":null,\"templates\":[],\"values\":{},\"schema\":null,\"files\":[]}", "{}",
        [ReleaseManagerTests.Doc("deployment.yaml", "Deployment", "apps/v1", name,
            $"spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n        - name: main\n          image: {image}\n          command: {command}\n          resources: {resources}\n")],
        []);

    [Fact]
    public async Task BrokenDeploy_IsCollectedRedactedAndAnalyzed()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        await target.CreateNamespaceAsync();
        await new DeployEnv(target.Client, ns).SetAsync(
            new Dictionary<string, string> { ["DB_PASSWORD"] = DbPassword, ["DATABASE_URL"] = $"postgres://shop:{ConnPassword}@db:5432/shop", ["API_TOKEN"] = Token, ["DOMAIN"] = "shop.site.local" },
            new HashSet<string> { "DB_PASSWORD" });
        var manager = new ReleaseManager(target.Client);
        var options = target.Deploy with { Timeout = target.StuckTimeout };
        var crash = App("api", ns, KubeTarget.Image, $"[sh, -c, \"echo starting api; echo connecting with password {DbPassword}; echo 'fatal: database db:5432 unreachable'; exit 3\"]");
        var pull = App("web", ns, KubeTarget.UnpullableImage, "[sleep, \"3600\"]");
        await using (var journal = await DeployJournal.BeginAsync(target.Client, ns, "shop", "shop 2.3.0", "sha256:" + new string('a', 64), DeployJournal.DefaultLease, false))
        {
            await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(crash, options));
            await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(pull, options));
            await journal.FinishAsync(DeployJournal.Failed, "shop 2.3.0: api failed, web failed");
        }

        var file = Path.Combine(_dir, "site-support.tar.gz");
        var progress = new List<string>();
        await using (var output = File.Create(file))
        {
            await new SupportCollector(target.Client).CollectAsync(output, new SupportOptions { Namespaces = [ns], EnvNamespace = ns, FerryVersion = "9.9.9", Progress = new Progress<string>(progress.Add) });
        }

        var files = ReadAll(file);
        // no secret anywhere: not in the env listing, not in the log the app printed it into, not base64-encoded
        foreach (var (name, text) in files)
        {
            foreach (var secret in new[] { DbPassword, ConnPassword, Token, Convert.ToBase64String(Encoding.UTF8.GetBytes(DbPassword)) })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name} holds a secret");
            }
        }
        Assert.Contains("\"DOMAIN\": \"shop.site.local\"", files["support/deploy-env.json"], StringComparison.Ordinal);
        Assert.Contains($"\"DB_PASSWORD\": \"{Redactor.Redacted}\"", files["support/deploy-env.json"], StringComparison.Ordinal);
        Assert.Contains("\"API_TOKEN\"", files["support/deploy-env.json"], StringComparison.Ordinal);
        var log = files.Single(f => f.Key.StartsWith($"support/namespaces/{ns}/logs/api-", StringComparison.Ordinal) && f.Key.EndsWith("/main.log", StringComparison.Ordinal)).Value;
        Assert.Contains("fatal: database db:5432 unreachable", log, StringComparison.Ordinal);
        Assert.Contains($"connecting with password {Redactor.Redacted}", log, StringComparison.Ordinal);
        Assert.Contains("\"kubernetes\"", files["support/info.json"], StringComparison.Ordinal);
        Assert.Contains("shop 2.3.0", files["support/info.json"], StringComparison.Ordinal);
        Assert.Contains("\"status\": \"failed\"", files["support/releases.json"], StringComparison.Ordinal);
        Assert.DoesNotContain("\"config\"", files["support/releases.json"], StringComparison.Ordinal); // history without values
        Assert.Contains("\"allocatable\"", files["support/cluster/nodes.json"], StringComparison.Ordinal);
        Assert.Contains(progress, p => p.Contains($"namespace {ns}", StringComparison.Ordinal));

        var report = SupportAnalyzer.Analyze(file);
        var crashing = Assert.Single(report.Findings, f => f.Problem.Contains("CrashLoopBackOff", StringComparison.Ordinal));
        Assert.StartsWith($"pod {ns}/api-", crashing.Subject, StringComparison.Ordinal);
        Assert.Contains("last exit code 3", crashing.Problem, StringComparison.Ordinal);
        Assert.Contains("log: fatal: database db:5432 unreachable", crashing.Details);
        var unpullable = Assert.Single(report.Findings, f => f.Problem.Contains("cannot pull image", StringComparison.Ordinal));
        Assert.Contains(KubeTarget.UnpullableImage, unpullable.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"pod {ns}/web-", unpullable.Subject, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Subject == $"release {ns}/api" && f.Problem.Contains("failed", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Subject == "deploy of shop" && f.Details.Contains("shop 2.3.0: api failed, web failed"));
    }

    [Fact]
    public async Task UnschedulablePods_UnboundClaims_AndNodePressure_AreNamed()
    {
        using var target = KubeTarget.Create();
        var ns = target.Namespace;
        await target.CreateNamespaceAsync();
        target.Simulator?.PutNode("sim-node-2", "4", "8Gi", "amd64", "DiskPressure");
        var manager = new ReleaseManager(target.Client);
        await Assert.ThrowsAsync<KubeException>(() => manager.UpgradeOrInstallAsync(
            App("big", ns, KubeTarget.Image, "[sleep, \"3600\"]", "{ requests: { cpu: \"512\" } }"), target.Deploy with { Timeout = target.StuckTimeout }));
        await target.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new k8s.Models.V1PersistentVolumeClaim
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "data" },
            Spec = new k8s.Models.V1PersistentVolumeClaimSpec
            {
                StorageClassName = "ferry-test-missing", AccessModes = ["ReadWriteOnce"],
                Resources = new k8s.Models.V1VolumeResourceRequirements { Requests = new Dictionary<string, k8s.Models.ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, ns);
        await manager.UpgradeOrInstallAsync(App("ok", ns, KubeTarget.Image, "[sh, -c, \"echo ready to serve; sleep 3600\"]"), target.Deploy);

        var file = Path.Combine(_dir, "support.tar.gz");
        await using (var output = File.Create(file))
        {
            await new SupportCollector(target.Client).CollectAsync(output, new SupportOptions { Namespaces = [ns], EnvNamespace = ns });
        }
        var files = ReadAll(file);
        Assert.Contains("ready to serve", files.Single(f => f.Key.Contains($"/logs/ok-", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
        var report = SupportAnalyzer.Analyze(file);
        var pending = Assert.Single(report.Findings, f => f.Problem.StartsWith("pod cannot be scheduled (Unschedulable)", StringComparison.Ordinal));
        Assert.StartsWith($"pod {ns}/big-", pending.Subject, StringComparison.Ordinal);
        Assert.Contains(pending.Details, d => d.Contains("Insufficient cpu", StringComparison.Ordinal));
        var claim = Assert.Single(report.Findings, f => f.Subject == $"pvc {ns}/data");
        Assert.Equal("claim is Pending, not Bound (storage class ferry-test-missing)", claim.Problem);
        Assert.Contains(claim.Details, d => d.StartsWith("event ProvisioningFailed: storageclass.storage.k8s.io \"ferry-test-missing\" not found", StringComparison.Ordinal));
        if (target.Simulator is not null)
        {
            Assert.Contains(report.Findings, f => f.Subject == "node sim-node-2" && f.Problem == "DiskPressure" && f.Severity == SupportFinding.Warning);
        }
    }

    [Fact]
    public void Analyze_NamesOomKilledContainers()
    {
        var file = Path.Combine(_dir, "oom.tar.gz");
        using (var output = File.Create(file))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "support/info.json") { DataStream = new MemoryStream("{\"kubernetes\":\"v1.31.4+k3s1\"}"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "support/namespaces/shop/pods.json")
            {
                DataStream = new MemoryStream("""
                    [{"name": "cache-0", "phase": "Running", "containers": [{"name": "redis", "image": "redis:7", "ready": true, "restartCount": 2,
                      "state": {"running": {}}, "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}]}]
                    """u8.ToArray()),
            });
        }
        var finding = Assert.Single(SupportAnalyzer.Analyze(file).Findings);
        Assert.Equal(("pod shop/cache-0", "container redis was OOMKilled (its memory limit is too low for it)"), (finding.Subject, finding.Problem));
    }

    [Fact]
    public void Analyze_RefusesWhatIsNoSupportBundle()
    {
        var garbage = Path.Combine(_dir, "garbage.tar.gz");
        File.WriteAllBytes(garbage, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]);
        Assert.Contains("not a readable support bundle", Assert.Throws<KubeException>(() => SupportAnalyzer.Analyze(garbage)).Message, StringComparison.Ordinal);
        Assert.Contains("no such file", Assert.Throws<KubeException>(() => SupportAnalyzer.Analyze(Path.Combine(_dir, "missing.tar.gz"))).Message, StringComparison.Ordinal);

        // an archive whose files are far larger than any support bundle's: refused before it is read into memory
        var huge = Path.Combine(_dir, "huge.tar.gz");
        using (var output = File.Create(huge))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "support/info.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "support/namespaces/x/pods.json") { DataStream = new ZeroStream(SupportAnalyzer.MaxEntryBytes + 1) });
        }
        Assert.Contains("is not one ferry wrote", Assert.Throws<KubeException>(() => SupportAnalyzer.Analyze(huge)).Message, StringComparison.Ordinal);

        // damaged JSON names the file
        var damaged = Path.Combine(_dir, "damaged.tar.gz");
        using (var output = File.Create(damaged))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "support/info.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "support/releases.json") { DataStream = new MemoryStream("[{\"name\":"u8.ToArray()) });
        }
        Assert.Contains("support bundle file releases.json is not valid JSON", Assert.Throws<KubeException>(() => SupportAnalyzer.Analyze(damaged)).Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> ReadAll(string file)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        using var input = File.OpenRead(file);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            using var reader = entry.DataStream is null ? null : new StreamReader(entry.DataStream);
            files[entry.Name] = reader?.ReadToEnd() ?? "";
        }
        return files;
    }
}
