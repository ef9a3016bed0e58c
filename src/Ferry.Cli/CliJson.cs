using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Cli;

/// <summary>
/// How every command prints JSON (<c>--output json</c>, and yaml made from it): indented, and with text as written —
/// a version's <c>+</c>, an image's <c>&amp;</c> or a message's <c>&lt;</c> stay themselves, as kubectl and helm print
/// them, not <c>\u002B</c> (the output is for terminals and tools, never embedded in HTML).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CliJson : JsonSerializerContext
{
    public static JsonSerializerOptions Output { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The source-generated context with <see cref="Output"/>'s settings.</summary>
    public static CliJson Printing { get; } = new(new JsonSerializerOptions(Output));
}
