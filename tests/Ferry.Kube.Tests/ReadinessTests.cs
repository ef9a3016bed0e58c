using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>Readiness of live objects in the shapes the API server returns them.</summary>
public sealed class ReadinessTests
{
    private static ReadinessResult Eval(string json, bool lb = false) => Readiness.Evaluate(JsonNode.Parse(json)!.AsObject(), lb);

    [Fact]
    public void Deployment_WaitsForGenerationUpdatedAndAvailableReplicas()
    {
        const string Meta = "\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"generation\":3},\"spec\":{\"replicas\":2}";
        Assert.Contains("has not seen generation 3", Eval($"{{{Meta},\"status\":{{\"observedGeneration\":2}}}}").Reason, StringComparison.Ordinal);
        Assert.Equal("Deployment web: 1 of 2 replicas updated", Eval($"{{{Meta},\"status\":{{\"observedGeneration\":3,\"replicas\":2,\"updatedReplicas\":1,\"availableReplicas\":2}}}}").Reason);
        Assert.Equal("Deployment web: 1 old replicas are pending termination", Eval($"{{{Meta},\"status\":{{\"observedGeneration\":3,\"replicas\":3,\"updatedReplicas\":2,\"availableReplicas\":2}}}}").Reason);
        Assert.True(Eval($"{{{Meta},\"status\":{{\"observedGeneration\":3,\"replicas\":2,\"updatedReplicas\":2,\"availableReplicas\":2}}}}").Ready);
        var stuck = Eval($"{{{Meta},\"status\":{{\"observedGeneration\":3,\"conditions\":[{{\"type\":\"Progressing\",\"status\":\"False\",\"reason\":\"ProgressDeadlineExceeded\",\"message\":\"ReplicaSet \\\"web-5d9\\\" has timed out progressing.\"}}]}}}}");
        Assert.True(stuck.Failed);
        Assert.Contains("progress deadline exceeded", stuck.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Pod_ImagePullBackOffNamesContainerAndImage()
    {
        var r = Eval("""
            {"kind":"Pod","metadata":{"name":"web-1"},"status":{"phase":"Pending","containerStatuses":[
              {"name":"app","image":"registry.site:5000/acme/web:2.3.0","ready":false,
               "state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image \"registry.site:5000/acme/web:2.3.0\""}}}]}}
            """);
        Assert.True(r.Failed);
        Assert.StartsWith("Pod web-1: container app (registry.site:5000/acme/web:2.3.0) is ImagePullBackOff: Back-off pulling image", r.Reason, StringComparison.Ordinal);
        var unscheduled = Eval("""{"kind":"Pod","metadata":{"name":"p"},"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/1 nodes are available: 1 Insufficient memory."}]}}""");
        Assert.False(unscheduled.Failed);
        Assert.Contains("Insufficient memory", unscheduled.Reason, StringComparison.Ordinal);
        Assert.True(Eval("""{"kind":"Pod","metadata":{"name":"p"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""").Ready);
    }

    [Fact]
    public void JobsPvcsServicesCrdsStatefulSetsDaemonSets()
    {
        Assert.True(Eval("""{"kind":"Job","metadata":{"name":"m"},"status":{"succeeded":1,"conditions":[{"type":"Complete","status":"True"}]}}""").Ready);
        var failed = Eval("""{"kind":"Job","metadata":{"name":"m"},"status":{"failed":3,"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"}]}}""");
        Assert.Equal("Job m failed: BackoffLimitExceeded (Job has reached the specified backoff limit)", failed.Reason);
        Assert.False(Eval("""{"kind":"Job","metadata":{"name":"m"},"status":{"active":1}}""").Ready);
        Assert.True(Eval("""{"kind":"PersistentVolumeClaim","metadata":{"name":"d"},"status":{"phase":"Bound"}}""").Ready);
        Assert.Contains("local-path", Eval("""{"kind":"PersistentVolumeClaim","metadata":{"name":"d"},"status":{"phase":"Pending"}}""").Reason, StringComparison.Ordinal);
        const string Lb = """{"kind":"Service","metadata":{"name":"s"},"spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{}}}""";
        Assert.True(Eval(Lb).Ready);
        Assert.False(Eval(Lb, lb: true).Ready);
        Assert.False(Eval("""{"kind":"CustomResourceDefinition","metadata":{"name":"dbs.acme.dev"},"status":{"conditions":[{"type":"NamesAccepted","status":"True"}]}}""").Ready);
        Assert.True(Eval("""{"kind":"CustomResourceDefinition","metadata":{"name":"dbs.acme.dev"},"status":{"conditions":[{"type":"Established","status":"True"}]}}""").Ready);
        Assert.Equal("StatefulSet c: 0 of 1 replicas ready", Eval("""{"kind":"StatefulSet","metadata":{"name":"c","generation":1},"spec":{"replicas":1},"status":{"observedGeneration":1,"updatedReplicas":1,"readyReplicas":0}}""").Reason);
        Assert.True(Eval("""{"kind":"DaemonSet","metadata":{"name":"d","generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":2,"updatedNumberScheduled":2,"numberAvailable":2}}""").Ready);
        Assert.True(Eval("""{"kind":"ConfigMap","metadata":{"name":"c"}}""").Ready);
    }
}

public sealed class PrunePlanTests
{
    [Fact]
    public void Compute_DeletesWhatTheNewManifestDropped_KeepsAnnotatedAndOrdersForUninstall()
    {
        const string Previous = """
            ---
            # Source: web/templates/cm.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web-config
            ---
            # Source: web/templates/pvc.yaml
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: web-data
              annotations:
                helm.sh/resource-policy: keep
            ---
            # Source: web/templates/svc.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: web-old
            ---
            # Source: web/templates/deploy.yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            ---
            # Source: web/templates/role.yaml
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: web-reader
            """;
        const string Next = """
            ---
            # Source: web/templates/deploy.yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: acme
            """;
        var doomed = PrunePlan.Compute(Previous, Next, "acme");
        Assert.Equal(["Service acme/web-old", "ClusterRole web-reader", "ConfigMap acme/web-config"], doomed.Select(d => d.ToString()));
    }
}
