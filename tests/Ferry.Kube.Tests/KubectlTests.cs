using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// Real kubectl (v1.35, FERRY_KUBECTL) works against the simulator unchanged (issue 23) — and so against a real cluster
/// with FERRY_TEST_KUBECONFIG: server-side dry runs and diffs change nothing, watches see changes as they happen,
/// <c>kubectl wait</c> returns when a Deployment is Available, short names resolve through discovery.
/// </summary>
public sealed class KubectlTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-kubectl-").FullName;

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>A one-replica Deployment "web" running busybox (<see cref="KubeTarget.Image"/>), as a cluster can run it.</summary>
    private static readonly string Deployment = $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {"{"} name: web {"}"}
        spec:
          replicas: 1
          selector: {"{"} matchLabels: {"{"} app: web {"}"} {"}"}
          template:
            metadata: {"{"} labels: {"{"} app: web {"}"} {"}"}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{"{"} name: app, image: "{KubeTarget.Image}", command: [sleep, "3600"] {"}"}]
        """;

    private static string ConfigMap(string name, string value) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: \"{value}\"\n";

    [SkippableFact]
    public async Task Logs_OfACrashLoopingPod_AndGetNodes()
    {
        RealClients.Tool("FERRY_KUBECTL");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var kubectl = new RealClients(_target, _dir);
        var apply = kubectl.Kubectl("apply", "--server-side", "-n", ns, "-f", Write("crash.yaml", $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: crash }
            spec:
              selector: { matchLabels: { app: crash } }
              template:
                metadata: { labels: { app: crash } }
                spec:
                  containers: [{ name: app, image: "{{KubeTarget.Image}}", command: [sh, -c, "echo booting; echo 'fatal: no config'; exit 2"] }]

            """));
        Assert.True(apply.Code == 0, apply.Err);
        string? pod = null;
        for (var i = 0; i < 120 && pod is null; i++)
        {
            var pods = JsonNode.Parse(kubectl.Kubectl("get", "pods", "-n", ns, "-l", "app=crash", "-o", "json").Out)!["items"]!.AsArray();
            pod = pods.Select(p => p!["status"]?["containerStatuses"]?[0]?["lastState"]?["terminated"] is null ? null : p["metadata"]!["name"]!.GetValue<string>()).FirstOrDefault(n => n is not null);
            if (pod is null)
            {
                await Task.Delay(_target.PollInterval * 10);
            }
        }
        Assert.NotNull(pod);
        var logs = kubectl.Kubectl("logs", pod!, "-n", ns, "--previous", "--tail", "1");
        Assert.True(logs.Code == 0, logs.Err);
        Assert.Equal("fatal: no config\n", logs.Out);
        var wrong = kubectl.Kubectl("logs", pod!, "-n", ns, "-c", "nope");
        Assert.Equal(1, wrong.Code);
        Assert.Contains("container nope is not valid for pod", wrong.Err, StringComparison.Ordinal);
        var nodes = kubectl.Kubectl("get", "nodes", "-o", "json");
        Assert.True(nodes.Code == 0, nodes.Err);
        Assert.Contains(JsonNode.Parse(nodes.Out)!["items"]!.AsArray(), n => n!["status"]!["conditions"]!.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready"));
    }

    [SkippableFact]
    public async Task DryRunAndDiff_ChangeNothing()
    {
        RealClients.Tool("FERRY_KUBECTL");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var kubectl = new RealClients(_target, _dir);
        var apply = kubectl.Kubectl("apply", "--server-side", "-n", ns, "-f", Write("v1.yaml", ConfigMap("web", "1")));
        Assert.True(apply.Code == 0, apply.Err);
        var before = JsonNode.Parse(kubectl.Kubectl("get", "configmap", "web", "-n", ns, "-o", "json").Out)!;

        var v2 = Write("v2.yaml", ConfigMap("web", "2"));
        var dry = kubectl.Kubectl("apply", "--server-side", "--dry-run=server", "-n", ns, "-f", v2, "-o", "json");
        Assert.True(dry.Code == 0, dry.Err);
        Assert.Equal("2", JsonNode.Parse(dry.Out)!["data"]!["a"]!.GetValue<string>()); // what it would be
        var diff = kubectl.Kubectl("diff", "--server-side", "-n", ns, "-f", v2);
        Assert.True(diff.Code == 1, diff.Err); // 1: there are differences
        Assert.Contains("-  a: \"1\"", diff.Out, StringComparison.Ordinal);
        Assert.Contains("+  a: \"2\"", diff.Out, StringComparison.Ordinal);
        var created = kubectl.Kubectl("apply", "--server-side", "--dry-run=server", "-n", ns, "-f", Write("new.yaml", ConfigMap("fresh", "1")));
        Assert.True(created.Code == 0, created.Err);

        var after = JsonNode.Parse(kubectl.Kubectl("get", "configmap", "web", "-n", ns, "-o", "json").Out)!;
        Assert.Equal("1", after["data"]!["a"]!.GetValue<string>());
        Assert.Equal(before["metadata"]!["resourceVersion"]!.GetValue<string>(), after["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Null(await _target.GetAsync("v1", "ConfigMap", "fresh"));
        var bad = kubectl.Kubectl("get", "configmap", "fresh", "-n", ns);
        Assert.Equal(1, bad.Code);
        Assert.Contains("configmaps \"fresh\" not found", bad.Err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Watch_SeesChanges_WaitReturns_ShortNamesResolve()
    {
        RealClients.Tool("FERRY_KUBECTL");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var kubectl = new RealClients(_target, _dir);
        using var watch = kubectl.Start("get", "cm", "-n", ns, "--watch", "-o", "name");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // listed, now watching
            var apply = kubectl.Kubectl("apply", "--server-side", "-n", ns, "-f", Write("w.yaml", ConfigMap("watched", "1")));
            Assert.True(apply.Code == 0, apply.Err);
            Assert.Equal(0, kubectl.Kubectl("delete", "cm", "watched", "-n", ns).Code);
            var seen = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (seen.Count(l => l == "configmap/watched") < 2 && await watch.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                seen.Add(line.Trim());
            }
            Assert.Equal(2, seen.Count(l => l == "configmap/watched")); // its creation and its deletion, as they happened
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }

        // a watch with a timeout ends by itself when it runs out (the server answers at once, then streams)
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bounded = kubectl.Kubectl("get", "cm", "-n", ns, "-w", "--request-timeout=3s", "-o", "name");
        Assert.True(bounded.Code == 0, bounded.Err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"kubectl get -w --request-timeout=3s took {clock.Elapsed.TotalSeconds:0.0}s");

        var created = kubectl.Kubectl("apply", "--server-side", "-n", ns, "-f", Write("d.yaml", Deployment));
        Assert.True(created.Code == 0, created.Err);
        var wait = kubectl.Kubectl("wait", "--for=condition=Available", "deploy/web", "-n", ns, "--timeout=120s");
        Assert.True(wait.Code == 0, wait.Err);
        Assert.Equal("deployment.apps/web condition met", wait.Out.Trim());
        var explain = kubectl.Kubectl("explain", "deployment");
        Assert.True(explain.Code == 0, explain.Err);
        Assert.Contains("KIND:       Deployment", explain.Out, StringComparison.Ordinal);
        var names = kubectl.Kubectl("get", "deploy,cm", "-n", ns, "-o", "name");
        Assert.True(names.Code == 0, names.Err);
        Assert.Contains("deployment.apps/web", names.Out.Split('\n'));
    }

    [SkippableFact]
    public async Task Patch_SetImage_Scale_AuthCanI()
    {
        RealClients.Tool("FERRY_KUBECTL");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var kubectl = new RealClients(_target, _dir);
        Assert.Equal(0, kubectl.Kubectl("apply", "--server-side", "-n", ns, "-f", Write("d.yaml", Deployment)).Code);
        Assert.Equal(0, kubectl.Kubectl("apply", "--server-side", "-n", ns, "-f", Write("cm.yaml", ConfigMap("web", "1"))).Code);

        // strategic merge (kubectl patch's default for built-in kinds): the container is merged by name, not replaced
        var patch = kubectl.Kubectl("patch", "deploy", "web", "-n", ns, "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1"}]}]}}}}""");
        Assert.True(patch.Code == 0, patch.Err);
        var container = (await _target.GetAsync("apps/v1", "Deployment", "web"))!["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal((KubeTarget.Image, "A"), (container["image"]!.GetValue<string>(), container["env"]![0]!["name"]!.GetValue<string>()));
        patch = kubectl.Kubectl("patch", "cm", "web", "-n", ns, "--type=json", "-p", """[{"op":"replace","path":"/data/a","value":"9"},{"op":"add","path":"/data/b","value":"2"}]""");
        Assert.True(patch.Code == 0, patch.Err);
        patch = kubectl.Kubectl("patch", "cm", "web", "-n", ns, "--type=merge", "-p", """{"data":{"b":null,"c":"3"}}""");
        Assert.True(patch.Code == 0, patch.Err);
        var data = (await _target.GetAsync("v1", "ConfigMap", "web"))!["data"]!.AsObject();
        Assert.Equal(["a=9", "c=3"], data.Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal));
        var failed = kubectl.Kubectl("patch", "cm", "web", "-n", ns, "--type=json", "-p", """[{"op":"test","path":"/data/a","value":"1"}]""");
        Assert.Equal(1, failed.Code);

        var image = kubectl.Kubectl("set", "image", "deploy/web", "app=registry.example.com/app:2", "-n", ns);
        Assert.True(image.Code == 0, image.Err);
        var scale = kubectl.Kubectl("scale", "deploy/web", "--replicas=3", "-n", ns);
        Assert.True(scale.Code == 0, scale.Err);
        var web = (await _target.GetAsync("apps/v1", "Deployment", "web"))!;
        Assert.Equal("registry.example.com/app:2", web["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(3, web["spec"]!["replicas"]!.GetValue<int>());

        // kubectl create sends built-in kinds protobuf-encoded
        var create = kubectl.Kubectl("create", "configmap", "made", "--from-literal=k=v", "-n", ns);
        Assert.True(create.Code == 0, create.Err);
        create = kubectl.Kubectl("create", "secret", "generic", "made", "--from-literal=password=s3cret", "-n", ns);
        Assert.True(create.Code == 0, create.Err);
        Assert.Equal("v", (await _target.GetAsync("v1", "ConfigMap", "made"))!["data"]!["k"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String("s3cret"u8), (await _target.GetAsync("v1", "Secret", "made"))!["data"]!["password"]!.GetValue<string>());

        var can = kubectl.Kubectl("auth", "can-i", "create", "deployments", "-n", ns);
        Assert.True(can.Code == 0, can.Err);
        Assert.Equal("yes", can.Out.Trim());
        var cannot = kubectl.Kubectl("auth", "can-i", "create", "deployments", "-n", ns, "--as", "system:serviceaccount:default:nobody");
        Assert.Equal(1, cannot.Code);
        Assert.Equal("no", cannot.Out.Trim());
    }

    [SkippableFact]
    public async Task ClientSideApply_ValidatesFields_GetAll_Tables_Events()
    {
        RealClients.Tool("FERRY_KUBECTL");
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var kubectl = new RealClients(_target, _dir);

        // client-side apply (last-applied annotation, then a strategic merge patch), validated by the server
        var apply = kubectl.Kubectl("apply", "-n", ns, "-f", Write("cm1.yaml", ConfigMap("web", "1")));
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Equal("configmap/web created", apply.Out.Trim());
        apply = kubectl.Kubectl("apply", "-n", ns, "-f", Write("cm2.yaml", ConfigMap("web", "2")));
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Equal("configmap/web configured", apply.Out.Trim());
        var live = JsonNode.Parse(kubectl.Kubectl("get", "cm", "web", "-n", ns, "-o", "json").Out)!;
        Assert.Equal("2", live["data"]!["a"]!.GetValue<string>());
        Assert.Contains("\"a\":\"2\"", live["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.GetValue<string>(), StringComparison.Ordinal);

        // an unknown field is refused (strict, kubectl's default), warned about with --validate=warn
        var typo = Write("typo.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  lables: {a: b}\n");
        var refused = kubectl.Kubectl("apply", "-n", ns, "-f", typo);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("unknown field \"metadata.lables\"", refused.Err, StringComparison.Ordinal);
        refused = kubectl.Kubectl("apply", "--server-side", "-n", ns, "-f", typo);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains(".metadata.lables: field not declared in schema", refused.Err, StringComparison.Ordinal);
        Assert.NotEqual(0, kubectl.Kubectl("get", "cm", "typo", "-n", ns).Code);
        var warned = kubectl.Kubectl("create", "--validate=warn", "-n", ns, "-f", typo);
        Assert.True(warned.Code == 0, warned.Err);
        Assert.Contains("unknown field \"metadata.lables\"", warned.Err, StringComparison.Ordinal);

        // the "all" category, and the events the Deployment's controller records
        Assert.Equal(0, kubectl.Kubectl("apply", "-n", ns, "-f", Write("d.yaml", Deployment)).Code);
        Assert.Equal(0, kubectl.Kubectl("wait", "--for=condition=Available", "deploy/web", "-n", ns, "--timeout=120s").Code);
        var all = kubectl.Kubectl("get", "all", "-n", ns, "-o", "name");
        Assert.True(all.Code == 0, all.Err);
        Assert.Contains("deployment.apps/web", all.Out.Split('\n'));
        Assert.DoesNotContain("configmap/web", all.Out.Split('\n'));
        // server-side printing: the columns kube-apiserver prints for a Deployment
        var table = kubectl.Kubectl("get", "deploy", "web", "-n", ns);
        Assert.True(table.Code == 0, table.Err);
        var lines = table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$", lines[0]);
        Assert.Matches(@"^web\s+1/1\s+1\s+1\s+\d+[smhd]", lines[1]);
        var describe = kubectl.Kubectl("describe", "deploy", "web", "-n", ns);
        Assert.True(describe.Code == 0, describe.Err);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set", describe.Out);
        var events = kubectl.Kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.kind=Deployment", "-o", "json");
        Assert.True(events.Code == 0, events.Err);
        Assert.Contains(JsonNode.Parse(events.Out)!["items"]!.AsArray(), e => e!["reason"]!.GetValue<string>() == "ScalingReplicaSet" && e["involvedObject"]!["name"]!.GetValue<string>() == "web");
    }
}
