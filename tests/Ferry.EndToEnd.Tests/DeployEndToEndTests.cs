using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.Charts.Releases;
using Ferry.Kube;
using Ferry.Kube.Tests;

namespace Ferry.EndToEnd.Tests;

/// <summary>
/// <c>ferry deploy</c>, <c>plan</c>, <c>status</c> and <c>history</c> end to end through the command line: bundles
/// built from the vendor's registry, images pushed to a real site registry, apps deployed to the API simulator.
/// </summary>
public sealed class DeployEndToEndTests
{
    private static string Image(JsonObject? workload, string path = "spec.template.spec.containers") =>
        path.Split('.').Aggregate((JsonNode?)workload, (n, p) => n?[p])![0]!["image"]!.GetValue<string>();

    private static string Host(JsonObject? ingress) => ingress!["spec"]!["rules"]![0]!["host"]!.GetValue<string>();

    [SkippableFact]
    public async Task Deploy_InstallNoOpUpgradeAndFailure_ThroughTheCli()
    {
        using var site = new Site();
        var store = new ReleaseStore(site.Client);

        // Bad input changes nothing: a missing env key, a corrupted bundle, an unreachable registry.
        var (code, output, err) = await Site.Ferry(site.DeployArgs(site.V1));
        Assert.Equal(1, code);
        Assert.Contains("DOMAIN: required", err, StringComparison.Ordinal);
        Assert.Contains("WORKER_PASSWORD: required", err, StringComparison.Ordinal);
        await site.SetEnvAsync(("DOMAIN", "shop.site.local"), ("WORKER_PASSWORD", "s3cret-pw"));
        var corrupt = site.V1 + ".corrupt";
        var bytes = File.ReadAllBytes(site.V1);
        bytes[bytes.Length / 2] ^= 0x5a;
        File.WriteAllBytes(corrupt, bytes);
        (code, _, err) = await Site.Ferry(site.DeployArgs(corrupt));
        Assert.Equal(1, code);
        Assert.Contains("verification failed, nothing was changed", err, StringComparison.Ordinal);
        (code, _, err) = await Site.Ferry("deploy", site.V1, "--registry", $"127.0.0.1:{Oci.Tests.Registry.FreePort()}", "--insecure", "--kubeconfig", site.Kubeconfig);
        Assert.Equal(1, code);
        Assert.Contains("site registry 127.0.0.1:", err, StringComparison.Ordinal);
        Assert.Empty(await store.ListAllAsync());
        Assert.Empty(await DeployJournal.ListAsync(site.Client, DeployEnv.DefaultNamespace));

        // The site requires bundles signed by the vendor: an unsigned one is refused before any change.
        var vendor = Path.Combine(site.Product.Dir, "vendor");
        Assert.Equal(0, (await Site.Ferry("keygen", "-o", vendor)).Code);
        (code, output, err) = await Site.Ferry("policy", "require-signature", vendor + ".pub.pem", "--kubeconfig", site.Kubeconfig);
        Assert.True(code == 0, err);
        (code, output, err) = await Site.Ferry("policy", "show", "--kubeconfig", site.Kubeconfig, "--output", "json");
        Assert.True(code == 0, err);
        var policy = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.True(policy["requireSignature"]!.GetValue<bool>());
        Assert.Equal(File.ReadAllText(vendor + ".pub.pem").Trim(), policy["publicKey"]!.GetValue<string>().Trim());
        (code, _, err) = await Site.Ferry(site.DeployArgs(site.V1));
        Assert.Equal(1, code);
        Assert.Contains("the site's policy (ConfigMap ferry-policy) requires bundles signed by the vendor's key; nothing was changed", err, StringComparison.Ordinal);
        Assert.Empty(await store.ListAllAsync());
        foreach (var bundle in new[] { site.V1, site.V2 })
        {
            Assert.Equal(0, (await Site.Ferry("bundle", "sign", bundle, "--key", vendor + ".pem")).Code);
        }

        // Fresh install: every app, images pinned to the site registry by digest.
        (code, output, err) = await Site.Ferry(site.DeployArgs(site.V1, "--output", "json"));
        Assert.True(code == 0, err);
        var outcomes = JsonNode.Parse(output)!.AsArray().Select(o => (o!["app"]!.GetValue<string>(), o["result"]!.GetValue<string>())).ToList();
        Assert.Equal([("shop", "installed"), ("worker", "installed"), ("gateway", "installed"), ("status", "installed")], outcomes);
        var workerDigest = site.Product.ImageDigests[$"{site.Product.Registry.Address}/acme/worker:1.4.2"];
        Assert.Equal($"{site.SiteRegistry.Address}/acme/worker:1.4.2@{workerDigest}",
            Image(site.Api.Get("batch", "cronjobs", "acme", "worker-reindex"), "spec.jobTemplate.spec.template.spec.containers"));
        Assert.NotNull(site.Api.Get("batch", "cronjobs", "acme", "worker-cleanup"));

        // The same bundle again changes nothing.
        (code, output, err) = await Site.Ferry(site.DeployArgs(site.V1));
        Assert.True(code == 0, err);
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains(" unchanged ", StringComparison.Ordinal)));
        Assert.All(await store.ListAllAsync(), r => Assert.Equal(1, r.Version));

        // The plan for v2: only the worker changes; its diff shows the new image and the dropped CronJob; no secret shows.
        (code, output, err) = await Site.Ferry("plan", site.V2, "--registry", site.SiteRegistry.Address, "--kubeconfig", site.Kubeconfig);
        Assert.True(code == 0, err);
        Assert.Matches(@"(?m)^worker\s+acme\s+upgrade\s", output);
        Assert.Matches(@"(?m)^shop\s+acme\s+unchanged\s", output);
        Assert.Contains("--- worker revision 1 (deployed)", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^-\s+image: \S+/acme/worker:1\.4\.2@sha256:", output);
        Assert.Matches(@"(?m)^\+\s+image: \S+/acme/worker:1\.5\.0@sha256:", output);
        Assert.Matches(@"(?m)^-\s+name: worker-cleanup$", output);
        Assert.DoesNotContain("s3cret-pw", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cret-pw")), output, StringComparison.Ordinal);

        // Upgrade to v2: only the worker changes, and the CronJob it dropped is pruned.
        (code, output, err) = await Site.Ferry(site.DeployArgs(site.V2));
        Assert.True(code == 0, err);
        Assert.Matches(@"(?m)^worker\s+upgraded\s+revision 2\s", output);
        Assert.Equal(3, output.Split('\n').Count(l => l.Contains(" unchanged ", StringComparison.Ordinal)));
        Assert.Null(site.Api.Get("batch", "cronjobs", "acme", "worker-cleanup"));
        Assert.Contains("/acme/worker:1.5.0@sha256:", Image(site.Api.Get("batch", "cronjobs", "acme", "worker-reindex"), "spec.jobTemplate.spec.template.spec.containers"), StringComparison.Ordinal);

        // A shop that never becomes ready: rolled back, its dependents untouched, the independent app upgraded.
        site.Api.SetOutcome("shop-shop", Outcome.Hang, onlyAtGeneration: 2);
        await site.SetEnvAsync(("DOMAIN", "new.site.local"), ("SHOP_REPLICAS", "5"));
        (code, output, err) = await Site.Ferry("plan", site.V2, "--registry", site.SiteRegistry.Address, "--kubeconfig", site.Kubeconfig, "--output", "json");
        Assert.True(code == 0, err);
        Assert.Equal(
            ["DOMAIN: \"shop.site.local\" -> \"new.site.local\"", "SHOP_REPLICAS: set to \"5\""],
            JsonNode.Parse(output)!["envChanges"]!.AsArray().Select(c => c!.GetValue<string>()));
        (code, output, err) = await Site.Ferry(site.DeployArgs(site.V2));
        Assert.True(code == 1, output + err);
        Assert.Matches(@"(?m)^shop\s+failed\s.*timed out.*rolled back to revision 1 \(now revision 3\)", output);
        Assert.Matches(@"(?m)^worker\s+skipped\s", output);
        Assert.Matches(@"(?m)^gateway\s+skipped\s.*depends on worker", output);
        Assert.Matches(@"(?m)^status\s+upgraded\s+revision 2\s", output);
        Assert.Equal(2, site.Api.Get("apps", "deployments", "acme", "shop-shop")!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("shop.site.local", Host(site.Api.Get("networking.k8s.io", "ingresses", "edge", "gateway-gateway")));
        Assert.Equal("new.site.local", Host(site.Api.Get("networking.k8s.io", "ingresses", "status", "status-gateway")));
        (code, output, _) = await Site.Ferry("history", "shop", "-n", "acme", "--kubeconfig", site.Kubeconfig);
        Assert.Equal(0, code);
        Assert.Matches(@"(?m)^2\s.*failed\s", output);
        (code, output, _) = await Site.Ferry("status", "--kubeconfig", site.Kubeconfig, "--output", "json");
        Assert.Equal(1, code);
        var status = JsonNode.Parse(output)!;
        Assert.Equal("failed", status["deploys"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(["deployed"], status["releases"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()).Distinct());

        // The k3s alternative to rewriting: registries.yaml mirroring the bundle's source registry to the site registry.
        var registries = Path.Combine(site.Product.Dir, "k3s", "registries.yaml");
        (code, output, err) = await Site.Ferry("registry-config", "--registry", site.SiteRegistry.Address, "--bundle", site.V1, "--plain-http", "-o", registries);
        Assert.True(code == 0, err);
        Assert.Contains("1 registries mirrored", output, StringComparison.Ordinal);
        Assert.Contains($"  \"{site.Product.Registry.Address}\":\n    endpoint:\n      - \"http://{site.SiteRegistry.Address}\"\n", File.ReadAllText(registries), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Deploy_KilledAtSeveralPoints_ResumesAndCompletesWithoutDuplicates()
    {
        using var site = new Site();
        await site.SetEnvAsync(("DOMAIN", "shop.site.local"), ("WORKER_PASSWORD", "s3cret-pw"));
        var killPoints = new (string Method, string Path, string What)[]
        {
            ("POST", "/namespaces/ferry-system/configmaps", "the journal taken, no image pushed yet"),
            ("POST", "/namespaces/acme/secrets", "shop's pending release record written"),
            ("PATCH", "/cronjobs/worker-reindex", "the worker half applied"),
            ("PUT", "/secrets/sh.helm.release.v1.gateway.v1", "gateway marked deployed, nothing after"),
        };
        var logs = new StringBuilder();
        foreach (var (method, path, what) in killPoints)
        {
            using var ferry = new KillSwitch();
            site.Api.OnRequest = (m, p) =>
            {
                if (m == method && p.Contains(path, StringComparison.Ordinal))
                {
                    ferry.Kill();
                }
            };
            ferry.Start(site.DeployArgs(site.V1));
            await ferry.WaitAsync(TimeSpan.FromMinutes(2));
            site.Api.OnRequest = null;
            Assert.True(ferry.Killed, $"kill point '{what}' was not reached; ferry exited {ferry.ExitCode}: {ferry.Stderr}");
            logs.Append(ferry.Stderr);
        }

        // The runs after a kill repaired the release records the killed one left pending.
        Assert.Contains("release shop revision 1 was left pending-install by an interrupted operation; marked failed", logs.ToString(), StringComparison.Ordinal);
        Assert.Contains("release worker revision 1 was left pending-install by an interrupted operation; marked failed", logs.ToString(), StringComparison.Ordinal);
        var store = new ReleaseStore(site.Client);
        var (code, output, err) = await Site.Ferry(site.DeployArgs(site.V1));
        Assert.True(code == 0, err + output);
        Assert.Contains("resuming the deploy of acme-suite 2.3.0", err, StringComparison.Ordinal);
        foreach (var (app, ns) in new[] { ("shop", "acme"), ("worker", "acme"), ("gateway", "edge"), ("status", "status") })
        {
            var history = await store.HistoryAsync(app, ns);
            Assert.Equal(ReleaseStatus.Deployed, history[^1].Info.Status);
            Assert.Single(history, r => r.Info.Status == ReleaseStatus.Deployed);
            Assert.DoesNotContain(history, r => r.Info.Status.StartsWith("pending", StringComparison.Ordinal));
        }
        Assert.NotNull(site.Api.Get("batch", "cronjobs", "acme", "worker-cleanup"));
        var journal = Assert.Single(await DeployJournal.ListAsync(site.Client, DeployEnv.DefaultNamespace));
        Assert.Equal(DeployJournal.Succeeded, journal.State);

        // Nothing left to do: a further run changes nothing.
        (code, output, err) = await Site.Ferry(site.DeployArgs(site.V1));
        Assert.True(code == 0, err);
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains(" unchanged ", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Deploy_WhileAnotherHoldsTheJournal_Refuses()
    {
        using var site = new Site();
        await site.SetEnvAsync(("DOMAIN", "shop.site.local"), ("WORKER_PASSWORD", "pw"));
        using var ferry = new KillSwitch();
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        site.Api.OnRequest = (m, p) =>
        {
            if (m == "POST" && p.Contains("/namespaces/acme/secrets", StringComparison.Ordinal))
            {
                inside.TrySetResult();
                release.Task.Wait(TimeSpan.FromMinutes(1));
            }
        };
        ferry.Start(site.DeployArgs(site.V1));
        await inside.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var (code, _, err) = await Site.Ferry(site.DeployArgs(site.V1));
        release.SetResult();
        site.Api.OnRequest = null;
        Assert.Equal(1, code);
        Assert.Contains("another ferry deploy of acme-suite is running", err, StringComparison.Ordinal);
        await ferry.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(0, ferry.ExitCode);
    }

    /// <summary>A ferry child process the test can SIGKILL from inside a simulator request.</summary>
    private sealed class KillSwitch : IDisposable
    {
        private Process? _process;

        public bool Killed { get; private set; }

        public int ExitCode => _process!.ExitCode;

        public StringBuilder Stderr { get; } = new();

        public void Start(string[] args) => _process = Site.StartFerry(args, line =>
        {
            lock (Stderr)
            {
                Stderr.AppendLine(line);
            }
        });

        public void Kill()
        {
            if (Killed || _process is null)
            {
                return;
            }
            Killed = true;
            _process.Kill(); // SIGKILL on Linux: no cleanup runs, as with kill -9.
            _process.WaitForExit();
        }

        public async Task WaitAsync(TimeSpan timeout) => await _process!.WaitForExitAsync().WaitAsync(timeout);

        public void Dispose()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
            }
            _process?.Dispose();
        }
    }
}
