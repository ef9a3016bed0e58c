using System.Globalization;
using System.Text.Json.Nodes;

namespace Ferry.Kube;

/// <summary>Whether a live object is ready, and if not, why in words a person can act on.</summary>
public sealed record ReadinessResult(bool Ready, bool Failed, string Reason)
{
    public static ReadinessResult Yes(string reason = "ready") => new(true, false, reason);

    public static ReadinessResult Waiting(string reason) => new(false, false, reason);

    public static ReadinessResult Failure(string reason) => new(false, true, reason);
}

/// <summary>
/// kstatus-like readiness of live objects (as the API returns them): Deployment, StatefulSet, DaemonSet, Job,
/// Pod, PersistentVolumeClaim, Service (LoadBalancer ingress optional) and CustomResourceDefinition; every other
/// kind is ready once it exists. Pod problems (ImagePullBackOff, CrashLoopBackOff, unschedulable) are reported
/// with the container and image so the cause is visible without kubectl.
/// </summary>
public static class Readiness
{
    private static readonly string[] FatalWaiting =
        ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError"];

    public static ReadinessResult Evaluate(JsonObject obj, bool waitForLoadBalancer = false)
    {
        var kind = obj["kind"]?.GetValue<string>() ?? "";
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        var status = obj["status"] as JsonObject ?? [];
        var generation = Long(obj["metadata"]?["generation"]);
        var observed = Long(status["observedGeneration"]);
        if (kind is "Deployment" or "StatefulSet" or "DaemonSet" && generation > 0 && observed < generation)
        {
            return ReadinessResult.Waiting($"{kind} {name}: the controller has not seen generation {generation} yet (observed {observed})");
        }
        return kind switch
        {
            "Deployment" => DeploymentReadiness(obj, name, status),
            "StatefulSet" => StatefulSetReadiness(obj, name, status),
            "DaemonSet" => DaemonSetReadiness(name, status),
            "Job" => JobReadiness(name, status),
            "Pod" => PodReadiness(obj, name, status),
            "PersistentVolumeClaim" => ClaimReadiness(name, status),
            "Service" when waitForLoadBalancer && obj["spec"]?["type"]?.GetValue<string>() == "LoadBalancer"
                && (status["loadBalancer"]?["ingress"] as JsonArray ?? []).Count == 0
                => ReadinessResult.Waiting($"Service {name}: waiting for a load balancer address"),
            "CustomResourceDefinition" => Condition(status, "Established") is { Status: "True" }
                ? ReadinessResult.Yes("established")
                : ReadinessResult.Waiting($"CustomResourceDefinition {name}: not established yet"),
            _ => ReadinessResult.Yes(),
        };
    }

    private static ReadinessResult DeploymentReadiness(JsonObject obj, string name, JsonObject status)
    {
        var want = obj["spec"]?["replicas"] is { } r ? Long(r) : 1;
        if (Condition(status, "Progressing") is { } p && p.Status == "False" && p.Reason == "ProgressDeadlineExceeded")
        {
            return ReadinessResult.Failure($"Deployment {name}: progress deadline exceeded ({p.Message})");
        }
        var updated = Long(status["updatedReplicas"]);
        var available = Long(status["availableReplicas"]);
        var total = Long(status["replicas"]);
        if (updated < want)
        {
            return ReadinessResult.Waiting($"Deployment {name}: {updated} of {want} replicas updated");
        }
        if (total > updated)
        {
            return ReadinessResult.Waiting($"Deployment {name}: {total - updated} old replicas are pending termination");
        }
        return available < want
            ? ReadinessResult.Waiting($"Deployment {name}: {available} of {want} updated replicas available")
            : ReadinessResult.Yes();
    }

    private static ReadinessResult StatefulSetReadiness(JsonObject obj, string name, JsonObject status)
    {
        var want = obj["spec"]?["replicas"] is { } r ? Long(r) : 1;
        var ready = Long(status["readyReplicas"]);
        var updated = Long(status["updatedReplicas"]);
        if (obj["spec"]?["updateStrategy"]?["type"]?.GetValue<string>() != "OnDelete" && updated < want)
        {
            return ReadinessResult.Waiting($"StatefulSet {name}: {updated} of {want} replicas updated");
        }
        return ready < want ? ReadinessResult.Waiting($"StatefulSet {name}: {ready} of {want} replicas ready") : ReadinessResult.Yes();
    }

    private static ReadinessResult DaemonSetReadiness(string name, JsonObject status)
    {
        var want = Long(status["desiredNumberScheduled"]);
        var updated = Long(status["updatedNumberScheduled"]);
        var available = Long(status["numberAvailable"]);
        if (updated < want)
        {
            return ReadinessResult.Waiting($"DaemonSet {name}: {updated} of {want} pods updated");
        }
        return available < want ? ReadinessResult.Waiting($"DaemonSet {name}: {available} of {want} pods available") : ReadinessResult.Yes();
    }

    private static ReadinessResult JobReadiness(string name, JsonObject status)
    {
        if (Condition(status, "Failed") is { Status: "True" } f)
        {
            return ReadinessResult.Failure($"Job {name} failed: {f.Reason}{(f.Message.Length > 0 ? " (" + f.Message + ")" : "")}");
        }
        return Condition(status, "Complete") is { Status: "True" }
            ? ReadinessResult.Yes("complete")
            : ReadinessResult.Waiting($"Job {name}: {Long(status["active"])} active, {Long(status["succeeded"])}" +
                $" succeeded, {Long(status["failed"])} failed");
    }

    private static ReadinessResult ClaimReadiness(string name, JsonObject status)
    {
        var phase = status["phase"]?.GetValue<string>() ?? "Pending";
        return phase == "Bound" ? ReadinessResult.Yes("bound")
            : phase == "Lost" ? ReadinessResult.Failure($"PersistentVolumeClaim {name}: its volume is lost")
            : ReadinessResult.Waiting($"PersistentVolumeClaim {name}: {phase} (with local-path storage it binds when a pod using " +
                "it is scheduled)");
    }

    private static ReadinessResult PodReadiness(JsonObject pod, string name, JsonObject status)
    {
        var phase = status["phase"]?.GetValue<string>() ?? "Pending";
        if (phase == "Succeeded")
        {
            return ReadinessResult.Yes("succeeded");
        }
        if (phase == "Failed")
        {
            var (reason, message) = (status["reason"]?.GetValue<string>() ?? "", status["message"]?.GetValue<string>() ?? "");
            return ReadinessResult.Failure($"Pod {name} failed: {reason} {message}".TrimEnd());
        }
        foreach (var list in new[] { "initContainerStatuses", "containerStatuses" })
        {
            foreach (var cs in status[list] as JsonArray ?? [])
            {
                var waiting = cs?["state"]?["waiting"];
                var reason = waiting?["reason"]?.GetValue<string>();
                if (reason is not null && FatalWaiting.Contains(reason))
                {
                    var image = cs!["image"]?.GetValue<string>() ?? "";
                    var message = waiting!["message"]?.GetValue<string>();
                    return ReadinessResult.Failure($"Pod {name}: container {cs["name"]?.GetValue<string>()} ({image}) is {reason}" +
                        $"{(message is null ? "" : ": " + message)}");
                }
            }
        }
        if (Condition(status, "PodScheduled") is { Status: "False" } s)
        {
            return ReadinessResult.Waiting($"Pod {name}: not scheduled ({s.Reason}: {s.Message})");
        }
        return Condition(status, "Ready") is { Status: "True" } ? ReadinessResult.Yes() : ReadinessResult.Waiting($"Pod {name}: {phase}, not ready");
    }

    private sealed record Cond(string Status, string Reason, string Message);

    private static Cond? Condition(JsonObject status, string type)
    {
        foreach (var c in status["conditions"] as JsonArray ?? [])
        {
            if (c?["type"]?.GetValue<string>() == type)
            {
                return new Cond(c["status"]?.GetValue<string>() ?? "", c["reason"]?.GetValue<string>() ?? "", c["message"]?.GetValue<string>() ?? "");
            }
        }
        return null;
    }

    private static long Long(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out var l) ? l
        : n is JsonValue s && s.TryGetValue<string>(out var str) && long.TryParse(str, CultureInfo.InvariantCulture, out var p) ? p : 0;
}
