using System.Globalization;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary>
/// Transfer progress on a terminal: a line for each image as it completes, and below them one line redrawn in place
/// (at most five times a second) with the overall progress — bytes of distinct blobs (a layer images share counts
/// once), rate and time left — while several images transfer at once. Nothing when stderr is redirected, where the
/// commands' plain lines are the record.
/// </summary>
internal sealed class TransferBar(TextWriter stderr, bool? tty = null) : IProgress<TransferProgress>
{
    private const int Width = 24;
    private readonly bool _tty = tty ?? !Console.IsErrorRedirected;
    private readonly Dictionary<string, (long Done, long Total)> _images = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private long _last = long.MinValue / 2; // long ago, without overflow in now - _last
    private long _started = -1;
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
            if (_started < 0)
            {
                _started = now;
            }
            var (done, total) = value.AllTotal > 0
                ? (value.AllDone, value.AllTotal)
                : (_images.Values.Sum(i => Math.Min(i.Done, i.Total)), _images.Values.Sum(i => i.Total));
            Draw(Line(new TransferProgress($"{_finished.Count}/{_images.Count} images", done, total)) + Rate(done, total, now - _started),
                permanent: false);
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

    /// <summary>", 41.3 MiB/s, 12s left" after <paramref name="elapsedMs"/>; nothing before there is a rate to tell.</summary>
    internal static string Rate(long done, long total, long elapsedMs)
    {
        if (elapsedMs < 500 || done <= 0)
        {
            return "";
        }
        var perSecond = done * 1000.0 / elapsedMs;
        var left = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, total - done) / perSecond));
        var eta = left.TotalHours >= 1 ? $"{(int)left.TotalHours}h{left.Minutes:00}m" : left.TotalMinutes >= 1
            ? $"{left.Minutes}m{left.Seconds:00}s" : $"{left.Seconds}s";
        return string.Create(CultureInfo.InvariantCulture, $", {perSecond / (1 << 20):0.0} MiB/s, {eta} left");
    }

    /// <summary>"[#########---------------]  38% image (12 / 31 MiB)".</summary>
    internal static string Line(TransferProgress value)
    {
        var fraction = value.BytesTotal == 0 ? 1.0 : Math.Clamp((double)value.BytesDone / value.BytesTotal, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', Width - filled)}] {(int)(fraction * 100),3}% {value.Image} ({value.BytesDone / (1 << 20)}" +
                $" / {value.BytesTotal / (1 << 20)} MiB)");
    }
}
