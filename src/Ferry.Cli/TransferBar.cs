using System.Globalization;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary>
/// Transfer progress on a terminal: a line for each image as it completes, and below them one line redrawn in place
/// (at most five times a second) with the overall progress of the images still moving — several images transfer at
/// once. Nothing when stderr is redirected, where the commands' plain lines are the record.
/// </summary>
internal sealed class TransferBar(TextWriter stderr, bool? tty = null) : IProgress<TransferProgress>
{
    private const int Width = 24;
    private readonly bool _tty = tty ?? !Console.IsErrorRedirected;
    private readonly Dictionary<string, (long Done, long Total)> _images = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private long _last = long.MinValue / 2; // long ago, without overflow in now - _last
    private int _shown;

    public void Report(TransferProgress value)
    {
        if (!_tty)
        {
            return;
        }
        lock (_images)
        {
            _images[value.Image] = (value.BytesDone, value.BytesTotal);
            var finishedNow = value.BytesDone >= value.BytesTotal && _finished.Add(value.Image);
            if (finishedNow)
            {
                Draw(Line(value), permanent: true);
            }
            if (_finished.Count == _images.Count)
            {
                return; // nothing in flight
            }
            var now = Environment.TickCount64;
            if (!finishedNow && (now - _last < 200 || value.BytesDone == 0)) // a start (sizes announced) is not progress
            {
                return;
            }
            _last = now;
            var done = _images.Values.Sum(i => Math.Min(i.Done, i.Total));
            var total = _images.Values.Sum(i => i.Total);
            Draw(Line(new TransferProgress($"{_finished.Count}/{_images.Count} images", done, total)), permanent: false);
        }
    }

    /// <summary>Rewrites the current line (blanking what a longer previous one left), then ends it or leaves it for the next redraw.</summary>
    private void Draw(string text, bool permanent)
    {
        stderr.Write("\r" + text + new string(' ', Math.Max(0, _shown - text.Length)));
        if (permanent)
        {
            stderr.WriteLine();
            _shown = 0;
        }
        else
        {
            _shown = text.Length;
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
