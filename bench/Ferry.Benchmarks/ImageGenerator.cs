using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.Oci;

namespace Ferry.Benchmarks;

/// <summary>Writes benchmark images: five images sharing one base layer, each with its own layers, random content.</summary>
public static class ImageGenerator
{
    public static void Generate(string dir, int totalMb)
    {
        var layout = OciLayout.Open(dir, create: true);
        var baseMb = Math.Max(totalMb / 10, 1);
        var perImageMb = Math.Max((totalMb - baseMb) / 5, 1);
        var baseLayer = Layer(layout, (long)baseMb << 20, 1);
        for (var i = 0; i < 5; i++)
        {
            var own = new[] { Layer(layout, ((long)perImageMb << 20) / 2, 10 + (i * 2)), Layer(layout, ((long)perImageMb << 20) / 2, 11 + (i * 2)) };
            Image(layout, $"docker.io/acme/bench-{i}:1.0", [baseLayer, .. own]);
        }
        Console.WriteLine($"generated 5 images ({baseMb} MB shared base + {perImageMb} MB each) in {dir}");
    }

    /// <summary>One image per name (tag included), all sharing a base layer, each with one layer of its own.</summary>
    public static void GenerateNamed(string dir, IReadOnlyList<string> names, int mbEach)
    {
        var layout = OciLayout.Open(dir, create: true);
        var baseLayer = Layer(layout, Math.Max(mbEach / 2, 1) << 20, 1);
        for (var i = 0; i < names.Count; i++)
        {
            Image(layout, names[i], [baseLayer, Layer(layout, Math.Max(mbEach / 2, 1) << 20, 100 + i)]);
        }
        Console.WriteLine($"generated {names.Count} images in {dir}");
    }

    private static (Descriptor Layer, string DiffId) Layer(OciLayout layout, long size, int seed)
    {
        var temp = layout.NewTempFile();
        using var diff = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(temp))
        using (var gz = new GZipStream(file, CompressionLevel.NoCompression))
        using (var hashing = new HashingStream(gz, diff))
        using (var tar = new TarWriter(hashing, TarEntryFormat.Pax, leaveOpen: true))
        {
            // streamed, so layers of gigabytes need no memory of their size
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"data/{seed}.bin")
            {
                DataStream = new RandomBytes(size, seed), ModificationTime = DateTimeOffset.UnixEpoch,
            });
        }
        var diffId = "sha256:" + Convert.ToHexStringLower(diff.GetHashAndReset());
        Digest digest;
        using (var fs = File.OpenRead(temp))
        {
            digest = Digest.FromHash(SHA256.HashData(fs));
        }
        var length = new FileInfo(temp).Length;
        layout.CommitBlob(temp, digest, length);
        return (new Descriptor(MediaTypes.OciLayerGzip, digest, length), diffId);
    }

    private static void Image(OciLayout layout, string name, (Descriptor Layer, string DiffId)[] layers)
    {
        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)l.DiffId).ToArray()) },
        };
        var c = layout.WriteBlob(Encoding.UTF8.GetBytes(config.ToJsonString()), MediaTypes.OciConfig);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = c.ToJson(),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)l.Layer.ToJson()).ToArray()),
        };
        layout.Tag(layout.WriteBlob(Encoding.UTF8.GetBytes(manifest.ToJsonString()), MediaTypes.OciManifest), name);
    }

    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }
    }
}

/// <summary>A read-only stream of <c>length</c> pseudo-random bytes from a seed (seekable to its start only).</summary>
internal sealed class RandomBytes(long length, int seed) : Stream
{
    private Random _rng = new(seed);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        _rng.NextBytes(buffer[..n]);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => length + offset };
        if (target == _position)
        {
            return _position;
        }
        if (target != 0)
        {
            throw new NotSupportedException("only a seek to the start");
        }
        (_rng, _position) = (new Random(seed), 0);
        return 0;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
