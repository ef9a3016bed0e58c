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
            n.ParseChar(text, out error);
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
        if (!n.ParseReal(text, out error))
        {
            return n;
        }
        if (!n.IsInt && !n.IsUint && !n.IsFloat)
        {
            error = $"illegal number syntax: {GoQuote.Quote(text)}";
        }
        return n;
    }

    /// <summary>A character constant 'x' (its code point, as int, uint and float).</summary>
    private void ParseChar(string text, out string? error)
    {
        error = null;
        if (!GoQuote.TryUnquoteChar(text, 1, '\'', out var rune, out var next) || next != text.Length - 1 || text[^1] != '\'')
        {
            error = $"malformed character constant: {text}";
            return;
        }
        Int64 = rune;
        IsInt = true;
        Uint64 = (ulong)rune;
        IsUint = true;
        Float64 = rune;
        IsFloat = true;
    }

    /// <summary>
    /// An integer or floating-point constant, as every kind it fits (Go's parse.NumberNode rules); false with an error
    /// when it overflows every integer kind yet has no float syntax.
    /// </summary>
    private bool ParseReal(string text, out string? error)
    {
        error = null;
        var uok = GoNumberParser.TryParseUint(text, out var u);
        if (uok)
        {
            IsUint = true;
            Uint64 = u;
        }
        if (GoNumberParser.TryParseInt(text, out var i))
        {
            IsInt = true;
            Int64 = i;
            if (i == 0)
            {
                IsUint = true;
                Uint64 = u;
            }
        }
        if (IsInt)
        {
            IsFloat = true;
            Float64 = Int64;
        }
        else if (IsUint)
        {
            IsFloat = true;
            Float64 = Uint64;
        }
        else if (GoNumberParser.TryParseFloat(text, out var f))
        {
            if (text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) < 0)
            {
                error = $"integer overflow: {text}";
                return false;
            }
            IsFloat = true;
            Float64 = f;
            if (!IsInt && Math.Floor(f) == f && f >= long.MinValue && f < 9.2233720368547758e18)
            {
                IsInt = true;
                Int64 = (long)f;
            }
            if (!IsUint && Math.Floor(f) == f && f >= 0 && f < 1.8446744073709552e19)
            {
                IsUint = true;
                Uint64 = (ulong)f;
            }
        }
        return true;
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
