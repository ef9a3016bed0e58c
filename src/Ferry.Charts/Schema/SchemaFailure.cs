using System.Globalization;
using System.Text;
using Ferry.Templates.Formatting;

namespace Ferry.Charts.Schema;

/// <summary>How a failure is shown: a plain message, a group of failures, or a reference followed.</summary>
internal enum FailureKind
{
    Message,
    Group,
    Reference,
}

/// <summary>
/// A validation failure at an instance location, with nested causes; <see cref="Write"/> prints the tree as Helm
/// does (<c>- at '/a/b': message</c>, causes indented by two spaces, a followed <c>$ref</c> with one cause replaced by it).
/// </summary>
internal sealed class SchemaFailure(IReadOnlyList<string> location, FailureKind kind, string message, List<SchemaFailure>? causes = null)
{
    public IReadOnlyList<string> Location { get; } = location;

    public FailureKind Kind { get; } = kind;

    public string Message { get; } = message;

    public List<SchemaFailure> Causes { get; } = causes ?? [];

    /// <summary>Writes the failures below the root, one line each.</summary>
    public void WriteRoot(StringBuilder sb)
    {
        if (Kind == FailureKind.Group)
        {
            foreach (var c in Causes)
            {
                c.Write(sb, 0);
            }
        }
        else
        {
            Write(sb, 0);
        }
    }

    private void Write(StringBuilder sb, int indent)
    {
        if (Kind == FailureKind.Reference && Causes.Count == 1)
        {
            Causes[0].Write(sb, indent);
            return;
        }
        sb.Append(' ', indent * 2).Append("- at '").Append(Pointer(Location)).Append("': ").Append(Message).Append('\n');
        foreach (var c in Causes)
        {
            c.Write(sb, indent + 1);
        }
    }

    private static string Pointer(IReadOnlyList<string> tokens)
    {
        var sb = new StringBuilder();
        foreach (var t in tokens)
        {
            sb.Append('/').Append(t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }
        return sb.ToString();
    }

    /// <summary>The validator's quoting: Go's %q with single quotes outside (double quotes left bare, single ones escaped).</summary>
    public static string Quote(string s)
    {
        var q = GoQuote.Quote(s);
        q = q.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        return "'" + q[1..^1] + "'";
    }

    /// <summary>A number as the validator's English message printer shows it: shortest form, thousands grouped.</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v))
        {
            return GoFloat.Shortest(v);
        }
        var text = Math.Abs(v) < 1e21 ? v.ToString("R", CultureInfo.InvariantCulture) : GoFloat.Shortest(v);
        if (text.Contains('E', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal))
        {
            text = ((decimal)v).ToString(CultureInfo.InvariantCulture);
        }
        return Group(text);
    }

    public static string Number(long v) => Group(v.ToString(CultureInfo.InvariantCulture));

    private static string Group(string text)
    {
        var neg = text.StartsWith('-');
        var body = neg ? text[1..] : text;
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? body[..dot] : body;
        var sb = new StringBuilder();
        for (var i = 0; i < intPart.Length; i++)
        {
            if (i > 0 && (intPart.Length - i) % 3 == 0)
            {
                sb.Append(',');
            }
            sb.Append(intPart[i]);
        }
        return (neg ? "-" : "") + sb + (dot >= 0 ? body[dot..] : "");
    }
}
