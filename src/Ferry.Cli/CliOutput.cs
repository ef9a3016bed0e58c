using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ferry.Cli;

// What the commands print under --output json: one record per shape, serialized by the source-generated CliJson context
// (property names camelCase unless helm fixes another). Property order is the order printed.

internal sealed record DeployOutcomeJson(string App, string Result, int? Revision, string Detail);

internal sealed record PlanJson(string Bundle, IReadOnlyList<string> EnvChanges, IReadOnlyList<string> Images,
    IReadOnlyList<PreflightCheckJson> Preflight, IReadOnlyList<AppPlanJson> Apps);

internal sealed record AppPlanJson(string App, string Namespace, string Action, string Chart, int Objects, int Hooks, int? DeployedRevision,
    IReadOnlyList<string> Images, IReadOnlyList<string> Conflicts, string Diff);

internal sealed record PreflightJson(string Bundle, string? Kubernetes, bool Passed, IReadOnlyList<PreflightCheckJson> Checks);

internal sealed record PreflightCheckJson(string Name, string Status, string Measured, string Required, string Fix);

internal sealed record StatusJson(IReadOnlyList<ReleaseStatusJson> Releases, IReadOnlyList<DeployStatusJson> Deploys);

internal sealed record ReleaseStatusJson(string Name, string Namespace, int Revision, string Status, string Chart, string AppVersion,
    string Updated, string Description);

internal sealed record DeployStatusJson(string Product, string Bundle, string Digest, string State, string Holder, string Started,
    string? Finished, string Summary, bool Stalled);

/// <summary>A line of <c>helm list -o json</c> (the revision is a string there).</summary>
internal sealed record ReleaseListJson(string Name, string Namespace, string Revision, string Updated, string Status, string Chart,
    [property: JsonPropertyName("app_version")] string AppVersion);

/// <summary>A line of <c>helm history -o json</c>.</summary>
internal sealed record ReleaseHistoryJson(int Revision, string Updated, string Status, string Chart,
    [property: JsonPropertyName("app_version")] string AppVersion, string Description);

internal sealed record RollbackJson(string Release, string Namespace, int Revision, string Status, string Description);

internal sealed record RollbackPlanJson(string Release, string Namespace, int Revision, int RollbackTo, bool DryRun);

internal sealed record UninstallJson(string Release, string Namespace, string Status, bool HistoryKept);

internal sealed record UninstallNotFoundJson(string Release, string Namespace, string Status);

internal sealed record UninstallPlanJson(string Release, string Namespace, bool DryRun, IReadOnlyList<string> Deleted, IReadOnlyList<string> Kept);

internal sealed record PolicyJson(string Namespace, bool RequireSignature, string? PublicKey);

/// <summary>One setting of <c>ferry env show</c>: its value, or for a secret only that it is one and its length.</summary>
[JsonConverter(typeof(EnvValueJsonConverter))]
internal sealed record EnvValueJson(string? Value, int? SecretLength);

internal sealed class EnvValueJsonConverter : JsonConverter<EnvValueJson>
{
    public override EnvValueJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("ferry env show output is written, never read back");

    public override void Write(Utf8JsonWriter writer, EnvValueJson value, JsonSerializerOptions options)
    {
        if (value.SecretLength is { } length)
        {
            writer.WriteStartObject();
            writer.WriteBoolean("secret", true);
            writer.WriteNumber("length", length);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStringValue(value.Value);
        }
    }
}

internal sealed record LayoutEntryJson(string? Name, string Digest, string MediaType, long Size);

internal sealed record LayoutVerifyJson(string Layout, int Images, bool Verified, IReadOnlyList<string> Problems);

internal sealed record TransferJson(string Image, string Digest, string MediaType, int Blobs, int BlobsSkipped, long Bytes);

internal sealed record SupportAnalysisJson(JsonObject Info, IReadOnlyList<SupportFindingJson> Findings);

internal sealed record SupportFindingJson(string Severity, string Subject, string Problem, IReadOnlyList<string> Details);

internal sealed record BundleVerifyJson(string Bundle, bool Verified, bool SignatureChecked, IReadOnlyList<string> Problems);

internal sealed record BundleImageJson(string Image, IReadOnlyList<ImageSourceJson> Sources);

internal sealed record ImageSourceJson(string App, string Template, string Path);

internal sealed record InventoryWrittenJson(string Wrote, int Manifests, int Blobs);

internal sealed record RegistriesWrittenJson(string Wrote, int Mirrored, string Registry);

internal sealed record LintJson(string Chart, int Errors, IReadOnlyList<LintMessageJson> Messages);

internal sealed record LintMessageJson(string Severity, string Path, string Message);

internal sealed record ConformanceFileJson(string File, int Passed, int Failed, int Skipped, IReadOnlyList<ConformanceCaseJson> Cases);

internal sealed record ConformanceCaseJson(string Name, string Outcome, string? Note, string? Expected, string? Got);

/// <summary>Times as the JSON outputs print them: ISO 8601 round-trip ("o").</summary>
internal static class CliTime
{
    public static string Iso(DateTimeOffset time) => time.ToString("o", CultureInfo.InvariantCulture);
}
