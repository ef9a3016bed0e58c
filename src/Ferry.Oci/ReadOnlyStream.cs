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
