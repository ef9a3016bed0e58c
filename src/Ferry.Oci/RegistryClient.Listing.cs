using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Ferry.Oci;

/// <summary>Catalog and tag listing (paginated with the Link header).</summary>
public sealed partial class RegistryClient
{
    /// <summary>Every repository the registry lists in <c>/v2/_catalog</c>.</summary>
    public IAsyncEnumerable<string> ListRepositoriesAsync(string registry, CancellationToken ct = default) =>
        ListAsync(registry, "/v2/_catalog?n=1000", "repositories", registry, ct);

    /// <summary>Every tag of a repository.</summary>
    public IAsyncEnumerable<string> ListTagsAsync(string registry, string repository, CancellationToken ct = default) =>
        ListAsync(registry, $"/v2/{repository}/tags/list?n=1000", "tags", $"{registry}/{repository}", ct);

    private async IAsyncEnumerable<string> ListAsync(string registry, string first, string property, string what,
        [EnumeratorCancellation] CancellationToken ct)
    {
        string? next = first;
        while (next is not null)
        {
            var path = next;
            using var r = await SendAsync(registry, b => new HttpRequestMessage(HttpMethod.Get, new Uri(b, path)), ct).ConfigureAwait(false);
            if (r.StatusCode == System.Net.HttpStatusCode.NotFound && property == "tags")
            {
                yield break;
            }
            if (!r.IsSuccessStatusCode)
            {
                throw await ErrorAsync(r, what, ct).ConfigureAwait(false);
            }
            var bytes = await r.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            using (var doc = JsonDocument.Parse(bytes))
            {
                if (doc.RootElement.TryGetProperty(property, out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        if (item.GetString() is { } s)
                        {
                            yield return s;
                        }
                    }
                }
            }
            next = null;
            if (r.Headers.TryGetValues("Link", out var links))
            {
                var link = links.First();
                var start = link.IndexOf('<', StringComparison.Ordinal);
                var end = link.IndexOf('>', StringComparison.Ordinal);
                if (start >= 0 && end > start && link.Contains("rel=\"next\"", StringComparison.Ordinal))
                {
                    next = link[(start + 1)..end];
                }
            }
        }
    }
}
