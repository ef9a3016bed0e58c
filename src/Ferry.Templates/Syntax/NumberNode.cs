using System.Globalization;
using System.Numerics;
using System.Text;
using Ferry.Templates.Formatting;

namespace Ferry.Templates.Syntax;

/// <summary>
/// A numeric constant (including character constants) with every interpretation Go allows: it may be
/// at once an int, a uint, a float and a complex, exactly as text/template's NumberNode.
/// </summary>
public sealed class NumberNode : Node
{
    private NumberNode(Tree tree, int pos, string text)
        : base(tree, pos)
    {
        Text = text;
    }

    public bool IsInt { get; private set; }

    public bool IsUint { get; private set; }

    public bool IsFloat { get; private set; }

    public bool IsComplex { get; private set; }

    public long Int64 { get; private set; }

    public ulong Uint64 { get; private set; }

    public double Float64 { get; private set; }

    public Complex Complex128 { get; private set; }

    public string Text { get; }

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append(Text);

    /// <summary>Builds a number node; returns an error message instead when the text is not a valid constant.</summary>
    internal static NumberNode Parse(Tree tree, int pos, string text, bool isChar, bool isComplex, out string? error)
    {
        error = null;
        var n = new NumberNode(tree, pos, text);
        if (isChar)
        {
            if (!GoQuote.TryUnquoteChar(text, 1, '\'', out var rune, out var next) || next != text.Length - 1 || text[^1] != '\'')
            {
                error = $"malformed character constant: {text}";
                return n;
            }
            n.Int64 = rune;
            n.IsInt = true;
            n.Uint64 = (ulong)rune;
            n.IsUint = true;
            n.Float64 = rune;
            n.IsFloat = true;
            return n;
        }
        if (isComplex)
        {
            if (!TryParseComplex(text, out var c))
            {
                error = $"expected integer";
                return n;
            }
            n.IsComplex = true;
            n.Complex128 = c;
            n.SimplifyComplex();
            return n;
        }
        if (text.Length > 0 && text[^1] == 'i' && GoNumberParser.TryParseFloat(text[..^1], out var imag))
        {
            n.IsComplex = true;
            n.Complex128 = new Complex(0, imag);
            n.SimplifyComplex();
            return n;
        }
        var uok = GoNumberParser.TryParseUint(text, out var u);
        if (uok)
        {
            n.IsUint = true;
            n.Uint64 = u;
        }
        if (GoNumberParser.TryParseInt(text, out var i))
        {
            n.IsInt = true;
            n.Int64 = i;
            if (i == 0)
            {
                n.IsUint = true;
                n.Uint64 = u;
            }
        }
        if (n.IsInt)
        {
            n.IsFloat = true;
            n.Float64 = n.Int64;
        }
        else if (n.IsUint)
        {
            n.IsFloat = true;
            n.Float64 = n.Uint64;
        }
        else if (GoNumberParser.TryParseFloat(text, out var f))
        {
            if (text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) < 0)
            {
                error = $"integer overflow: {text}";
                return n;
            }
            n.IsFloat = true;
            n.Float64 = f;
            if (!n.IsInt && Math.Floor(f) == f && f >= long.MinValue && f < 9.2233720368547758e18)
            {
                n.IsInt = true;
                n.Int64 = (long)f;
            }
            if (!n.IsUint && Math.Floor(f) == f && f >= 0 && f < 1.8446744073709552e19)
            {
                n.IsUint = true;
                n.Uint64 = (ulong)f;
            }
        }
        if (!n.IsInt && !n.IsUint && !n.IsFloat)
        {
            error = $"illegal number syntax: {GoQuote.Quote(text)}";
        }
        return n;
    }

    private void SimplifyComplex()
    {
        if (Complex128.Imaginary == 0)
        {
            IsFloat = true;
            Float64 = Complex128.Real;
            if (Math.Floor(Float64) == Float64 && Math.Abs(Float64) < 9.2e18)
            {
                IsInt = true;
                Int64 = (long)Float64;
            }
            if (Math.Floor(Float64) == Float64 && Float64 >= 0 && Float64 < 1.8e19)
            {
                IsUint = true;
                Uint64 = (ulong)Float64;
            }
        }
    }

    private static bool TryParseComplex(string text, out Complex c)
    {
        c = default;
        // Form: real[+-]imag'i'. Find the sign that splits them (not the leading one, nor one after an exponent).
        for (var k = text.Length - 2; k > 0; k--)
        {
            if ((text[k] == '+' || text[k] == '-') && text[k - 1] is not ('e' or 'E' or 'p' or 'P'))
            {
                if (GoNumberParser.TryParseFloat(text[..k], out var re) && GoNumberParser.TryParseFloat(text[k..^1], out var im))
                {
                    c = new Complex(re, im);
                    return true;
                }
                return false;
            }
        }
        return false;
    }

    internal static string Describe(double d) => d.ToString(CultureInfo.InvariantCulture);
}
