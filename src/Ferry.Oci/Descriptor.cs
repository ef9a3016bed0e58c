using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ferry.Oci;

/// <summary>A platform: os/architecture[/variant].</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public static Platform Parse(string s)
    {
        var parts = s.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw new OciException($"invalid platform \"{s}\": expected os/arch or os/arch/variant, e.g. linux/amd64");
        }
        return new Platform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
    }

    public bool Matches(Platform other) =>
        Os == other.Os && Architecture == other.Architecture && (Variant is null || other.Variant is null || Variant == other.Variant);

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}

/// <summary>An OCI content descriptor.</summary>
public sealed record Descriptor(string MediaType, Digest Digest, long Size, IReadOnlyDictionary<string, string>? Annotations = null,
    Platform? Platform = null)
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    public static Descriptor FromJson(JsonElement e)
    {
        var mediaType = e.TryGetProperty("mediaType", out var mt) ? mt.GetString() ?? "" : "";
        if (!e.TryGetProperty("digest", out var dg) || !Digest.TryParse(dg.GetString(), out var digest))
        {
            throw new OciException("descriptor without a valid digest");
        }
        var size = e.TryGetProperty("size", out var sz) ? sz.GetInt64() : 0;
        Dictionary<string, string>? annotations = null;
        if (e.TryGetProperty("annotations", out var ann) && ann.ValueKind == JsonValueKind.Object)
        {
            annotations = ann.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        }
        Platform? platform = null;
        if (e.TryGetProperty("platform", out var pl) && pl.ValueKind == JsonValueKind.Object)
        {
            platform = new Platform(
                pl.TryGetProperty("os", out var os) ? os.GetString() ?? "" : "",
                pl.TryGetProperty("architecture", out var arch) ? arch.GetString() ?? "" : "",
                pl.TryGetProperty("variant", out var v) ? v.GetString() : null);
        }
        return new Descriptor(mediaType, digest, size, annotations, platform);
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["mediaType"] = MediaType, ["digest"] = Digest.Value, ["size"] = Size };
        if (Platform is not null)
        {
            var p = new JsonObject { ["architecture"] = Platform.Architecture, ["os"] = Platform.Os };
            if (Platform.Variant is not null)
            {
                p["variant"] = Platform.Variant;
            }
            o["platform"] = p;
        }
        if (Annotations is { Count: > 0 })
        {
            var a = new JsonObject();
            foreach (var (k, v) in Annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                a[k] = v;
            }
            o["annotations"] = a;
        }
        return o;
    }
}

/// <summary>Reads the children of a manifest or index.</summary>
public static class ManifestReader
{
    /// <summary>The media type of manifest bytes (from its <c>mediaType</c> field, or by shape).</summary>
    public static string MediaTypeOf(ReadOnlySpan<byte> manifest)
    {
        using var doc = JsonDocument.Parse(manifest.ToArray());
        var root = doc.RootElement;
        if (root.TryGetProperty("mediaType", out var mt) && mt.GetString() is { Length: > 0 } s)
        {
            return s;
        }
        return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
    }

    /// <summary>For a manifest: config then layers; for an index: the child manifests.</summary>
    public static List<Descriptor> Children(ReadOnlySpan<byte> manifest, string mediaType)
    {
        using var doc = JsonDocument.Parse(manifest.ToArray());
        var root = doc.RootElement;
        var result = new List<Descriptor>();
        if (MediaTypes.IsIndex(mediaType))
        {
            foreach (var m in root.GetProperty("manifests").EnumerateArray())
            {
                result.Add(Descriptor.FromJson(m));
            }
            return result;
        }
        if (root.TryGetProperty("config", out var config))
        {
            result.Add(Descriptor.FromJson(config));
        }
        if (root.TryGetProperty("layers", out var layers))
        {
            foreach (var l in layers.EnumerateArray())
            {
                result.Add(Descriptor.FromJson(l));
            }
        }
        return result;
    }
}
