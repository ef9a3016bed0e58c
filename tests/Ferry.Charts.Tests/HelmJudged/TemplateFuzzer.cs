using System.Globalization;
using System.Text;

namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// Generates random chart templates and values for differential testing against real helm: text with trim markers,
/// actions and pipelines over Sprig and Helm functions (the deterministic ones), variables, if/else-if/else, range
/// (with break/continue and else), with, comments, defines called through template and include, tpl — over values
/// that mix strings, ints, floats, booleans, nulls, lists and maps, with paths that exist and paths that do not.
/// Every template body is fragments (top-level statements) so a divergence can be minimized fragment by fragment.
/// </summary>
public sealed class TemplateFuzzer(int seed)
{
    private readonly Random _r = new(seed);
    private int _vars;

    private static readonly string[] Strings = ["", "a", "hello world", "  spaced  ", "a,b,c", "x.y.z", "123", "true", "<b>&'\"", "Ünïcødé", "line\nbreak", "CamelCase_word-kebab"];

    private static readonly string[] Paths =
    [
        ".Values.s", ".Values.t", ".Values.n", ".Values.f", ".Values.big", ".Values.neg", ".Values.b", ".Values.z", ".Values.nil",
        ".Values.l", ".Values.ls", ".Values.m", ".Values.m.a", ".Values.m.b", ".Values.m.c", ".Values.m.c.d", ".Values.e", ".Values.el",
        ".Values.missing", ".Values.m.missing", ".Release.Name", ".Release.Namespace", ".Chart.Name", ".Chart.Version", ".Capabilities.KubeVersion.Minor",
        ".Template.Name", ".Values", ".Values.nested.x.y",
    ];

    /// <summary>(name, parameter kinds) — S string, I int, N number, L list, M map, A any, B bool, * variadic any.
    /// Not <c>keys</c> or <c>values</c>: Sprig lists a map's keys or values in Go's map iteration order, which is
    /// random, so helm's own output differs from run to run (seen: the fuzzer's seed 29933792).</summary>
    private static readonly (string Name, string Args)[] Functions =
    [
        ("upper", "S"), ("lower", "S"), ("title", "S"), ("untitle", "S"), ("trim", "S"), ("trimAll", "SS"), ("trimPrefix", "SS"),
        ("trimSuffix", "SS"), ("repeat", "IS"), ("substr", "IIS"), ("trunc", "IS"), ("abbrev", "IS"), ("nospace", "S"), ("initials", "S"),
        ("wrap", "IS"), ("contains", "SS"), ("hasPrefix", "SS"), ("hasSuffix", "SS"), ("quote", "*"), ("squote", "*"), ("cat", "*"),
        ("indent", "IS"), ("nindent", "IS"), ("replace", "SSS"), ("plural", "SSI"), ("snakecase", "S"), ("camelcase", "S"), ("kebabcase", "S"),
        ("swapcase", "S"), ("toString", "A"), ("toStrings", "A"), ("join", "SL"), ("split", "SS"), ("splitList", "SS"), ("splitn", "SIS"),
        ("sha256sum", "S"), ("adler32sum", "S"), ("b64enc", "S"), ("b64dec", "S"), ("b32enc", "S"), ("default", "AA"), ("empty", "A"),
        ("coalesce", "*"), ("ternary", "AAB"), ("atoi", "S"), ("int", "A"), ("int64", "A"), ("float64", "A"), ("toDecimal", "A"), ("typeOf", "A"),
        ("kindOf", "A"), ("typeIs", "SA"), ("kindIs", "SA"), ("deepEqual", "AA"), ("get", "MS"), ("hasKey", "MS"), ("pluck", "SM"),
        ("pick", "MS"), ("omit", "MS"), ("merge", "MM"), ("deepCopy", "A"), ("toJson", "A"), ("toPrettyJson", "A"),
        ("toRawJson", "A"), ("fromJson", "S"), ("toYaml", "A"), ("fromYaml", "S"), ("fromYamlArray", "S"), ("fromJsonArray", "S"), ("list", "*"),
        ("first", "L"), ("last", "L"), ("rest", "L"), ("initial", "L"), ("reverse", "L"), ("uniq", "L"), ("compact", "L"), ("append", "LA"),
        ("prepend", "LA"), ("concat", "LL"), ("has", "AL"), ("without", "LA"), ("sortAlpha", "L"), ("slice", "LII"), ("chunk", "IL"),
        ("until", "I"), ("untilStep", "III"), ("add", "NN"), ("add1", "N"), ("sub", "NN"), ("mul", "NN"), ("div", "NN"), ("mod", "NN"),
        ("max", "NN"), ("min", "NN"), ("addf", "NN"), ("subf", "NN"), ("mulf", "NN"), ("divf", "NN"), ("floor", "N"), ("ceil", "N"),
        ("round", "NI"), ("regexMatch", "SS"), ("regexFind", "SS"), ("regexFindAll", "SSI"), ("regexReplaceAll", "SSS"), ("regexSplit", "SSI"),
        ("regexQuoteMeta", "S"), ("semverCompare", "SS"), ("base", "S"), ("dir", "S"), ("clean", "S"), ("ext", "S"), ("isAbs", "S"),
        ("len", "A"), ("index", "AA"), ("not", "A"), ("and", "AA"), ("or", "AA"), ("eq", "AA"), ("ne", "AA"), ("lt", "AA"), ("le", "AA"),
        ("gt", "AA"), ("ge", "AA"), ("print", "*"), ("printf", "S*"), ("println", "*"), ("html", "*"), ("js", "*"), ("urlquery", "*"),
        ("toToml", "M"), ("dict", "SASA"), ("seq", "II"), ("durationRound", "S"), ("hello", ""), ("biggest", "NN"), ("trimall", "SS"),
        ("mustToJson", "A"), ("required", "SA"), ("tuple", "*"), ("urlParse", "S"), ("dig", "SAM"), ("set", "MSA"), ("unset", "MS"),
    ];

    private static readonly string[] Texts = ["a", " ", "\n", "x: ", "  ", "-", "word", "\t", "[", "]", ",", ":", "#", "'", "\"", "\\"];

    private static readonly string[] Formats = ["%v", "%s", "%d", "%q", "%5.2f", "%x", "%T", "%-4s|", "%03d", "%t", "%v %v"];

    private static readonly string[] Patterns = ["a", "[a-z]+", "^h", "o$", "(l+)", ".", "\\d", "x?"];

    /// <summary>values.yaml for a batch: the same keys every time, random scalars.</summary>
    public string Values()
    {
        var sb = new StringBuilder();
        sb.Append("s: ").Append(YamlString(Pick(Strings))).Append('\n');
        sb.Append("t: ").Append(YamlString(Pick(Strings))).Append('\n');
        sb.Append("n: ").Append(_r.Next(-3, 12)).Append('\n');
        sb.Append("f: ").Append(Pick(["1.5", "0.25", "-2.75", "3.0", "1e3", "0.1"])).Append('\n');
        sb.Append("big: ").Append(Pick(["1000000", "123456789", "9007199254740993", "2147483648"])).Append('\n');
        sb.Append("neg: -").Append(_r.Next(1, 9)).Append('\n');
        sb.Append("b: ").Append(Pick(["true", "yes", "on"])).Append('\n');
        sb.Append("z: ").Append(Pick(["false", "no", "off"])).Append('\n');
        sb.Append("nil: null\n");
        sb.Append("l: [1, two, 3.5, true, null, [a], {k: v}]\n");
        sb.Append("ls: [b, a, c, a]\n");
        sb.Append("m: {a: 1, b: x, c: {d: [1, 2]}, e: null}\n");
        sb.Append("e: {}\nel: []\n");
        sb.Append("nested: {x: {y: ").Append(YamlString(Pick(Strings))).Append("}}\n");
        return sb.ToString();
    }

    /// <summary>A template body as top-level fragments, plus the defines it may call.</summary>
    public (List<string> Fragments, string Defines) Body(string prefix)
    {
        _vars = 0;
        var scope = new List<string>();
        var fragments = new List<string>();
        var count = _r.Next(1, 7);
        for (var i = 0; i < count; i++)
        {
            fragments.Add(Statement(scope, depth: 0, inRange: false, prefix));
        }
        var defines = $"{{{{- define \"{prefix}.d0\" -}}}}[{{{{ . }}}}|{{{{ .a | default \"none\" }}}}]{{{{- end -}}}}\n"
            + $"{{{{- define \"{prefix}.d1\" }}}}{{{{ if . }}}}{{{{ toJson . }}}}{{{{ end }}}}{{{{ end }}}}\n";
        return (fragments, defines);
    }

    private string Statement(List<string> scope, int depth, bool inRange, string prefix)
    {
        var roll = _r.Next(depth >= 2 ? 6 : 13);
        switch (roll)
        {
            case 0 or 1:
                return Pick(Texts);
            case 2 or 3 or 4:
                return Action(Pipe(scope, 0));
            case 5:
                {
                    var v = "$v" + _vars++;
                    scope.Add(v);
                    return Action($"{v} := {Pipe(scope, 0)}");
                }
            case 6:
                return scope.Count > 0 ? Action($"{Pick(scope)} = {Pipe(scope, 0)}") : Action(Pipe(scope, 0));
            case 7:
                {
                    var sb = new StringBuilder(Action("if " + Pipe(scope, 0))).Append(Block(scope, depth, inRange, prefix));
                    if (_r.Next(3) == 0)
                    {
                        sb.Append(Action("else if " + Pipe(scope, 0))).Append(Block(scope, depth, inRange, prefix));
                    }
                    if (_r.Next(2) == 0)
                    {
                        sb.Append(Action("else")).Append(Block(scope, depth, inRange, prefix));
                    }
                    return sb.Append(Action("end")).ToString();
                }
            case 8:
                {
                    var inner = new List<string>(scope);
                    string head;
                    switch (_r.Next(3))
                    {
                        case 0:
                            var i = "$i" + _vars++;
                            var e = "$e" + _vars++;
                            inner.Add(i);
                            inner.Add(e);
                            head = $"range {i}, {e} := {RangeTarget(scope)}";
                            break;
                        case 1:
                            var x = "$x" + _vars++;
                            inner.Add(x);
                            head = $"range {x} := {RangeTarget(scope)}";
                            break;
                        default:
                            head = $"range {RangeTarget(scope)}";
                            break;
                    }
                    var sb = new StringBuilder(Action(head)).Append(Block(inner, depth, inRange: true, prefix));
                    if (_r.Next(4) == 0)
                    {
                        sb.Append(Action("else")).Append(Block(scope, depth, inRange, prefix));
                    }
                    return sb.Append(Action("end")).ToString();
                }
            case 9:
                {
                    var sb = new StringBuilder(Action("with " + Pipe(scope, 0))).Append(Block(scope, depth, inRange, prefix));
                    if (_r.Next(3) == 0)
                    {
                        sb.Append(Action("else")).Append(Block(scope, depth, inRange, prefix));
                    }
                    return sb.Append(Action("end")).ToString();
                }
            case 10:
                return _r.Next(2) == 0
                    ? Action($"template \"{prefix}.d{_r.Next(2)}\" {Operand(scope, 0)}")
                    : Action($"include \"{prefix}.d{_r.Next(2)}\" {Operand(scope, 0)}");
            case 11:
                return inRange && _r.Next(2) == 0 ? Action(Pick(["break", "continue"])) : Action("/* a comment */");
            default:
                return Action($"tpl {Quote(Pick(["{{ .Values.s }}", "{{ . }}", "x{{- \" y \" -}}z", "{{ .Values.missing.x }}", "{{ include \\\"" + prefix + ".d0\\\" . }}"]))} {Pick(["$", "."])}");
        }
    }

    private string Block(List<string> scope, int depth, bool inRange, string prefix)
    {
        var inner = new List<string>(scope);
        var sb = new StringBuilder();
        var count = _r.Next(0, 3);
        for (var i = 0; i < count; i++)
        {
            sb.Append(Statement(inner, depth + 1, inRange, prefix));
        }
        return sb.ToString();
    }

    private string RangeTarget(List<string> scope) => _r.Next(6) switch
    {
        0 => ".Values.l",
        1 => ".Values.m",
        2 => _r.Next(-1, 4).ToString(CultureInfo.InvariantCulture),
        3 => ".Values.ls",
        4 => Pipe(scope, 1),
        _ => Pick([".Values.e", ".Values.el", ".Values.missing", ".Values.s", ".Values.nil"]),
    };

    private string Action(string body)
    {
        var left = _r.Next(4) == 0 ? "{{- " : "{{ ";
        var right = _r.Next(4) == 0 ? " -}}" : " }}";
        return left + body + right;
    }

    private string Pipe(List<string> scope, int depth)
    {
        var sb = new StringBuilder(Command(scope, depth));
        var more = depth > 1 ? 0 : _r.Next(3);
        for (var i = 0; i < more; i++)
        {
            var (name, args) = Pick(Functions);
            if (args.Length == 0)
            {
                continue;
            }
            sb.Append(" | ").Append(name);
            foreach (var kind in args[..^1])
            {
                sb.Append(' ').Append(Arg(kind, scope, depth + 1));
            }
        }
        return sb.ToString();
    }

    private string Command(List<string> scope, int depth)
    {
        if (depth > 2 || _r.Next(3) == 0)
        {
            return Operand(scope, depth);
        }
        var (name, args) = Pick(Functions);
        var sb = new StringBuilder(name);
        foreach (var kind in args)
        {
            if (kind == '*')
            {
                var n = _r.Next(0, 3);
                for (var i = 0; i < n; i++)
                {
                    sb.Append(' ').Append(Arg('A', scope, depth + 1));
                }
            }
            else
            {
                sb.Append(' ').Append(Arg(kind, scope, depth + 1));
            }
        }
        return sb.ToString();
    }

    private string Arg(char kind, List<string> scope, int depth)
    {
        if (depth < 3 && _r.Next(5) == 0)
        {
            return "(" + Pipe(scope, depth) + ")";
        }
        if (_r.Next(6) == 0)
        {
            return Operand(scope, depth);
        }
        return kind switch
        {
            'S' => _r.Next(3) == 0 ? Quote(Pick(Formats)) : _r.Next(2) == 0 ? Quote(Pick(Patterns)) : Quote(Pick(Strings)),
            'I' => _r.Next(-2, 12).ToString(CultureInfo.InvariantCulture),
            'N' => Pick(["0", "1", "-3", "7", "2.5", "1e2", ".Values.n", ".Values.f", ".Values.big", "0x10", "'a'"]),
            'L' => Pick([".Values.l", ".Values.ls", ".Values.el", "(list 1 \"b\" 2)", "(splitList \",\" \"x,y\")", ".Values.m.c.d"]),
            'M' => Pick([".Values.m", ".Values.e", ".Values.m.c", "(dict \"a\" 1)", ".Values", "$"]),
            'B' => Pick(["true", "false", ".Values.b", ".Values.z", ".Values.s"]),
            _ => Operand(scope, depth),
        };
    }

    private string Operand(List<string> scope, int depth)
    {
        return _r.Next(10) switch
        {
            0 or 1 or 2 => Pick(Paths),
            3 => scope.Count > 0 ? Pick(scope) : "$",
            4 => Quote(Pick(Strings)),
            5 => Pick(["0", "1", "-1", "42", "3.5", "-0.25", "1e3", "0x1F", "'x'", "1_000"]),
            6 => Pick(["true", "false", "nil", "."]),
            7 => scope.Count > 0 ? Pick(scope) + Pick([".a", ".m", ".x"]) : ".",
            8 when depth < 3 => "(" + Pipe(scope, depth + 1) + ")",
            _ => Pick(Paths),
        };
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_r.Next(items.Count)];

    private static string Quote(string s) => Ferry.Templates.Formatting.GoQuote.Quote(s);

    private static string YamlString(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
