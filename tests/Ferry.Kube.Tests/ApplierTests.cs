using System.Text.Json.Nodes;
using k8s;

namespace Ferry.Kube.Tests;

/// <summary>Server-side apply, discovery, CRDs and waiting, through the real KubernetesClient.</summary>
public sealed class ApplierTests
{
    private static JsonObject Deployment(string name, int replicas, params (string Key, string Value)[] labels) =>
        Deployment(name, replicas, KubeTarget.Image, labels);

    /// <summary>A Deployment whose pods run <c>sleep</c> in <paramref name="image"/>.</summary>
    private static JsonObject Deployment(string name, int replicas, string image, params (string Key, string Value)[] labels) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))) },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject
                {
                    ["terminationGracePeriodSeconds"] = 1,
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image, ["command"] = new JsonArray("sleep", "3600") }),
                },
            },
        },
    };

    [Fact]
    public async Task Apply_ReappliedWithoutAField_RemovesItFromTheLiveObject()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var applier = new Applier(target.Client);
        var live = await applier.ApplyAsync(Deployment("web", 2, ("app", "web"), ("tier", "front")), target.Namespace);
        Assert.Equal("front", live["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.Equal(target.Namespace, live["metadata"]!["namespace"]!.GetValue<string>());
        var generation = live["metadata"]!["generation"]!.GetValue<long>();

        live = await applier.ApplyAsync(Deployment("web", 3, ("app", "web")), target.Namespace);
        Assert.Null(live["metadata"]!["labels"]!["tier"]);
        Assert.Equal(3, live["spec"]!["replicas"]!.GetValue<int>());
        Assert.True(live["metadata"]!["generation"]!.GetValue<long>() > generation);
        Assert.Contains(live["metadata"]!["managedFields"]!.AsArray(), f => f!["manager"]!.GetValue<string>() == "ferry");

        var cm = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "web-config" },
            ["data"] = new JsonObject { ["a"] = "1", ["b"] = "2" },
        };
        await applier.ApplyAsync(cm, target.Namespace);
        cm["data"]!.AsObject().Remove("b");
        live = await applier.ApplyAsync(cm, target.Namespace);
        Assert.Equal(["a"], live["data"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task Apply_AnyCoreKind_NamespacedOrClusterScoped_AndDelete()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var applier = new Applier(target.Client);
        var limits = JsonNode.Parse("""{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"defaults"},"spec":{"limits":[{"type":"Container","default":{"memory":"256Mi"}}]}}""")!.AsObject();
        var live = await applier.ApplyAsync(limits, target.Namespace);
        Assert.Equal(target.Namespace, live["metadata"]!["namespace"]!.GetValue<string>());
        var pvName = target.Namespace + "-pv";
        var pv = JsonNode.Parse("""{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"PV"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/pv"}}}""".Replace("PV", pvName, StringComparison.Ordinal))!.AsObject();
        live = await applier.ApplyAsync(pv, target.Namespace);
        Assert.Null(live["metadata"]!["namespace"]);
        var key = new ResourceKey("v1", "PersistentVolume", "", pvName);
        Assert.NotNull(await applier.GetAsync(key));
        Assert.True(await applier.DeleteAsync(key));
        Assert.Null(await applier.GetAsync(key));
        Assert.False(await applier.DeleteAsync(key));
    }

    [Fact]
    public async Task Apply_FieldOwnedByAnotherManager_ConflictsUnlessForced()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        await new Applier(target.Client).ApplyAsync(Deployment("web", 2, ("app", "web")), target.Namespace);
        var other = new Applier(target.Client, "kubectl");
        var e = await Assert.ThrowsAsync<KubeException>(() => other.ApplyAsync(Deployment("web", 5, ("app", "web")), target.Namespace));
        Assert.True(KubeConnection.IsConflict(e));
        Assert.Equal([new FieldConflict("ferry", ".spec.replicas")], e.Conflicts);
        Assert.Contains("1 field is owned by ferry: .spec.replicas", e.Message, StringComparison.Ordinal);
        Assert.Contains("or take them over (as helm --force-conflicts does)", e.Message, StringComparison.Ordinal);
        Assert.Equal([Remedy.ForceConflicts], e.Remedies);
        Assert.DoesNotContain("retry", e.Message, StringComparison.Ordinal);

        // a dry run finds the same conflict, and a forced dry run changes nothing
        e = await Assert.ThrowsAsync<KubeException>(() => other.ApplyAsync(Deployment("web", 5, ("app", "web")), target.Namespace, dryRun: true));
        Assert.Equal([new FieldConflict("ferry", ".spec.replicas")], e.Conflicts);
        var preview = await other.ApplyAsync(Deployment("web", 5, ("app", "web")), target.Namespace, force: true, dryRun: true);
        Assert.Equal(5, preview["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, (await target.GetAsync("apps/v1", "Deployment", "web"))!["spec"]!["replicas"]!.GetValue<int>());

        var live = await other.ApplyAsync(Deployment("web", 5, ("app", "web")), target.Namespace, force: true);
        Assert.Equal(5, live["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Apply_ListMapItems_AreOwnedItemByItem()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        static JsonObject Container(string name, string? image, params (string Name, string Value)[] env)
        {
            var c = new JsonObject { ["name"] = name };
            if (image is not null)
            {
                c["image"] = image;
            }
            if (env.Length > 0)
            {
                c["env"] = new JsonArray(env.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["value"] = e.Value }).ToArray());
            }
            return c;
        }
        JsonObject WithContainers(params JsonObject[] containers)
        {
            var d = Deployment("web", 1, ("app", "web"));
            d["spec"]!["template"]!["spec"]!["containers"] = new JsonArray(containers.Select(c => (JsonNode)c).ToArray());
            return d;
        }
        var ferry = new Applier(target.Client);
        await ferry.ApplyAsync(WithContainers(Container("app", "acme/web:1", ("MODE", "fast")), Container("sidecar", "acme/proxy:1")), target.Namespace);

        // Another manager (an operator, kubectl) adds an env var to the app container only.
        var patch = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(Container("app", null, ("EXTRA", "on"))) } } },
        };
        await new Applier(target.Client, "operator").ApplyAsync(patch, target.Namespace);

        // Ferry's next revision: a new image, no sidecar. The operator's env var stays; the sidecar goes.
        var live = await ferry.ApplyAsync(WithContainers(Container("app", "acme/web:2", ("MODE", "fast"))), target.Namespace);
        var containers = live["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        var app = Assert.Single(containers)!;
        Assert.Equal("acme/web:2", app["image"]!.GetValue<string>());
        Assert.Equal(["MODE", "EXTRA"], app["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CustomResource_ResolvesOnceItsCrdExists()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var applier = new Applier(target.Client);
        var db = new JsonObject
        {
            ["apiVersion"] = $"{target.Group}/v1",
            ["kind"] = "Database",
            ["metadata"] = new JsonObject { ["name"] = "main" },
            ["spec"] = new JsonObject { ["image"] = "postgres:16" },
        };
        var e = await Assert.ThrowsAsync<KubeException>(() => applier.ApplyAsync(db, target.Namespace));
        Assert.Contains("install its CustomResourceDefinition first", e.Message, StringComparison.Ordinal);

        var crd = JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"databases.GROUP"},
             "spec":{"group":"GROUP","scope":"Namespaced","names":{"plural":"databases","singular":"database","kind":"Database"},
               "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """.Replace("GROUP", target.Group, StringComparison.Ordinal))!.AsObject();
        await applier.ApplyAsync(crd, target.Namespace);
        await applier.WaitAsync([new ResourceKey("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", $"databases.{target.Group}")], target.ReadyTimeout, target.PollInterval);
        var live = await new Applier(target.Client).ApplyAsync(db, target.Namespace);
        Assert.Equal("postgres:16", live["spec"]!["image"]!.GetValue<string>());
        Assert.NotNull(await applier.GetAsync(new ResourceKey($"{target.Group}/v1", "Database", target.Namespace, "main")));
    }

    [Fact]
    public async Task Wait_ReadyFailedAndStuckWorkloads()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var applier = new Applier(target.Client);
        var ns = target.Namespace;
        await applier.ApplyAsync(Deployment("web", 2, ("app", "web")), ns);
        var broken = Deployment("broken", 1, KubeTarget.UnpullableImage, ("app", "broken"));
        broken["spec"]!["progressDeadlineSeconds"] = 1;
        await applier.ApplyAsync(broken, ns);
        await applier.ApplyAsync(Deployment("stuck", 1, KubeTarget.UnpullableImage, ("app", "stuck")), ns);

        await applier.WaitAsync([new ResourceKey("apps/v1", "Deployment", ns, "web")], target.ReadyTimeout, target.PollInterval);
        var e = await Assert.ThrowsAsync<KubeException>(() => applier.WaitAsync([new ResourceKey("apps/v1", "Deployment", ns, "broken")], target.ReadyTimeout, target.PollInterval));
        Assert.Contains($"Deployment {ns}/broken failed: Deployment broken: progress deadline exceeded", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<KubeException>(() => applier.WaitAsync([new ResourceKey("apps/v1", "Deployment", ns, "stuck")], target.StuckTimeout, target.PollInterval));
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.Contains("stuck", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_TimeoutNamesTheFailingPodAndImage()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var ns = target.Namespace;
        var applier = new Applier(target.Client);
        await applier.ApplyAsync(Deployment("web", 1, KubeTarget.UnpullableImage, ("app", "web")), ns);
        var e = await Assert.ThrowsAsync<KubeException>(() => applier.WaitAsync([new ResourceKey("apps/v1", "Deployment", ns, "web")], target.StuckTimeout, target.PollInterval));
        // kubelet reports ErrImagePull first, then ImagePullBackOff with "Back-off pulling image"
        Assert.Matches(@"pods: Pod web-[a-z0-9]+-[a-z0-9]+: container app \(registry\.ferry-test\.invalid/absent:0\) is (ImagePullBackOff|ErrImagePull): ", e.Message);
    }

    [Fact]
    public async Task Simulator_StuckPodsGoAwayWithTheirWorkload()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var applier = new Applier(target.Client);
        await applier.ApplyAsync(Deployment("web", 1, KubeTarget.UnpullableImage, ("app", "web")), target.Namespace);
        await WaitForPodsAsync(target, "app=web", 1);
        await applier.ApplyAsync(Deployment("web", 1, ("app", "web")), target.Namespace); // a runnable image again
        await applier.WaitAsync([new ResourceKey("apps/v1", "Deployment", target.Namespace, "web")], target.ReadyTimeout, target.PollInterval);
        Assert.True(await applier.DeleteAsync(new ResourceKey("apps/v1", "Deployment", target.Namespace, "web")));
        await WaitForPodsAsync(target, "app=web", 0);
    }

    /// <summary>Polls until the pods matching <paramref name="selector"/> that are not terminating number <paramref name="count"/>.</summary>
    private static async Task WaitForPodsAsync(KubeTarget target, string selector, int count)
    {
        var deadline = DateTimeOffset.UtcNow + target.ReadyTimeout;
        int seen;
        do
        {
            var pods = await target.Client.CoreV1.ListNamespacedPodAsync(target.Namespace, labelSelector: selector);
            seen = pods.Items.Count(p => p.Metadata.DeletionTimestamp is null);
            if (seen == count)
            {
                return;
            }
            await Task.Delay(target.PollInterval);
        }
        while (DateTimeOffset.UtcNow < deadline);
        Assert.Fail($"{seen} pods match {selector}, expected {count}");
    }

    /// <summary>
    /// Waiting watches the objects it waits for (from their resourceVersion, as kubectl wait does): it returns when the
    /// object becomes ready, not at the next poll. On the simulator the Deployment is held back until it is changed;
    /// on a real cluster its pod takes its own few seconds.
    /// </summary>
    [Fact]
    public async Task Wait_WakesWhenTheObjectChanges_NotAtTheNextPoll()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var applier = new Applier(target.Client);
        target.Simulator?.SetOutcome("slow", Outcome.Hang, onlyAtGeneration: 1);
        await applier.ApplyAsync(Deployment("slow", 1, ("app", "slow")), target.Namespace);
        if (target.Simulator is not null)
        {
            _ = Task.Run(async () =>
            {
                await Task.Delay(1500);
                await new Applier(target.Client).ApplyAsync(Deployment("slow", 2, ("app", "slow")), target.Namespace); // generation 2: ready
            });
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await applier.WaitAsync([new ResourceKey("apps/v1", "Deployment", target.Namespace, "slow")], TimeSpan.FromMinutes(3), interval: TimeSpan.FromMinutes(2));
        var limit = TimeSpan.FromSeconds(target.Simulator is null ? 60 : 10);
        Assert.True(clock.Elapsed < limit, $"ready after {clock.Elapsed.TotalSeconds:0.0}s: the wait slept through the change");
        if (target.Simulator is not null)
        {
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), "the Deployment was held back until its change");
        }
    }
}
