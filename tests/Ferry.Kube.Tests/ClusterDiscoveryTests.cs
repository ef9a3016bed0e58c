using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>Helm's capabilities discovery against the target cluster (the simulator, or a real one).</summary>
public sealed class ClusterDiscoveryTests
{
    [Fact]
    public async Task Discovery_ReportsTheServerVersionAndEveryGroupVersionAndKind()
    {
        using var target = KubeTarget.Create();
        var apis = await ClusterDiscovery.DiscoverAsync(target.Client);
        Assert.Matches(@"^v1\.\d+\.\d+", apis.GitVersion);
        if (target.Simulator is { } sim)
        {
            Assert.Equal(sim.GitVersion, apis.GitVersion);
        }
        foreach (var expected in new[] { "v1", "v1/ConfigMap", "v1/Secret", "apps/v1", "apps/v1/Deployment", "batch/v1/Job", "apiextensions.k8s.io/v1/CustomResourceDefinition" })
        {
            Assert.Contains(expected, apis.ApiVersions);
        }
        Assert.Equal(apis.ApiVersions.Order(StringComparer.Ordinal), apis.ApiVersions);
        Assert.Equal(apis.ApiVersions.Distinct(StringComparer.Ordinal).Count(), apis.ApiVersions.Count);
    }

    [Fact]
    public async Task Discovery_SeesCustomResourceDefinitions()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        Assert.DoesNotContain($"{target.Group}/v1", (await ClusterDiscovery.DiscoverAsync(target.Client)).ApiVersions);
        var applier = new Applier(target.Client);
        var crd = JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.GROUP"},
             "spec":{"group":"GROUP","scope":"Namespaced","names":{"plural":"gadgets","singular":"gadget","kind":"Gadget"},
               "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """.Replace("GROUP", target.Group, StringComparison.Ordinal))!.AsObject();
        await applier.ApplyAsync(crd, target.Namespace);
        await applier.WaitAsync([new ResourceKey("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", $"gadgets.{target.Group}")], target.ReadyTimeout, target.PollInterval);
        var apis = await ClusterDiscovery.DiscoverAsync(target.Client);
        Assert.Contains($"{target.Group}/v1", apis.ApiVersions);
        Assert.Contains($"{target.Group}/v1/Gadget", apis.ApiVersions);
    }

    [Fact]
    public async Task Discovery_OfAnUnreachableServer_SaysSo()
    {
        var client = KubeConnection.ForUrl("http://127.0.0.1:1");
        var e = await Assert.ThrowsAsync<KubeException>(() => ClusterDiscovery.DiscoverAsync(client));
        Assert.Contains("cannot reach the Kubernetes API", e.Message, StringComparison.Ordinal);
    }
}
