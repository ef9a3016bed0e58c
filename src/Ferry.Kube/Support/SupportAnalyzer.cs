using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ferry.Kube.Support;

/// <summary>One problem a support bundle shows: how bad, about what, what is wrong, and the evidence (log lines, events).</summary>
public sealed record SupportFinding(string Severity, string Subject, string Problem, IReadOnlyList<string> Details)
{
    public const string Error = "error";
    public const string Warning = "warning";
}

/// <summary>What a support bundle says about the site it came from: its info, and the problems found in it.</summary>
public sealed record SupportReport(JsonObject Info, IReadOnlyList<SupportFinding> Findings);

/// <summary>
/// <c>ferry support-bundle analyze</c>, on the vendor's side: reads a support bundle (never extracted; bounded in
/// entries and bytes, so a hostile archive cannot exhaust memory) and names what is wrong — containers in
/// CrashLoopBackOff with their last log lines, images that cannot be pulled, OOMKilled containers, pods the scheduler
/// cannot place and why, unbound volume claims with their events, failed or pending releases, failed or stalled
/// deploys, and nodes that are NotReady or under pressure.
/// </summary>
public static class SupportAnalyzer
{
    public const int MaxEntries = 20_000;
    public const long MaxEntryBytes = 16L * 1024 * 1024;
    public const long MaxTotalBytes = 512L * 1024 * 1024;

    public static SupportReport Analyze(string path)
    {
        var files = Read(path);
        var findings = new List<SupportFinding>();
        NodeFindings(files, findings);
        foreach (var ns in files.Keys.Where(k => k.StartsWith("namespaces/", StringComparison.Ordinal)
            && k.EndsWith("/pods.json", StringComparison.Ordinal)).Select(k => k.Split('/')[1]).Distinct().Order(StringComparer.Ordinal))
        {
            var events = Array(files, $"namespaces/{ns}/events.json").OfType<JsonObject>().ToList();
            List<string> EventsOf(string obj) =>
                [.. events.Where(e => S(e["object"]) == obj && S(e["type"]) == "Warning").Select(e => $"event {S(e["reason"])}" +
                    $": {S(e["message"])}").Distinct().TakeLast(5)];
            PodFindings(files, ns, EventsOf, findings);
            foreach (var pvc in Array(files, $"namespaces/{ns}/pvcs.json").OfType<JsonObject>().Where(p => S(p["phase"]) != "Bound"))
            {
                findings.Add(new(SupportFinding.Error, $"pvc {ns}/{S(pvc["name"])}", $"claim is {S(pvc["phase"])}, not Bound " +
                    $"(storage class {(S(pvc["storageClass"]) is { Length: > 0 } sc ? sc : "default")})",
                    EventsOf($"PersistentVolumeClaim/{S(pvc["name"])}")));
            }
        }
        ReleaseFindings(files, findings);
        var info = files.TryGetValue("info.json", out var infoText) ? Parse("info.json", infoText) as JsonObject ?? [] : [];
        return new SupportReport(info, findings);
    }

    private static JsonArray Array(Dictionary<string, string> files, string name) =>
        files.TryGetValue(name, out var text) ? Parse(name, text) as JsonArray ?? [] : [];

    private static string S(JsonNode? n) => n is JsonValue v ? v.ToString() : "";

    /// <summary>Nodes that are not Ready or under memory, disk or PID pressure.</summary>
    private static void NodeFindings(Dictionary<string, string> files, List<SupportFinding> findings)
    {
        foreach (var node in Array(files, "cluster/nodes.json").OfType<JsonObject>())
        {
            var conditions = (node["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (conditions.FirstOrDefault(c => S(c["type"]) == "Ready") is { } ready && S(ready["status"]) != "True")
            {
                findings.Add(new(SupportFinding.Error, $"node {S(node["name"])}", "NotReady", [$"{S(ready["reason"])}: {S(ready["message"])}"]));
            }
            foreach (var c in conditions.Where(c => S(c["type"]) is "MemoryPressure" or "DiskPressure" or "PIDPressure" && S(c["status"]) == "True"))
            {
                findings.Add(new(SupportFinding.Warning, $"node {S(node["name"])}", S(c["type"]), [$"{S(c["reason"])}: {S(c["message"])}"]));
            }
        }
    }

    /// <summary>Pods whose containers crash, cannot pull, were OOMKilled, or that cannot be scheduled.</summary>
    private static void PodFindings(Dictionary<string, string> files, string ns, Func<string, List<string>> eventsOf,
        List<SupportFinding> findings)
    {
        foreach (var pod in Array(files, $"namespaces/{ns}/pods.json").OfType<JsonObject>())
        {
            var name = S(pod["name"]);
            var subject = $"pod {ns}/{name}";
            var statuses = (pod["initContainers"] as JsonArray ?? []).Concat(pod["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            foreach (var c in statuses)
            {
                var container = S(c["name"]);
                var waiting = S(c["state"]?["waiting"]?["reason"]);
                var lastReason = S(c["lastState"]?["terminated"]?["reason"]);
                if (waiting == "CrashLoopBackOff")
                {
                    var exit = S(c["lastState"]?["terminated"]?["exitCode"]);
                    var log = LastLines(files, $"namespaces/{ns}/logs/{name}/{container}.previous.log")
                        ?? LastLines(files, $"namespaces/{ns}/logs/{name}/{container}.log") ?? [];
                    findings.Add(new(SupportFinding.Error, subject, $"container {container} is in " +
                        $"CrashLoopBackOff ({S(c["restartCount"])} restarts, " +
                            $"last exit code {(exit.Length > 0 ? exit : "unknown")}{(lastReason is "OOMKilled" ? ", OOMKilled" : "")})",
                        [.. log.Count == 0 ? ["(its log is empty)"] : log.Select(l => "log: " + l)]));
                }
                else if (waiting is "ImagePullBackOff" or "ErrImagePull" or "InvalidImageName")
                {
                    findings.Add(new(SupportFinding.Error, subject, $"container {container} cannot pull image {S(c["image"])} ({waiting})",
                        [S(c["state"]?["waiting"]?["message"]), .. eventsOf($"Pod/{name}")
                            .Where(e => e.Contains("pull", StringComparison.OrdinalIgnoreCase))]));
                }
                else if (lastReason == "OOMKilled" || S(c["state"]?["terminated"]?["reason"]) == "OOMKilled")
                {
                    findings.Add(new(SupportFinding.Error, subject, $"container {container} was OOMKilled (its memory limit is " +
                        "too low for it)", [$"{S(c["restartCount"])} restarts"]));
                }
            }
            if (S(pod["phase"]) == "Pending" && (pod["conditions"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(c => S(c["type"]) == "PodScheduled" && S(c["status"]) == "False") is { } unscheduled)
            {
                findings.Add(new(SupportFinding.Error, subject, $"pod cannot be scheduled ({S(unscheduled["reason"])})",
                    [S(unscheduled["message"]), .. eventsOf($"Pod/{name}")]));
            }
        }
    }

    /// <summary>Releases whose newest revision failed or is pending, and deploys that failed or stalled.</summary>
    private static void ReleaseFindings(Dictionary<string, string> files, List<SupportFinding> findings)
    {
        // each release's newest revision tells its state (an older failed one was followed by a fix or a rollback)
        var newest = Array(files, "releases.json").OfType<JsonObject>().GroupBy(r => (S(r["namespace"]), S(r["name"])))
            .Select(g => g.MaxBy(r => int.TryParse(S(r["revision"]), out var v) ? v : 0)!);
        foreach (var r in newest.Where(r => S(r["status"]) is "failed" or "pending-install" or "pending-upgrade" or "pending-rollback"))
        {
            findings.Add(new(SupportFinding.Error, $"release {S(r["namespace"])}" +
                $"/{S(r["name"])}", $"revision {S(r["revision"])} is {S(r["status"])} ({S(r["chart"])})", [S(r["description"])]));
        }
        foreach (var j in Array(files, "deploys.json").OfType<JsonObject>())
        {
            if (S(j["state"]) == "failed")
            {
                findings.Add(new(SupportFinding.Error, $"deploy of {S(j["product"])}", $"{S(j["bundle"])} failed", [S(j["summary"])]));
            }
            else if (S(j["stalled"]) == "true")
            {
                findings.Add(new(SupportFinding.Warning, $"deploy of {S(j["product"])}", $"{S(j["bundle"])} stopped before finishing " +
                    $"(its holder {S(j["holder"])} is gone)", ["run ferry deploy with the same bundle to resume it"]));
            }
        }
    }

    private static List<string>? LastLines(Dictionary<string, string> files, string name) =>
        files.TryGetValue(name, out var text) ? [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(10)] : null;

    private static JsonNode? Parse(string name, string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new KubeException($"support bundle file {name} is not valid JSON ({e.Message}); the archive is damaged: ask the site " +
                "for a fresh one", e);
        }
    }

    /// <summary>The regular files under <c>support/</c>, by their name below it; bounded in count and size.</summary>
    private static Dictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new KubeException($"{path}: no such file; give the .tar.gz that ferry support-bundle wrote");
        }
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            var count = 0;
            while (tar.GetNextEntry() is { } entry)
            {
                if (++count > MaxEntries)
                {
                    throw new KubeException($"{path}: more than {MaxEntries} entries; this is not a support bundle ferry wrote");
                }
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || !entry.Name.StartsWith("support/", StringComparison.Ordinal))
                {
                    continue;
                }
                if (entry.Length > MaxEntryBytes || (total += entry.Length) > MaxTotalBytes)
                {
                    throw new KubeException($"{path}: {entry.Name} is {entry.Length} bytes; a support bundle's files " +
                        $"are at most {MaxEntryBytes} bytes ({MaxTotalBytes} in all): this is not one ferry wrote");
                }
                using var reader = entry.DataStream is null ? null
                    : new StreamReader(entry.DataStream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                files[entry.Name["support/".Length..]] = reader?.ReadToEnd() ?? "";
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException and not FileNotFoundException)
        {
            throw new KubeException($"{path}: not a readable support bundle ({e.Message}); give the .tar.gz that ferry support-bundle wrote", e);
        }
        if (!files.ContainsKey("info.json"))
        {
            throw new KubeException($"{path}: no support/info.json inside; this is not a support bundle ferry wrote");
        }
        return files;
    }
}
