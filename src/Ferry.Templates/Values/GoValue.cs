using System.Collections;
using System.Numerics;

namespace Ferry.Templates.Values;

/// <summary>
/// The value model shared by the engine and its functions. Template data is plain .NET objects:
/// <c>null</c> (Go's nil / no value), <see cref="bool"/>, <see cref="long"/> (Go int), <see cref="int"/> (int32/rune),
/// <see cref="ulong"/> (uint), <see cref="byte"/> (uint8), <see cref="double"/> (float64), <see cref="Complex"/>,
/// <see cref="string"/>, <see cref="IList{T}"/> of object (<c>[]interface {}</c>), <see cref="IDictionary{TKey,TValue}"/>
/// with string keys (<c>map[string]interface {}</c>), <see cref="TemplateFunction"/> and <see cref="ITemplateObject"/>.
/// </summary>
public static class GoValue
{
    public static GoKind KindOf(object? v) => v switch
    {
        null => GoKind.Invalid,
        bool => GoKind.Bool,
        long or nint or int or short or sbyte => GoKind.Int,
        ulong or uint or ushort or byte => GoKind.Uint,
        double or float => GoKind.Float,
        Complex => GoKind.Complex,
        string => GoKind.String,
        IDictionary<string, object?> => GoKind.Map,
        IList => GoKind.Slice,
        TemplateFunction => GoKind.Func,
        _ => GoKind.Struct,
    };

    /// <summary>The Go type name as <c>%T</c> prints it.</summary>
    public static string TypeName(object? v) => v switch
    {
        null => "<nil>",
        bool => "bool",
        long => "int",
        nint => "int64",
        int => "int32",
        short => "int16",
        sbyte => "int8",
        ulong => "uint",
        uint => "uint32",
        ushort => "uint16",
        byte => "uint8",
        double => "float64",
        float => "float32",
        Complex => "complex128",
        string => "string",
        ITemplateObject o => o.GoTypeName,
        GoTypedDictionary t => t.GoTypeName,
        IDictionary<string, object?> => "map[string]interface {}",
        byte[] => "[]uint8",
        GoTypedList typed => typed.GoTypeName,
        IList<string> => "[]string",
        IList => "[]interface {}",
        TemplateFunction f => f.GoTypeName,
        _ => v.GetType().Name,
    };

    public static long ToInt64(object v) => v switch
    {
        long l => l,
        nint n => n,
        int i => i,
        short s => s,
        sbyte b => b,
        _ => throw new InvalidCastException($"not an int: {TypeName(v)}"),
    };

    public static ulong ToUInt64(object v) => v switch
    {
        ulong l => l,
        uint i => i,
        ushort s => s,
        byte b => b,
        _ => throw new InvalidCastException($"not a uint: {TypeName(v)}"),
    };

    public static double ToDouble(object v) => v switch
    {
        double d => d,
        float f => f,
        _ => throw new InvalidCastException($"not a float: {TypeName(v)}"),
    };

    /// <summary>Go's template truth: false for nil, zero numbers, empty strings, collections and false.</summary>
    public static bool IsTrue(object? v, out bool ok)
    {
        ok = true;
        switch (v)
        {
            case null: return false;
            case bool b: return b;
            case string s: return s.Length > 0;
            case long or nint or int or short or sbyte: return ToInt64(v) != 0;
            case ulong or uint or ushort or byte: return ToUInt64(v) != 0;
            case double or float: return ToDouble(v) != 0;
            case Complex c: return c != Complex.Zero;
            case IDictionary<string, object?> m: return m.Count > 0;
            case ICollection c: return c.Count > 0;
            case TemplateFunction: return true;
            case ITemplateObject: return true;
            default:
                ok = false;
                return false;
        }
    }

    public static bool IsTrue(object? v) => IsTrue(v, out _);

    /// <summary>Length for <c>len</c>: strings (in UTF-8 bytes, as Go), lists and maps.</summary>
    public static bool TryLength(object? v, out int length)
    {
        switch (v)
        {
            case string s:
                length = GoString.ByteCount(s);
                return true;
            case IDictionary<string, object?> m:
                length = m.Count;
                return true;
            case ICollection c:
                length = c.Count;
                return true;
            default:
                length = 0;
                return false;
        }
    }

    /// <summary>Map keys in Go's sorted order (byte-wise for strings).</summary>
    public static List<string> SortedKeys(IDictionary<string, object?> map)
    {
        var keys = new List<string>(map.Keys);
        keys.Sort(CompareStrings);
        return keys;
    }

    /// <summary>Compares strings as Go does: by UTF-8 bytes (ordinal by code point).</summary>
    public static int CompareStrings(string? a, string? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }
        if (a is null)
        {
            return -1;
        }
        if (b is null)
        {
            return 1;
        }
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var ca = a[i];
            var cb = b[i];
            if (ca == cb)
            {
                continue;
            }
            // Surrogates (code points >= U+10000) sort after every BMP char in UTF-8 order.
            var sa = char.IsSurrogate(ca);
            var sb = char.IsSurrogate(cb);
            if (sa != sb)
            {
                return sa ? 1 : -1;
            }
            return ca < cb ? -1 : 1;
        }
        return a.Length.CompareTo(b.Length);
    }
}
