using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Ferry.Bundles.Format;

/// <summary>
/// The JSON Schemas of Ferry's own files, generated from their models (so the schema cannot drift from what the
/// writer writes and the reader reads): <c>ferry schema bundle</c> prints the manifest's.
/// </summary>
public static class FormatSchemas
{
    /// <summary>The JSON Schema (draft 2020-12) of ferry-bundle.json at <see cref="BundleManifest.CurrentApiVersion"/>.</summary>
    public static string BundleManifest { get; } = Generate();

    private static string Generate()
    {
        var options = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true };
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(BundleJsonContext.Default.BundleManifest, options).AsObject();
        var properties = schema["properties"]!.AsObject();
        // what the generator cannot see: the fixed version and kind, and the fields every reader needs
        properties["apiVersion"] = new JsonObject { ["const"] = Format.BundleManifest.CurrentApiVersion };
        properties["kind"] = new JsonObject { ["const"] = Format.BundleManifest.ManifestKind };
        // apps may be null in the model (so a damaged file can be named), never in a manifest: each has a name and a chart
        var apps = properties["apps"]!.AsObject();
        apps["type"] = "array";
        var app = apps["items"]!.AsObject();
        app["required"] = new JsonArray("name", "chart");
        app["properties"]!["chart"]!["type"] = "object";
        app["properties"]!["chart"]!["required"] = new JsonArray("file", "digest");
        // a secret override is recorded without its value (null); generic arguments carry no nullability to generate from
        properties["inputs"]!["properties"]!["envOverrides"]!["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "null") };
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://ferry.dev/schemas/ferry-bundle.v1.json",
            ["title"] = "Ferry bundle manifest (ferry-bundle.json)",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            root[key] = value;
        }
        root["required"] = new JsonArray("apiVersion", "kind", "apps");
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
