using System.Globalization;

namespace Ferry.Bundles;

/// <summary>How a bundle archive is stored: optionally zstd-compressed, optionally split into numbered parts.</summary>
public sealed record BundleStorage(bool Zstd, long? SplitBytes);

/// <summary>
/// Opens and creates bundle files. A split bundle is <c>NAME.001</c>, <c>NAME.002</c>, … (for media with size
/// limits); readers take <c>NAME</c> or <c>NAME.001</c> and see one stream. zstd-compressed bundles are detected
/// by their magic number, so every command reads every form.
/// </summary>
public static class BundleFile
{
    private static readonly byte[] ZstdMagic = [0x28, 0xB5, 0x2F, 0xFD];

    public static bool Exists(string path) => File.Exists(path) || File.Exists(path + ".001");

    /// <summary>
    /// Why there is no bundle at <paramref name="path"/>, and what to give instead: a folder is named with the bundles
    /// in it, so <c>ferry deploy /media/usb</c> says which file was meant.
    /// </summary>
    public static BundleException Missing(string path)
    {
        if (!Directory.Exists(path))
        {
            return new BundleException($"{path}: no such bundle file");
        }
        var bundles = Directory.EnumerateFiles(path, "*.ferry").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var hint = bundles.Count switch
        {
            0 => "it holds no .ferry file",
            1 => $"give the bundle in it: {Path.Combine(path, bundles[0]!)}",
            _ => $"give one of the bundles in it: {string.Join(", ", bundles.Take(5))}{(bundles.Count > 5 ? ", ..." : "")}",
        };
        return new BundleException($"{path} is a folder, not a bundle file; {hint}");
    }

    /// <summary>The files holding a bundle, in order.</summary>
    public static IReadOnlyList<string> Parts(string path)
    {
        if (File.Exists(path) && !path.EndsWith(".001", StringComparison.Ordinal))
        {
            return [path];
        }
        var stem = path.EndsWith(".001", StringComparison.Ordinal) ? path[..^4] : path;
        var parts = new List<string>();
        for (var i = 1; File.Exists(Part(stem, i)); i++)
        {
            parts.Add(Part(stem, i));
        }
        if (parts.Count == 0)
        {
            throw Missing(path);
        }
        // A numbered part after a gap means one in between is missing; parts of unequal size (but the last) were cut
        // short or come from another bundle. Either way the archive would read wrong: say which file.
        var dir = Path.GetDirectoryName(Path.GetFullPath(stem))!;
        var later = Directory.EnumerateFiles(dir, Path.GetFileName(stem) + ".*")
            .Select(f => (File: f, Suffix: f[(f.LastIndexOf('.') + 1)..]))
            .Where(f => f.Suffix.Length == 3 && f.Suffix.All(char.IsAsciiDigit) && int.Parse(f.Suffix, CultureInfo.InvariantCulture) > parts.Count
                + 1)
            .Select(f => f.File).Order(StringComparer.Ordinal).FirstOrDefault();
        if (later is not null)
        {
            throw new BundleException($"{Part(stem, parts.Count + 1)} is missing, but {later} is there: copy every part of the bundle");
        }
        var size = new FileInfo(parts[0]).Length;
        foreach (var part in parts.Skip(1))
        {
            var length = new FileInfo(part).Length;
            if (part != parts[^1] ? length != size : length > size)
            {
                throw new BundleException($"{part} is {length} bytes where the parts before it are {size}: it was cut short or belongs to another " +
                    "bundle; copy it again");
            }
        }
        return parts;
    }

    /// <summary>The bundle's storage form, as found on disk.</summary>
    public static BundleStorage Storage(string path)
    {
        var parts = Parts(path);
        var head = new byte[4];
        using (var fs = File.OpenRead(parts[0]))
        {
            fs.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        }
        return new BundleStorage(head.AsSpan().SequenceEqual(ZstdMagic), parts.Count > 1 ? new FileInfo(parts[0]).Length : null);
    }

    public static long Length(string path) => Parts(path).Sum(p => new FileInfo(p).Length);

    /// <summary>The uncompressed tar stream of a bundle, whatever its storage.</summary>
    public static Stream OpenRead(string path)
    {
        var raw = OpenStored(path);
        return Storage(path).Zstd ? new ZstdSharp.DecompressionStream(raw, 1 << 20) : raw;
    }

    /// <summary>Creates a bundle; nothing appears under <paramref name="output"/> until <see cref="Target.Commit"/>.</summary>
    public static Target Create(string output, BundleStorage storage) => new(output, storage);

    internal static string Part(string stem, int n) => $"{stem}.{n.ToString("D3", CultureInfo.InvariantCulture)}";

    /// <summary>Parses sizes such as <c>4GiB</c>, <c>700MB</c>, <c>1048576</c> (binary multiples).</summary>
    public static long ParseSize(string text)
    {
        var t = text.Trim();
        var unit = t.TrimStart("0123456789".ToCharArray()).ToUpperInvariant();
        var number = t[..(t.Length - unit.Length)];
        long multiplier = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new BundleException($"size \"{text}\": expected a number with an optional unit (K, M, G, T; binary), e.g. 4GiB");
        }
        if (n * multiplier < 1 << 20)
        {
            throw new BundleException($"size \"{text}\": parts must be at least 1 MiB");
        }
        return n * multiplier;
    }

    /// <summary>A bundle being written: <see cref="Stream"/> takes the tar; <see cref="Commit"/> moves the parts into place.</summary>
    public sealed class Target : IDisposable
    {
        private readonly string _output;
        private readonly string _temp;
        private readonly BundlePartWriter _parts;
        private readonly ZstdSharp.CompressionStream? _zstd;
        private bool _committed;

        internal Target(string output, BundleStorage storage)
        {
            _output = output;
            _temp = output + ".partial";
            _parts = new BundlePartWriter(_temp, storage.SplitBytes);
            if (storage.Zstd)
            {
                _zstd = new ZstdSharp.CompressionStream(_parts, level: 3, bufferSize: 1 << 20, leaveOpen: true);
            }
        }

        public Stream Stream => _zstd ?? (Stream)_parts;

        /// <summary>The archive's files written at any offset (an uncompressed bundle only): blobs fetched side by side.</summary>
        internal BundlePartWriter? Positional => _zstd is null ? _parts : null;

        public long Commit()
        {
            _zstd?.Dispose();
            _parts.Dispose();
            foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(Path.GetFullPath(_output))!, Path.GetFileName(_output) + ".???"))
            {
                if (stale[^3..].All(char.IsAsciiDigit))
                {
                    File.Delete(stale);
                }
            }
            long total = 0;
            if (_parts.Files.Count == 1 && _parts.Split is null)
            {
                File.Move(_parts.Files[0], _output, overwrite: true);
                total = new FileInfo(_output).Length;
            }
            else
            {
                File.Delete(_output);
                for (var i = 0; i < _parts.Files.Count; i++)
                {
                    var final = Part(_output, i + 1);
                    File.Move(_parts.Files[i], final, overwrite: true);
                    total += new FileInfo(final).Length;
                }
            }
            _committed = true;
            return total;
        }

        public void Dispose()
        {
            if (!_committed)
            {
                _zstd?.Dispose();
                _parts.Dispose();
                foreach (var f in _parts.Files)
                {
                    File.Delete(f);
                }
            }
        }
    }

    /// <summary>
    /// The archive bytes as stored (compressed if zstd), as one seekable stream over all parts; what
    /// <see cref="ArchiveSlices"/> reads plain bundles through in place.
    /// </summary>
    internal static Stream OpenStored(string path)
    {
        var parts = Parts(path);
        return parts.Count == 1
            ? new FileStream(parts[0], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan)
            : new ConcatenatedStream(parts);
    }

    /// <summary>Reads numbered parts as one stream, seekable: a position maps to a part and an offset in it.</summary>
    private sealed class ConcatenatedStream : Oci.ReadOnlyStream
    {
        private readonly IReadOnlyList<string> _parts;
        private readonly long[] _starts;
        private readonly long _length;
        private int _index = -1;
        private FileStream? _current;
        private long _position;

        public ConcatenatedStream(IReadOnlyList<string> parts)
        {
            _parts = parts;
            _starts = new long[parts.Count];
            for (var i = 0; i < parts.Count; i++)
            {
                _starts[i] = _length;
                _length += new FileInfo(parts[i]).Length;
            }
        }

        public override bool CanSeek => true;

        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                _position = value;
                _current?.Dispose();
                _current = null;
                _index = -1;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (buffer.Length > 0 && _position < _length)
            {
                if (_current is null)
                {
                    // the part holding the position (the last one starting at or before it)
                    _index = Array.FindLastIndex(_starts, s => s <= _position);
                    _current = new FileStream(_parts[_index], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
                    _current.Position = _position - _starts[_index];
                }
                var n = _current.Read(buffer);
                if (n > 0)
                {
                    _position += n;
                    return n;
                }
                if (_index + 1 < _parts.Count && _position < _starts[_index + 1])
                {
                    throw new IOException($"{_parts[_index]} ended early: it changed while being read");
                }
                _current.Dispose();
                _current = null;
            }
            return 0;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => _length + offset };
            return _position;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _current?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
