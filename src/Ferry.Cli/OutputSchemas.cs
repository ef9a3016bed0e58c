using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Ferry.Cli;

/// <summary>
/// The JSON Schemas of what commands print under <c>--output json</c>, generated from the records in CliOutput.cs (so
/// they cannot drift from the output): <c>ferry schema output</c>. Helm's shapes (<c>list</c>, <c>history</c>) are kept
/// as helm prints them, so these outputs carry no apiVersion; the schema's <c>$id</c> names the version instead.
/// </summary>
internal static class OutputSchemas
{
    /// <summary>Each command that prints JSON, with the shape it prints.</summary>
    public static IReadOnlyDictionary<string, JsonTypeInfo> Shapes { get; } = new SortedDictionary<string, JsonTypeInfo>(StringComparer.Ordinal)
    {
        ["deploy"] = CliJson.Printing.ListDeployOutcomeJson,
        ["plan"] = CliJson.Printing.PlanJson,
        ["preflight"] = CliJson.Printing.PreflightJson,
        ["status"] = CliJson.Printing.StatusJson,
        ["list"] = CliJson.Printing.ListReleaseListJson,
        ["history"] = CliJson.Printing.ListReleaseHistoryJson,
        ["rollback"] = CliJson.Printing.RollbackJson,
        ["rollback --dry-run"] = CliJson.Printing.RollbackPlanJson,
        ["uninstall"] = CliJson.Printing.UninstallJson,
        ["uninstall --dry-run"] = CliJson.Printing.UninstallPlanJson,
        ["policy show"] = CliJson.Printing.PolicyJson,
        ["images list"] = CliJson.Printing.ListLayoutEntryJson,
        ["images verify"] = CliJson.Printing.LayoutVerifyJson,
        ["images pull"] = CliJson.Printing.ListTransferJson,
        ["images push"] = CliJson.Printing.ListTransferJson,
        ["support-bundle analyze"] = CliJson.Printing.SupportAnalysisJson,
        ["bundle verify"] = CliJson.Printing.BundleVerifyJson,
        ["bundle images"] = CliJson.Printing.ListBundleImageJson,
        ["inventory"] = CliJson.Printing.InventoryWrittenJson,
        ["registry-config"] = CliJson.Printing.RegistriesWrittenJson,
        ["lint"] = CliJson.Printing.LintJson,
        ["conformance"] = CliJson.Printing.ListConformanceFileJson,
    };

    /// <summary>{"$schema", "$id", "commands": {command: schema}}, indented.</summary>
    public static string Json()
    {
        var commands = new JsonObject();
        var options = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true };
        foreach (var (command, info) in Shapes)
        {
            commands[command] = JsonSchemaExporter.GetJsonSchemaAsNode(info, options);
        }
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://ferry.dev/schemas/output.v1.json",
            ["title"] = "What ferry commands print under --output json",
            ["commands"] = commands,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
