using System.Globalization;
using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// The simulator's controllers and kubelet, reduced to what readiness depends on. A workload's outcome follows
/// from its pod template, as on a real cluster, so the same test runs against both:
/// <list type="bullet">
/// <item>an image on a registry under the reserved <c>.invalid</c> domain can never be pulled: the workload gets a
/// pod whose container is <c>ImagePullBackOff</c> and never becomes ready; a Deployment with
/// <c>progressDeadlineSeconds</c> is then marked <c>ProgressDeadlineExceeded</c>;</item>
/// <item>a Job whose container runs <c>false</c> (or <c>sh -c "...; exit N"</c>, N not 0) fails (<c>BackoffLimitExceeded</c>);</item>
/// <item>any other workload whose container exits so gets a Running pod whose container is in <c>CrashLoopBackOff</c>,
/// its last run terminated with that exit code and its <c>echo</c> lines kept as the container's log; it never becomes
/// ready (a Deployment with <c>progressDeadlineSeconds</c> is marked <c>ProgressDeadlineExceeded</c>);</item>
/// <item>a workload one of whose pods requests more CPU or memory than any node has allocatable gets a Pending pod the
/// scheduler refuses (<c>Unschedulable</c>, <c>FailedScheduling</c>, kube-scheduler's message) and never becomes ready;</item>
/// <item>anything else becomes ready, with its Running pods (at most ten; Jobs complete, their pod Succeeded).</item>
/// </list>
/// <see cref="SetOutcome"/> overrides this for a workload by name (simulator-only faults).
/// </summary>
public sealed partial class ApiSimulator
{
    /// <summary>True for an image whose registry is under <c>.invalid</c> (RFC 2606: never resolves).</summary>
    public static bool IsUnpullable(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && image[..slash].Split(':')[0].EndsWith(".invalid", StringComparison.Ordinal);
    }

    private void Reconcile(JsonObject obj)
    {
        var kind = obj["kind"]!.GetValue<string>();
        if (kind == "PersistentVolumeClaim")
        {
            BindClaim(obj);
            return;
        }
        if (kind is not ("Deployment" or "StatefulSet" or "DaemonSet" or "Job"))
        {
            return;
        }
        var md = obj["metadata"]!;
        var name = md["name"]!.GetValue<string>();
        var generation = md["generation"]!.GetValue<long>();
        var podSpec = obj["spec"]?["template"]?["spec"] as JsonObject;
        var containers = Containers(podSpec, "initContainers").Concat(Containers(podSpec, "containers")).ToList();
        var unpullable = containers.Select(c => c["image"]?.GetValue<string>() ?? "").FirstOrDefault(IsUnpullable);
        var runsFalse = containers.Any(c => Script(c).ExitCode is { } code && code != 0);
        // a long-running workload whose container exits with an error restarts it, backing off: CrashLoopBackOff
        var crashing = kind == "Job" ? null : Containers(podSpec, "containers").FirstOrDefault(c => Script(c).ExitCode is { } code && code != 0);
        var unschedulable = Unschedulable(podSpec);

        Outcome outcome;
        if (_outcomes.TryGetValue(name, out var told) && (told.Generation is null || told.Generation == generation))
        {
            outcome = told.Outcome;
        }
        else if (unpullable is not null || crashing is not null || unschedulable is not null)
        {
            outcome = kind == "Deployment" && obj["spec"]?["progressDeadlineSeconds"] is not null ? Outcome.Fail : Outcome.Hang;
        }
        else
        {
            outcome = kind == "Job" && runsFalse ? Outcome.Fail : Outcome.Ready;
        }

        RemovePodsOwnedBy(md["uid"]!.GetValue<string>());
        JsonObject? pod = null;
        var replicas = kind == "DaemonSet" ? 1 : obj["spec"]?["replicas"]?.GetValue<long>() ?? 1; // one node runs a DaemonSet's pod
        if (outcome != Outcome.Ready && (unschedulable is not null || unpullable is not null || crashing is not null))
        {
            pod = unschedulable is not null ? StartPod(obj, kind, name, podSpec!, PodFate.Unschedulable, unschedulable)
                : unpullable is not null ? StartPod(obj, kind, name, podSpec!, PodFate.Unpullable, unpullable)
                : StartPod(obj, kind, name, podSpec!, PodFate.Running);
        }
        else if (outcome == Outcome.Ready && podSpec is not null)
        {
            for (var i = 0; i < Math.Min(replicas, MaxPodsPerWorkload); i++)
            {
                StartPod(obj, kind, name, podSpec, kind == "Job" ? PodFate.Completed : PodFate.Running, index: i);
            }
        }
        var revision = $"{name}-{(uint)string.GetHashCode(obj["spec"]?["template"]?.ToJsonString(), StringComparison.Ordinal) % 0xFFFFFFFu:x7}";
        RecordControllerEvents(obj, kind, name, revision, replicas, outcome, pod, unpullable);
        if (outcome == Outcome.Hang)
        {
            if (unpullable is null && crashing is null && unschedulable is null)
            {
                return; // told to hang: the controller never gets to it
            }
            obj["status"] = kind switch
            {
                "Job" => new JsonObject { ["active"] = 1, ["startTime"] = Now() },
                "StatefulSet" => new JsonObject { ["observedGeneration"] = generation, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["readyReplicas"] = 0, ["currentRevision"] = revision, ["updateRevision"] = revision },
                "DaemonSet" => DaemonSetStatus(generation, available: 0),
                _ => new JsonObject
                {
                    ["observedGeneration"] = generation, ["replicas"] = replicas, ["updatedReplicas"] = Math.Min(1, replicas), ["availableReplicas"] = 0, ["unavailableReplicas"] = replicas,
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Progressing", ["status"] = "True", ["reason"] = "ReplicaSetUpdated", ["message"] = $"ReplicaSet \"{name}\" is progressing." }),
                },
            };
            return;
        }
        obj["status"] = (kind, outcome) switch
        {
            ("Job", Outcome.Ready) => new JsonObject { ["succeeded"] = 1, ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Complete", ["status"] = "True" }) },
            ("Job", _) => new JsonObject { ["failed"] = 1, ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Failed", ["status"] = "True", ["reason"] = "BackoffLimitExceeded", ["message"] = "Job has reached the specified backoff limit" }) },
            ("Deployment", Outcome.Fail) => new JsonObject
            {
                ["observedGeneration"] = generation, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["availableReplicas"] = 0,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Progressing", ["status"] = "False", ["reason"] = "ProgressDeadlineExceeded", ["message"] = $"ReplicaSet \"{name}\" has timed out progressing." }),
            },
            ("StatefulSet", Outcome.Fail) => new JsonObject { ["observedGeneration"] = generation, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["readyReplicas"] = 0, ["currentRevision"] = revision, ["updateRevision"] = revision },
            ("StatefulSet", _) => new JsonObject
            {
                ["observedGeneration"] = generation, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["readyReplicas"] = replicas, ["availableReplicas"] = replicas,
                ["currentReplicas"] = replicas, ["currentRevision"] = revision, ["updateRevision"] = revision, ["collisionCount"] = 0,
            },
            ("DaemonSet", Outcome.Fail) => DaemonSetStatus(generation, available: 0),
            ("DaemonSet", _) => DaemonSetStatus(generation, available: 1),
            _ => new JsonObject
            {
                ["observedGeneration"] = generation, ["replicas"] = replicas, ["updatedReplicas"] = replicas, ["availableReplicas"] = replicas, ["readyReplicas"] = replicas,
                ["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "Available", ["status"] = "True", ["reason"] = "MinimumReplicasAvailable", ["message"] = "Deployment has minimum availability." },
                    new JsonObject { ["type"] = "Progressing", ["status"] = "True", ["reason"] = "NewReplicaSetAvailable", ["message"] = $"ReplicaSet \"{name}\" has successfully progressed." }),
            },
        };
    }

    /// <summary>
    /// The Events a controller and the kubelet record for what <see cref="Reconcile"/> did, with their reasons and
    /// wording (what <c>kubectl get events</c> and <c>kubectl describe</c> show).
    /// </summary>
    private void RecordControllerEvents(JsonObject obj, string kind, string name, string revision, long replicas, Outcome outcome, JsonObject? pod, string? unpullable)
    {
        switch (kind)
        {
            case "Deployment":
                RecordEvent(obj, "Normal", "ScalingReplicaSet", $"Scaled up replica set {revision} from 0 to {replicas}", "deployment-controller");
                break;
            case "StatefulSet":
                RecordEvent(obj, "Normal", "SuccessfulCreate", $"create Pod {name}-0 in StatefulSet {name} successful", "statefulset-controller");
                break;
            case "DaemonSet":
                RecordEvent(obj, "Normal", "SuccessfulCreate", $"Created pod: {pod?["metadata"]?["name"]?.GetValue<string>() ?? name + "-" + revision[^5..]}", "daemonset-controller");
                break;
            case "Job" when outcome == Outcome.Fail && unpullable is null:
                RecordEvent(obj, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", "job-controller");
                break;
            case "Job" when outcome == Outcome.Ready:
                RecordEvent(obj, "Normal", "Completed", "Job completed", "job-controller");
                break;
        }
        if (pod is not null && pod["spec"]?["nodeName"] is null)
        {
            // an unscheduled pod: the scheduler recorded FailedScheduling with it
        }
        else if (pod is not null && unpullable is null)
        {
            var podName = pod["metadata"]!["name"]!.GetValue<string>();
            foreach (var c in (pod["status"]!["containerStatuses"] as JsonArray ?? []).Where(c => c?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "CrashLoopBackOff"))
            {
                RecordEvent(pod, "Normal", "Started", $"Started container {c!["name"]}", "kubelet");
                RecordEvent(pod, "Warning", "BackOff", $"Back-off restarting failed container {c["name"]} in pod {podName}_{pod["metadata"]!["namespace"]}({pod["metadata"]!["uid"]})", "kubelet");
            }
        }
        else if (pod is not null)
        {
            RecordEvent(pod, "Normal", "Pulling", $"Pulling image \"{unpullable}\"", "kubelet");
            RecordEvent(pod, "Warning", "Failed", $"Failed to pull image \"{unpullable}\": failed to resolve reference \"{unpullable}\": no such host", "kubelet");
            RecordEvent(pod, "Normal", "BackOff", $"Back-off pulling image \"{unpullable}\"", "kubelet");
        }
    }

    /// <summary>A core/v1 Event about <paramref name="involved"/>, named as the recorder names them (NAME.HEX).</summary>
    private void RecordEvent(JsonObject involved, string type, string reason, string message, string component)
    {
        var md = involved["metadata"]!;
        var ns = md["namespace"]?.GetValue<string>() ?? "default";
        var name = md["name"]!.GetValue<string>();
        var now = Now();
        Store(_resources.Find("", "v1", "events")!, ns, $"{name}.{Guid.NewGuid():N}"[..(name.Length + 17)], new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject(),
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = involved["apiVersion"]?.GetValue<string>() ?? "v1", ["kind"] = involved["kind"]?.GetValue<string>() ?? "Pod",
                ["name"] = name, ["namespace"] = ns, ["uid"] = md["uid"]?.GetValue<string>(), ["resourceVersion"] = md["resourceVersion"]?.GetValue<string>(),
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = component },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["type"] = type,
            ["reportingComponent"] = component,
            ["reportingInstance"] = "",
        });
    }

    /// <summary>
    /// The volume controller and a dynamic provisioner, reduced: a claim whose StorageClass exists (or, naming none, the
    /// default one) is provisioned a PersistentVolume and Bound; otherwise it stays Pending with the controller's
    /// ProvisioningFailed event, as on a cluster without that class.
    /// </summary>
    private void BindClaim(JsonObject claim)
    {
        if (claim["status"]?["phase"]?.GetValue<string>() == "Bound")
        {
            return;
        }
        var md = claim["metadata"]!;
        var named = claim["spec"]?["storageClassName"]?.GetValue<string>();
        var classes = _objects.Where(kv => kv.Key.Plural == "storageclasses").Select(kv => kv.Value).ToList();
        var cls = named is null
            ? classes.FirstOrDefault(c => c["metadata"]?["annotations"]?["storageclass.kubernetes.io/is-default-class"]?.GetValue<string>() == "true")
            : classes.FirstOrDefault(c => c["metadata"]!["name"]!.GetValue<string>() == named);
        if (cls is null)
        {
            claim["status"] = new JsonObject { ["phase"] = "Pending" };
            RecordEvent(claim, "Warning", "ProvisioningFailed", named is null ? "no persistent volumes available for this claim and no storage class is set" : $"storageclass.storage.k8s.io \"{named}\" not found", "persistentvolume-controller");
            return;
        }
        var className = cls["metadata"]!["name"]!.GetValue<string>();
        var volume = $"pvc-{md["uid"]!.GetValue<string>()}";
        var size = claim["spec"]?["resources"]?["requests"]?["storage"]?.DeepClone() ?? "1Gi";
        Store(_resources.Find("", "v1", "persistentvolumes")!, "", volume, new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["storage"] = size }, ["accessModes"] = claim["spec"]?["accessModes"]?.DeepClone() ?? new JsonArray("ReadWriteOnce"),
                ["persistentVolumeReclaimPolicy"] = "Delete", ["storageClassName"] = className,
                ["claimRef"] = new JsonObject { ["kind"] = "PersistentVolumeClaim", ["namespace"] = md["namespace"]!.GetValue<string>(), ["name"] = md["name"]!.GetValue<string>(), ["uid"] = md["uid"]!.GetValue<string>() },
                ["hostPath"] = new JsonObject { ["path"] = $"/var/lib/rancher/k3s/storage/{volume}", ["type"] = "DirectoryOrCreate" },
            },
            ["status"] = new JsonObject { ["phase"] = "Bound" },
        });
        claim["spec"]!["volumeName"] = volume;
        claim["status"] = new JsonObject { ["phase"] = "Bound", ["accessModes"] = claim["spec"]?["accessModes"]?.DeepClone(), ["capacity"] = new JsonObject { ["storage"] = size.DeepClone() } };
    }

    /// <summary>A DaemonSet on the simulator's one node: its pod updated, and available or not.</summary>
    private static JsonObject DaemonSetStatus(long generation, int available) => new()
    {
        ["observedGeneration"] = generation, ["desiredNumberScheduled"] = 1, ["currentNumberScheduled"] = 1, ["updatedNumberScheduled"] = 1,
        ["numberReady"] = available, ["numberAvailable"] = available, ["numberUnavailable"] = 1 - available, ["numberMisscheduled"] = 0,
    };

    private static IEnumerable<JsonObject> Containers(JsonObject? podSpec, string list) =>
        (podSpec?[list] as JsonArray ?? []).OfType<JsonObject>();

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The garbage collector, for the pods the controller made: gone when their owner is replaced or deleted.</summary>
    private void RemovePodsOwnedBy(string uid)
    {
        var owned = _objects.Where(kv => kv.Key.Plural == "pods" && kv.Key.Group.Length == 0
            && (kv.Value["metadata"]?["ownerReferences"] as JsonArray ?? []).Any(o => o?["uid"]?.GetValue<string>() == uid)).Select(kv => kv.Key).ToList();
        foreach (var key in owned)
        {
            _objects.Remove(key, out var pod);
            _owners.Remove(key);
            Publish(_resources.Find("", "v1", "pods")!, key.Ns, "DELETED", pod!);
        }
    }
}
