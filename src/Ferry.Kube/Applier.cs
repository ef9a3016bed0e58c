using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Ferry.Kube;

/// <summary>Where a kind lives in the API: its group, version, plural and whether it is namespaced.</summary>
public sealed record ResourceMapping(string Group, string Version, string Plural, string Kind, bool Namespaced);

/// <summary>
/// Server-side apply of any object (field manager <c>ferry</c>): the kind is resolved through discovery (built-in
/// groups) or the cluster's CustomResourceDefinitions, and the object is patched with
/// <c>application/apply-patch+yaml</c>, so fields Ferry stops applying disappear from the live object.
/// </summary>
public sealed class Applier(IKubernetes client, string fieldManager = "ferry")
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResourceMapping> _mappings = new(StringComparer.Ordinal);

    public string FieldManager => fieldManager;

    /// <summary>Maps apiVersion + kind to a resource, asking the cluster.</summary>
    public async Task<ResourceMapping> ResolveAsync(string apiVersion, string kind, CancellationToken ct = default)
    {
        var cacheKey = apiVersion + "|" + kind;
        if (_mappings.TryGetValue(cacheKey, out var known))
        {
            return known;
        }
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        V1APIResourceList? list = Discovery(group, version) is { } discover
            ? await KubeConnection.CallAsync($"discover {apiVersion}", () => discover(ct)).ConfigureAwait(false)
            : null;
        ResourceMapping? mapping = null;
        if (list?.Resources.FirstOrDefault(r => r.Kind == kind && !r.Name.Contains('/', StringComparison.Ordinal)) is { } found)
        {
            mapping = new ResourceMapping(group, version, found.Name, kind, found.Namespaced);
        }
        else if (list is null)
        {
            var crds = await KubeConnection.CallAsync("list CustomResourceDefinitions",
                () => client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: ct)).ConfigureAwait(false);
            var crd = crds.Items.FirstOrDefault(c => c.Spec.Group == group && c.Spec.Names.Kind == kind
                && c.Spec.Versions.Any(v => v.Name == version));
            if (crd is not null)
            {
                mapping = new ResourceMapping(group, version, crd.Spec.Names.Plural, kind, crd.Spec.Scope != "Cluster");
            }
        }
        if (mapping is null)
        {
            throw new KubeException($"the cluster has no resource for apiVersion {apiVersion} kind {kind}; install its CustomResourceDefinition " +
                "first, or check the chart's apiVersion against the cluster version");
        }
        _mappings[cacheKey] = mapping;
        return mapping;
    }

    /// <summary>How to list the resources of a built-in API group version; null for others (custom resources).</summary>
    private Func<CancellationToken, Task<V1APIResourceList>>? Discovery(string group, string version) => (group, version) switch
    {
        ("", "v1") => ct => client.CoreV1.GetAPIResourcesAsync(ct),
        ("apps", "v1") => ct => client.AppsV1.GetAPIResourcesAsync(ct),
        ("batch", "v1") => ct => client.BatchV1.GetAPIResourcesAsync(ct),
        ("networking.k8s.io", "v1") => ct => client.NetworkingV1.GetAPIResourcesAsync(ct),
        ("rbac.authorization.k8s.io", "v1") => ct => client.RbacAuthorizationV1.GetAPIResourcesAsync(ct),
        ("apiextensions.k8s.io", "v1") => ct => client.ApiextensionsV1.GetAPIResourcesAsync(ct),
        ("storage.k8s.io", "v1") => ct => client.StorageV1.GetAPIResourcesAsync(ct),
        ("policy", "v1") => ct => client.PolicyV1.GetAPIResourcesAsync(ct),
        ("autoscaling", "v1") => ct => client.AutoscalingV1.GetAPIResourcesAsync(ct),
        ("autoscaling", "v2") => ct => client.AutoscalingV2.GetAPIResourcesAsync(ct),
        ("admissionregistration.k8s.io", "v1") => ct => client.AdmissionregistrationV1.GetAPIResourcesAsync(ct),
        ("apiregistration.k8s.io", "v1") => ct => client.ApiregistrationV1.GetAPIResourcesAsync(ct),
        ("scheduling.k8s.io", "v1") => ct => client.SchedulingV1.GetAPIResourcesAsync(ct),
        ("node.k8s.io", "v1") => ct => client.NodeV1.GetAPIResourcesAsync(ct),
        ("coordination.k8s.io", "v1") => ct => client.CoordinationV1.GetAPIResourcesAsync(ct),
        ("discovery.k8s.io", "v1") => ct => client.DiscoveryV1.GetAPIResourcesAsync(ct),
        ("certificates.k8s.io", "v1") => ct => client.CertificatesV1.GetAPIResourcesAsync(ct),
        ("flowcontrol.apiserver.k8s.io", "v1") => ct => client.FlowcontrolApiserverV1.GetAPIResourcesAsync(ct),
        ("events.k8s.io", "v1") => ct => client.EventsV1.GetAPIResourcesAsync(ct),
        ("resource.k8s.io", "v1") => ct => client.ResourceV1.GetAPIResourcesAsync(ct),
        _ => null,
    };

    /// <summary>
    /// Applies one object; its namespace defaults to <paramref name="defaultNamespace"/> for namespaced kinds. Returns the
    /// live object (with <paramref name="dryRun"/>: what it would be; the API server runs every check and changes nothing).
    /// </summary>
    public async Task<JsonObject> ApplyAsync(JsonObject obj, string defaultNamespace, bool force = false, bool dryRun = false,
        CancellationToken ct = default)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>() ?? throw new KubeException("object without apiVersion");
        var kind = obj["kind"]?.GetValue<string>() ?? throw new KubeException("object without kind");
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? throw new KubeException($"{kind} without metadata.name");
        var m = await ResolveAsync(apiVersion, kind, ct).ConfigureAwait(false);
        var ns = m.Namespaced ? obj["metadata"]?["namespace"]?.GetValue<string>() ?? defaultNamespace : "";
        if (m.Namespaced)
        {
            obj["metadata"]!["namespace"] = ns;
        }
        var patch = new V1Patch(obj.ToJsonString(), V1Patch.PatchType.ApplyPatch);
        var what = $"apply {kind} {(ns.Length > 0 ? ns + "/" : "")}{name}";
        // CustomObjects builds /api/v1/... for the core group (""), so one code path serves every kind.
        object result = m.Namespaced
            ? await KubeConnection.CallAsync(what, () =>
                client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, m.Group, m.Version, ns, m.Plural, name, dryRun: dryRun ? "All" : null,
                    fieldManager: fieldManager, force: force, cancellationToken: ct)).ConfigureAwait(false)
            : await KubeConnection.CallAsync(what, () =>
                client.CustomObjects.PatchClusterCustomObjectAsync(patch, m.Group, m.Version, m.Plural, name, dryRun: dryRun ? "All" : null,
                    fieldManager: fieldManager, force: force, cancellationToken: ct)).ConfigureAwait(false);
        return ToJson(result);
    }

    /// <summary>Reads a live object, or null when it does not exist.</summary>
    public async Task<JsonObject?> GetAsync(ResourceKey key, CancellationToken ct = default)
    {
        var m = await ResolveAsync(key.ApiVersion, key.Kind, ct).ConfigureAwait(false);
        var what = $"read {key}";
        object? result = m.Namespaced
            ? await KubeConnection.FindAsync(what, () =>
                client.CustomObjects.GetNamespacedCustomObjectAsync(m.Group, m.Version, key.Namespace, m.Plural, key.Name, ct)).ConfigureAwait(false)
            : await KubeConnection.FindAsync(what, () =>
                client.CustomObjects.GetClusterCustomObjectAsync(m.Group, m.Version, m.Plural, key.Name, ct)).ConfigureAwait(false);
        return result is null ? null : ToJson(result);
    }

    /// <summary>Deletes a live object (background propagation); false when it was already gone.</summary>
    public Task<bool> DeleteAsync(ResourceKey key, CancellationToken ct = default) => DeleteAsync(key, "Background", ct);

    /// <summary>Deletes a live object with a propagation policy (Background, Foreground, Orphan); false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(ResourceKey key, string propagation, CancellationToken ct = default)
    {
        var m = await ResolveAsync(key.ApiVersion, key.Kind, ct).ConfigureAwait(false);
        var what = $"delete {key}";
        var options = new V1DeleteOptions { PropagationPolicy = propagation };
        object? result = m.Namespaced
            ? await KubeConnection.FindAsync(what, () =>
                client.CustomObjects.DeleteNamespacedCustomObjectAsync(m.Group, m.Version, key.Namespace, m.Plural, key.Name, options,
                    propagationPolicy: propagation, cancellationToken: ct)).ConfigureAwait(false)
            : await KubeConnection.FindAsync(what, () =>
                client.CustomObjects.DeleteClusterCustomObjectAsync(m.Group, m.Version, m.Plural, key.Name, options, propagationPolicy: propagation,
                    cancellationToken: ct)).ConfigureAwait(false);
        return result is not null;
    }

    /// <summary>Polls until none of the objects exists any more, or the timeout passes (the error names what is left).</summary>
    public async Task WaitGoneAsync(IReadOnlyList<ResourceKey> keys, TimeSpan timeout, TimeSpan? interval = null, CancellationToken ct = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var left = new List<ResourceKey>();
            foreach (var key in keys)
            {
                if (await GetAsync(key, ct).ConfigureAwait(false) is not null)
                {
                    left.Add(key);
                }
            }
            if (left.Count == 0)
            {
                return;
            }
            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new KubeException($"timed out after {timeout} waiting for {left.Count} object(s) to " +
                    $"be deleted: {string.Join(", ", left.Take(5))}{(left.Count > 5 ? ", ..." : "")}");
            }
            await Task.Delay(interval ?? TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Polls objects until all are ready, one fails, or the timeout passes; the error names what is not ready and why.
    /// <paramref name="applied"/> (in the order of <paramref name="keys"/>) are the objects as the cluster answered their
    /// apply: the first look at each is that answer, not another GET — a ConfigMap, a Secret or a Service is ready as
    /// applied, and a changed Deployment shows its old observedGeneration there, so it is fetched again after a change.
    /// </summary>
    public async Task WaitAsync(IReadOnlyList<ResourceKey> keys, TimeSpan timeout, TimeSpan? interval = null,
        IReadOnlyList<JsonObject>? applied = null, CancellationToken ct = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        for (var round = 0; ; round++)
        {
            var waiting = new List<string>();
            var notReady = new List<JsonObject>();
            for (var i = 0; i < keys.Count; i++)
            {
                var key = keys[i];
                var live = round == 0 && applied is not null ? applied[i] : await GetAsync(key, ct).ConfigureAwait(false);
                var r = live is null ? ReadinessResult.Waiting($"{key} does not exist") : Readiness.Evaluate(live);
                if (r.Failed)
                {
                    throw new KubeException($"{key} failed: {r.Reason}");
                }
                if (!r.Ready)
                {
                    waiting.Add(r.Reason);
                    if (live is not null)
                    {
                        notReady.Add(live);
                    }
                }
            }
            if (waiting.Count == 0)
            {
                return;
            }
            if (DateTimeOffset.UtcNow >= deadline)
            {
                var pods = new List<string>();
                foreach (var live in notReady)
                {
                    pods.AddRange(await PodProblemsAsync(live, ct).ConfigureAwait(false));
                }
                throw new KubeException($"timed out after {timeout.TotalSeconds:0.#}s waiting for {waiting.Count}" +
                    $" object(s): {string.Join("; ", waiting)}"
                    + (pods.Count > 0 ? $"; pods: {string.Join("; ", pods.Distinct())}" : ""));
            }
            await WaitForChangeAsync(notReady, Min(interval ?? TimeSpan.FromSeconds(2), deadline - DateTimeOffset.UtcNow), ct).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan MinPause = TimeSpan.FromMilliseconds(100);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b < TimeSpan.Zero ? TimeSpan.Zero : b;

    /// <summary>
    /// Returns when one of the objects changes (a watch from its resourceVersion, as <c>kubectl wait</c> does) or
    /// <paramref name="poll"/> has passed, whichever comes first; a watch the cluster refuses leaves the poll.
    /// </summary>
    private async Task WaitForChangeAsync(List<JsonObject> objects, TimeSpan poll, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var seconds = (int)Math.Ceiling(Math.Max(1, poll.TotalSeconds));
        var waits = new List<Task> { Task.Delay(poll, done.Token) };
        foreach (var live in objects)
        {
            waits.Add(WatchOnceAsync(live, seconds, done.Token));
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAny(waits).ConfigureAwait(false);
        if (started.Elapsed < MinPause)
        {
            await Task.Delay(MinPause - started.Elapsed, ct).ConfigureAwait(false); // a watch that ends at once never spins the loop
        }
        await done.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(waits).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or KubeException or HttpRequestException or IOException)
        {
            ct.ThrowIfCancellationRequested();
        }
    }

    private async Task WatchOnceAsync(JsonObject live, int timeoutSeconds, CancellationToken ct)
    {
        try
        {
            var md = live["metadata"];
            var (name, ns, rv) = (md?["name"]?.GetValue<string>(), md?["namespace"]?.GetValue<string>(), md?["resourceVersion"]?.GetValue<string>());
            var m = await ResolveAsync(live["apiVersion"]?.GetValue<string>() ?? "", live["kind"]?.GetValue<string>() ?? "", ct)
                .ConfigureAwait(false);
            var selector = $"metadata.name={name}";
            using var response = m.Namespaced
                ? await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(m.Group, m.Version, ns ?? "", m.Plural,
                    fieldSelector: selector, resourceVersion: rv, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct)
                        .ConfigureAwait(false)
                : await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(m.Group, m.Version, m.Plural, fieldSelector: selector,
                    resourceVersion: rv, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or KubeException or HttpRequestException or JsonException or IOException
            && !ct.IsCancellationRequested)
        {
            // no watch here (refused, gone, or a proxy in between): the poll decides
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Why the pods of a workload (selected by its spec.selector.matchLabels) are not ready.</summary>
    private async Task<List<string>> PodProblemsAsync(JsonObject workload, CancellationToken ct) =>
        [.. (await PodStatesAsync(workload, ct).ConfigureAwait(false) ?? []).Where(r => !r.Ready).Select(r => r.Reason)];

    /// <summary>
    /// The readiness of each pod of a Deployment, StatefulSet, DaemonSet or Job (selected by its
    /// spec.selector.matchLabels); null for another kind or a workload without a selector.
    /// </summary>
    public async Task<List<ReadinessResult>?> PodStatesAsync(JsonObject workload, CancellationToken ct = default)
    {
        var kind = workload["kind"]?.GetValue<string>();
        var ns = workload["metadata"]?["namespace"]?.GetValue<string>();
        if (kind is not ("Deployment" or "StatefulSet" or "DaemonSet" or "Job") || ns is null
            || workload["spec"]?["selector"]?["matchLabels"] is not JsonObject match || match.Count == 0)
        {
            return null;
        }
        var selector = string.Join(",", match.Select(kv => $"{kv.Key}={kv.Value?.GetValue<string>()}"));
        var pods = await KubeConnection.CallAsync($"list pods of {kind} {ns}/{workload["metadata"]?["name"]}",
            () => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct)).ConfigureAwait(false);
        return [.. pods.Items.Select(pod =>
        {
            var json = ToJson(pod);
            json["kind"] = "Pod"; // list items carry no kind
            return Readiness.Evaluate(json);
        })];
    }

    private static JsonObject ToJson(object result) => result switch
    {
        JsonElement e => JsonNode.Parse(e.GetRawText())!.AsObject(),
        _ => JsonNode.Parse(KubernetesJson.Serialize(result))!.AsObject(),
    };
}
