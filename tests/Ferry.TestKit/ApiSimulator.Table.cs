using System.Globalization;
using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// Server-side printing: a read asked for <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c> (as
/// <c>kubectl get</c> does) is answered with a meta.k8s.io/v1 Table — kube-apiserver's columns for the kinds a site
/// admin looks at first, NAME and AGE for the rest (as for a CRD without printer columns). Watches send one Table per
/// event, the column definitions only in the first.
/// </summary>
public sealed partial class ApiSimulator
{
    private static bool WantsTable(string accept) => accept.Contains("as=Table", StringComparison.Ordinal);

    /// <summary>A List or single object as a Table (with or without its column definitions).</summary>
    private static JsonObject ToTable(string kind, JsonNode result, bool withColumns = true)
    {
        var items = result["items"] is JsonArray list ? list.OfType<JsonObject>().ToList() : [result.AsObject()];
        var columns = Columns(kind);
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = result["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "" },
        };
        if (withColumns)
        {
            table["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name, ["type"] = c.Name is "Age" ? "string" : c.Type, ["format"] = c.Name == "Name" ? "name" : "",
                ["description"] = c.Name == "Age" ? "CreationTimestamp is a timestamp representing the server time when this object was created." : c.Name,
                ["priority"] = c.Priority,
            }).ToArray());
        }
        table["rows"] = new JsonArray(items.Select(o => (JsonNode)new JsonObject
        {
            ["cells"] = new JsonArray(columns.Select(c => c.Cell(o)).ToArray()),
            ["object"] = o.DeepClone(),
        }).ToArray());
        return table;
    }

    private sealed record Column(string Name, string Type, Func<JsonObject, JsonNode?> Cell, int Priority = 0);

    private static List<Column> Columns(string kind)
    {
        var name = new Column("Name", "string", o => o["metadata"]?["name"]?.GetValue<string>());
        var age = new Column("Age", "string", o => Age(o["metadata"]?["creationTimestamp"]?.GetValue<string>()));
        long Int(JsonObject o, string path) => path.Split('.').Aggregate((JsonNode?)o, (n, p) => n?[p]) is JsonValue v && v.TryGetValue<long>(out var l) ? l : 0;
        List<Column> middle = kind switch
        {
            "Deployment" =>
            [
                new("Ready", "string", o => $"{Int(o, "status.readyReplicas")}/{Int(o, "spec.replicas")}"),
                new("Up-to-date", "integer", o => Int(o, "status.updatedReplicas")),
                new("Available", "integer", o => Int(o, "status.availableReplicas")),
            ],
            "StatefulSet" => [new("Ready", "string", o => $"{Int(o, "status.readyReplicas")}/{Int(o, "spec.replicas")}")],
            "Pod" =>
            [
                new("Ready", "string", o => $"{(o["status"]?["containerStatuses"] as JsonArray ?? []).Count(c => c?["ready"]?.GetValue<bool>() == true)}/{(o["spec"]?["containers"] as JsonArray ?? []).Count}"),
                new("Status", "string", o => (o["status"]?["containerStatuses"] as JsonArray ?? []).Select(c => c?["state"]?["waiting"]?["reason"]?.GetValue<string>()).FirstOrDefault(r => r is not null)
                    ?? o["status"]?["phase"]?.GetValue<string>() ?? "Pending"),
                new("Restarts", "string", o => (o["status"]?["containerStatuses"] as JsonArray ?? []).Sum(c => c?["restartCount"]?.GetValue<long>() ?? 0).ToString(CultureInfo.InvariantCulture)),
            ],
            "Service" =>
            [
                new("Type", "string", o => o["spec"]?["type"]?.GetValue<string>() ?? "ClusterIP"),
                new("Cluster-IP", "string", o => o["spec"]?["clusterIP"]?.GetValue<string>() ?? "<none>"),
                new("External-IP", "string", _ => "<none>"),
                new("Port(s)", "string", o => string.Join(",", (o["spec"]?["ports"] as JsonArray ?? []).Select(p => $"{p?["port"]}/{p?["protocol"]?.GetValue<string>() ?? "TCP"}")) is { Length: > 0 } ports ? ports : "<none>"),
            ],
            "ConfigMap" => [new("Data", "integer", o => ((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0))],
            "Secret" =>
            [
                new("Type", "string", o => o["type"]?.GetValue<string>() ?? "Opaque"),
                new("Data", "integer", o => (o["data"] as JsonObject)?.Count ?? 0),
            ],
            "Namespace" => [new("Status", "string", o => o["status"]?["phase"]?.GetValue<string>() ?? "Active")],
            _ => [],
        };
        if (kind == "Event")
        {
            // kubectl get events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE
            return
            [
                new("Last Seen", "string", o => Age(o["lastTimestamp"]?.GetValue<string>())),
                new("Type", "string", o => o["type"]?.GetValue<string>()),
                new("Reason", "string", o => o["reason"]?.GetValue<string>()),
                new("Object", "string", o => $"{o["involvedObject"]?["kind"]?.GetValue<string>()?.ToLowerInvariant()}/{o["involvedObject"]?["name"]?.GetValue<string>()}"),
                new("Message", "string", o => o["message"]?.GetValue<string>()),
                name with { Priority = 1 },
            ];
        }
        return [name, .. middle, age];
    }

    /// <summary>kubectl's short human duration (HumanDuration): 42s, 5m3s, 3h, 4d.</summary>
    private static string Age(string? timestamp)
    {
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
        {
            return "<unknown>";
        }
        var d = DateTimeOffset.UtcNow - created;
        return d.TotalSeconds < 0 ? "0s"
            : d.TotalMinutes < 2 ? $"{(int)d.TotalSeconds}s"
            : d.TotalMinutes < 10 ? $"{(int)d.TotalMinutes}m{d.Seconds}s"
            : d.TotalHours < 3 ? $"{(int)d.TotalMinutes}m"
            : d.TotalHours < 8 ? $"{(int)d.TotalHours}h{d.Minutes}m"
            : d.TotalHours < 48 ? $"{(int)d.TotalHours}h"
            : $"{(int)d.TotalDays}d";
    }
}
