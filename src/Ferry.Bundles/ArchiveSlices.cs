using System.Formats.Tar;

namespace Ferry.Bundles;

/// <summary>
/// Where each file of an uncompressed bundle (one file, or split in parts) lies inside the archive, so its content
/// can be read in place — deploys push image layers straight from the bundle instead of copying them out first.
/// </summary>
internal sealed class ArchiveSlices
{
    private readonly string _bundle;
    private readonly Dictionary<string, (long Offset, long Size)> _entries;

    private ArchiveSlices(string bundle, Dictionary<string, (long, long)> entries)
    {
        _bundle = bundle;
        _entries = entries;
    }

    /// <summary>The index of a bundle whose archive is stored uncompressed (one file or split in parts), or null (zstd: it must be
    /// extracted).</summary>
    public static ArchiveSlices? TryIndex(string bundle)
    {
        if (BundleFile.Storage(bundle).Zstd)
        {
            return null;
        }
        var entries = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        using var stored = BundleFile.OpenStored(bundle);
        using var tar = new TarReader(stored);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataOffset < 0)
            {
                return null;
            }
            entries[entry.Name] = (entry.DataOffset, entry.Length);
        }
        return new ArchiveSlices(bundle, entries);
    }

    /// <summary>An opener for the file's content, or null when the archive has no such file.</summary>
    public Func<Stream>? Open(string name) =>
        _entries.TryGetValue(name, out var e) ? () => new Slice(BundleFile.OpenStored(_bundle), e.Offset, e.Size) : null;

    /// <summary>A read-only window on part of the stored archive.</summary>
    private sealed class Slice : Oci.ReadOnlyStream
    {
        private readonly Stream _file;
        private readonly long _start;
        private readonly long _length;

        public Slice(Stream stored, long start, long length)
        {
            _file = stored;
            _file.Position = start;
            (_start, _length) = (start, length);
        }

        public override bool CanSeek => true;

        public override long Length => _length;

        public override long Position
        {
            get => _file.Position - _start;
            set => _file.Position = _start + Math.Clamp(value, 0, _length);
        }

        public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, Limit(count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _file.ReadAsync(buffer[..Limit(buffer.Length)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _file.ReadAsync(buffer, offset, Limit(count), cancellationToken);

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => _length + offset };
            return Position;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _file.Dispose();
            }
            base.Dispose(disposing);
        }

        private int Limit(int count) => (int)Math.Min(count, Math.Max(0, _length - Position));
    }
}
