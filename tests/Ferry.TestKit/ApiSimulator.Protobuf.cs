using System.Text;
using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// Request bodies in Kubernetes' protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>), which client-go's
/// typed clients send for built-in kinds (helm's release Secrets, <c>kubectl create</c>, <c>kubectl auth can-i</c>):
/// the <c>k8s\0</c> envelope (runtime.Unknown: typeMeta, raw) decoded to the JSON the simulator works on, for the kinds
/// those clients write. Answers stay JSON, which those clients accept too.
/// </summary>
public sealed partial class ApiSimulator
{
    private enum Wire { Str, Bytes, Bool, Int, Msg, MapStr, MapBytes }

    private static readonly Dictionary<string, Dictionary<int, (string Json, Wire Type, string? Msg, bool Repeated)>> Schemas = new(StringComparer.Ordinal)
    {
        ["ObjectMeta"] = new()
        {
            [1] = ("name", Wire.Str, null, false), [2] = ("generateName", Wire.Str, null, false), [3] = ("namespace", Wire.Str, null, false),
            [5] = ("uid", Wire.Str, null, false), [6] = ("resourceVersion", Wire.Str, null, false), [7] = ("generation", Wire.Int, null, false),
            [11] = ("labels", Wire.MapStr, null, false), [12] = ("annotations", Wire.MapStr, null, false),
            [13] = ("ownerReferences", Wire.Msg, "OwnerReference", true), [14] = ("finalizers", Wire.Str, null, true),
        },
        ["OwnerReference"] = new()
        {
            [1] = ("kind", Wire.Str, null, false), [3] = ("name", Wire.Str, null, false), [4] = ("uid", Wire.Str, null, false),
            [5] = ("apiVersion", Wire.Str, null, false), [6] = ("controller", Wire.Bool, null, false), [7] = ("blockOwnerDeletion", Wire.Bool, null, false),
        },
        ["Secret"] = new()
        {
            [1] = ("metadata", Wire.Msg, "ObjectMeta", false), [2] = ("data", Wire.MapBytes, null, false), [3] = ("type", Wire.Str, null, false),
            [4] = ("stringData", Wire.MapStr, null, false), [5] = ("immutable", Wire.Bool, null, false),
        },
        ["ConfigMap"] = new()
        {
            [1] = ("metadata", Wire.Msg, "ObjectMeta", false), [2] = ("data", Wire.MapStr, null, false),
            [3] = ("binaryData", Wire.MapBytes, null, false), [4] = ("immutable", Wire.Bool, null, false),
        },
        ["Namespace"] = new() { [1] = ("metadata", Wire.Msg, "ObjectMeta", false) },
        ["ServiceAccount"] = new() { [1] = ("metadata", Wire.Msg, "ObjectMeta", false) },
        ["SelfSubjectAccessReview"] = new() { [1] = ("metadata", Wire.Msg, "ObjectMeta", false), [2] = ("spec", Wire.Msg, "SelfSubjectAccessReviewSpec", false) },
        ["SelfSubjectAccessReviewSpec"] = new() { [1] = ("resourceAttributes", Wire.Msg, "ResourceAttributes", false), [2] = ("nonResourceAttributes", Wire.Msg, "NonResourceAttributes", false) },
        ["ResourceAttributes"] = new()
        {
            [1] = ("namespace", Wire.Str, null, false), [2] = ("verb", Wire.Str, null, false), [3] = ("group", Wire.Str, null, false),
            [4] = ("version", Wire.Str, null, false), [5] = ("resource", Wire.Str, null, false), [6] = ("subresource", Wire.Str, null, false),
            [7] = ("name", Wire.Str, null, false),
        },
        ["NonResourceAttributes"] = new() { [1] = ("path", Wire.Str, null, false), [2] = ("verb", Wire.Str, null, false) },
    };

    /// <summary>The JSON of a protobuf-encoded object, or null (with why) when it is not one the simulator reads.</summary>
    private static string? ProtobufToJson(byte[] body, out string why)
    {
        why = "";
        if (body.Length < 4 || !body.AsSpan(0, 4).SequenceEqual("k8s\0"u8))
        {
            why = "the protobuf body does not start with the k8s envelope";
            return null;
        }
        string apiVersion = "", kind = "";
        ReadOnlyMemory<byte> raw = default;
        foreach (var (field, _, value, bytes) in Fields(body.AsMemory(4)))
        {
            if (field == 1)
            {
                foreach (var (f, _, _, b) in Fields(bytes))
                {
                    if (f == 1) { apiVersion = Encoding.UTF8.GetString(b.Span); }
                    if (f == 2) { kind = Encoding.UTF8.GetString(b.Span); }
                }
            }
            else if (field == 2)
            {
                raw = bytes;
            }
            _ = value;
        }
        if (!Schemas.ContainsKey(kind))
        {
            why = $"the simulator reads protobuf bodies of {string.Join(", ", Schemas.Keys.Where(k => char.IsUpper(k[0]) && Schemas[k].ContainsKey(1) && Schemas[k][1].Json == "metadata"))}, not {kind}; send JSON";
            return null;
        }
        var obj = Decode(kind, raw);
        obj.Insert(0, "apiVersion", apiVersion);
        obj.Insert(1, "kind", kind);
        return obj.ToJsonString();
    }

    private static JsonObject Decode(string type, ReadOnlyMemory<byte> message)
    {
        var schema = Schemas[type];
        var obj = new JsonObject();
        foreach (var (field, _, value, bytes) in Fields(message))
        {
            if (!schema.TryGetValue(field, out var f))
            {
                continue; // a field the simulator does not need
            }
            JsonNode? node = f.Type switch
            {
                Wire.Str => Encoding.UTF8.GetString(bytes.Span),
                Wire.Bytes => Convert.ToBase64String(bytes.Span),
                Wire.Bool => value != 0,
                Wire.Int => (long)value,
                Wire.Msg => Decode(f.Msg!, bytes),
                _ => null,
            };
            if (f.Type is Wire.MapStr or Wire.MapBytes)
            {
                string key = "", entry = "";
                foreach (var (ef, _, _, eb) in Fields(bytes))
                {
                    if (ef == 1) { key = Encoding.UTF8.GetString(eb.Span); }
                    if (ef == 2) { entry = f.Type == Wire.MapStr ? Encoding.UTF8.GetString(eb.Span) : Convert.ToBase64String(eb.Span); }
                }
                var map = obj[f.Json] as JsonObject ?? [];
                map[key] = entry;
                obj[f.Json] = map;
            }
            else if (f.Repeated)
            {
                var list = obj[f.Json] as JsonArray ?? [];
                list.Add(node);
                obj[f.Json] = list;
            }
            else if (!(f.Type is Wire.Str or Wire.Int && (bytes.Length == 0 && value == 0)))
            {
                // Go's generated marshallers write every scalar, even empty; its JSON (omitempty) leaves them out,
                // and an empty resourceVersion means "no precondition", not "version ''".
                obj[f.Json] = node;
            }
        }
        return obj;
    }

    /// <summary>The fields of a protobuf message: number, wire type, varint value, length-delimited bytes.</summary>
    private static IEnumerable<(int Field, int WireType, ulong Value, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var pos = 0;
        while (pos < message.Length)
        {
            var tag = Varint(message.Span, ref pos);
            var (field, wire) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wire)
            {
                case 0:
                    yield return (field, wire, Varint(message.Span, ref pos), default);
                    break;
                case 2:
                    var length = (int)Varint(message.Span, ref pos);
                    if (length < 0 || pos + length > message.Length)
                    {
                        throw new FormatException("a protobuf field runs past the end of its message");
                    }
                    yield return (field, wire, 0, message.Slice(pos, length));
                    pos += length;
                    break;
                case 1:
                    pos += 8;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw new FormatException($"protobuf wire type {wire} is not supported");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new FormatException("a protobuf varint runs past the end of its message");
            }
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException("a protobuf varint is longer than 10 bytes");
    }
}
