using k8s;

namespace Ferry.Kube.Tests;

/// <summary>An API server that is not there, or that no connection reaches (a firewall dropping packets): one clear error, soon.</summary>
public sealed class KubeConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-kubeconn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Kubeconfig(string server)
    {
        var path = Path.Combine(_dir, "config");
        File.WriteAllText(path, $"apiVersion: v1\nkind: Config\nclusters:\n- cluster: {{server: \"{server}\", insecure-skip-tls-verify: true}}\n" +
            "  name: c\ncontexts:\n- context: {cluster: c, user: u}\n  name: c\ncurrent-context: c\nusers:\n- name: u\n  user: {token: t}\n");
        return path;
    }

    [Fact]
    public async Task AnApiServerNoConnectionReaches_IsNamedWithinTheConnectTimeout_NotReadAsACancellation()
    {
        // no connection gets an answer there, as behind a firewall that drops packets; the client's own 100 s timeout would
        // then have surfaced as "cancelled"
        using var silent = await Ferry.Oci.Tests.SilentPort.OpenAsync();
        using var client = KubeConnection.Connect(Kubeconfig($"https://{silent.Address}"), connectTimeout: TimeSpan.FromMilliseconds(300));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<KubeException>(() => KubeConnection.CallAsync("list namespaces", () => client.CoreV1.ListNamespaceAsync()));
        Assert.Equal("list namespaces: the Kubernetes API did not answer in time; check the kubeconfig's server address, that the cluster is " +
            "running, and that a firewall lets its port through", e.Message);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task AnApiServerNothingListensFor_SaysSoAtOnce()
    {
        var port = Ferry.Oci.Tests.Registry.FreePort();
        using var client = KubeConnection.Connect(Kubeconfig($"https://127.0.0.1:{port}"));
        var e = await Assert.ThrowsAsync<KubeException>(() => KubeConnection.CallAsync("list namespaces", () => client.CoreV1.ListNamespaceAsync()));
        Assert.StartsWith("list namespaces: cannot reach the Kubernetes API (Connection refused", e.Message, StringComparison.Ordinal);
    }
}
