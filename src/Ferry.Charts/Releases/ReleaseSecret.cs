using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ferry.Charts.Releases;

/// <summary>
/// Helm's Secret storage driver format: Secret <c>sh.helm.release.v1.NAME.vREV</c> of type <c>helm.sh/release.v1</c>,
/// labels <c>name</c>, <c>owner=helm</c>, <c>status</c>, <c>version</c>, <c>createdAt</c>, and <c>data.release</c>
/// holding the encoded release (so the API's JSON carries it base64 once more).
/// </summary>
public static class ReleaseSecret
{
    public const string Type = "helm.sh/release.v1";

    public static string Name(string release, int version) => $"sh.helm.release.v1.{release}.v{version.ToString(CultureInfo.InvariantCulture)}";

    public static Dictionary<string, string> Labels(Release r, DateTimeOffset created) => new(StringComparer.Ordinal)
    {
        ["name"] = r.Name,
        ["owner"] = "helm",
        ["status"] = r.Info.Status,
        ["version"] = r.Version.ToString(CultureInfo.InvariantCulture),
        ["createdAt"] = created.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The Secret as the Kubernetes API's JSON.</summary>
    public static JsonObject ToSecret(Release r, DateTimeOffset created) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name(r.Name, r.Version),
            ["namespace"] = r.Namespace,
            ["labels"] = new JsonObject(Labels(r, created).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        },
        ["type"] = Type,
        ["data"] = new JsonObject { ["release"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(ReleaseCodec.Encode(r))) },
    };

    /// <summary>Reads a release from a Secret's JSON (as the API returns it).</summary>
    public static Release FromSecret(JsonNode secret)
    {
        var name = secret["metadata"]?["name"]?.GetValue<string>() ?? "(unnamed)";
        if (secret["type"]?.GetValue<string>() is { } type && type != Type)
        {
            throw new ChartException($"Secret {name} has type {type}, not {Type}; it is not a Helm release record");
        }
        var data = secret["data"]?["release"]?.GetValue<string>()
            ?? throw new ChartException($"Secret {name} has no data.release; it is not a Helm release record");
        return ReleaseCodec.Decode(Encoding.ASCII.GetString(Convert.FromBase64String(data)));
    }
}
