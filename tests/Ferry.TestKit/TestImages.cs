using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Ferry.Oci.Tests;

/// <summary>Generates real (runnable-shaped) images with random layers into an OCI layout.</summary>
public static class TestImages
{
    /// <summary>A gzipped tar layer holding one file of random bytes; returns its descriptor and diff id.</summary>
    public static (Descriptor Layer, string DiffId) Layer(OciLayout layout, int size, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[size];
        rng.NextBytes(data);
        using var tarBytes = new MemoryStream();
        using (var tar = new TarWriter(tarBytes, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, $"data/file-{seed}.bin") { DataStream = new MemoryStream(data), ModificationTime = DateTimeOffset.UnixEpoch };
            tar.WriteEntry(entry);
        }
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tarBytes.ToArray()));
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            tarBytes.Position = 0;
            tarBytes.CopyTo(z);
        }
        return (layout.WriteBlob(gz.ToArray(), MediaTypes.OciLayerGzip), diffId);
    }

    /// <summary>An image manifest with the given layers; tagged in the layout when a name is given.</summary>
    public static Descriptor Image(OciLayout layout, string? name, IReadOnlyList<(Descriptor Layer, string DiffId)> layers, string arch = "amd64")
    {
        var config = new JsonObject
        {
            ["architecture"] = arch,
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("/bin/true") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)l.DiffId).ToArray()) },
        };
        var configDesc = layout.WriteBlob(Encoding.UTF8.GetBytes(config.ToJsonString()), MediaTypes.OciConfig);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = configDesc.ToJson(),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)l.Layer.ToJson()).ToArray()),
        };
        var desc = layout.WriteBlob(Encoding.UTF8.GetBytes(manifest.ToJsonString()), MediaTypes.OciManifest);
        if (name is not null)
        {
            layout.Tag(desc, name);
        }
        return desc;
    }

    /// <summary>An index with linux/amd64 and linux/arm64 images.</summary>
    public static Descriptor MultiPlatform(OciLayout layout, string name, int seed)
    {
        var amd = Image(layout, null, [Layer(layout, 4096, seed)], "amd64");
        var arm = Image(layout, null, [Layer(layout, 4096, seed + 1)], "arm64");
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(
                (amd with { Platform = new Platform("linux", "amd64") }).ToJson(),
                (arm with { Platform = new Platform("linux", "arm64") }).ToJson()),
        };
        var desc = layout.WriteBlob(Encoding.UTF8.GetBytes(index.ToJsonString()), MediaTypes.OciIndex);
        layout.Tag(desc, name);
        return desc;
    }
}
