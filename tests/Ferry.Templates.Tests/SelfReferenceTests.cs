using Ferry.Templates.Functions.Helm;

namespace Ferry.Templates.Tests;

/// <summary>
/// Hostile values built inside a template: a map that contains itself (<c>set $d "k" $d</c>) and values nested far
/// deeper than any real chart. Go's fmt and copystructure crash or hang on these; Ferry must answer each with an error
/// (or Go's own result where Go has one) and never overflow its stack.
/// </summary>
public class SelfReferenceTests
{
    private const string Cycle = "{{ $d := dict }}{{ $_ := set $d \"a\" (list $d) }}";

    private static string Render(string text, object? data = null) =>
        HelmLibrary.Bind(new Template("t", new TemplateOptions(), HelmLibrary.Create())).Parse(text).Execute(data ?? new Dictionary<string, object?>());

    private static string Error(string text, object? data = null) => Assert.Throws<TemplateException>(() => Render(text, data)).Message;

    [Theory]
    [InlineData("toString $d", "error calling toString: cannot print a map or list that contains itself")]
    [InlineData("printf \"%v\" $d", "error calling printf: cannot print a map or list that contains itself")]
    [InlineData("deepCopy $d", "error calling deepCopy: cannot copy a map or list that contains itself")]
    [InlineData("mustToJson $d", "error calling mustToJson: json: unsupported value: encountered a cycle via map[string]interface {}")]
    [InlineData("mustToYaml $d", "error calling mustToYaml: error marshaling into JSON: json: unsupported value: encountered a cycle via map[string]interface {}")]
    public void FunctionsGivenAMapThatContainsItself_Fail(string call, string message)
    {
        Assert.Contains(message, Error(Cycle + "{{ " + call + " }}"), StringComparison.Ordinal);
    }

    [Fact]
    public void PrintingAMapThatContainsItself_FailsAtTheAction()
    {
        Assert.Contains("at <{{$d}}>: can't print {{$d}}: cannot print a map or list that contains itself", Error(Cycle + "{{ $d }}"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("toJson $d", "")]
    [InlineData("toYaml $d", "")]
    [InlineData("toToml $d", "toml: cannot encode a map or list that contains itself")]
    [InlineData("deepEqual $d $d", "true")]
    [InlineData("len (uniq (list $d $d))", "1")]
    public void LenientFunctionsGivenAMapThatContainsItself_Answer(string call, string expected)
    {
        Assert.Equal(expected, Render(Cycle + "{{ " + call + " }}"));
    }

    [Fact]
    public void ValuesNestedDeeperThanTheStack_FailCleanly()
    {
        object? deep = "leaf";
        for (var i = 0; i < 200_000; i++)
        {
            deep = new List<object?> { deep };
        }
        var data = new Dictionary<string, object?> { ["deep"] = deep };
        foreach (var call in new[] { "toJson .deep", "toYaml .deep", "toString .deep", "deepCopy .deep", "toToml (dict \"a\" .deep)" })
        {
            // run on a small stack, as a thread-pool thread has: the guard must hold well before it overflows
            string? outcome = null;
            var thread = new Thread(() => outcome = Outcome(call), 1024 * 1024);
            thread.Start();
            thread.Join();
            Assert.True(outcome is not null && (outcome.Contains(Values.NestingGuard.TooDeep, StringComparison.Ordinal) || outcome.Length == 0), $"{call}: {outcome}");
        }

        string Outcome(string call)
        {
            try
            {
                return Render("{{ " + call + " }}", data);
            }
            catch (TemplateException e)
            {
                return e.Message;
            }
        }
    }
}
