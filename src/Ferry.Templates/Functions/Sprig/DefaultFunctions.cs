using Ferry.Templates.Formatting;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's defaults, type conversions, reflection and flow functions.</summary>
internal static class DefaultFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Variadic("default", 1, a => a.Length < 2 || Empty(a[1]) ? a[0] : a[1]));
        r.Add(TemplateFunction.Fixed("empty", 1, a => Empty(a[0])));
        r.Add(TemplateFunction.Variadic("coalesce", 0, a => a.FirstOrDefault(x => !Empty(x))));
        r.Add(TemplateFunction.Variadic("all", 0, a => a.All(x => !Empty(x))));
        r.Add(TemplateFunction.Variadic("any", 0, a => a.Any(x => !Empty(x))));
        r.Add(TemplateFunction.Fixed("ternary", 3, a => a[2] is bool b ? (b ? a[0] : a[1])
            : throw new ArgumentTypeException($"wrong type for value; expected bool; got {GoValue.TypeName(a[2])}")));
        r.Add(TemplateFunction.Fixed("fail", 1, a => throw new TemplateFunctionException(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("atoi", 1, a =>
            long.TryParse(AsString(a[0]), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture,
                out var l) ? l : 0L));
        r.Add(TemplateFunction.Fixed("int", 1, a => ToInt64(a[0])));
        r.Add(TemplateFunction.Fixed("int64", 1, a => (nint)ToInt64(a[0])));
        r.Add(TemplateFunction.Fixed("float64", 1, a => ToFloat64(a[0])));
        r.Add(TemplateFunction.Fixed("toDecimal", 1, a => (nint)ParseOctal(Str(a[0]))));
        r.Add(TemplateFunction.Fixed("typeOf", 1, a => GoValue.TypeName(a[0])));
        r.Add(TemplateFunction.Fixed("typeIs", 2, a => AsString(a[0]) == GoValue.TypeName(a[1])));
        r.Add(TemplateFunction.Fixed("typeIsLike", 2, a => AsString(a[0]) == GoValue.TypeName(a[1]) || AsString(a[0]) == "*"
            + GoValue.TypeName(a[1])));
        r.Add(TemplateFunction.Fixed("kindOf", 1, a => KindName(a[0])));
        r.Add(TemplateFunction.Fixed("kindIs", 2, a => AsString(a[0]) == KindName(a[1])));
        r.Add(TemplateFunction.Fixed("deepEqual", 2, a => ListFunctions.DeepEqual(a[0], a[1])));
    }

    /// <summary>reflect.Kind's name for a value.</summary>
    /// <summary>strconv.ParseInt(s, 8, 64), or 0 when Go would return an error (as sprig's toDecimal does).</summary>
    private static long ParseOctal(string s)
    {
        var negative = s.StartsWith('-');
        var digits = s.Length > 0 && s[0] is '+' or '-' ? s[1..] : s;
        if (digits.Length == 0)
        {
            return 0;
        }
        ulong n = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '7' || n > (ulong.MaxValue >> 3))
            {
                return 0;
            }
            n = (n << 3) | (uint)(c - '0');
        }
        if (negative ? n > 1UL << 63 : n > long.MaxValue)
        {
            return 0;
        }
        return negative ? unchecked(-(long)n) : (long)n;
    }

    public static string KindName(object? v) => v switch
    {
        null => "invalid",
        bool => "bool",
        long => "int",
        nint => "int64",
        int => "int32",
        ulong => "uint",
        byte => "uint8",
        double => "float64",
        float => "float32",
        System.Numerics.Complex => "complex128",
        string => "string",
        ITemplateObject o when o.GoTypeName.StartsWith('*') => "ptr",
        IDictionary<string, object?> => "map",
        System.Collections.IList => "slice",
        TemplateFunction => "func",
        _ => "struct",
    };
}
