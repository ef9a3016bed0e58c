using k8s;

namespace Ferry.Kube.Tests;

/// <summary>
/// Where Kubernetes tests run: the loopback API simulator, or a real cluster when <c>FERRY_TEST_KUBECONFIG</c>
/// is set. Each test works in its own namespace, deleted afterwards.
/// </summary>
public sealed class KubeTarget : IDisposable
{
    private KubeTarget(IKubernetes client, ApiSimulator? simulator)
    {
        Client = client;
        Simulator = simulator;
        Namespace = "ferry-test-" + Guid.NewGuid().ToString("N")[..8];
    }

    public IKubernetes Client { get; }

    /// <summary>Null against a real cluster (tests needing simulator-only faults skip).</summary>
    public ApiSimulator? Simulator { get; }

    public string Namespace { get; }

    public static KubeTarget Create()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("FERRY_TEST_KUBECONFIG");
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            return new KubeTarget(KubeConnection.Connect(kubeconfig), null);
        }
        var sim = new ApiSimulator();
        return new KubeTarget(KubeConnection.ForUrl(sim.Url), sim);
    }

    public async Task CreateNamespaceAsync() =>
        await Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = Namespace } });

    public void Dispose()
    {
        try
        {
            Client.CoreV1.DeleteNamespace(Namespace);
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // already gone
        }
        Client.Dispose();
        Simulator?.Dispose();
    }
}
