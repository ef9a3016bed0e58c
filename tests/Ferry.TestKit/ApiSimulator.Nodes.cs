using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ferry.Kube.Tests;

/// <summary>
/// The simulator's cluster as k3s sets it up: one Ready node (a server: 4 CPUs, 8 GiB, amd64, k3s' node labels) and
/// the default <c>local-path</c> StorageClass; tests may add or replace nodes (<see cref="PutNode"/>). Pods keep
/// their containers' logs, served as kube-apiserver does at <c>/api/v1/namespaces/NS/pods/NAME/log</c>
/// (<c>container</c>, <c>tailLines</c>, <c>previous</c>; text/plain; 400 for a container the pod lacks).
/// </summary>
public sealed partial class ApiSimulator
{
    /// <summary>What each container printed: (namespace, pod, container, previous instance) → lines.</summary>
    private readonly Dictionary<(string Ns, string Pod, string Container, bool Previous), List<string>> _logs = [];

    /// <summary>The name of the node every cluster of the simulator starts with.</summary>
    public const string NodeName = "sim-node";

    private void SeedCluster()
    {
        PutNode(NodeName, "4", "8Gi");
        Store(_resources.Find("storage.k8s.io", "v1", "storageclasses")!, "", "local-path", new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["storageclass.kubernetes.io/is-default-class"] = "true" } },
            ["provisioner"] = "rancher.io/local-path",
            ["reclaimPolicy"] = "Delete",
            ["volumeBindingMode"] = "WaitForFirstConsumer",
        });
    }

    /// <summary>Adds or replaces a node with this allocatable CPU and memory; <paramref name="conditions"/> names
    /// conditions that are True besides Ready (DiskPressure, MemoryPressure, PIDPressure), or NotReady.</summary>
    public void PutNode(string name, string cpu, string memory, string architecture = "amd64", params string[] conditions)
    {
        JsonObject Condition(string type, bool on, string reason, string message) => new()
        {
            ["type"] = type, ["status"] = on ? "True" : "False", ["reason"] = reason, ["message"] = message,
            ["lastHeartbeatTime"] = Now(), ["lastTransitionTime"] = Now(),
        };
        var ready = !conditions.Contains("NotReady");
        var node = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject
                {
                    ["beta.kubernetes.io/arch"] = architecture, ["beta.kubernetes.io/os"] = "linux", ["kubernetes.io/arch"] = architecture,
                    ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux", ["node-role.kubernetes.io/control-plane"] = "true",
                    ["node-role.kubernetes.io/master"] = "true", ["node.kubernetes.io/instance-type"] = "k3s",
                },
            },
            ["spec"] = new JsonObject { ["podCIDR"] = "10.42.0.0/24", ["providerID"] = $"k3s://{name}" },
            ["status"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = "110", ["ephemeral-storage"] = "61202244Ki" },
                ["allocatable"] = new JsonObject { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = "110", ["ephemeral-storage"] = "59538133354" },
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", conditions.Contains("MemoryPressure"), conditions.Contains("MemoryPressure") ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    Condition("DiskPressure", conditions.Contains("DiskPressure"), conditions.Contains("DiskPressure") ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure", conditions.Contains("DiskPressure") ? "kubelet has disk pressure" : "kubelet has no disk pressure"),
                    Condition("PIDPressure", conditions.Contains("PIDPressure"), "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    Condition("Ready", ready, ready ? "KubeletReady" : "KubeletNotReady", ready ? "kubelet is posting ready status" : "container runtime network not ready")),
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = architecture, ["operatingSystem"] = "linux", ["kubeletVersion"] = GitVersion, ["kubeProxyVersion"] = GitVersion,
                    ["containerRuntimeVersion"] = "containerd://1.7.23-k3s2", ["osImage"] = "Debian GNU/Linux 12 (bookworm)", ["kernelVersion"] = "6.1.0-28-amd64",
                    ["machineID"] = "", ["systemUUID"] = "", ["bootID"] = "",
                },
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "10.0.0.10" }, new JsonObject { ["type"] = "Hostname", ["address"] = name }),
            },
        };
        lock (_lock)
        {
            Store(_resources.Find("", "v1", "nodes")!, "", name, node);
        }
    }

    /// <summary>
    /// What a container's command prints and how it ends, when the simulator can tell: <c>false</c> exits 1;
    /// <c>sh -c "echo A; echo B; exit 3"</c> prints A and B and exits 3 (other statements are ignored). Null exit code:
    /// the container keeps running.
    /// </summary>
    internal static (List<string> Lines, int? ExitCode) Script(JsonObject container)
    {
        var command = (container["command"] as JsonArray ?? []).Concat(container["args"] as JsonArray ?? []).Select(c => c?.GetValue<string>() ?? "").ToList();
        if (command is ["false", ..])
        {
            return ([], 1);
        }
        if (command.Count < 3 || command[0] is not ("sh" or "/bin/sh" or "bash" or "/bin/bash") || command[1] != "-c")
        {
            return ([], null);
        }
        var lines = new List<string>();
        foreach (var statement in command[2].Split([";", "&&", "\n"], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (statement.StartsWith("echo ", StringComparison.Ordinal))
            {
                var text = statement[5..].Trim();
                lines.Add(text.Length >= 2 && text[0] is '"' or '\'' && text[^1] == text[0] ? text[1..^1] : text);
            }
            else if (statement.StartsWith("exit ", StringComparison.Ordinal) && int.TryParse(statement[5..], out var code))
            {
                return (lines, code);
            }
        }
        return (lines, null);
    }

    /// <summary>Records what a pod's container printed (the kubelet keeps the current and the previous instance).</summary>
    private void Log(string ns, string pod, string container, IEnumerable<string> lines)
    {
        _logs[(ns, pod, container, false)] = [.. lines];
        _logs[(ns, pod, container, true)] = [.. lines];
    }

    /// <summary>GET .../pods/NAME/log: the container's lines (the only container's when the pod has one), text/plain.</summary>
    private async Task<bool> ServeLogAsync(HttpContext ctx, string ns, string pod)
    {
        JsonObject? live;
        List<string>? lines;
        string? error = null;
        lock (_lock)
        {
            live = _objects.TryGetValue(("", "pods", ns, pod), out var p) ? p : null;
            var names = (live?["spec"]?["containers"] as JsonArray ?? []).Concat(live?["spec"]?["initContainers"] as JsonArray ?? []).Select(c => c?["name"]?.GetValue<string>() ?? "").ToList();
            var container = ctx.Request.Query["container"].ToString();
            if (container.Length == 0)
            {
                if (names.Count == 1)
                {
                    container = names[0];
                }
                else if (live is not null)
                {
                    error = $"a container name must be specified for pod {pod}, choose one of: [{string.Join(" ", names)}]";
                }
            }
            else if (live is not null && !names.Contains(container))
            {
                error = $"container {container} is not valid for pod {pod}";
            }
            var previous = ctx.Request.Query["previous"].ToString() == "true";
            lines = _logs.GetValueOrDefault((ns, pod, container, previous));
            if (previous && lines is null && live is not null && error is null)
            {
                error = $"previous terminated container \"{container}\" in pod \"{pod}\" not found";
            }
        }
        if (live is null)
        {
            await Json(ctx, 404, Failure(404, "NotFound", $"pods \"{pod}\" not found", pod, "pods").Item2);
            return true;
        }
        if (error is not null)
        {
            await Json(ctx, 400, Failure(400, "BadRequest", error, pod, "pods").Item2);
            return true;
        }
        var all = lines ?? [];
        if (int.TryParse(ctx.Request.Query["tailLines"].ToString(), out var tail) && tail >= 0)
        {
            all = [.. all.TakeLast(tail)];
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(string.Concat(all.Select(l => l + "\n"))));
        return true;
    }
}
