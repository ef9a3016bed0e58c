using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using Ferry.Templates.Values;

namespace Ferry.Templates.Formatting;

/// <summary>
/// Go's fmt package over Ferry's value model: <c>Sprint</c>, <c>Sprintln</c> and <c>Sprintf</c> with verbs
/// <c>%v %+v %#v %T %t %d %b %o %O %x %X %c %q %U %e %E %f %F %g %G %s %%</c>, flags, width and precision.
/// </summary>
public static partial class GoFmt
{
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var p = new Printer();
        var prevString = false;
        for (var i = 0; i < args.Count; i++)
        {
            var isString = args[i] is string;
            if (i > 0 && !isString && !prevString)
            {
                p.Buf.Append(' ');
            }
            p.PrintArg(args[i], 'v');
            prevString = isString;
        }
        return p.Buf.ToString();
    }

    public static string Sprintln(IReadOnlyList<object?> args)
    {
        var p = new Printer();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0)
            {
                p.Buf.Append(' ');
            }
            p.PrintArg(args[i], 'v');
        }
        return p.Buf.Append('\n').ToString();
    }

    /// <summary>Formats one value as <c>%v</c> would.</summary>
    public static string FormatValue(object? v)
    {
        switch (v)
        {
            case string s: return s;
            case long l: return l.ToString(CultureInfo.InvariantCulture);
            case nint n: return ((long)n).ToString(CultureInfo.InvariantCulture);
            case bool b: return b ? "true" : "false";
            case double d: return GoFloat.Shortest(d);
        }
        var p = new Printer();
        p.PrintArg(v, 'v');
        return p.Buf.ToString();
    }

    /// <summary>A value as <c>%v</c> prints it inside another (a pointer as an address).</summary>
    public static string FormatNested(object? v)
    {
        var p = new Printer();
        p.PrintNested(v);
        return p.Buf.ToString();
    }

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var p = new Printer();
        p.DoPrintf(format, args);
        return p.Buf.ToString();
    }

    /// <summary>One formatting run, as Go's pp: the buffer, the flags of the current verb, the argument walk (verbs for strings and numbers in
    /// GoFmt.Verbs.cs).</summary>
    private sealed partial class Printer
    {
        public readonly StringBuilder Buf = new();
        private readonly NestingGuard _guard = new();
        private bool _plus;
        private bool _minus;
        private bool _sharp;
        private bool _space;
        private bool _zero;
        private bool _plusV;
        private bool _sharpV;
        private bool _widPresent;
        private bool _precPresent;
        private int _wid;
        private int _prec;

        /// <summary>The address printed for a pointer inside a value (Go prints its real heap address, a different one every run).</summary>
        private const long PointerAddress = 0xc000010000;

        private void ClearFlags()
        {
            _plus = _minus = _sharp = _space = _zero = _plusV = _sharpV = false;
            _widPresent = _precPresent = false;
            _wid = _prec = 0;
        }

        public void DoPrintf(string format, IReadOnlyList<object?> a)
        {
            var end = format.Length;
            var argNum = 0;
            for (var i = 0; i < end;)
            {
                var lasti = i;
                while (i < end && format[i] != '%')
                {
                    i++;
                }
                if (i > lasti)
                {
                    Buf.Append(format, lasti, i - lasti);
                }
                if (i >= end)
                {
                    break;
                }
                i = ReadFlags(format, i + 1); // after the %
                // Argument index [n].
                (argNum, i, var afterIndex) = ArgNumber(argNum, format, i, a.Count);
                ReadWidth(format, ref i, a, ref argNum, ref afterIndex);
                if (i < end && format[i] == '.')
                {
                    ReadPrecision(format, ref i, a, ref argNum, ref afterIndex);
                }
                if (!afterIndex)
                {
                    (argNum, i, _) = ArgNumber(argNum, format, i, a.Count);
                }
                if (i >= end)
                {
                    Buf.Append("%!(NOVERB)");
                    break;
                }
                var verb = format[i];
                i += char.IsHighSurrogate(verb) && i + 1 < end ? 2 : 1;
                if (verb == '%')
                {
                    Buf.Append('%');
                }
                else if (argNum >= a.Count)
                {
                    Buf.Append("%!").Append(verb).Append("(MISSING)");
                }
                else
                {
                    PrintVerb(a[argNum++], verb);
                }
            }
            if (argNum < a.Count)
            {
                AppendExtra(a, argNum);
            }
        }

        /// <summary>Reads the flags # 0 + - and space after a %; returns the index after them.</summary>
        private int ReadFlags(string format, int i)
        {
            ClearFlags();
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '#': _sharp = true; continue;
                    case '0': _zero = true; continue;
                    case '+': _plus = true; continue;
                    case '-': _minus = true; continue;
                    case ' ': _space = true; continue;
                }
                break;
            }
            return i;
        }

        /// <summary>The width: digits, or * taking it from the next argument (negative means left-justified).</summary>
        private void ReadWidth(string format, ref int i, IReadOnlyList<object?> a, ref int argNum, ref bool afterIndex)
        {
            if (i < format.Length && format[i] == '*')
            {
                i++;
                (_wid, _widPresent, argNum) = IntFromArg(a, argNum);
                if (!_widPresent)
                {
                    Buf.Append("%!(BADWIDTH)");
                }
                if (_wid < 0)
                {
                    _wid = -_wid;
                    _minus = true;
                    _zero = false;
                }
                afterIndex = false;
            }
            else
            {
                (_wid, _widPresent, i) = ParseNum(format, i, format.Length); // after an index ("%[3]2d") Go ignores it the same way
            }
        }

        /// <summary>The precision after the '.' at <paramref name="i"/>: digits (none is 0), or * from the next argument.</summary>
        private void ReadPrecision(string format, ref int i, IReadOnlyList<object?> a, ref int argNum, ref bool afterIndex)
        {
            i++;
            (argNum, i, afterIndex) = ArgNumber(argNum, format, i, a.Count);
            if (i < format.Length && format[i] == '*')
            {
                i++;
                (_prec, _precPresent, argNum) = IntFromArg(a, argNum);
                if (_prec < 0)
                {
                    _prec = 0;
                    _precPresent = false;
                }
                if (!_precPresent)
                {
                    Buf.Append("%!(BADPREC)");
                }
                afterIndex = false;
            }
            else
            {
                (_prec, _precPresent, i) = ParseNum(format, i, format.Length);
                if (!_precPresent)
                {
                    _prec = 0;
                    _precPresent = true;
                }
            }
        }

        /// <summary>Prints an argument for its verb; %w is %v, and %#v / %+v set their own flags.</summary>
        private void PrintVerb(object? arg, char verb)
        {
            if (verb == 'w')
            {
                verb = 'v';
            }
            if (verb == 'v')
            {
                if (_sharp)
                {
                    _sharp = false;
                    _sharpV = true;
                }
                if (_plus)
                {
                    _plus = false;
                    _plusV = true;
                }
            }
            PrintArg(arg, verb);
        }

        /// <summary>The arguments no verb used: %!(EXTRA type=value, ...).</summary>
        private void AppendExtra(IReadOnlyList<object?> a, int argNum)
        {
            ClearFlags();
            Buf.Append("%!(EXTRA ");
            for (var k = argNum; k < a.Count; k++)
            {
                if (k > argNum)
                {
                    Buf.Append(", ");
                }
                if (a[k] is null)
                {
                    Buf.Append("<nil>");
                }
                else
                {
                    Buf.Append(GoValue.TypeName(a[k])).Append('=');
                    PrintArg(a[k], 'v');
                }
            }
            Buf.Append(')');
        }

        private static (int Num, bool Ok, int NewI) ParseNum(string s, int start, int end)
        {
            if (start >= end)
            {
                return (0, false, end);
            }
            var num = 0;
            var isnum = false;
            var i = start;
            for (; i < end && s[i] >= '0' && s[i] <= '9'; i++)
            {
                if (num > 1_000_000)
                {
                    return (0, false, end);
                }
                num = (num * 10) + (s[i] - '0');
                isnum = true;
            }
            return (num, isnum, i);
        }

        private static (int ArgNum, int I, bool Found) ArgNumber(int argNum, string format, int i, int numArgs)
        {
            if (format.Length <= i || format[i] != '[')
            {
                return (argNum, i, false);
            }
            for (var j = i + 1; j < format.Length; j++)
            {
                if (format[j] == ']')
                {
                    var (width, ok, newi) = ParseNum(format, i + 1, j);
                    if (!ok || newi != j)
                    {
                        return (argNum, j + 1, false);
                    }
                    var index = width - 1;
                    if (index >= 0 && index < numArgs)
                    {
                        return (index, j + 1, true);
                    }
                    return (argNum, j + 1, false);
                }
            }
            return (argNum, i + 1, false);
        }

        private static (int Num, bool IsInt, int NewArgNum) IntFromArg(IReadOnlyList<object?> a, int argNum)
        {
            if (argNum >= a.Count)
            {
                return (0, false, argNum);
            }
            var arg = a[argNum];
            var isInt = false;
            var num = 0;
            if (arg is long or nint or int or short or sbyte)
            {
                var n = GoValue.ToInt64(arg);
                if (n is >= -1_000_000 and <= 1_000_000)
                {
                    num = (int)n;
                    isInt = true;
                }
            }
            else if (arg is ulong or uint or ushort or byte)
            {
                var n = GoValue.ToUInt64(arg);
                if (n <= 1_000_000)
                {
                    num = (int)n;
                    isInt = true;
                }
            }
            return (num, isInt, argNum + 1);
        }

        public void PrintArg(object? arg, char verb)
        {
            if (arg is null)
            {
                switch (verb)
                {
                    case 'T' or 'v':
                        Pad("<nil>");
                        break;
                    default:
                        BadVerb(verb, arg);
                        break;
                }
                return;
            }
            if (verb == 'T')
            {
                FmtS(GoValue.TypeName(arg));
                return;
            }
            PrintValue(arg, verb, 0);
        }

        public void PrintNested(object? v) => PrintValue(v, 'v', 1);

        private void PrintValue(object? arg, char verb, int depth)
        {
            if (arg is not (IDictionary<string, object?> or IList))
            {
                PrintOne(arg, verb, depth);
                return;
            }
            // Go's fmt recurses without limit and a map that holds itself crashes helm; Ferry says why instead
            if (!_guard.TryEnter(arg))
            {
                throw new TemplateFunctionException("cannot print a map or list that contains itself");
            }
            PrintOne(arg, verb, depth);
            _guard.Exit(arg);
        }

        private void PrintOne(object? arg, char verb, int depth)
        {
            switch (arg)
            {
                case ITemplateObject pointer
                    when pointer.GoTypeName.StartsWith('*') && depth > 0 && verb is 'v' or 's' or 'b' or 'o' or 'd' or 'x' or 'X':
                    PrintInnerPointer(pointer, verb);
                    return;
                case null:
                    if (depth > 0 && verb is 'v' or 's' or 'q' or 'd' or 'x' or 'X')
                    {
                        Pad(_sharpV ? "interface {}(nil)" : "<nil>");
                        return;
                    }
                    PrintArg(null, verb);
                    return;
                case bool b:
                    if (verb is 't' or 'v')
                    {
                        Pad(b ? "true" : "false");
                    }
                    else
                    {
                        BadVerb(verb, arg);
                    }
                    return;
                case long or nint or int or short or sbyte:
                    FmtInteger(GoValue.ToInt64(arg), false, verb, arg);
                    return;
                case ulong or uint or ushort or byte:
                    var u = GoValue.ToUInt64(arg);
                    FmtInteger(unchecked((long)u), true, verb, arg);
                    return;
                case double or float:
                    FmtFloatVerb(GoValue.ToDouble(arg), verb, arg);
                    return;
                case Complex c:
                    FmtComplexVerb(c, verb, arg);
                    return;
                case string s:
                    FmtString(s, verb, arg);
                    return;
                case byte[] bytes:
                    if (verb is 's' or 'q' or 'x' or 'X')
                    {
                        FmtString(Values.GoString.FromBytes(bytes), verb, arg);
                        return;
                    }
                    PrintValue(bytes.Select(b => (object?)b).ToList(), verb, depth);
                    return;
                case IDictionary<string, object?> map:
                    PrintMap(map, verb, depth);
                    return;
                case IList list:
                    PrintList(list, verb, depth);
                    return;
                case TemplateFunction:
                    if (verb is 'v' or 'p')
                    {
                        Pad("0x" + ((uint)arg.GetHashCode()).ToString("x", CultureInfo.InvariantCulture));
                        return;
                    }
                    BadVerb(verb, arg);
                    return;
                default:
                    if (verb is 'v' or 's')
                    {
                        Pad(arg.ToString() ?? "");
                        return;
                    }
                    BadVerb(verb, arg);
                    return;
            }
        }

        /// <summary>
        /// A pointer inside a map, list or struct: Go prints its address (a different one every run), as hex for %v and
        /// as a number for the integer verbs; %s has no meaning for it (Go's bad-verb form, the pointee printed as %v).
        /// </summary>
        private void PrintInnerPointer(ITemplateObject pointer, char verb)
        {
            switch (verb)
            {
                case 'v':
                    Pad("0x" + PointerAddress.ToString("x", CultureInfo.InvariantCulture));
                    return;
                case 's':
                    Buf.Append("%!s(").Append(pointer.GoTypeName).Append('=');
                    PrintValue(pointer, 'v', 0);
                    Buf.Append(')');
                    return;
                default:
                    FmtInteger(PointerAddress, true, verb, pointer);
                    return;
            }
        }

        /// <summary>map[k:v k:v], keys sorted; with %#v Go's map[string]interface {}{k:v, k:v}.</summary>
        private void PrintMap(IDictionary<string, object?> map, char verb, int depth)
        {
            Buf.Append(_sharpV ? "map[string]interface {}{" : "map[");
            var first = true;
            foreach (var k in GoValue.SortedKeys(map))
            {
                if (!first)
                {
                    Buf.Append(_sharpV ? ", " : " ");
                }
                first = false;
                PrintValue(k, verb, depth + 1);
                Buf.Append(':');
                PrintValue(map[k], verb, depth + 1);
            }
            Buf.Append(_sharpV ? '}' : ']');
        }

        /// <summary>[a b c]; with %#v the Go type and {a, b, c}.</summary>
        private void PrintList(IList list, char verb, int depth)
        {
            if (_sharpV)
            {
                Buf.Append(GoValue.TypeName(list));
            }
            Buf.Append(_sharpV ? '{' : '[');
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0)
                {
                    Buf.Append(_sharpV ? ", " : " ");
                }
                PrintValue(list[i], verb, depth + 1);
            }
            Buf.Append(_sharpV ? '}' : ']');
        }

        private void BadVerb(char verb, object? arg)
        {
            Buf.Append("%!").Append(verb).Append('(');
            if (arg is null)
            {
                Buf.Append("<nil>");
            }
            else
            {
                // as Go's badVerb: the value printed with %v under the verb's own flags ("%5.2f" of 31: "%!f(int=   31)")
                Buf.Append(GoValue.TypeName(arg)).Append('=');
                PrintValue(arg, 'v', 0);
            }
            Buf.Append(')');
        }

        private void WritePadding(int n)
        {
            if (n <= 0)
            {
                return;
            }
            Buf.Append(_zero && !_minus ? '0' : ' ', n);
        }

        private void Pad(string s)
        {
            if (!_widPresent || _wid == 0)
            {
                Buf.Append(s);
                return;
            }
            var width = _wid - RuneCount(s);
            if (!_minus)
            {
                WritePadding(width);
                Buf.Append(s);
            }
            else
            {
                Buf.Append(s);
                var z = _zero;
                _zero = false;
                WritePadding(width);
                _zero = z;
            }
        }
    }
}
