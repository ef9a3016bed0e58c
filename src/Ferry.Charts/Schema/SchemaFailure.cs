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

    /// <summary>
    /// A number as the validator's English message printer (golang.org/x/text/message) shows Go's <c>%v</c>: thousands
    /// grouped (<c>70,000</c>), and where Go would write an exponent, scientific notation (<c>1.5×10⁰⁸</c>, <c>1×10⁻⁰⁵</c>).
    /// </summary>
    public static string Number(double v)
    {
        var text = GoFloat.Shortest(v);
        var e = text.IndexOf('e', StringComparison.Ordinal);
        if (e < 0)
        {
            return Group(text);
        }
        var sb = new StringBuilder(text[..e]).Append("×10");
        foreach (var c in text[(e + 1)..])
        {
            sb.Append(c switch
            {
                '-' => '⁻',
                '+' => '\0',
                '0' => '⁰',
                '1' => '¹',
                '2' => '²',
                '3' => '³',
                _ => (char)('⁴' + (c - '4')),
            });
        }
        return sb.ToString().Replace("\0", "", StringComparison.Ordinal);
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
