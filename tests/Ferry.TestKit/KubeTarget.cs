using System.Text.Json.Nodes;
using k8s;

namespace Ferry.Kube.Tests;

/// <summary>
/// Where Kubernetes tests run: the loopback API simulator, or a real cluster when <c>FERRY_TEST_KUBECONFIG</c>
/// is set. Each test works in its own namespace, deleted afterwards. Tests say what a workload does through its
/// pod template (<see cref="Image"/> with <c>sleep</c>, <c>true</c> or <c>false</c>; <see cref="UnpullableImage"/>
/// to never become ready), which both the simulator's controllers and a real cluster act on.
/// </summary>
public sealed class KubeTarget : IDisposable
{
    private readonly string? _kubeconfig;

    private KubeTarget(IKubernetes client, ApiSimulator? simulator, string? kubeconfig = null)
    {
        _kubeconfig = kubeconfig;
        Client = client;
        Simulator = simulator;
        Namespace = "ferry-test-" + Guid.NewGuid().ToString("N")[..8];
    }

    public IKubernetes Client { get; }

    /// <summary>Null against a real cluster (tests needing simulator-only faults skip).</summary>
    public ApiSimulator? Simulator { get; }

    public string Namespace { get; }

    /// <summary>
    /// A busybox image every node can run (<c>sleep</c>, <c>true</c>, <c>false</c>): <c>FERRY_TEST_IMAGE</c>, by default the
    /// busybox k3s carries in its airgap images (so an offline k3s has it).
    /// </summary>
    public static string Image =>
        Environment.GetEnvironmentVariable("FERRY_TEST_IMAGE") is { Length: > 0 } image ? image : "docker.io/rancher/mirrored-library-busybox:1.36.1";

    /// <summary>An image no node can pull (the <c>.invalid</c> domain never resolves): ImagePullBackOff, never ready.</summary>
    public const string UnpullableImage = "registry.ferry-test.invalid/absent:0";

    /// <summary>How long a runnable workload may take to become ready (real pods pull and start).</summary>
    public TimeSpan ReadyTimeout => Simulator is null ? TimeSpan.FromMinutes(3) : TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a workload that will never be ready (long enough for a kubelet to report why);
    /// <c>FERRY_TEST_STUCK_SECONDS</c> shortens it against a stand-in cluster that reports at once.</summary>
    public TimeSpan StuckTimeout => Simulator is not null ? TimeSpan.FromMilliseconds(400)
        : int.TryParse(Environment.GetEnvironmentVariable("FERRY_TEST_STUCK_SECONDS"), out var s) ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(30);

    public TimeSpan PollInterval => Simulator is null ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(50);

    /// <summary>Deploy options for this target: waits up to <see cref="ReadyTimeout"/>.</summary>
    public DeployOptions Deploy => new(ReadyTimeout, PollInterval: PollInterval);

    /// <summary>A live object in the test's namespace (or cluster-scoped when <paramref name="apiVersion"/>'s kind is), or null.</summary>
    public Task<JsonObject?> GetAsync(string apiVersion, string kind, string name) =>
        new Applier(Client).GetAsync(new ResourceKey(apiVersion, kind, Namespace, name));

    public static KubeTarget Create()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("FERRY_TEST_KUBECONFIG");
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            return new KubeTarget(KubeConnection.Connect(kubeconfig), null, kubeconfig);
        }
        var sim = new ApiSimulator();
        return new KubeTarget(KubeConnection.ForUrl(sim.Url), sim);
    }

    /// <summary>A client acting as another user (<c>Impersonate-User</c>, like <c>kubectl --as</c>); a service account
    /// with no role bindings may do nothing, on a real cluster as on the simulator.</summary>
    public IKubernetes ConnectAs(string user)
    {
        var config = _kubeconfig is null
            ? new KubernetesClientConfiguration { Host = Simulator!.Url }
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig);
        return new Kubernetes(config, new Impersonation(user));
    }

    private sealed class Impersonation(string user) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("Impersonate-User", user);
            return base.SendAsync(request, cancellationToken);
        }
    }

    public async Task CreateNamespaceAsync() =>
        await Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = Namespace } });

    /// <summary>An API group of this test's own for the CRDs it defines: CRDs are cluster-scoped, so a shared name
    /// would collide between tests running at once and outlive them on a real cluster (they are deleted afterwards).</summary>
    public string Group => $"{Namespace}.ferry.test";

    public void Dispose()
    {
        try
        {
            Client.CoreV1.DeleteNamespace(Namespace);
            foreach (var crd in Client.ApiextensionsV1.ListCustomResourceDefinition().Items.Where(c => c.Spec.Group == Group))
            {
                Client.ApiextensionsV1.DeleteCustomResourceDefinition(crd.Metadata.Name);
            }
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // already gone
        }
        Client.Dispose();
        Simulator?.Dispose();
    }
}
