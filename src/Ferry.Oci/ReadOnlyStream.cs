namespace Ferry.Oci;

/// <summary>
/// The base of Ferry's read-only streams (progress, checked and sliced views of blobs and archives): nothing to write,
/// flush or resize.
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => false;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A read-only view of another stream, which it disposes.</summary>
public abstract class ReadOnlyWrapper(Stream inner) : ReadOnlyStream
{
    /// <summary>The stream read.</summary>
    protected Stream Inner { get; } = inner;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// <c>length</c> bytes of a seekable stream from <c>start</c>, read in order (a chunk of an upload); it does not own the
/// stream, and moves it to <c>start</c> when first read, so a request sent again reads its chunk again.
/// </summary>
public sealed class StreamWindow(Stream source, long start, long length) : ReadOnlyStream
{
    private long _read = -1;

    public override long Length => length;

    public override long Position { get => Math.Max(_read, 0); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Begin();
        var n = source.Read(buffer[..(int)Math.Min(buffer.Length, length - _read)]);
        _read += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Begin();
        var n = await source.ReadAsync(buffer[..(int)Math.Min(buffer.Length, length - _read)], cancellationToken).ConfigureAwait(false);
        _read += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Begin()
    {
        if (_read < 0)
        {
            source.Position = start;
            _read = 0;
        }
    }
}
