using Ferry.Templates.Values;

namespace Ferry.Templates.Tests;

public class DataReaderTests
{
    [Fact]
    public void Yaml_NumbersAreFloat64LikeHelm_AndYaml11BoolsResolve()
    {
        var data = (Dictionary<string, object?>)DataReader.FromYaml("""
            replicas: 1000000
            ratio: 0.5
            enabled: yes
            off: Off
            name: "007"
            empty:
            list: [a, 1]
            """)!;
        Assert.Equal(1000000.0, data["replicas"]);
        Assert.Equal(0.5, data["ratio"]);
        Assert.Equal(true, data["enabled"]);
        // a YAML 1.1 boolean key becomes the JSON key "false", as with helm (sigs.k8s.io/yaml)
        Assert.Equal(false, data["false"]);
        Assert.False(data.ContainsKey("off"));
        Assert.Equal("007", data["name"]);
        Assert.Null(data["empty"]);
        Assert.Equal(new List<object?> { "a", 1.0 }, data["list"]);
        Assert.Equal("1e+06", new Template("t").Parse("{{.replicas}}").Execute(data));
    }

    [Fact]
    public void Yaml_SyntaxErrorsNameFileLineAndColumn()
    {
        var e = Assert.Throws<FormatException>(() => DataReader.FromYaml("a: 1\nb: [unclosed\n", fileName: "values.yaml"));
        Assert.StartsWith("values.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_IntModeKeepsIntegers()
    {
        var data = (Dictionary<string, object?>)DataReader.FromJson("""{"a": 17, "b": 1.5}""", NumberMode.IntWhenIntegral)!;
        Assert.Equal(17L, data["a"]);
        Assert.Equal(1.5, data["b"]);
    }

    [Fact]
    public void SetParser_BuildsNestedValuesWithHelmTyping()
    {
        var map = new Dictionary<string, object?> { ["keep"] = "x", ["gone"] = "y" };
        SetParser.Apply(map, "a.b=c,n=42,t=true,list={x,y},idx[1].name=z,esc=a\\,b,gone=null");
        SetParser.Apply(map, "s=42", asString: true);
        var a = Assert.IsType<Dictionary<string, object?>>(map["a"]);
        Assert.Equal("c", a["b"]);
        Assert.Equal((nint)42, map["n"]); // helm makes --set integers int64
        Assert.Equal(true, map["t"]);
        Assert.Equal(new List<object?> { "x", "y" }, map["list"]);
        var idx = Assert.IsType<List<object?>>(map["idx"]);
        Assert.Null(idx[0]);
        Assert.Equal("z", ((Dictionary<string, object?>)idx[1]!)["name"]);
        Assert.Equal("a,b", map["esc"]);
        Assert.Equal("42", map["s"]);
        // helm's strvals stores null; coalescing then removes the key from the chart's defaults as well
        Assert.True(map.ContainsKey("gone"));
        Assert.Null(map["gone"]);
        Assert.Equal("x", map["keep"]);
    }
}
