using Ferry.Templates.Functions;
using Ferry.Templates.Functions.Helm;

namespace Ferry.Templates.Tests;

public class SignatureTests
{
    [Fact]
    public void DeclaredParameterTypes_MatchEachFunctionsArity()
    {
        var registry = HelmLibrary.Create();
        var checkedCount = 0;
        foreach (var (name, signature) in GoSignatures.Table)
        {
            if (!registry.TryGet(name, out var f))
            {
                continue;
            }
            checkedCount++;
            var kinds = GoSignatures.Parse(signature);
            Assert.True(f.Params is not null, $"{name}: no parameter types applied");
            if (GoSignatures.IsVariadic(signature))
            {
                Assert.True(f.IsVariadic && f.MinArgs == kinds.Length - 1, $"{name}: signature {signature} vs {f.MinArgs}+ args");
            }
            else
            {
                Assert.True(!f.IsVariadic && f.MinArgs == kinds.Length && f.MaxArgs == kinds.Length, $"{name}: signature ({signature}) vs {f.MinArgs}..{f.MaxArgs} args");
            }
        }
        Assert.True(checkedCount > 120, $"only {checkedCount} signatures applied");
    }

    [Fact]
    public void TypedParameters_AreCheckedWhereGoChecksThem()
    {
        var t = new Template("t", new TemplateOptions(), HelmLibrary.Create());
        string Error(string text, object? data) => Assert.Throws<TemplateException>(() => new Template("t", new TemplateOptions(), HelmLibrary.Create()).Parse(text).Execute(data)).Message;
        var data = new Dictionary<string, object?> { ["n"] = 5.0, ["s"] = "x" };
        // a literal of the wrong kind, reported at the literal
        Assert.Equal("template: t:1:9: executing \"t\" at <\"5\">: expected integer; found \"5\"", Error("{{ trunc \"5\" .s }}", data));
        // a value of the wrong type, at the argument that carries it
        Assert.Equal("template: t:1:9: executing \"t\" at <.n>: wrong type for value; expected int; got float64", Error("{{ trunc .n .s }}", data));
        // a piped-in value of the wrong type: at the last argument evaluated
        Assert.Equal("template: t:1:14: executing \"t\" at <3>: wrong type for value; expected string; got float64", Error("{{ .n | trunc 3 }}", data));
        // no value for a map parameter is an empty map
        Assert.Equal("false", t.Parse("{{ hasKey .missing \"k\" }}").Execute(data));
    }
}
