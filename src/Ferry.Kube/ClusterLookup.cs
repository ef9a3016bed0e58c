using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;
using k8s;

namespace Ferry.Kube;

/// <summary>
/// Helm's <c>lookup</c> against the site's cluster, as <c>helm install</c> and <c>helm upgrade</c> answer it (and not
/// <c>helm template</c>): with a name, the live object, or an empty map when there is none; without one, the list
/// (every namespace when the namespace is empty); a cluster-scoped kind ignores the namespace. Charts rely on it to keep
/// what they generated at install (the passwords of Bitnami charts, certificates) on every later render, which is what
/// makes a redeploy change nothing. Each answer is read once per render (one instance per app render).
/// </summary>
public sealed class ClusterLookup(IKubernetes client, Applier? applier = null)
{
    private readonly Applier _applier = applier ?? new Applier(client);
    private readonly ConcurrentDictionary<(string, string, string, string), string> _answers = new();

    /// <summary>The function to give a render (<see cref="HelmFunctionOptions.Lookup"/>).</summary>
    public LookupFunction Function => Lookup;

    private IDictionary<string, object?> Lookup(string apiVersion, string kind, string ns, string name)
    {
        // templates render synchronously; the answer is read on the thread pool, and a fresh copy handed to each call
        var json = _answers.GetOrAdd((apiVersion, kind, ns, name),
            _ => Task.Run(() => ReadAsync(apiVersion, kind, ns, name)).GetAwaiter().GetResult());
        return (IDictionary<string, object?>)DataReader.FromJson(json, NumberMode.IntWhenIntegral)!;
    }

    private async Task<string> ReadAsync(string apiVersion, string kind, string ns, string name)
    {
        ResourceMapping m;
        try
        {
            m = await _applier.ResolveAsync(apiVersion, kind).ConfigureAwait(false);
        }
        catch (KubeException e)
        {
            throw new TemplateFunctionException($"lookup {apiVersion} {kind}: {e.Message}");
        }
        try
        {
            if (name.Length > 0)
            {
                // a namespaced object asked for without its namespace: helm's read at cluster scope finds nothing
                return m.Namespaced && ns.Length == 0 ? "{}"
                    : (await _applier.GetAsync(new ResourceKey(apiVersion, kind, ns, name)).ConfigureAwait(false))?.ToJsonString() ?? "{}";
            }
            var list = m.Namespaced && ns.Length > 0
                ? await KubeConnection.FindAsync($"look up the {kind} list in {ns}", () =>
                    client.CustomObjects.ListNamespacedCustomObjectAsync(m.Group, m.Version, ns, m.Plural)).ConfigureAwait(false)
                : await KubeConnection.FindAsync($"look up the {kind} list", () =>
                    client.CustomObjects.ListClusterCustomObjectAsync(m.Group, m.Version, m.Plural)).ConfigureAwait(false);
            return list switch
            {
                null => "{}",
                JsonElement e => WithItemKinds(e.GetRawText()),
                var other => WithItemKinds(KubernetesJson.Serialize(other)),
            };
        }
        catch (KubeException e)
        {
            // what helm says too: the render fails, nothing is changed
            throw new TemplateFunctionException(e.Message);
        }
    }

    /// <summary>
    /// A list as client-go's unstructured decoding gives it to helm: items the API server sent without kind and
    /// apiVersion get the list's (SecretList → Secret).
    /// </summary>
    private static string WithItemKinds(string json)
    {
        var list = JsonNode.Parse(json)!.AsObject();
        var kind = list["kind"]?.GetValue<string>() is { } k && k.EndsWith("List", StringComparison.Ordinal) ? k[..^4] : null;
        var apiVersion = list["apiVersion"]?.GetValue<string>();
        foreach (var item in list["items"]?.AsArray() ?? [])
        {
            if (item is JsonObject o && o["kind"] is null && o["apiVersion"] is null)
            {
                o["kind"] = kind;
                o["apiVersion"] = apiVersion;
            }
        }
        return list.ToJsonString();
    }
}
