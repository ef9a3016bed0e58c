using Microsoft.Win32.SafeHandles;

namespace Ferry.Bundles;

/// <summary>
/// Writes a bundle's bytes into one file, or into numbered parts of at most <c>Split</c> bytes: as a stream (each write
/// after the last) and at any offset of the whole (<see cref="WriteAt"/>, safe from several threads at once), so an
/// archive whose layout is known up front can take its blobs in any order. Writes go straight to the files
/// (<c>pwrite</c>); callers write in large pieces.
/// </summary>
internal sealed class BundlePartWriter(string temp, long? split) : WriteOnlyStream
{
    private readonly List<SafeFileHandle> _handles = [];
    private long _position;

    public long? Split => split;

    /// <summary>The files written, in order.</summary>
    public List<string> Files { get; } = [];

    public override long Length => _position;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <summary>Leaves <paramref name="count"/> bytes for <see cref="WriteAt"/> and goes on after them.</summary>
    public void Skip(long count) => _position += count;

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> of the whole, across parts as needed.</summary>
    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var part = split is { } s ? (int)(offset / s) : 0;
            var inPart = split is { } s2 ? offset % s2 : offset;
            var n = split is { } max ? (int)Math.Min(data.Length, max - inPart) : data.Length;
            RandomAccess.Write(Handle(part), data[..n], inPart);
            offset += n;
            data = data[n..];
        }
    }

    private SafeFileHandle Handle(int part)
    {
        lock (_handles)
        {
            while (_handles.Count <= part)
            {
                var name = split is null ? temp : BundleFile.Part(temp, Files.Count + 1);
                _handles.Add(File.OpenHandle(name, FileMode.Create, FileAccess.Write, FileShare.None));
                Files.Add(name);
            }
            return _handles[part];
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        WriteAt(_position, buffer);
        _position += buffer.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Handle(0); // an empty bundle is still one file
            lock (_handles)
            {
                foreach (var h in _handles)
                {
                    h.Dispose();
                }
                _handles.Clear();
            }
        }
        base.Dispose(disposing);
    }
}

/// <summary>A write-only window of a <see cref="BundlePartWriter"/>: one blob's place in the archive, written in order.</summary>
internal sealed class ArchiveRegion(BundlePartWriter parts, long offset, long size) : WriteOnlyStream
{
    private long _written;

    public override long Length => size;

    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > size)
        {
            throw new InvalidOperationException($"a blob overran its {size} bytes in the archive");
        }
        parts.WriteAt(offset + _written, buffer);
        _written += buffer.Length;
    }
}

/// <summary>A synchronous write-only stream: subclasses write spans; the rest of <see cref="Stream"/> follows from that.</summary>
internal abstract class WriteOnlyStream : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
