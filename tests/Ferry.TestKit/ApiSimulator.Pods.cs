using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>What becomes of a pod the simulator's controllers make.</summary>
internal enum PodFate
{
    /// <summary>Scheduled; its containers run (those whose command exits with an error crash-loop).</summary>
    Running,

    /// <summary>Scheduled; a container's image cannot be pulled (ImagePullBackOff), the others still creating.</summary>
    Unpullable,

    /// <summary>No node has room for it: Pending, PodScheduled False (Unschedulable) with the scheduler's message.</summary>
    Unschedulable,

    /// <summary>A Job's pod whose containers ran to completion.</summary>
    Completed,
}

/// <summary>The pods of the simulator's workloads, as the controllers, the scheduler and the kubelet leave them.</summary>
public sealed partial class ApiSimulator
{
    /// <summary>At most this many pods per workload (enough for every test; a 500-replica bench stays small).</summary>
    private const int MaxPodsPerWorkload = 10;

    /// <summary>
    /// The scheduler's refusal when no node has the allocatable CPU or memory one pod requests (the sum of its
    /// containers, or its largest init container), worded as kube-scheduler words it; null when a node fits.
    /// </summary>
    private string? Unschedulable(JsonObject? podSpec)
    {
        decimal Need(string resource)
        {
            decimal One(JsonObject c) => Quantity.Requested(c["resources"]?["requests"]?[resource]?.ToString(), c["resources"]?["limits"]?[resource]?.ToString());
            return Math.Max(Containers(podSpec, "containers").Sum(One), Containers(podSpec, "initContainers").Select(One).DefaultIfEmpty(0).Max());
        }
        var nodes = _objects.Where(kv => kv.Key.Plural == "nodes" && kv.Key.Group.Length == 0).Select(kv => kv.Value).ToList();
        decimal Allocatable(JsonObject node, string resource) => Quantity.TryParse(node["status"]?["allocatable"]?[resource]?.ToString(), out var a) ? a : 0;
        var (cpu, memory) = (Need("cpu"), Need("memory"));
        var shortCpu = nodes.Count(n => Allocatable(n, "cpu") < cpu);
        var shortMemory = nodes.Count(n => Allocatable(n, "memory") < memory);
        if (nodes.Count == 0 || nodes.Any(n => Allocatable(n, "cpu") >= cpu && Allocatable(n, "memory") >= memory))
        {
            return null;
        }
        var reasons = new List<string>();
        if (shortCpu > 0)
        {
            reasons.Add($"{shortCpu} Insufficient cpu");
        }
        if (shortMemory > 0)
        {
            reasons.Add($"{shortMemory} Insufficient memory");
        }
        return $"0/{nodes.Count} nodes are available: {string.Join(", ", reasons)}. preemption: 0/{nodes.Count} nodes are available: {nodes.Count} No preemption victims found for incoming pod.";
    }

    /// <summary>
    /// A pod of <paramref name="owner"/> as the controller creates it and the scheduler and kubelet leave it
    /// (<paramref name="fate"/>; <paramref name="detail"/> is the unpullable image or the scheduler's message).
    /// </summary>
    private JsonObject StartPod(JsonObject owner, string kind, string name, JsonObject podSpec, PodFate fate, string? detail = null, int index = 0)
    {
        var ns = owner["metadata"]!["namespace"]!.GetValue<string>();
        var suffix = Guid.NewGuid().ToString("N");
        var labels = (owner["spec"]?["template"]?["metadata"]?["labels"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        var podName = kind switch
        {
            "StatefulSet" => $"{name}-{index}",
            "Job" or "DaemonSet" => $"{name}-{suffix[..5]}",
            _ => $"{name}-{suffix[5..15]}-{suffix[..5]}",
        };
        if (kind == "Job")
        {
            labels["job-name"] = name;
            labels["batch.kubernetes.io/job-name"] = name;
        }
        JsonObject Status(JsonObject c)
        {
            var image = c["image"]?.GetValue<string>() ?? "";
            var status = new JsonObject { ["name"] = c["name"]?.GetValue<string>(), ["image"] = image, ["imageID"] = "", ["ready"] = false, ["restartCount"] = 0, ["started"] = false };
            switch (fate)
            {
                case PodFate.Running when Script(c) is { ExitCode: { } code } && code != 0:
                    return Crashed(c, image, code);
                case PodFate.Running:
                    (status["ready"], status["started"]) = (true, true);
                    status["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Now() } };
                    return status;
                case PodFate.Completed:
                    status["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed", ["startedAt"] = Now(), ["finishedAt"] = Now() } };
                    return status;
                default:
                    status["state"] = new JsonObject
                    {
                        ["waiting"] = image == detail
                            ? new JsonObject { ["reason"] = "ImagePullBackOff", ["message"] = $"Back-off pulling image \"{image}\"" }
                            : new JsonObject { ["reason"] = "ContainerCreating" },
                    };
                    return status;
            }
        }
        var scheduled = fate != PodFate.Unschedulable;
        var ready = fate == PodFate.Running && !Containers(podSpec, "containers").Any(c => Script(c).ExitCode is { } code && code != 0);
        var status = new JsonObject
        {
            ["phase"] = fate switch { PodFate.Running => "Running", PodFate.Completed => "Succeeded", _ => "Pending" },
            ["conditions"] = scheduled
                ? new JsonArray(
                    new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" },
                    ready ? new JsonObject { ["type"] = "Ready", ["status"] = "True" } : new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = fate == PodFate.Completed ? "PodCompleted" : "ContainersNotReady" })
                : new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable", ["message"] = detail }),
            ["qosClass"] = "Burstable",
        };
        if (scheduled)
        {
            status["initContainerStatuses"] = new JsonArray(Containers(podSpec, "initContainers").Select(c => (JsonNode)Status(c)).ToArray());
            status["containerStatuses"] = new JsonArray(Containers(podSpec, "containers").Select(c => (JsonNode)Status(c)).ToArray());
            status["startTime"] = Now();
        }
        var spec = (JsonObject)podSpec.DeepClone();
        if (scheduled)
        {
            spec["nodeName"] = NodeName;
        }
        var pod = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = owner["apiVersion"]!.GetValue<string>(), ["kind"] = kind, ["name"] = name,
                    ["uid"] = owner["metadata"]!["uid"]!.GetValue<string>(), ["controller"] = true, ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = spec,
            ["status"] = status,
        };
        if (fate is PodFate.Running or PodFate.Completed)
        {
            foreach (var c in Containers(podSpec, "containers"))
            {
                Log(ns, podName, c["name"]?.GetValue<string>() ?? "", Script(c).Lines);
            }
        }
        var stored = Store(_resources.Find("", "v1", "pods")!, ns, podName, pod);
        if (!scheduled)
        {
            RecordEvent(stored, "Warning", "FailedScheduling", detail ?? "", "default-scheduler");
        }
        return stored;
    }

    /// <summary>A container that exits with an error, restarted by the kubelet with a back-off: CrashLoopBackOff, its last run terminated.</summary>
    private static JsonObject Crashed(JsonObject c, string image, int code) => new()
    {
        ["name"] = c["name"]?.GetValue<string>(), ["image"] = image, ["imageID"] = "", ["ready"] = false, ["restartCount"] = 4, ["started"] = false,
        ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "CrashLoopBackOff", ["message"] = $"back-off 1m20s restarting failed container={c["name"]}" } },
        ["lastState"] = new JsonObject
        {
            ["terminated"] = new JsonObject { ["exitCode"] = code, ["reason"] = "Error", ["startedAt"] = Now(), ["finishedAt"] = Now(), ["containerID"] = "containerd://" + Guid.NewGuid().ToString("N") },
        },
    };
}
