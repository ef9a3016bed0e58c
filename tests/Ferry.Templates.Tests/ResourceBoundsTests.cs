using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;

namespace Ferry.Templates.Tests;

/// <summary>Inputs that would take gigabytes end in a clear error within bounded memory, at Helm's limit where Helm has one.</summary>
public class ResourceBoundsTests
{
    private static string Render(string text) =>
        HelmLibrary.Bind(new Template("t", new TemplateOptions(), HelmLibrary.Create())).Parse(text).Execute(new Dictionary<string, object?>());

    [Theory]
    [InlineData("{{ range until 1000000000 }}x{{ end }}")]
    [InlineData("{{ range untilStep 0 2000000000 1 }}x{{ end }}")]
    [InlineData("{{ len (untilStep 2000000000 -2000000000 -2) }}")]
    public void HugeUntil_IsARenderBudgetError(string text)
    {
        var before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<TemplateException>(() => Render(text));
        Assert.Contains("render budget", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 64L * 1024 * 1024, "the refusal itself must not allocate the list");
    }

    [Fact]
    public void UntilWithinTheBudget_StillWorks()
    {
        Assert.Equal("100000", Render("{{ len (until 100000) }}"));
        Assert.Equal("[0 3 6 9]", Render("{{ untilStep 0 10 3 }}"));
        Assert.Equal("[]", Render("{{ untilStep 0 10 -1 }}"));
    }

    [Theory]
    [InlineData("a[999999999]=1", "index of 999999999 is greater than maximum supported index of 65536")]
    [InlineData("a[65537]=1", "index of 65537 is greater than maximum supported index of 65536")]
    [InlineData("a[-1]=1", "negative -1 index not allowed")]
    public void SetListIndex_IsCappedAsHelmCapsIt(string expression, string message)
    {
        var e = Assert.Throws<FormatException>(() => SetParser.Apply(new Dictionary<string, object?>(), expression));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void SetNestedListIndexes_AreBounded_NotAStackOverflow()
    {
        var deep = "a" + string.Concat(Enumerable.Repeat("[0]", 100_000)) + "=1";
        var e = Assert.Throws<FormatException>(() => SetParser.Apply(new Dictionary<string, object?>(), deep));
        Assert.Equal($"list index nesting is greater than the maximum of {SetParser.MaxNestedListLevel}", e.Message);
        var values = new Dictionary<string, object?>();
        SetParser.Apply(values, "a" + string.Concat(Enumerable.Repeat("[0]", 500)) + "=1");
        Assert.IsType<List<object?>>(values["a"]);
    }

    [Fact]
    public void SetListIndex_AtTheCap_IsAccepted()
    {
        var values = new Dictionary<string, object?>();
        SetParser.Apply(values, "a[65536]=1");
        Assert.Equal(65537, ((List<object?>)values["a"]!).Count);
    }
}
