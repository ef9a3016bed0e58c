using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Ferry.Kube.Support;

/// <summary>What <c>ferry support-bundle</c> collects, and within which bounds.</summary>
public sealed record SupportOptions
{
    /// <summary>The namespaces to collect; empty: every namespace holding a Helm release, and the env namespace.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public string EnvNamespace { get; init; } = DeployEnv.DefaultNamespace;

    /// <summary>The last lines of each container's log (and of its previous instance after a restart).</summary>
    public int TailLines { get; init; } = 200;

    /// <summary>At most this many bytes of one log.</summary>
    public long MaxLogBytes { get; init; } = 256 * 1024;

    /// <summary>At most this many bytes of logs in all; later logs are left out (and named in info.json).</summary>
    public long MaxTotalLogBytes { get; init; } = 64L * 1024 * 1024;

    public string FerryVersion { get; init; } = "";

    public IProgress<string>? Progress { get; init; }
}

/// <summary>
/// <c>ferry support-bundle</c>: one .tar.gz with what a vendor needs to diagnose a site nobody can reach — the
/// cluster's version, nodes (conditions, capacity), storage classes and volumes; per namespace the pods' status,
/// workloads, claims, events and each container's last log lines (and the previous container's after a restart);
/// every release's history without values or manifests; deploy journals; the deploy-env keys with secret-looking values
/// redacted. Every text passes through a <see cref="Redactor"/> that knows the site's secret values.
/// Layout: <c>info.json</c>, <c>cluster/*.json</c>, <c>namespaces/NS/{pods,workloads,pvcs,events}.json</c>,
/// <c>namespaces/NS/logs/POD/CONTAINER[.previous].log</c>, <c>releases.json</c>, <c>deploys.json</c>, <c>deploy-env.json</c>.
/// </summary>
public sealed class SupportCollector(IKubernetes client)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task CollectAsync(Stream output, SupportOptions options, CancellationToken ct = default)
    {
        var env = await new DeployEnv(client, options.EnvNamespace).ReadAsync(ct).ConfigureAwait(false);
        var secretKeys = env.Values.Keys.Where(k => env.SecretKeys.Contains(k) || Redactor.IsSecretName(k) || Redactor.LooksSecret(env.Values[k]))
            .ToHashSet(StringComparer.Ordinal);
        var releases = await new ReleaseStore(client).ListAllAsync(ct).ConfigureAwait(false);
        var journals = await DeployJournal.ListAsync(client, options.EnvNamespace, ct).ConfigureAwait(false);
        var namespaces = options.Namespaces.Count > 0 ? [.. options.Namespaces.Distinct(StringComparer.Ordinal)]
            : releases.Select(r => r.Namespace).Append(options.EnvNamespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        await using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        var archive = new Archive(tar, new Redactor(secretKeys.Select(k => env.Values[k])), ct);

        options.Progress?.Report("collecting the cluster: version, nodes, storage");
        var version = await client.Version.GetCodeAsync(ct).ConfigureAwait(false);
        await ClusterAsync(archive, ct).ConfigureAwait(false);
        var logs = new LogBudget(options.MaxTotalLogBytes);
        foreach (var ns in namespaces)
        {
            await NamespaceAsync(archive, ns, options, logs, ct).ConfigureAwait(false);
        }
        await ReleasesAsync(archive, releases.Where(r => namespaces.Contains(r.Namespace)), ct).ConfigureAwait(false);
        await archive.AddJson("deploys.json", new JsonArray([.. journals.Select(Journal)])).ConfigureAwait(false);
        await archive.AddJson("deploy-env.json", new JsonObject(env.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
            KeyValuePair.Create(kv.Key, (JsonNode?)(secretKeys.Contains(kv.Key) ? Redactor.Redacted : kv.Value))))).ConfigureAwait(false);
        await archive.AddJson("info.json", new JsonObject
        {
            ["ferryVersion"] = options.FerryVersion,
            ["collected"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            ["kubernetes"] = version.GitVersion,
            ["namespaces"] = new JsonArray([.. namespaces.Select(n => (JsonNode)n)]),
            ["bundles"] = new JsonArray([.. journals.Select(j => (JsonNode)j.Bundle)]),
            ["logsLeftOut"] = new JsonArray([.. logs.LeftOut.Select(n => (JsonNode)n)]),
        }).ConfigureAwait(false);
    }

    /// <summary>The support archive being written: every text redacted on the way in.</summary>
    private sealed class Archive(TarWriter tar, Redactor redactor, CancellationToken ct)
    {
        private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

        public async Task Add(string name, string text)
        {
            var data = new MemoryStream(Encoding.UTF8.GetBytes(redactor.Redact(text)));
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "support/" + name) { DataStream = data, Mode = Readable }, ct)
                .ConfigureAwait(false);
        }

        public Task AddJson(string name, JsonNode node) => Add(name, node.ToJsonString(Indented) + "\n");
    }

    /// <summary>How many log bytes may still be collected, and the logs left out once they are spent.</summary>
    private sealed class LogBudget(long max)
    {
        public long Used { get; set; }

        public bool Spent => Used >= max;

        public List<string> LeftOut { get; } = [];
    }

    private async Task ClusterAsync(Archive archive, CancellationToken ct)
    {
        var nodes = await KubeConnection.CallAsync("list nodes", () => client.CoreV1.ListNodeAsync(cancellationToken: ct)).ConfigureAwait(false);
        await archive.AddJson("cluster/nodes.json", new JsonArray([.. nodes.Items.Select(Node)])).ConfigureAwait(false);
        var classes = await KubeConnection.CallAsync("list storage classes", () => client.StorageV1.ListStorageClassAsync(cancellationToken: ct))
            .ConfigureAwait(false);
        await archive.AddJson("cluster/storageclasses.json", new JsonArray([.. classes.Items.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Metadata.Name,
            ["provisioner"] = c.Provisioner,
            ["reclaimPolicy"] = c.ReclaimPolicy,
            ["volumeBindingMode"] = c.VolumeBindingMode,
            ["default"] = c.Metadata.Annotations?.TryGetValue("storageclass.kubernetes.io/is-default-class", out var d) == true && d == "true",
        })])).ConfigureAwait(false);
        var volumes = await KubeConnection.CallAsync("list persistent volumes", () => client.CoreV1.ListPersistentVolumeAsync(cancellationToken: ct))
            .ConfigureAwait(false);
        await archive.AddJson("cluster/persistentvolumes.json", new JsonArray([.. volumes.Items.Select(v => (JsonNode)new JsonObject
        {
            ["name"] = v.Metadata.Name,
            ["phase"] = v.Status?.Phase,
            ["storageClass"] = v.Spec?.StorageClassName,
            ["capacity"] = v.Spec?.Capacity?.TryGetValue("storage", out var q) == true ? q.ToString() : null,
            ["claim"] = v.Spec?.ClaimRef is { } claim ? $"{claim.NamespaceProperty}/{claim.Name}" : null,
        })])).ConfigureAwait(false);
    }

    private async Task NamespaceAsync(Archive archive, string ns, SupportOptions options, LogBudget logs, CancellationToken ct)
    {
        var pods = await KubeConnection.CallAsync($"list pods in {ns}", () => client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct))
            .ConfigureAwait(false);
        options.Progress?.Report($"collecting namespace {ns}: {pods.Items.Count} pods");
        await archive.AddJson($"namespaces/{ns}/pods.json", new JsonArray([.. pods.Items.Select(Pod)])).ConfigureAwait(false);
        await archive.AddJson($"namespaces/{ns}/workloads.json", await WorkloadsAsync(ns, ct).ConfigureAwait(false)).ConfigureAwait(false);
        var claims = await KubeConnection.CallAsync($"list claims in {ns}", () =>
            client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, cancellationToken: ct)).ConfigureAwait(false);
        await archive.AddJson($"namespaces/{ns}/pvcs.json", new JsonArray([.. claims.Items.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Metadata.Name,
            ["phase"] = c.Status?.Phase,
            ["storageClass"] = c.Spec?.StorageClassName,
            ["volume"] = c.Spec?.VolumeName,
            ["requested"] = c.Spec?.Resources?.Requests?.TryGetValue("storage", out var q) == true ? q.ToString() : null,
        })])).ConfigureAwait(false);
        var events = await KubeConnection.CallAsync($"list events in {ns}", () =>
            client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: ct)).ConfigureAwait(false);
        var ordered = events.Items.OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp);
        await archive.AddJson($"namespaces/{ns}/events.json", new JsonArray([.. ordered.Select(e => (JsonNode)new JsonObject
        {
            ["type"] = e.Type,
            ["reason"] = e.Reason,
            ["object"] = $"{e.InvolvedObject?.Kind}/{e.InvolvedObject?.Name}",
            ["message"] = e.Message,
            ["count"] = e.Count,
            ["last"] = (e.LastTimestamp ?? e.EventTime)?.ToString("o", CultureInfo.InvariantCulture),
        })])).ConfigureAwait(false);
        foreach (var pod in pods.Items)
        {
            foreach (var status in (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []))
            {
                foreach (var previous in status.RestartCount > 0 ? new[] { false, true } : [false])
                {
                    var name = $"namespaces/{ns}/logs/{pod.Metadata.Name}/{status.Name}{(previous ? ".previous" : "")}.log";
                    if (logs.Spent)
                    {
                        logs.LeftOut.Add(name);
                    }
                    else if (await LogAsync(pod.Metadata.Name, ns, status.Name, previous, options, ct).ConfigureAwait(false) is { } text)
                    {
                        logs.Used += text.Length;
                        await archive.Add(name, text).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private async Task ReleasesAsync(Archive archive, IEnumerable<Ferry.Charts.Releases.Release> releases, CancellationToken ct)
    {
        var history = new List<Ferry.Charts.Releases.Release>();
        foreach (var r in releases)
        {
            history.AddRange(await new ReleaseStore(client).HistoryAsync(r.Name, r.Namespace, ct).ConfigureAwait(false));
        }
        await archive.AddJson("releases.json", new JsonArray([.. history.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Name,
            ["namespace"] = r.Namespace,
            ["revision"] = r.Version,
            ["status"] = r.Info.Status,
            ["chart"] = $"{r.ChartName}-{r.ChartVersion}",
            ["appVersion"] = r.AppVersion,
            ["updated"] = r.Info.LastDeployed.ToString("o", CultureInfo.InvariantCulture),
            ["description"] = r.Info.Description,
        })])).ConfigureAwait(false);
    }

    private static JsonNode Journal(JournalRecord j) => new JsonObject
    {
        ["product"] = j.Product,
        ["bundle"] = j.Bundle,
        ["digest"] = j.Digest,
        ["state"] = j.State,
        ["holder"] = j.Holder,
        ["started"] = j.Started.ToString("o", CultureInfo.InvariantCulture),
        ["finished"] = j.Finished?.ToString("o", CultureInfo.InvariantCulture),
        ["stalled"] = DeployJournal.IsStalled(j, DateTimeOffset.UtcNow),
        ["summary"] = j.Summary,
        ["steps"] = new JsonObject(j.Steps.Where(s => s.Key != DeployJournal.EnvStep).Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
    };

    private async Task<string?> LogAsync(string pod, string ns, string container, bool previous, SupportOptions options, CancellationToken ct)
    {
        try
        {
            using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, previous: previous,
                tailLines: options.TailLines,
                limitBytes: (int)Math.Min(int.MaxValue, options.MaxLogBytes), cancellationToken: ct).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
            var buffer = new char[options.MaxLogBytes];
            var read = await reader.ReadBlockAsync(buffer, ct).ConfigureAwait(false);
            return new string(buffer, 0, read);
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            // no log (a container that never started, a previous instance already gone): say so instead
            return previous ? null : $"(no log: {e.Response?.Content ?? e.Message})\n";
        }
    }

    private async Task<JsonArray> WorkloadsAsync(string ns, CancellationToken ct)
    {
        var list = new List<JsonNode>();
        static JsonArray Conditions(IEnumerable<(string Type, string Status, string Reason, string Message)>? conditions) =>
            new([.. (conditions ?? [])
                .Select(c => (JsonNode)new JsonObject { ["type"] = c.Type, ["status"] = c.Status, ["reason"] = c.Reason, ["message"] = c.Message })]);
        var deployments = await KubeConnection.CallAsync($"list deployments in {ns}", () =>
            client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var d in deployments.Items)
        {
            list.Add(new JsonObject
            {
                ["kind"] = "Deployment", ["name"] = d.Metadata.Name, ["replicas"] = d.Spec?.Replicas ?? 1, ["ready"] = d.Status?.ReadyReplicas ?? 0,
                    ["available"] = d.Status?.AvailableReplicas ?? 0,
                ["conditions"] = Conditions(d.Status?.Conditions?.Select(c => (c.Type, c.Status, c.Reason, c.Message))),
            });
        }
        var statefulSets = await KubeConnection.CallAsync($"list statefulsets in {ns}", () =>
            client.AppsV1.ListNamespacedStatefulSetAsync(ns, cancellationToken: ct)).ConfigureAwait(false);
        list.AddRange(statefulSets.Items.Select(s => (JsonNode)new JsonObject
        {
            ["kind"] = "StatefulSet", ["name"] = s.Metadata.Name, ["replicas"] = s.Spec?.Replicas ?? 1, ["ready"] = s.Status?.ReadyReplicas ?? 0,
        }));
        var daemonSets = await KubeConnection.CallAsync($"list daemonsets in {ns}", () =>
            client.AppsV1.ListNamespacedDaemonSetAsync(ns, cancellationToken: ct)).ConfigureAwait(false);
        list.AddRange(daemonSets.Items.Select(s => (JsonNode)new JsonObject
        {
            ["kind"] = "DaemonSet", ["name"] = s.Metadata.Name, ["replicas"] = s.Status?.DesiredNumberScheduled ?? 0,
                ["ready"] = s.Status?.NumberReady ?? 0,
        }));
        var jobs = await KubeConnection.CallAsync($"list jobs in {ns}", () => client.BatchV1.ListNamespacedJobAsync(ns, cancellationToken: ct))
            .ConfigureAwait(false);
        list.AddRange(jobs.Items.Select(j => (JsonNode)new JsonObject
        {
            ["kind"] = "Job", ["name"] = j.Metadata.Name, ["succeeded"] = j.Status?.Succeeded ?? 0, ["failed"] = j.Status?.Failed ?? 0,
            ["conditions"] = Conditions(j.Status?.Conditions?.Select(c => (c.Type, c.Status, c.Reason, c.Message))),
        }));
        return new JsonArray([.. list]);
    }

    private static JsonNode Node(V1Node n) => new JsonObject
    {
        ["name"] = n.Metadata.Name,
        ["unschedulable"] = n.Spec?.Unschedulable == true,
        ["conditions"] = new JsonArray(
            [.. (n.Status?.Conditions ?? [])
                .Select(c => (JsonNode)new JsonObject { ["type"] = c.Type, ["status"] = c.Status, ["reason"] = c.Reason, ["message"] = c.Message })]),
        ["capacity"] = Quantities(n.Status?.Capacity),
        ["allocatable"] = Quantities(n.Status?.Allocatable),
        ["kubelet"] = n.Status?.NodeInfo?.KubeletVersion,
        ["architecture"] = n.Status?.NodeInfo?.Architecture,
        ["os"] = n.Status?.NodeInfo?.OsImage,
        ["runtime"] = n.Status?.NodeInfo?.ContainerRuntimeVersion,
    };

    private static JsonObject Quantities(IDictionary<string, ResourceQuantity>? q) =>
        new((q ?? new Dictionary<string, ResourceQuantity>()).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.ToString())));

    /// <summary>A pod's status as the analysis needs it (no spec: env values and command lines stay out of the bundle).</summary>
    private static JsonNode Pod(V1Pod p)
    {
        static JsonObject? State(V1ContainerState? s) => s switch
        {
            { Waiting: { } w } => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = w.Reason, ["message"] = w.Message } },
            { Terminated: { } t } =>
                new JsonObject { ["terminated"] = new JsonObject { ["reason"] = t.Reason, ["exitCode"] = t.ExitCode, ["message"] = t.Message,
                    ["finishedAt"] = t.FinishedAt?.ToString("o", CultureInfo.InvariantCulture) } },
            { Running: { } r } => new JsonObject { [
                "running"] = new JsonObject { ["startedAt"] = r.StartedAt?.ToString("o", CultureInfo.InvariantCulture) } },
            _ => null,
        };
        JsonArray Containers(IEnumerable<V1ContainerStatus>? list) => new([.. (list ?? []).Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name, ["image"] = c.Image, ["ready"] = c.Ready, ["restartCount"] = c.RestartCount, ["state"] = State(c.State),
                ["lastState"] = State(c.LastState),
        })]);
        return new JsonObject
        {
            ["name"] = p.Metadata.Name,
            ["owner"] = p.Metadata.OwnerReferences?.FirstOrDefault() is { } o ? $"{o.Kind}/{o.Name}" : null,
            ["node"] = p.Spec?.NodeName,
            ["phase"] = p.Status?.Phase,
            ["reason"] = p.Status?.Reason,
            ["message"] = p.Status?.Message,
            ["conditions"] = new JsonArray(
                [.. (p.Status?.Conditions ?? [])
                    .Select(c => (JsonNode)new JsonObject { ["type"] = c.Type, ["status"] = c.Status, ["reason"] = c.Reason,
                        ["message"] = c.Message })]),
            ["images"] = new JsonArray([.. (p.Spec?.Containers ?? []).Select(c => (JsonNode)c.Image)]),
            ["initContainers"] = Containers(p.Status?.InitContainerStatuses),
            ["containers"] = Containers(p.Status?.ContainerStatuses),
        };
    }
}
