using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;

namespace Ferry.Templates.Tests;

/// <summary>Helm's own functions, from Helm's documented behaviour (toYaml is sigs.k8s.io/yaml over go-yaml v2).</summary>
public class HelmFunctionTests
{
    private static string Render(string text, object? data = null)
    {
        var t = new Template("t", functions: HelmLibrary.Create());
        HelmLibrary.Bind(t);
        return t.Parse(text).Execute(data);
    }

    private static string ToYaml(object? value) => Render("{{ toYaml . }}", value);

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void ToYaml_SortsKeysAndDoesNotIndentSequencesUnderKeys()
    {
        var v = Map(("b", 1L), ("a", new List<object?> { "x", Map(("k", "v"), ("j", true)) }), ("c", Map(("d", null))));
        Assert.Equal("a:\n- x\n- j: true\n  k: v\nb: 1\nc:\n  d: null", ToYaml(v));
    }

    [Theory]
    [InlineData("yes", "\"yes\"")]
    [InlineData("on", "\"on\"")]
    [InlineData("1.0", "\"1.0\"")]
    [InlineData("0x1F", "\"0x1F\"")]
    [InlineData("1_000", "\"1_000\"")]
    [InlineData("", "\"\"")]
    [InlineData("null", "\"null\"")]
    [InlineData("~", "\"~\"")]
    [InlineData("2024-01-15", "\"2024-01-15\"")]
    [InlineData("1:20", "\"1:20\"")]
    [InlineData("a: b", "'a: b'")]
    [InlineData("- x", "'- x'")]
    [InlineData("#c", "'#c'")]
    [InlineData(" lead", "' lead'")]
    [InlineData("it's", "it's")]
    [InlineData("tab\there", "\"tab\\there\"")]
    [InlineData("plain text", "plain text")]
    [InlineData("v1.2.3", "v1.2.3")]
    [InlineData("@at", "'@at'")]
    public void ToYaml_QuotesStringsLikeGoYamlV2(string value, string expected) => Assert.Equal("k: " + expected, ToYaml(Map(("k", value))));

    [Fact]
    public void ToYaml_MultiLineStringsUseLiteralBlocks()
    {
        Assert.Equal("k: |-\n  a\n  b", ToYaml(Map(("k", "a\nb"))));
        Assert.Equal("k: |\n  a\n\n  b", ToYaml(Map(("k", "a\n\nb\n"))));
        Assert.Equal("k: |2-\n   indented\n  x", ToYaml(Map(("k", " indented\nx"))));
        Assert.Equal("k: \"trailing \\nspace\"", ToYaml(Map(("k", "trailing \nspace"))));
    }

    [Fact]
    public void ToYaml_NumbersGoThroughJson()
    {
        Assert.Equal("a: 1000000\nb: 1.5\nc: 1e+21\nd: 1e-06\ne: 3", ToYaml(Map(("a", 1e6), ("b", 1.5), ("c", 1e21), ("d", 0.000001), ("e", 3L))));
    }

    [Fact]
    public void ToYaml_EmptyCollectionsAreFlow()
    {
        Assert.Equal("a: {}\nb: []", ToYaml(Map(("a", Map()), ("b", new List<object?>()))));
        Assert.Equal("{}", ToYaml(Map()));
    }

    [Fact]
    public void ToYaml_FoldsLongPlainStringsAt80Columns()
    {
        var words = string.Join(" ", Enumerable.Repeat("abcdefghi", 10));
        var expected = "k: " + string.Join(" ", Enumerable.Repeat("abcdefghi", 8)) + "\n  abcdefghi abcdefghi";
        Assert.Equal(expected, ToYaml(Map(("k", words))));
    }

    [Fact]
    public void ToYamlPretty_IndentsSequences()
    {
        Assert.Equal("a:\n  - x\n  - \"y\"", Render("{{ toYamlPretty . }}", Map(("a", new List<object?> { "x", "y" }))));
    }

    [Fact]
    public void FromYaml_ReadsNumbersAsFloatsAndReportsErrorsInTheMap()
    {
        Assert.Equal("1e+06 map[b:true]", Render("{{ $v := fromYaml \"a: 1000000\\nc: {b: yes}\" }}{{ $v.a }} {{ $v.c }}"));
        Assert.StartsWith("error unmarshaling JSON", Render("{{ (fromYaml \"- a\").Error }}"), StringComparison.Ordinal);
    }

    [Fact]
    public void Include_RendersANamedTemplateIntoAPipeline()
    {
        Assert.Equal("HI THERE", Render("{{ define \"x\" }}hi {{ . }}{{ end }}{{ include \"x\" \"there\" | upper }}"));
    }

    [Fact]
    public void Include_StopsInfiniteRecursion()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{{ define \"r\" }}{{ include \"r\" . }}{{ end }}{{ include \"r\" . }}"));
        Assert.Contains("rendering template has a nested reference name: r", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tpl_RendersAStringAsATemplateAndDropsNoValue()
    {
        var data = Map(("Values", Map(("greeting", "{{ .Values.name | upper }}!"), ("name", "ferry"))));
        Assert.Equal("FERRY!", Render("{{ tpl .Values.greeting . }}", data));
        Assert.Equal("[]", Render("{{ tpl \"[{{ .Values.missing }}]\" . }}", data));
        Assert.Equal("in tpl: x", Render("{{ define \"d\" }}x{{ end }}{{ tpl \"in tpl: {{ include \\\"d\\\" . }}\" . }}", data));
    }

    [Fact]
    public void Required_FailsWithTheGivenMessage()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{{ required \"db.host is required\" .db }}", Map()));
        Assert.Contains("db.host is required", e.Message, StringComparison.Ordinal);
        Assert.Equal("ok", Render("{{ required \"x\" .db }}", Map(("db", "ok"))));
    }

    [Fact]
    public void Lookup_IsEmptyOfflineAndPluggable()
    {
        Assert.Equal("map[]", Render("{{ lookup \"v1\" \"Secret\" \"ns\" \"name\" }}"));
        var t = new Template("t", functions: HelmLibrary.Create(new HelmFunctionOptions
        {
            Lookup = (api, kind, ns, name) => new Dictionary<string, object?> { ["found"] = $"{api}/{kind}/{ns}/{name}" },
        }));
        Assert.Equal("v1/Secret/ns/name", t.Parse("{{ (lookup \"v1\" \"Secret\" \"ns\" \"name\").found }}").Execute(null));
    }

    [Fact]
    public void HelmRenderer_ReportsRequiredAsHelmDoes()
    {
        var r = new HelmRenderer();
        var e = Assert.Throws<HelmRenderException>(() => r.Render([new RenderTemplate("c/templates/a.yaml", "x: {{ required \"a is required\" .Values.a }}", Map(("Values", Map())))]));
        Assert.Equal("execution error at (c/templates/a.yaml:1:6): a is required", e.Message);
    }

    [Fact]
    public void ToToml_WritesTablesAfterKeys()
    {
        Assert.Equal("a = \"b\"\nn = 42.0\n\n[t]\n  k = true\n", Render("{{ toToml . }}", Map(("t", Map(("k", true))), ("a", "b"), ("n", 42.0))));
    }
}
