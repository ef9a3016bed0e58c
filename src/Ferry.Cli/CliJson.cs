using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Cli;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CliJson : JsonSerializerContext
{
}
