using System.Globalization;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary>
/// A progress bar per image on a terminal (stderr redrawn in place, at most five times a second); nothing when
/// stderr is redirected, where the commands' plain lines are the record.
/// </summary>
internal sealed class TransferBar(TextWriter stderr, bool? tty = null) : IProgress<TransferProgress>
{
    private const int Width = 24;
    private readonly bool _tty = tty ?? !Console.IsErrorRedirected;
    private long _last;

    public void Report(TransferProgress value)
    {
        if (!_tty)
        {
            return;
        }
        var now = Environment.TickCount64;
        var done = value.BytesDone >= value.BytesTotal;
        if (now - Interlocked.Read(ref _last) < 200 && !done)
        {
            return;
        }
        Interlocked.Exchange(ref _last, now);
        lock (stderr)
        {
            stderr.Write("\r" + Line(value) + "   ");
            if (done)
            {
                stderr.WriteLine();
            }
        }
    }

    /// <summary>"[#########---------------]  38% image (12 / 31 MiB)".</summary>
    internal static string Line(TransferProgress value)
    {
        var fraction = value.BytesTotal == 0 ? 1.0 : Math.Clamp((double)value.BytesDone / value.BytesTotal, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', Width - filled)}] {(int)(fraction * 100),3}% {value.Image} ({value.BytesDone / (1 << 20)} / {value.BytesTotal / (1 << 20)} MiB)");
    }
}
