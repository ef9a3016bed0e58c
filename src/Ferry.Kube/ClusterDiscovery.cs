using System.Net.Http.Headers;
using System.Text.Json;
using Ferry.Charts;
using k8s;

namespace Ferry.Kube;

/// <summary>
/// Helm's capabilities discovery against a live cluster: <c>/version</c>, then <c>/api</c> and <c>/apis</c> for the
/// group versions and each group version's resource list for its kinds (<c>apps/v1/Deployment</c>). Helm renders
/// an install with these, not its built-in defaults, so <c>.Capabilities.APIVersions.Has</c> sees the CRDs and
/// aggregated APIs the site really has. A group version whose resources cannot be listed (a broken aggregated API)
/// still counts, as in Helm.
/// </summary>
public static class ClusterDiscovery
{
    public static async Task<ClusterCapabilities> DiscoverAsync(IKubernetes client, CancellationToken ct = default)
    {
        var version = await GetAsync(client, "/version", ct).ConfigureAwait(false)
            ?? throw new KubeException("read the server version (/version): the API server did not answer it");
        string Field(string name) => version.RootElement.TryGetProperty(name, out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()
            ?? "" : "";
        var (gitVersion, major, minor) = (Field("gitVersion"), Field("major"), Field("minor"));
        version.Dispose();
        var groupVersions = new List<string>();
        using (var core = await GetAsync(client, "/api", ct).ConfigureAwait(false))
        {
            if (core is not null && core.RootElement.TryGetProperty("versions", out var versions))
            {
                groupVersions.AddRange(versions.EnumerateArray().Select(v => v.GetString() ?? "").Where(v => v.Length > 0));
            }
        }
        using (var groups = await GetAsync(client, "/apis", ct).ConfigureAwait(false))
        {
            if (groups is not null && groups.RootElement.TryGetProperty("groups", out var list))
            {
                foreach (var g in list.EnumerateArray())
                {
                    if (g.TryGetProperty("versions", out var vs))
                    {
                        groupVersions.AddRange(vs.EnumerateArray()
                            .Select(v => v.TryGetProperty("groupVersion", out var x) ? x.GetString() ?? "" : "").Where(v => v.Length > 0));
                    }
                }
            }
        }
        var set = new SortedSet<string>(groupVersions, StringComparer.Ordinal);
        foreach (var groupVersion in groupVersions.Distinct(StringComparer.Ordinal))
        {
            var path = groupVersion.Contains('/', StringComparison.Ordinal) ? "/apis/" + groupVersion : "/api/" + groupVersion;
            using var resources = await GetAsync(client, path, ct, optional: true).ConfigureAwait(false);
            if (resources is null || !resources.RootElement.TryGetProperty("resources", out var rs))
            {
                continue;
            }
            foreach (var r in rs.EnumerateArray())
            {
                if (r.TryGetProperty("kind", out var kind) && kind.GetString() is { Length: > 0 } k)
                {
                    set.Add(groupVersion + "/" + k);
                }
            }
        }
        if (gitVersion.Length == 0)
        {
            throw new KubeException("read the server version (/version): the answer has no gitVersion");
        }
        return new ClusterCapabilities(gitVersion, major, minor, [.. set]);
    }

    /// <summary>A GET of a discovery path with the client's credentials; null for 404 (and for any failure when optional).</summary>
    private static async Task<JsonDocument?> GetAsync(IKubernetes client, string path, CancellationToken ct, bool optional = false)
    {
        if (client is not Kubernetes k)
        {
            throw new KubeException($"discovery needs a KubernetesClient connection (got {client.GetType().Name})");
        }
        var what = $"discover {path}";
        return await KubeConnection.CallAsync(what, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(k.BaseUri.ToString().TrimEnd('/') + path));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (k.Credentials is not null)
            {
                await k.Credentials.ProcessHttpRequestAsync(request, ct).ConfigureAwait(false);
            }
            using var response = await k.HttpClient.SendAsync(request, ct).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound || (optional && !response.IsSuccessStatusCode))
            {
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new KubeException($"{what}: the API server answered {(int)response.StatusCode} {response.ReasonPhrase}; check the " +
                    "kubeconfig's credentials");
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            try
            {
                return await JsonDocument.ParseAsync(body, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw new KubeException($"{what}: the answer is not JSON ({e.Message}); is the kubeconfig's server a Kubernetes API server?", e);
            }
        }).ConfigureAwait(false);
    }
}
