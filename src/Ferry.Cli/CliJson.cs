using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ferry.Cli;

/// <summary>
/// How every command prints JSON (<c>--output json</c>, and yaml made from it): indented, and with text as written —
/// a version's <c>+</c>, an image's <c>&amp;</c> or a message's <c>&lt;</c> stay themselves, as kubectl and helm print
/// them, not <c>\u002B</c> (the output is for terminals and tools, never embedded in HTML). Each shape is a record in
/// CliOutput.cs, listed here so the serializer is generated at build time (no reflection under Native AOT).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(List<DeployOutcomeJson>))]
[JsonSerializable(typeof(PlanJson))]
[JsonSerializable(typeof(PreflightJson))]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(List<ReleaseListJson>))]
[JsonSerializable(typeof(List<ReleaseHistoryJson>))]
[JsonSerializable(typeof(RollbackJson))]
[JsonSerializable(typeof(RollbackPlanJson))]
[JsonSerializable(typeof(UninstallJson))]
[JsonSerializable(typeof(UninstallNotFoundJson))]
[JsonSerializable(typeof(UninstallPlanJson))]
[JsonSerializable(typeof(PolicyJson))]
[JsonSerializable(typeof(SortedDictionary<string, EnvValueJson>))]
[JsonSerializable(typeof(List<LayoutEntryJson>))]
[JsonSerializable(typeof(LayoutVerifyJson))]
[JsonSerializable(typeof(List<TransferJson>))]
[JsonSerializable(typeof(SupportAnalysisJson))]
[JsonSerializable(typeof(BundleVerifyJson))]
[JsonSerializable(typeof(List<BundleImageJson>))]
[JsonSerializable(typeof(InventoryWrittenJson))]
[JsonSerializable(typeof(RegistriesWrittenJson))]
[JsonSerializable(typeof(LintJson))]
[JsonSerializable(typeof(List<ConformanceFileJson>))]
internal sealed partial class CliJson : JsonSerializerContext
{
    public static JsonSerializerOptions Output { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The source-generated context with <see cref="Output"/>'s settings and camelCase property names.</summary>
    public static CliJson Printing { get; } = new(new JsonSerializerOptions(Output) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    /// <summary>One output record as indented JSON.</summary>
    public static string Text<T>(T value) => JsonSerializer.Serialize(value, Printing.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not listed in {nameof(CliJson)}"));
}
