using System.Collections.ObjectModel;
using System.Text;
using Ferry.Templates.Formatting;

namespace Ferry.Charts;

/// <summary>
/// The warnings helm logs while it loads values and renders (a deprecated chart, a condition that is not a boolean,
/// values that cannot be coalesced), as helm 4's log lines on stderr: <c>level=WARN msg="..." key=value</c>,
/// in the order helm emits them.
/// </summary>
public sealed class RenderLog
{
    private readonly List<string> _lines = [];

    public RenderLog()
    {
        CoalesceWarnings = new Forwarder(this);
    }

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Where values coalescing reports ("warning: skipped value for ..."): logged at INFO, as helm does.</summary>
    public ICollection<string> CoalesceWarnings { get; }

    public void Info(string message, params (string Key, string Value)[] attributes) => Add("INFO", message, attributes);

    public void Warn(string message, params (string Key, string Value)[] attributes) => Add("WARN", message, attributes);

    private void Add(string level, string message, (string Key, string Value)[] attributes)
    {
        var sb = new StringBuilder("level=").Append(level).Append(" msg=").Append(Value(message));
        foreach (var (key, value) in attributes)
        {
            sb.Append(' ').Append(key).Append('=').Append(Value(value));
        }
        _lines.Add(sb.ToString());
    }

    /// <summary>log/slog's text form of a value: quoted when empty or when it holds spaces, '=', '"' or unprintables.</summary>
    private static string Value(string s)
    {
        var quote = s.Length == 0;
        foreach (var r in s.EnumerateRunes())
        {
            if (r.Value is ' ' or '=' or '"' || !GoQuote.IsPrint(r.Value) || r == Rune.ReplacementChar)
            {
                quote = true;
                break;
            }
        }
        return quote ? GoQuote.Quote(s) : s;
    }

    private sealed class Forwarder(RenderLog log) : Collection<string>
    {
        protected override void InsertItem(int index, string item)
        {
            base.InsertItem(index, item);
            log.Info(item);
        }
    }
}
