using Ferry.Charts.Releases;
using Ferry.Cli;
using Ferry.Kube;
using Ferry.Kube.Tests;
using k8s;

namespace Ferry.Cli.Tests;

/// <summary>
/// <c>ferry env|history|rollback|uninstall|deploy|plan</c> through a kubeconfig: the loopback API simulator, or a real
/// cluster when FERRY_TEST_KUBECONFIG is set (everything happens in the test's own namespace, deleted afterwards).
/// </summary>
public sealed class CliClusterTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-cli-kube-").FullName;

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Ns => _target.Namespace;

    private async Task<string> KubeconfigAsync()
    {
        await _target.CreateNamespaceAsync();
        return _target.Simulator?.WriteKubeconfig(Path.Combine(_dir, "kubeconfig")) ?? Environment.GetEnvironmentVariable("FERRY_TEST_KUBECONFIG")!;
    }

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    [Fact]
    public async Task EnvSetImportShow_NeverPrintsSecrets()
    {
        var kc = await KubeconfigAsync();
        var (code, output, err) = await Ferry("env", "set", "DB_HOST=db.local", "DB_PASSWORD=hunter2", "--secret", "DB_PASSWORD", "-n", Ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        Assert.Contains("previous content kept in deploy-env-backup", output, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "site.env"), "# site\nREPLICAS=3\n");
        (code, _, err) = await Ferry("env", "import", Path.Combine(_dir, "site.env"), "-n", Ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        (code, output, _) = await Ferry("env", "show", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(0, code);
        Assert.Equal("DB_HOST=db.local\nDB_PASSWORD=(secret, 7 characters)\nREPLICAS=3\n", output);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        (code, output, _) = await Ferry("env", "show", "-n", Ns, "--kubeconfig", kc, "--output", "json");
        Assert.Equal(0, code);
        var json = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.Equal("db.local", json["DB_HOST"]!.GetValue<string>());
        Assert.Equal(7, json["DB_PASSWORD"]!["length"]!.GetValue<int>());
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);

        // unset removes plain and secret keys alike; a key that is not there is named, nothing changes
        (code, _, err) = await Ferry("env", "unset", "REPLICAS", "NOPE", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Contains("NOPE: not set in", err, StringComparison.Ordinal);
        (code, output, err) = await Ferry("env", "unset", "REPLICAS", "DB_PASSWORD", "-n", Ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        Assert.Contains("removed 2 key(s)", output, StringComparison.Ordinal);
        (code, output, _) = await Ferry("env", "show", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(0, code);
        Assert.Equal("DB_HOST=db.local\n", output);
    }

    [Fact]
    public async Task KeysTheBundleDeclaresSecret_GoToTheSecret_WhicheverCommandWritesThem()
    {
        var kc = await KubeconfigAsync();
        var spec = CliRunner.WriteEdgeSpec(_dir, domain: "required: true }\n  - { name: API_TOKEN, secret: true", ns: Ns);
        var bundle = Path.Combine(_dir, "edge.ferry");
        var (code, _, err) = await Ferry("bundle", "build", spec, "-o", bundle, "--env", "DOMAIN=sample.example.com");
        Assert.True(code == 0, err);
        // before any deploy nothing is declared: a key set without --secret is plain
        await Ferry("env", "set", "DOMAIN=edge.site.local", "API_TOKEN=plain-before-deploy", "-n", Ns, "--kubeconfig", kc);
        (code, _, err) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns, "--timeout", "10s");
        Assert.True(code == 0, err);
        using var client = KubeConnection.Connect(kc);
        var cm = await client.CoreV1.ReadNamespacedConfigMapAsync(DeployEnv.ObjectName, Ns);
        Assert.False(cm.Data?.ContainsKey("API_TOKEN") ?? false, "the deploy moves a declared-secret key out of the ConfigMap");
        Assert.Equal("API_TOKEN", cm.Metadata.Annotations[DeployEnv.SecretKeysAnnotation]);
        Assert.Equal("plain-before-deploy", System.Text.Encoding.UTF8.GetString((await client.CoreV1.ReadNamespacedSecretAsync(DeployEnv.ObjectName, Ns)).Data["API_TOKEN"]));

        File.WriteAllText(Path.Combine(_dir, "site.env"), "API_TOKEN=s3cr3t-value\n");
        (code, _, err) = await Ferry("env", "import", Path.Combine(_dir, "site.env"), "-n", Ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        cm = await client.CoreV1.ReadNamespacedConfigMapAsync(DeployEnv.ObjectName, Ns);
        Assert.DoesNotContain("s3cr3t-value", string.Join(",", cm.Data?.Values ?? []), StringComparison.Ordinal);
        Assert.Equal("s3cr3t-value", System.Text.Encoding.UTF8.GetString((await client.CoreV1.ReadNamespacedSecretAsync(DeployEnv.ObjectName, Ns)).Data["API_TOKEN"]));
        var (_, shown, _) = await Ferry("env", "show", "-n", Ns, "--kubeconfig", kc);
        Assert.Contains("API_TOKEN=(secret, 12 characters)", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", shown, StringComparison.Ordinal);
        (code, _, err) = await Ferry("env", "set", "API_TOKEN=again-plain", "-n", Ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        cm = await client.CoreV1.ReadNamespacedConfigMapAsync(DeployEnv.ObjectName, Ns);
        Assert.False(cm.Data?.ContainsKey("API_TOKEN") ?? false);
    }

    [Fact]
    public async Task Status_ADeployWhoseHolderIsGone_NeedsAttention()
    {
        var kc = await KubeconfigAsync();
        using var client = KubeConnection.Connect(kc);
        var old = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new k8s.Models.V1ConfigMap
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = DeployJournal.ObjectName("edge"), Labels = new Dictionary<string, string> { ["ferry.dev/journal"] = "deploy" } },
            Data = new Dictionary<string, string>
            {
                ["product"] = "edge", ["bundle"] = "edge 1.0.0", ["digest"] = "sha256:" + new string('a', 64), ["state"] = "running",
                ["holder"] = "elsewhere/4242/1", ["started"] = old, ["heartbeat"] = old,
            },
        }, Ns);
        var (code, output, _) = await Ferry("status", "--env-namespace", Ns, "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Contains("last deploy of edge: edge 1.0.0, running", output, StringComparison.Ordinal);
        Assert.Contains("this deploy stopped before finishing (its holder elsewhere/4242/1 is gone): run ferry deploy with the same bundle to resume it", output, StringComparison.Ordinal);
        (code, output, _) = await Ferry("status", "--env-namespace", Ns, "--kubeconfig", kc, "--output", "json");
        Assert.Equal(1, code);
        Assert.True(System.Text.Json.Nodes.JsonNode.Parse(output)!["deploys"]![0]!["stalled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task History_ListsRevisionsLikeHelm()
    {
        var kc = await KubeconfigAsync();
        var (code, _, err) = await Ferry("history", "web", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Contains($"release web not found in namespace {Ns}", err, StringComparison.Ordinal);
        using var client = KubeConnection.Connect(kc);
        var store = new ReleaseStore(client);
        var t = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        await store.CreateAsync(new Release
        {
            Name = "web",
            Namespace = Ns,
            Version = 1,
            Info = new ReleaseInfo { FirstDeployed = t, LastDeployed = t, Status = ReleaseStatus.Deployed, Description = "Install complete" },
            ChartJson = "{\"metadata\":{\"name\":\"web\",\"version\":\"1.2.0\",\"appVersion\":\"1.2\"}}",
        }, t);
        string output;
        (code, output, err) = await Ferry("history", "web", "-n", Ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("REVISION", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^1\s+Wed Nov 25 12:00:00 2026\s+deployed\s+web-1\.2\.0\s+1\.2\s+Install complete$", lines[1]);
        (code, output, err) = await Ferry("history", "web", "-n", Ns, "--kubeconfig", kc, "--output", "json");
        Assert.True(code == 0, err);
        var revision = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(output)!.AsArray())!;
        Assert.Equal((1, "deployed", "web-1.2.0", "1.2"), (revision["revision"]!.GetValue<int>(), revision["status"]!.GetValue<string>(), revision["chart"]!.GetValue<string>(), revision["app_version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task MissingKubeconfig_SaysWhatToGive()
    {
        var (code, _, err) = await Ferry("env", "show", "--kubeconfig", Path.Combine(_dir, "nope"));
        Assert.Equal(1, code);
        Assert.Contains("no kubeconfig: give one, set KUBECONFIG, or run inside the cluster (--kubeconfig FILE)", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_MakesANewRevisionFromTheEarlierOne()
    {
        var kc = await KubeconfigAsync();
        using var client = KubeConnection.Connect(kc);
        var manager = new ReleaseManager(client);
        var options = new DeployOptions(TimeSpan.FromSeconds(5), PollInterval: TimeSpan.FromMilliseconds(50));
        const string Chart = "{\"metadata\":{\"name\":\"web\",\"version\":\"1.0.0\"}}";
        ReleasePlan Plan(string value) => new("web", Ns, Chart, "{}",
            [new Charts.Manifest("web/templates/cm.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  v: \"{value}\"\n", "ConfigMap", "v1", "web")], []);
        await manager.UpgradeOrInstallAsync(Plan("1"), options);
        await manager.UpgradeOrInstallAsync(Plan("2"), options);
        var (code, output, err) = await Ferry("rollback", "web", "-n", Ns, "--kubeconfig", kc, "--dry-run");
        Assert.True(code == 0, err);
        Assert.Equal("dry run: web would be rolled back to revision 1 (web-1.0.0) as revision 3; nothing was changed\n", output);
        Assert.Equal("2", (await client.CoreV1.ReadNamespacedConfigMapAsync("web", Ns)).Data["v"]);
        (code, output, err) = await Ferry("rollback", "web", "1", "-n", Ns, "--kubeconfig", kc, "--wait=watcher", "--timeout", "30s", "--cleanup-on-fail");
        Assert.True(code == 0, err);
        Assert.Equal("Rollback to 1: web is now revision 3 (deployed)\n", output);
        var (maxCode, newest, maxErr) = await Ferry("history", "web", "-n", Ns, "--kubeconfig", kc, "--max", "2", "--output", "json");
        Assert.True(maxCode == 0, maxErr);
        Assert.Equal([2, 3], System.Text.Json.Nodes.JsonNode.Parse(newest)!.AsArray().Select(r => r!["revision"]!.GetValue<int>()));
        Assert.Equal("1", (await client.CoreV1.ReadNamespacedConfigMapAsync("web", Ns)).Data["v"]);
        (code, _, err) = await Ferry("rollback", "web", "9", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Contains("release web has no revision 9 (revisions: 1, 2, 3)", err, StringComparison.Ordinal);
        (code, output, err) = await Ferry("uninstall", "web", "-n", Ns, "--kubeconfig", kc, "--dry-run");
        Assert.True(code == 0, err);
        Assert.Equal($"dry run: uninstalling release \"web\" from namespace {Ns} would delete 1 object(s) and its records; nothing was changed\n  delete ConfigMap {Ns}/web\n", output);
        Assert.NotNull(await KubeConnection.FindAsync("read", () => client.CoreV1.ReadNamespacedConfigMapAsync("web", Ns)));
        (code, output, err) = await Ferry("uninstall", "web", "-n", Ns, "--kubeconfig", kc, "--wait", "--cascade", "foreground");
        Assert.True(code == 0, err);
        Assert.Equal($"release \"web\" uninstalled from namespace {Ns}\n", output);
        (code, _, err) = await Ferry("uninstall", "web", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Contains("release web not found", err, StringComparison.Ordinal);
        (code, output, err) = await Ferry("uninstall", "web", "-n", Ns, "--kubeconfig", kc, "--ignore-not-found");
        Assert.True(code == 0, err);
        Assert.Contains("nothing to uninstall", output, StringComparison.Ordinal);
        (code, _, err) = await Ferry("uninstall", "web", "-n", Ns, "--kubeconfig", kc, "--cascade", "sideways");
        Assert.Equal(2, code);
        Assert.Contains("use background, foreground or orphan", err, StringComparison.Ordinal);
        Assert.Null(await KubeConnection.FindAsync("read", () => client.CoreV1.ReadNamespacedConfigMapAsync("web", Ns)));
        (code, _, err) = await Ferry("history", "web", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(1, code);
    }

    [Fact]
    public async Task TemplateValidate_RendersForTheCluster_AndHasItsApiServerCheckEveryObject()
    {
        var kc = await KubeconfigAsync();
        var chart = Path.Combine(CliRunner.Examples, "charts", "gateway");
        var (code, output, err) = await Ferry("template", "edge", chart, "-n", Ns, "--validate", "--kubeconfig", kc);
        Assert.True(code == 0, err);
        var (offlineCode, offline, _) = await Ferry("template", "edge", chart, "-n", Ns);
        Assert.Equal((0, offline), (offlineCode, output));

        // an object of a kind the cluster does not serve is refused, as helm --validate refuses it
        var bad = Path.Combine(_dir, "widgets");
        Directory.CreateDirectory(Path.Combine(bad, "templates"));
        File.WriteAllText(Path.Combine(bad, "Chart.yaml"), "apiVersion: v2\nname: widgets\nversion: 1.0.0\n");
        File.WriteAllText(Path.Combine(bad, "templates", "w.yaml"), "apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
        (code, output, err) = await Ferry("template", "w", bad, "-n", Ns, "--validate", "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("Error: unable to build kubernetes objects from release manifest: ", err, StringComparison.Ordinal);
        Assert.Contains("Widget", err, StringComparison.Ordinal);
        (code, output, _) = await Ferry("template", "w", bad, "-n", Ns); // offline, nothing checks the kind
        Assert.Equal(0, code);
        Assert.Contains("kind: Widget", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndGet_ReadTheRecords_WithTheSitesSecretsMasked()
    {
        var kc = await KubeconfigAsync();
        var spec = CliRunner.WriteEdgeSpec(_dir, ns: Ns);
        var bundle = Path.Combine(_dir, "edge.ferry");
        var (code, output, err) = await Ferry("bundle", "build", spec, "-o", bundle, "--env", "DOMAIN=sample.example.com");
        Assert.True(code == 0, err);
        await Ferry("env", "set", "DOMAIN=hidden.site.local", "--secret", "DOMAIN", "-n", Ns, "--kubeconfig", kc);
        (code, _, err) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns, "--timeout", "10s");
        Assert.True(code == 0, err);

        (code, output, err) = await Ferry("list", "-n", Ns, "--kubeconfig", kc, "--output", "json");
        Assert.True(code == 0, err);
        var release = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(output)!.AsArray())!;
        Assert.Equal(("gateway", "1", "deployed", "gateway-0.9.0"), (release["name"]!.GetValue<string>(), release["revision"]!.GetValue<string>(), release["status"]!.GetValue<string>(), release["chart"]!.GetValue<string>()));
        (code, output, _) = await Ferry("ls", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(0, code);
        Assert.Matches(@"\ngateway\s+" + Ns + @"\s+1\s+", output);

        (code, output, err) = await Ferry("get", "values", "gateway", "-n", Ns, "--env-namespace", Ns, "--kubeconfig", kc);
        Assert.True(code == 0, err);
        Assert.Equal("USER-SUPPLIED VALUES:\nhost: <masked>\n", output);
        (code, output, _) = await Ferry("get", "manifest", "gateway", "-n", Ns, "--env-namespace", Ns, "--kubeconfig", kc);
        Assert.Equal(0, code);
        Assert.Contains("kind: Ingress", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden.site.local", output, StringComparison.Ordinal);
        (code, _, err) = await Ferry("get", "values", "gateway", "-n", Ns, "--revision", "7", "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Contains("release gateway has no revision 7 (it has 1)", err, StringComparison.Ordinal);
        (code, _, err) = await Ferry("get", "values", "nope", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(1, code);
        Assert.Contains($"release nope not found in namespace {Ns}", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ChecksEnvThenInstallsThenIsANoOp()
    {
        var kc = await KubeconfigAsync();
        var spec = CliRunner.WriteEdgeSpec(_dir, domain: "required: true, pattern: \"^[a-z.]+$\"", ns: Ns);
        var bundle = Path.Combine(_dir, "edge.ferry");
        var (code, output, err) = await Ferry("bundle", "build", spec, "-o", bundle, "--env", "DOMAIN=sample.example.com");
        Assert.True(code == 0, err);

        (code, _, err) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns);
        Assert.Equal(1, code);
        Assert.Contains("DOMAIN: required; set it with 'ferry env set DOMAIN=...'", err, StringComparison.Ordinal);
        (code, _, _) = await Ferry("env", "set", "DOMAIN=Bad_Host", "-n", Ns, "--kubeconfig", kc);
        Assert.Equal(0, code);
        (code, _, err) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns);
        Assert.Equal(1, code);
        Assert.Contains("DOMAIN: \"Bad_Host\" does not match ^[a-z.]+$", err, StringComparison.Ordinal);

        await Ferry("env", "set", "DOMAIN=edge.site.local", "-n", Ns, "--kubeconfig", kc);
        (code, output, err) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns, "--timeout", "10s");
        Assert.True(code == 0, err);
        Assert.Matches(@"^gateway\s+installed\s+revision 1\s+Install complete", output);
        using (var client = KubeConnection.Connect(kc))
        {
            Assert.Equal("edge.site.local", (await client.NetworkingV1.ReadNamespacedIngressAsync("gateway-gateway", Ns)).Spec.Rules[0].Host);
        }
        (code, output, _) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns);
        Assert.Equal(0, code);
        Assert.Matches(@"^gateway\s+unchanged", output);

        // helm's upgrade flags: a description for the revision, no waiting, a history of one record
        await Ferry("env", "set", "DOMAIN=other.site.local", "-n", Ns, "--kubeconfig", kc);
        (code, output, err) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns,
            "--description", "change 4711: new host", "--no-wait", "--no-hooks", "--skip-crds", "--history-max", "1");
        Assert.True(code == 0, err);
        Assert.Matches(@"^gateway\s+upgraded\s+revision 2\s+change 4711: new host", output);
        (code, output, err) = await Ferry("history", "gateway", "-n", Ns, "--kubeconfig", kc, "--output", "json");
        Assert.True(code == 0, err);
        var revisions = System.Text.Json.Nodes.JsonNode.Parse(output)!.AsArray();
        Assert.Equal([(2, "change 4711: new host")], revisions.Select(r => (r!["revision"]!.GetValue<int>(), r["description"]!.GetValue<string>())));
        (code, _, err) = await Ferry("deploy", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns, "--history-max", "-1");
        Assert.Equal(2, code);
        Assert.Contains("--history-max needs a number", err, StringComparison.Ordinal);

        (code, output, err) = await Ferry("plan", bundle, "--registry", "127.0.0.1:1", "--kubeconfig", kc, "--env-namespace", Ns);
        Assert.True(code == 0, err);
        Assert.Matches($@"\ngateway\s+{Ns}\s+unchanged\s+gateway 0\.9\.0\s+1\s+0\n", output);
        File.WriteAllText(Path.Combine(_dir, "review.env"), "DOMAIN=review.example.com\n");
        (code, output, err) = await Ferry("plan", bundle, "--registry", "127.0.0.1:1", "--env-file", Path.Combine(_dir, "review.env"), "--output", "json");
        Assert.True(code == 0, err);
        var plan = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.Equal("edge 1.0.0", plan["bundle"]!.GetValue<string>());
        Assert.Equal("render", plan["apps"]![0]!["action"]!.GetValue<string>());
        Assert.Equal("", plan["apps"]![0]!["diff"]!.GetValue<string>());
        File.WriteAllText(Path.Combine(_dir, "bad.env"), "DOMAIN=NOT_OK\n");
        (code, _, err) = await Ferry("plan", bundle, "--registry", "127.0.0.1:1", "--env-file", Path.Combine(_dir, "bad.env"));
        Assert.Equal(1, code);
        Assert.Contains("does not match", err, StringComparison.Ordinal);
    }
}
