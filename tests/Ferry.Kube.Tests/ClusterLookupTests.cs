using System.Collections;
using Ferry.Templates.Values;
using k8s;
using k8s.Models;

namespace Ferry.Kube.Tests;

/// <summary>
/// Helm's <c>lookup</c> answered from the cluster (as helm install/upgrade do): an object, an empty map for one that is
/// not there, lists by namespace or across all, cluster-scoped kinds, and a clear error for a kind the cluster lacks.
/// Against the API simulator, or a real cluster with FERRY_TEST_KUBECONFIG.
/// </summary>
public sealed class ClusterLookupTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();

    public void Dispose() => _target.Dispose();

    /// <summary>A ConfigMap "settings" (replicas: 3) in <paramref name="ns"/>.</summary>
    private Task CreateSettingsAsync(string ns) => _target.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
    {
        Metadata = new V1ObjectMeta { Name = "settings", NamespaceProperty = ns },
        Data = new Dictionary<string, string> { ["replicas"] = "3" },
    }, ns);

    [Fact]
    public async Task Lookup_AnswersAsHelmInstallDoes()
    {
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        await _target.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "db-auth", NamespaceProperty = ns },
            Data = new Dictionary<string, byte[]> { ["password"] = "s3cret"u8.ToArray() },
        }, ns);
        await CreateSettingsAsync(ns);
        var lookup = new ClusterLookup(_target.Client).Function;

        var secret = lookup("v1", "Secret", ns, "db-auth");
        Assert.Equal("Secret", secret["kind"]);
        Assert.Equal("czNjcmV0", ((IDictionary<string, object?>)secret["data"]!)["password"]);
        Assert.Empty(lookup("v1", "Secret", ns, "absent"));
        Assert.Empty(lookup("v1", "Secret", "", "db-auth")); // a namespaced object asked for without its namespace: not found, as in helm

        var list = lookup("v1", "ConfigMap", ns, "");
        Assert.Equal("ConfigMapList", list["kind"]);
        var settings = Assert.Single(((IList)list["items"]!).Cast<IDictionary<string, object?>>(),
            i => (string?)((IDictionary<string, object?>)i["metadata"]!)["name"] == "settings");
        Assert.Equal(("ConfigMap", "v1"), (settings["kind"], settings["apiVersion"])); // as client-go fills them in for helm
        var everywhere = lookup("v1", "ConfigMap", "", "");
        Assert.Contains(((IList)everywhere["items"]!).Cast<IDictionary<string, object?>>(),
            i => (string?)((IDictionary<string, object?>)i["metadata"]!)["namespace"] == ns);

        // a cluster-scoped kind: the namespace given is ignored
        var namespaceObject = lookup("v1", "Namespace", "elsewhere", ns);
        Assert.Equal(ns, ((IDictionary<string, object?>)namespaceObject["metadata"]!)["name"]);

        var e = Assert.Throws<TemplateFunctionException>(() => lookup("example.com/v9", "Widget", ns, "w"));
        Assert.Contains("lookup example.com/v9 Widget: the cluster has no resource for apiVersion example.com/v9 kind Widget", e.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_InARender_ReadsTheCluster()
    {
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        await CreateSettingsAsync(ns);
        var dir = Directory.CreateTempSubdirectory("ferry-lookup-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "templates"));
            File.WriteAllText(Path.Combine(dir, "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 1.0.0\n");
            File.WriteAllText(Path.Combine(dir, "templates", "cm.yaml"),
                "kind: ConfigMap\ndata:\n  found: {{ with lookup \"v1\" \"ConfigMap\" .Release.Namespace \"settings\" }}{{ .data.replicas | quote }}" +
                "{{ else }}none{{ end }}\n" +
                "  missing: {{ lookup \"v1\" \"ConfigMap\" .Release.Namespace \"none\" | len | quote }}\n");
            var options = new Ferry.Charts.HelmTemplateOptions
            {
                Namespace = ns, Functions = new Ferry.Templates.Functions.Helm.HelmFunctionOptions { Lookup = new ClusterLookup(_target.Client).Function },
            };
            var render = Ferry.Charts.HelmTemplate.Run(dir, options);
            Assert.True(render.Succeeded, render.Error);
            Assert.Contains("found: \"3\"\n  missing: \"0\"", Assert.Single(render.Manifests).Content, StringComparison.Ordinal);
            // offline, as helm template: empty
            render = Ferry.Charts.HelmTemplate.Run(dir, options with { Functions = new() });
            Assert.Contains("found: none", Assert.Single(render.Manifests).Content, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
