using System.Numerics;
using Ferry.Templates.Values;

namespace Ferry.Templates.Functions;

/// <summary>Go's eq/lt with its basic-kind rules: ints and uints compare across sign; other kinds must match.</summary>
public static class Comparison
{
    private const string BadComparisonType = "invalid type for comparison";
    private const string BadComparison = "incompatible types for comparison";
    private const string NoComparison = "missing argument for comparison";

    private enum BasicKind
    {
        Invalid,
        Bool,
        Complex,
        Int,
        Float,
        String,
        Uint,
    }

    private static BasicKind KindOf(object? v) => GoValue.KindOf(v) switch
    {
        GoKind.Invalid => BasicKind.Invalid,
        GoKind.Bool => BasicKind.Bool,
        GoKind.Int => BasicKind.Int,
        GoKind.Uint => BasicKind.Uint,
        GoKind.Float => BasicKind.Float,
        GoKind.Complex => BasicKind.Complex,
        GoKind.String => BasicKind.String,
        _ => BasicKind.Invalid, // as Go's basicKind: nil, maps, lists and pointers are all "invalid"

    };

    public static bool Eq(object? arg1, ReadOnlySpan<object?> arg2)
    {
        if (arg2.Length == 0)
        {
            throw new TemplateFunctionException(NoComparison);
        }
        var k1 = KindOf(arg1);
        foreach (var arg in arg2)
        {
            var k2 = KindOf(arg);
            bool truth;
            if (k1 != k2)
            {
                if (k1 == BasicKind.Int && k2 == BasicKind.Uint)
                {
                    var i = GoValue.ToInt64(arg1!);
                    truth = i >= 0 && (ulong)i == GoValue.ToUInt64(arg!);
                }
                else if (k1 == BasicKind.Uint && k2 == BasicKind.Int)
                {
                    var i = GoValue.ToInt64(arg!);
                    truth = i >= 0 && GoValue.ToUInt64(arg1!) == (ulong)i;
                }
                else
                {
                    if (arg1 is not null && arg is not null)
                    {
                        throw new TemplateFunctionException($"{BadComparison}: {GoValue.TypeName(arg1)} and {GoValue.TypeName(arg)}");
                    }
                    truth = false;
                }
            }
            else
            {
                truth = k1 switch
                {
                    BasicKind.Invalid => OtherEqual(arg1, arg),
                    BasicKind.Bool => (bool)arg1! == (bool)arg!,
                    BasicKind.Complex => (Complex)arg1! == (Complex)arg!,
                    BasicKind.Float => GoValue.ToDouble(arg1!) == GoValue.ToDouble(arg!),
                    BasicKind.Int => GoValue.ToInt64(arg1!) == GoValue.ToInt64(arg!),
                    BasicKind.String => string.Equals((string)arg1!, (string)arg!, StringComparison.Ordinal),
                    BasicKind.Uint => GoValue.ToUInt64(arg1!) == GoValue.ToUInt64(arg!),
                    _ => false,
                };
            }
            if (truth)
            {
                return true;
            }
        }
        return false;
    }

    // eq's rule for values of no basic kind (nil, maps, lists, pointers): nil equals only nil, values of different
    // reflect kinds cannot be compared, and neither can a map, slice or func as the right-hand operand
    private static bool OtherEqual(object? arg1, object? arg)
    {
        if (arg1 is not null && arg is not null && Sprig.DefaultFunctions.KindName(arg1) != Sprig.DefaultFunctions.KindName(arg))
        {
            throw new TemplateFunctionException($"non-comparable types {Formatting.GoFmt.Sprintf("%s", [arg1])}: {GoValue.TypeName(arg1)}" +
                $", {GoValue.TypeName(arg)}: {GoFmtValue(arg)}");
        }
        if (IsNil(arg1) || IsNil(arg))
        {
            return IsNil(arg1) == IsNil(arg);
        }
        if (arg is System.Collections.IList or IDictionary<string, object?> or TemplateFunction)
        {
            throw new TemplateFunctionException($"non-comparable type {Formatting.GoFmt.Sprintf("%s", [arg])}: {GoValue.TypeName(arg)}");
        }
        return ReferenceEquals(arg1, arg) || Equals(arg1, arg);
    }

    private static bool IsNil(object? v) => v is null or GoTypedDictionary { IsNil: true } or GoTypedList { IsNil: true, Count: 0 };

    private static string GoFmtValue(object? v) => Formatting.GoFmt.FormatValue(v);

    public static bool Lt(object? arg1, object? arg2)
    {
        var k1 = KindOf(arg1);
        if (k1 is BasicKind.Invalid)
        {
            throw new TemplateFunctionException(BadComparisonType);
        }
        var k2 = KindOf(arg2);
        if (k2 is BasicKind.Invalid)
        {
            throw new TemplateFunctionException(BadComparisonType);
        }
        if (k1 != k2)
        {
            if (k1 == BasicKind.Int && k2 == BasicKind.Uint)
            {
                var i = GoValue.ToInt64(arg1!);
                return i < 0 || (ulong)i < GoValue.ToUInt64(arg2!);
            }
            if (k1 == BasicKind.Uint && k2 == BasicKind.Int)
            {
                var i = GoValue.ToInt64(arg2!);
                return i >= 0 && GoValue.ToUInt64(arg1!) < (ulong)i;
            }
            throw new TemplateFunctionException($"{BadComparison}: {GoValue.TypeName(arg1)} and {GoValue.TypeName(arg2)}");
        }
        return k1 switch
        {
            BasicKind.Bool or BasicKind.Complex => throw new TemplateFunctionException(BadComparisonType),
            BasicKind.Float => GoValue.ToDouble(arg1!) < GoValue.ToDouble(arg2!),
            BasicKind.Int => GoValue.ToInt64(arg1!) < GoValue.ToInt64(arg2!),
            BasicKind.String => GoValue.CompareStrings((string)arg1!, (string)arg2!) < 0,
            _ => GoValue.ToUInt64(arg1!) < GoValue.ToUInt64(arg2!),
        };
    }
}
