using Ferry.Templates.Values;

namespace Ferry.Templates.Tests;

public class TemplateTests
{
    private static string Render(string text, object? data, TemplateOptions? options = null) =>
        new Template("t", options).Parse(text).Execute(data);

    /// <summary>With Sprig and Helm's functions, as charts see them.</summary>
    private static string RenderHelm(string text, object? data) =>
        Functions.Helm.HelmLibrary.Bind(new Template("t", functions: Functions.Helm.HelmLibrary.Create())).Parse(text).Execute(data);

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void DefineTemplateRangeAndPrintf_Compose()
    {
        var data = Map(("items", new List<object?> { "a", "b" }), ("n", 3.0));
        var text = """
            {{- define "item" }}<{{ . }}>{{ end -}}
            {{ range $i, $v := .items }}{{ $i }}{{ template "item" $v }}{{ end }} {{ printf "%05.1f|%-4s|%x" .n "go" 255 }}
            """;
        Assert.Equal("0<a>1<b> 003.0|go  |ff", Render(text, data));
    }

    [Fact]
    public void RangeOverMap_IsInSortedKeyOrder_WithBreakAndContinue()
    {
        var data = Map(("m", Map(("b", 2L), ("a", 1L), ("d", 4L), ("c", 3L))));
        Assert.Equal("a=1 c=3 ", Render("{{range $k, $v := .m}}{{if eq $k \"b\"}}{{continue}}{{end}}{{if eq $k \"d\"}}{{break}}{{end}}{{$k}}={{$v}} {{end}}", data));
    }

    [Fact]
    public void MissingKey_DefaultPrintsNoValue_ErrorModeFails()
    {
        Assert.Equal("<no value>", Render("{{.x}}", Map()));
        var e = Assert.Throws<TemplateException>(() => Render("{{.x}}", Map(), new TemplateOptions { MissingKey = MissingKeyMode.Error }));
        Assert.Contains("map has no entry for key \"x\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecutionErrors_CountColumnsInUtf8Bytes_AsGo()
    {
        // Go counts columns in bytes: "éé{{ " is 7 (helm 4.1.4 says hc/templates/a.yaml:1:7 for the same line)
        var e = Assert.Throws<TemplateException>(() => Render("éé{{ index .x 5 }}", Map(("x", new List<object?> { 1L }))));
        Assert.StartsWith("template: t:1:7: executing \"t\" at <index .x 5>: error calling index:", e.Message, StringComparison.Ordinal);
        Assert.Equal((1, 7), (e.Line, e.Column));
    }

    [Fact]
    public void ParseError_NamesTemplateAndLine()
    {
        var e = Assert.Throws<TemplateException>(() => new Template("values.tmpl").Parse("a\nb\n{{ if .x }}\n{{ nosuchfunc }}"));
        Assert.Equal(TemplatePhase.Parse, e.Phase);
        Assert.Equal("template: values.tmpl:4: function \"nosuchfunc\" not defined", e.Message);
        Assert.Equal(4, e.Line);
    }

    /// <summary>
    /// len of a nil: "len of nil pointer" when reached through a field, Go's reflect panic otherwise (piped, in
    /// parentheses, a variable, the nil literal). The expected texts are helm 4.1.4's for the same templates.
    /// </summary>
    [Theory]
    [InlineData("{{ len .missing }}", "at <len .missing>: error calling len: len of nil pointer")]
    [InlineData("{{ len $.missing }}", "at <len $.missing>: error calling len: len of nil pointer")]
    [InlineData("{{ .missing | len }}", "at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value")]
    [InlineData("{{ len (.missing) }}", "at <len (.missing)>: error calling len: reflect: call of reflect.Value.Type on zero Value")]
    [InlineData("{{ $x := .missing }}{{ len $x }}", "at <len $x>: error calling len: reflect: call of reflect.Value.Type on zero Value")]
    [InlineData("{{ len nil }}", "at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value")]
    [InlineData("{{ index . \"q\" | len }}", "at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value")]
    public void Len_OfNil_FailsAsGoDoes(string template, string expected)
    {
        var e = Assert.Throws<TemplateException>(() => Render(template, Map(("list", new List<object?> { 1L }))));
        Assert.EndsWith(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>b64dec answers Go's decoder's error text, at the byte Go names (helm 4.1.4's output for each).</summary>
    [Theory]
    [InlineData("CamelCase_word-kebab", "illegal base64 data at input byte 9")]
    [InlineData("abc", "illegal base64 data at input byte 0")]
    [InlineData("abcde", "illegal base64 data at input byte 4")]
    [InlineData("aGVsbG8", "illegal base64 data at input byte 4")]
    [InlineData("aGVsbA=", "illegal base64 data at input byte 7")]
    [InlineData("a===", "illegal base64 data at input byte 1")]
    [InlineData("aGVsbA==x", "illegal base64 data at input byte 8")]
    [InlineData("ab=c", "illegal base64 data at input byte 2")]
    [InlineData("aGVs\nbA==", "hell")]
    [InlineData("aGVsbG8=", "hello")]
    public void B64Dec_ErrorsAtTheByteGoNames(string input, string expected) =>
        Assert.Equal(expected, RenderHelm("{{ b64dec .s }}", Map(("s", input))));

    /// <summary>A verb that does not fit its value prints the value with %v under the verb's flags (helm 4.1.4's output).</summary>
    [Theory]
    [InlineData("{{ printf \"%5.2f\" 31 }}", "%!f(int=   31)")]
    [InlineData("{{ printf \"%-6d\" \"ab\" }}", "%!d(string=ab    )")]
    [InlineData("{{ printf \"%08.3x\" true }}", "%!x(bool=0000true)")]
    [InlineData("{{ printf \"%10s\" 3.5 }}", "%!s(float64=       3.5)")]
    [InlineData("{{ printf \"%.1d\" 2.5 }}", "%!d(float64=2)")]
    public void Printf_BadVerb_KeepsTheFlags(string template, string expected) =>
        Assert.Equal(expected, RenderHelm(template, Map()));

    [Fact]
    public void Set_OnANilMap_FailsAsGoDoes() =>
        Assert.EndsWith("error calling set: assignment to entry in nil map", Assert.Throws<TemplateException>(() => RenderHelm("{{ set (.missing) \"k\" 1 }}", Map())).Message, StringComparison.Ordinal);

    [Fact]
    public void ExecError_NamesTemplateLineAndColumn()
    {
        var e = Assert.Throws<TemplateException>(() => Render("line1\n  {{ index .list 5 }}", Map(("list", new List<object?> { 1L }))));
        Assert.Equal(TemplatePhase.Execute, e.Phase);
        Assert.Equal("template: t:2:5: executing \"t\" at <index .list 5>: error calling index: index out of range: 5", e.Message);
        Assert.Equal(2, e.Line);
        Assert.Equal(5, e.Column);
    }

    [Fact]
    public void InfiniteRecursion_StopsAtTheDepthLimit()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}", null));
        Assert.Contains("exceeded maximum template depth (1000)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeRange_StopsAtTheStepBudget()
    {
        var options = new TemplateOptions { MaxSteps = 10_000 };
        var e = Assert.Throws<TemplateException>(() => Render("{{range 1000000000}}x{{end}}", null, options));
        Assert.Contains("render budget exceeded", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputGrowth_StopsAtTheOutputBudget()
    {
        var options = new TemplateOptions { MaxOutputChars = 1000 };
        var e = Assert.Throws<TemplateException>(() => Render("{{range 100000}}0123456789{{end}}", null, options));
        Assert.Contains("output larger than 1000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_StopsExecution()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var t = new Template("t").Parse("{{range 100000}}x{{end}}");
        var e = Assert.Throws<TemplateException>(() => t.Execute(null, cts.Token));
        Assert.Contains("cancelled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrimMarkers_RemoveSurroundingWhitespace()
    {
        Assert.Equal("a|b", Render("a \n\t {{- \"|\" -}} \n b", null));
        Assert.Equal("x-3", Render("x{{-3}}", null));
    }

    [Fact]
    public void AndOr_ShortCircuitAndReturnTheOperand()
    {
        // The second operand would fail if evaluated.
        Assert.Equal("0", Render("{{and 0 (index .nope 1)}}", Map()));
        Assert.Equal("x", Render("{{or \"x\" (index .nope 1)}}", Map()));
    }

    [Fact]
    public void ObjectFieldsAndMethods_AreReachable()
    {
        var fn = TemplateFunction.Fixed("Has", 1, a => (string?)a[0] == "apps/v1");
        var caps = new TestObject(new() { ["KubeVersion"] = "v1.31.0" }, new() { ["Has"] = fn });
        Assert.Equal("v1.31.0 true false", Render("{{.Caps.KubeVersion}} {{.Caps.Has \"apps/v1\"}} {{.Caps.Has \"x\"}}", Map(("Caps", caps))));
        // Go names the receiver's static type: an object read out of a map[string]interface {} is an interface {}
        var e = Assert.Throws<TemplateException>(() => Render("{{.Caps.Nope}}", Map(("Caps", caps))));
        Assert.Contains("can't evaluate field Nope in type interface {}", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<TemplateException>(() => Render("{{.Nope}}", caps));
        Assert.Contains("can't evaluate field Nope in type test.Object", e.Message, StringComparison.Ordinal);
    }

    private sealed class TestObject(Dictionary<string, object?> fields, Dictionary<string, TemplateFunction> methods) : ITemplateObject
    {
        public string GoTypeName => "test.Object";

        public bool TryGetField(string name, out object? value) => fields.TryGetValue(name, out value);

        public bool TryGetMethod(string name, out TemplateFunction? method) => methods.TryGetValue(name, out method);
    }
}
