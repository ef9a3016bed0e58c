using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's integer and float math.</summary>
internal static class MathFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Fixed("add1", 1, a => (nint)(ToInt64(a[0]) + 1)));
        r.Add(TemplateFunction.Variadic("add", 0, a => (nint)a.Aggregate(0L, (s, x) => s + ToInt64(x))));
        r.Add(TemplateFunction.Fixed("sub", 2, a => (nint)(ToInt64(a[0]) - ToInt64(a[1]))));
        r.Add(TemplateFunction.Variadic("mul", 1, a => (nint)a.Skip(1).Aggregate(ToInt64(a[0]), (s, x) => s * ToInt64(x))));
        r.Add(TemplateFunction.Fixed("div", 2, a => ToInt64(a[1]) == 0
            ? throw new TemplateFunctionException("runtime error: integer divide by zero") : (nint)(ToInt64(a[0]) / ToInt64(a[1]))));
        r.Add(TemplateFunction.Fixed("mod", 2, a => ToInt64(a[1]) == 0
            ? throw new TemplateFunctionException("runtime error: integer divide by zero") : (nint)(ToInt64(a[0]) % ToInt64(a[1]))));
        r.Add(TemplateFunction.Variadic("max", 1, a => (nint)a.Skip(1).Aggregate(ToInt64(a[0]), (m, x) => Math.Max(m, ToInt64(x)))));
        r.Add(TemplateFunction.Variadic("min", 1, a => (nint)a.Skip(1).Aggregate(ToInt64(a[0]), (m, x) => Math.Min(m, ToInt64(x)))));
        r.Add(TemplateFunction.Variadic("addf", 0, a => Float(a.Aggregate(0m, (s, x) => s + Dec(x)))));
        r.Add(TemplateFunction.Fixed("add1f", 1, a => Float(Dec(a[0]) + 1)));
        r.Add(TemplateFunction.Variadic("subf", 1, a => Float(a.Skip(1).Aggregate(Dec(a[0]), (s, x) => s - Dec(x)))));
        r.Add(TemplateFunction.Variadic("mulf", 1, a => Float(a.Skip(1).Aggregate(Dec(a[0]), (s, x) => s * Dec(x)))));
        // shopspring/decimal's Div: the quotient rounded half away from zero to 16 decimal places (DivisionPrecision)
        r.Add(TemplateFunction.Variadic("divf", 1, a =>
            Float(a.Skip(1).Aggregate(Dec(a[0]), (s, x) => Dec(x) == 0 ? throw new TemplateFunctionException("decimal division by 0")
                : Math.Round(s / Dec(x), 16, MidpointRounding.AwayFromZero)))));
        r.Add(TemplateFunction.Variadic("maxf", 1, a => a.Skip(1).Aggregate(ToFloat64(a[0]), (m, x) => Math.Max(m, ToFloat64(x)))));
        r.Add(TemplateFunction.Variadic("minf", 1, a => a.Skip(1).Aggregate(ToFloat64(a[0]), (m, x) => Math.Min(m, ToFloat64(x)))));
        r.Add(TemplateFunction.Fixed("floor", 1, a => Math.Floor(ToFloat64(a[0]))));
        r.Add(TemplateFunction.Fixed("ceil", 1, a => Math.Ceiling(ToFloat64(a[0]))));
        r.Add(TemplateFunction.Variadic("round", 2, Round));
    }

    /// <summary>
    /// shopspring/decimal's NewFromFloat: the shortest decimal that reads back as the same float64 (17 significant
    /// digits where needed; a plain (decimal) cast keeps only 15).
    /// </summary>
    private static decimal Dec(object? v)
    {
        var d = ToFloat64(v);
        return double.IsFinite(d) && Math.Abs(d) < 7.9e27
            ? decimal.Parse(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture)
            : throw new TemplateFunctionException($"cannot represent {d} as a decimal");
    }

    /// <summary>Decimal.Float64: the float64 nearest to the exact decimal.</summary>
    private static double Float(decimal d) =>
        double.Parse(d.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    private static object Round(object?[] a)
    {
        var val = ToFloat64(a[0]);
        var places = ToInt64(a[1]);
        var roundOn = a.Length > 2 ? ToFloat64(a[2]) : 0.5;
        var pow = Math.Pow(10, places);
        var digit = pow * val;
        var div = digit - Math.Truncate(digit);
        var rounded = div >= roundOn ? Math.Ceiling(digit) : Math.Floor(digit);
        return rounded / pow;
    }
}
