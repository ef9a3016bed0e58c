using System.Globalization;

namespace Ferry.Bundles;

/// <summary>
/// Passes a tar stream through unchanged while checking every header block's checksum as it goes by (.NET's
/// TarReader does not): a damaged header — an owner, mode or type field no file checksum covers — is reported
/// instead of read as something else. Forward-only (not seekable), so every byte is seen.
/// </summary>
internal sealed class CheckedTarStream(Stream source) : Oci.ReadOnlyWrapper(source)
{
    private const int Block = 512;
    private readonly byte[] _header = new byte[Block];
    private long _position;
    private long _nextHeader;
    private int _filled;
    private bool _ended;

    /// <summary>The first damaged header found, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Whether the end-of-archive blocks went by (else a stream that ended was cut short).</summary>
    public bool Ended => _ended;

    /// <summary>How many headers with a right checksum went by.</summary>
    public int GoodHeaders { get; private set; }

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Inner.Read(buffer);
        Observe(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Observe(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0 && !_ended)
        {
            if (_position < _nextHeader)
            {
                var skip = (int)Math.Min(data.Length, _nextHeader - _position);
                _position += skip;
                data = data[skip..];
                continue;
            }
            var take = Math.Min(data.Length, Block - _filled);
            data[..take].CopyTo(_header.AsSpan(_filled));
            _filled += take;
            _position += take;
            data = data[take..];
            if (_filled == Block)
            {
                _filled = 0;
                Check();
            }
        }
        _position += data.Length;
    }

    private void Check()
    {
        if (!_header.AsSpan().ContainsAnyExcept((byte)0))
        {
            _ended = true; // the end-of-archive blocks
            return;
        }
        var computed = 0L;
        for (var i = 0; i < Block; i++)
        {
            computed += i is >= 148 and < 156 ? ' ' : _header[i];
        }
        var stored = Octal(_header.AsSpan(148, 8));
        if (stored == computed)
        {
            GoodHeaders++;
        }
        else if (Problem is null)
        {
            Problem = $"the tar header at byte {_nextHeader} is damaged (checksum {stored}, computed {computed})";
        }
        var sizeField = _header.AsSpan(124, 12);
        long size;
        if ((sizeField[0] & 0x80) != 0)
        {
            size = 0; // base-256 (GNU): the low 8 bytes hold the size
            foreach (var b in sizeField[4..])
            {
                size = (size << 8) | b;
            }
        }
        else
        {
            size = Octal(sizeField);
        }
        _nextHeader += Block + ((Math.Max(size, 0) + Block - 1) / Block * Block);
    }

    private static long Octal(ReadOnlySpan<byte> field)
    {
        var text = System.Text.Encoding.ASCII.GetString(field).Trim(' ', '\0');
        return long.TryParse(text.Split('\0', ' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? Convert.ToInt64(text.Split('\0', ' ')[0], 8)
            : -1;
    }
}
