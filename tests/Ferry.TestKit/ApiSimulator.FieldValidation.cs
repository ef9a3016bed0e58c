using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// Server-side field validation (<c>?fieldValidation=Strict|Warn|Ignore</c>, kube-apiserver's default Warn), which
/// kubectl and helm rely on instead of validating with OpenAPI v2 themselves. The simulator knows the fields of
/// ObjectMeta (every kind's metadata) and finds duplicate fields in JSON bodies; the rest of a schema it does not
/// model, so unknown fields outside metadata pass as they would on a CRD without a schema.
/// </summary>
public sealed partial class ApiSimulator
{
    private static readonly HashSet<string> ObjectMetaFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];

    /// <summary>
    /// The field problems of a write: a 400 under Strict, the warnings to send under Warn, nothing under Ignore; or a
    /// 400 for a directive kube-apiserver does not know.
    /// </summary>
    private static ((int, JsonNode)? Failure, List<string> Warnings) ValidateFields(string directive, string? body, string contentType, string kind, string version, string name, string plural, string group)
    {
        var warnings = new List<string>();
        if (body is null || directive == "Ignore")
        {
            return (null, warnings);
        }
        if (directive is not ("" or "Warn" or "Strict"))
        {
            return (Failure(400, "BadRequest", $"fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \"{directive}\"", name, plural, group), warnings);
        }
        var problems = new List<string>();
        var apply = contentType.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal);
        if (!apply && contentType.Contains("json", StringComparison.Ordinal))
        {
            problems.AddRange(DuplicateFields(body).Select(f => $"duplicate field \"{f}\""));
        }
        try
        {
            var node = apply ? YamlToJson(body) : JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = true });
            if (node?["metadata"] is JsonObject metadata)
            {
                problems.AddRange(metadata.Select(p => p.Key).Where(k => !ObjectMetaFields.Contains(k)).Select(k => $"unknown field \"metadata.{k}\""));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return (null, warnings); // the request's own parsing reports the format error
        }
        if (problems.Count == 0)
        {
            return (null, warnings);
        }
        if (directive == "Strict")
        {
            // kube-apiserver: create/update decode strictly; server-side apply reports against the schema
            var message = apply
                ? string.Join(", ", problems.Select(p => p.StartsWith("unknown field", StringComparison.Ordinal) ? $".{p[15..^1]}: field not declared in schema" : p))
                : $"{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {string.Join(", ", problems)}";
            return (Failure(400, "BadRequest", message, name, plural, group), warnings);
        }
        warnings.AddRange(problems);
        return (null, warnings);
    }

    /// <summary>The paths of fields a JSON object repeats (Go's strict decoder refuses them; "a.b" for nested ones).</summary>
    private static List<string> DuplicateFields(string json)
    {
        var duplicates = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 256 });
        var scopes = new Stack<(HashSet<string>? Seen, string Path)>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push((new HashSet<string>(StringComparer.Ordinal), Child(scopes, pending)));
                        pending = null;
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push((null, Child(scopes, pending)));
                        pending = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        pending = reader.GetString()!;
                        if (scopes.Peek().Seen is { } seen && !seen.Add(pending))
                        {
                            duplicates.Add(Child(scopes, pending));
                        }
                        break;
                    default:
                        pending = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // malformed: the request's own parsing says so
        }
        return duplicates;

        static string Child(Stack<(HashSet<string>? Seen, string Path)> scopes, string? name) =>
            scopes.Count == 0 || name is null ? (scopes.Count == 0 ? "" : scopes.Peek().Path) : scopes.Peek().Path.Length == 0 ? name : $"{scopes.Peek().Path}.{name}";
    }
}
