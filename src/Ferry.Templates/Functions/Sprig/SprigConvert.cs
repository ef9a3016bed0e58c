using System.Collections;
using System.Globalization;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's (and spf13/cast's) conversions between template values.</summary>
public static class SprigConvert
{
    /// <summary>Sprig's strval: strings as is, nil as "&lt;nil&gt;"-free empty handling left to callers, else %v.</summary>
    public static string Str(object? v) => v switch
    {
        string s => s,
        byte[] bytes => GoString.FromBytes(bytes),
        null => "<nil>",
        _ => GoFmt.FormatValue(v),
    };

    /// <summary>cast.ToInt64: numbers truncate, bools are 0/1, strings parse with base prefixes, anything else is 0.</summary>
    public static long ToInt64(object? v)
    {
        switch (v)
        {
            case null: return 0;
            case bool b: return b ? 1 : 0;
            case long or nint or int or short or sbyte: return GoValue.ToInt64(v);
            case ulong or uint or ushort or byte: return unchecked((long)GoValue.ToUInt64(v));
            case double or float:
                var d = GoValue.ToDouble(v);
                return double.IsNaN(d) ? long.MinValue : d >= 9.2233720368547758e18 ? long.MinValue : d <= -9.2233720368547758e18 ? long.MinValue
                    : (long)d;
            case string s:
                s = TrimZeroDecimal(s);
                return GoNumberParser.TryParseInt(s, out var l) ? l : 0;
            default: return 0;
        }
    }

    private static string TrimZeroDecimal(string s)
    {
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || dot == s.Length - 1)
        {
            return s;
        }
        for (var i = dot + 1; i < s.Length; i++)
        {
            if (s[i] != '0')
            {
                return s;
            }
        }
        return s[..dot];
    }

    /// <summary>cast.ToFloat64.</summary>
    public static double ToFloat64(object? v)
    {
        switch (v)
        {
            case null: return 0;
            case bool b: return b ? 1 : 0;
            case long or nint or int or short or sbyte: return GoValue.ToInt64(v);
            case ulong or uint or ushort or byte: return GoValue.ToUInt64(v);
            case double or float: return GoValue.ToDouble(v);
            case string s: return GoNumberParser.TryParseFloat(s, out var d) ? d : 0;
            default: return 0;
        }
    }

    /// <summary>Sprig's strslice: a list's elements as strings (nil elements dropped), a single value as one string.</summary>
    public static List<string> StrSlice(object? v)
    {
        switch (v)
        {
            case IList<string> ls:
                return [.. ls];
            case IList list:
                var r = new List<string>(list.Count);
                foreach (var x in list)
                {
                    if (x is not null)
                    {
                        r.Add(Str(x));
                    }
                }
                return r;
            case null:
                return [];
            default:
                return [Str(v)];
        }
    }

    /// <summary>A list value or an error naming the function and the offending type.</summary>
    /// <summary>A list argument, or Sprig's error naming what it got by reflect kind (<c>Cannot find first on type string</c>).</summary>
    public static IList AsList(object? v, string function, string? format = null)
    {
        if (v is IList l)
        {
            return l;
        }
        if (v is null)
        {
            // Sprig asks reflect.TypeOf(nil).Kind(): a nil dereference Go recovers as this error
            throw new TemplateFunctionException("runtime error: invalid memory address or nil pointer dereference");
        }
        var kind = DefaultFunctions.KindName(v);
        throw new TemplateFunctionException(format is null
            ? $"Cannot {function} on type {kind}" : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, kind));
    }

    public static IDictionary<string, object?> AsDict(object? v, string function)
    {
        if (v is null)
        {
            // only a pipeline's final value reaches a map parameter as nil (Go passes a nil map, which reads as empty)
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }
        if (v is IDictionary<string, object?> d)
        {
            return d is GoTypedDictionary view ? view.Inner : d; // in Go the parameter is map[string]interface {}, whatever named type came in
        }
        throw new TemplateFunctionException($"wrong type for value; expected map[string]interface {{}}; got {GoValue.TypeName(v)} (in {function})");
    }

    public static string AsString(object? v) => Builtins.ExpectString(v);

    /// <summary>An int parameter: Go would reject non-int types at the call; Sprig callers mostly pass ints or floats.</summary>
    public static int AsInt(object? v) => v switch
    {
        long or nint or int or short or sbyte => (int)GoValue.ToInt64(v),
        ulong or uint or ushort or byte => (int)GoValue.ToUInt64(v),
        double d when Math.Floor(d) == d => (int)d,
        _ => throw new ArgumentTypeException($"wrong type for value; expected int; got {GoValue.TypeName(v)}"),
    };

    /// <summary>Sprig's empty(): nil, zero numbers, false, and empty strings/collections.</summary>
    public static bool Empty(object? v) => v switch
    {
        null => true,
        ITemplateObject => false,
        TemplateFunction => false,
        _ => !GoValue.IsTrue(v),
    };

    public static string Invariant(long l) => l.ToString(CultureInfo.InvariantCulture);
}
