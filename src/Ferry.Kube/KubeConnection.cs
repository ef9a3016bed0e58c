using System.Net;
using k8s;
using k8s.Autorest;

namespace Ferry.Kube;

/// <summary>Connects to a cluster (kubeconfig with context, or the in-cluster service account) and turns API failures into clear errors.</summary>
public static class KubeConnection
{
    /// <summary>
    /// A client for the given kubeconfig (else <c>KUBECONFIG</c>, else <c>~/.kube/config</c>; else in-cluster) and context.
    /// </summary>
    public static IKubernetes Connect(string? kubeconfig = null, string? context = null, TimeSpan? connectTimeout = null)
    {
        var path = kubeconfig ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator).FirstOrDefault(p => p.Length > 0)
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        try
        {
            KubernetesClientConfiguration config;
            if (File.Exists(path))
            {
                config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: context);
            }
            else if (kubeconfig is null && KubernetesClientConfiguration.IsInCluster())
            {
                config = KubernetesClientConfiguration.InClusterConfig();
            }
            else
            {
                throw new KubeException($"{path}: no kubeconfig: give one, set KUBECONFIG, or run " +
                    "inside the cluster") { Remedies = [Remedy.Kubeconfig] };
            }
            BoundConnect(config, connectTimeout ?? ConnectTimeout);
            return new Kubernetes(config, new FirstWatchEventHandler());
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new KubeException($"{path}: {e.Message}{(context is null ? "" : $" (context {context})")}", e);
        }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException or FormatException or ArgumentException || e.GetType()
            .Namespace?.StartsWith("YamlDotNet", StringComparison.Ordinal) == true)
        {
            // the file is not a kubeconfig (another YAML file, or not YAML at all)
            throw new KubeException($"{path}: not a kubeconfig (expected a YAML file with clusters, users and contexts, as kubectl writes it); " +
                "give a kubeconfig", e)
            {
                Remedies = [Remedy.Kubeconfig],
            };
        }
    }

    /// <summary>How long a connection to the API server may take to open (it answers a SYN in milliseconds).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connections that do not open within <see cref="ConnectTimeout"/> fail: behind a firewall that drops packets a call
    /// otherwise waits out the client's 100 s timeout, which then reads as a cancellation.
    /// </summary>
    private static void BoundConnect(KubernetesClientConfiguration config, TimeSpan connectTimeout)
    {
        var earlier = config.FirstMessageHandlerSetup;
        config.FirstMessageHandlerSetup = handler =>
        {
            earlier?.Invoke(handler);
            if (handler is SocketsHttpHandler sockets)
            {
                sockets.ConnectTimeout = connectTimeout;
            }
        };
    }

    /// <summary>For the API simulator and tests: a client for a plain base URL.</summary>
    public static IKubernetes ForUrl(string url) => new Kubernetes(new KubernetesClientConfiguration { Host = url }, new FirstWatchEventHandler());

    /// <summary>Runs an API call, translating failures into <see cref="KubeException"/>s that say what failed and what to do.</summary>
    public static async Task<T> CallAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw Translate(what, e);
        }
        catch (HttpRequestException e)
        {
            throw new KubeException($"{what}: cannot reach the Kubernetes API ({e.Message}); check the kubeconfig's server address and that the " +
                "cluster is running", e);
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            // the client's connect or request timeout, not the user's cancellation
            throw new KubeException($"{what}: the Kubernetes API did not answer in time; check the kubeconfig's server address, that the " +
                "cluster is running, and that a firewall lets its port through", e);
        }
    }

    /// <summary>Like <see cref="CallAsync{T}"/>, but a 404 gives null.</summary>
    public static async Task<T?> FindAsync<T>(string what, Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await CallAsync(what, call).ConfigureAwait(false);
        }
        catch (KubeException e) when (e.InnerException is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    /// <summary>
    /// Creates <paramref name="map"/>, or replaces <paramref name="existing"/> with it (conditional on the
    /// resourceVersion read, so a concurrent writer makes this fail with a conflict instead of being overwritten).
    /// </summary>
    public static async Task<k8s.Models.V1ConfigMap> UpsertConfigMapAsync(IKubernetes client, k8s.Models.V1ConfigMap map,
        k8s.Models.V1ConfigMap? existing, CancellationToken ct = default)
    {
        var (ns, name) = (map.Metadata.NamespaceProperty, map.Metadata.Name);
        if (existing is null)
        {
            return await CallAsync($"create ConfigMap {ns}/{name}", () =>
                client.CoreV1.CreateNamespacedConfigMapAsync(map, ns, cancellationToken: ct)).ConfigureAwait(false);
        }
        map.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
        return await CallAsync($"update ConfigMap {ns}/{name}", () =>
            client.CoreV1.ReplaceNamespacedConfigMapAsync(map, name, ns, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>A ConfigMap Ferry owns (labelled <c>app.kubernetes.io/managed-by: ferry</c>, plus <paramref name="labels"/>).</summary>
    public static k8s.Models.V1ConfigMap FerryConfigMap(string ns, string name, IDictionary<string, string> data,
        params (string Key, string Value)[] labels)
    {
        var all = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "ferry" };
        foreach (var (key, value) in labels)
        {
            all[key] = value;
        }
        return new k8s.Models.V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new k8s.Models.V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = all },
            Data = data,
        };
    }

    /// <summary>Creates a namespace unless it exists.</summary>
    public static async Task EnsureNamespaceAsync(IKubernetes client, string ns, CancellationToken ct = default)
    {
        if (await FindAsync($"read namespace {ns}", () => client.CoreV1.ReadNamespaceAsync(ns, cancellationToken: ct)).ConfigureAwait(false) is null)
        {
            await CallAsync($"create namespace {ns}",
                () => client.CoreV1.CreateNamespaceAsync(
                    new k8s.Models.V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new k8s.Models.V1ObjectMeta { Name = ns } },
                        cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    public static bool IsConflict(KubeException e) => e.InnerException is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict };

    private static KubeException Translate(string what, HttpOperationException e)
    {
        var status = e.Response?.StatusCode;
        var message = StatusMessage(e.Response?.Content) ?? e.Message;
        return status switch
        {
            HttpStatusCode.Forbidden => new KubeException($"{what}: forbidden ({message}); the kubeconfig's account needs RBAC " +
                "permission for this", e),
            HttpStatusCode.Unauthorized => new KubeException($"{what}: unauthorized ({message}); the kubeconfig's credentials were rejected", e),
            HttpStatusCode.Conflict when FieldConflicts(e.Response?.Content) is { Count: > 0 } conflicts => new KubeException(
                $"{what}: {Describe(conflicts)}, changed outside ferry (helm upgrade, kubectl apply or edit); " +
                "change the values so they agree, or take them over (as helm --force-conflicts does)", e)
            {
                Conflicts = conflicts,
                Remedies = [Remedy.ForceConflicts],
            },
            HttpStatusCode.Conflict => new KubeException($"{what}: conflict ({message}); someone else changed it at the same time, retry", e),
            HttpStatusCode.NotFound => new KubeException($"{what}: not found ({message})", e),
            HttpStatusCode.UnprocessableEntity => new KubeException($"{what}: rejected by the API server ({message})", e),
            _ => new KubeException($"{what}: HTTP {(int?)status} ({message})", e),
        };
    }

    /// <summary>"2 fields are owned by helm: .spec.rules, .metadata.annotations.a" (grouped by manager).</summary>
    public static string Describe(IReadOnlyList<FieldConflict> conflicts) => string.Join("; ", conflicts.GroupBy(c => c.Manager).Select(g =>
        $"{g.Count()} field{(g.Count() == 1 ? " is" : "s are")} owned by {g.Key}: {string.Join(", ", g.Select(c => c.Field))}"));

    /// <summary>The FieldManagerConflict causes of a 409 Status body (server-side apply), or none.</summary>
    private static List<FieldConflict> FieldConflicts(string? body)
    {
        var conflicts = new List<FieldConflict>();
        if (string.IsNullOrEmpty(body))
        {
            return conflicts;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("details", out var details) && details.ValueKind == System.Text.Json.JsonValueKind.Object
                && details.TryGetProperty("causes", out var causes) && causes.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (var cause in causes.EnumerateArray())
                {
                    if (cause.ValueKind == System.Text.Json.JsonValueKind.Object && Text(cause, "type") == "FieldManagerConflict")
                    {
                        // kube-apiserver's message: conflict with "helm" (or: conflict with "kubectl-edit" using apps/v1)
                        var message = Text(cause, "message") ?? "";
                        var start = message.IndexOf('"', StringComparison.Ordinal);
                        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
                        conflicts.Add(new FieldConflict(end > start ? message[(start + 1)..end] : message, Text(cause, "field") ?? "?"));
                    }
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // not a Status: no causes to report
        }
        return conflicts;

        static string? Text(System.Text.Json.JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
    }

    private static string? StatusMessage(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
