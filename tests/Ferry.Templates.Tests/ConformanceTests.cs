using Ferry.Templates.Conformance;

namespace Ferry.Templates.Tests;

public class ConformanceTests
{
    [SkippableFact]
    public void GoTemplateVectors_AllRunnableCasesPass()
    {
        var result = new TemplateVectorRunner().Run(SharedVectors.Path("gotemplate/exec.json"));
        var failures = result.Cases.Where(c => c.Outcome == CaseOutcome.Failed)
            .Select(c => $"{c.Name}: expected {c.Expected} got {c.Got}").ToList();
        Assert.True(result.Passed > 400, $"only {result.Passed} vectors ran");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Every skipped vector carries a reason (upstream's or ours).
        Assert.All(result.Cases.Where(c => c.Outcome == CaseOutcome.Skipped), c => Assert.False(string.IsNullOrWhiteSpace(c.Note)));
    }

    [SkippableFact]
    public void GoTemplateVectors_ErrorMessagesMatchUpstreamWording()
    {
        var result = new TemplateVectorRunner().Run(SharedVectors.Path("gotemplate/exec.json"));
        var differing = result.Cases.Where(c => c.Note?.StartsWith("message differs", StringComparison.Ordinal) == true).Select(c => c.Name + ": " + c.Note).ToList();
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }

    [Fact]
    public void Runner_ReportsFailuresForAWrongExpectation()
    {
        var path = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                { "cases": [
                  { "name": "ok", "template": "{{.a}}", "data": {"a": 1}, "expected": "1" },
                  { "name": "wrong", "template": "{{.a}}", "data": {"a": 1}, "expected": "2" },
                  { "name": "must fail", "template": "{{.a", "error": true, "phase": "parse" },
                  { "name": "fails in wrong phase", "template": "{{.a", "error": true, "phase": "exec" }
                ] }
                """);
            var result = new TemplateVectorRunner().Run(path);
            Assert.Equal(2, result.Passed);
            Assert.Equal(2, result.Failed);
            Assert.EndsWith(": 2 passed, 2 failed", result.Summary, StringComparison.Ordinal);
            var wrong = Assert.Single(result.Cases, c => c.Name == "wrong");
            Assert.Equal("2", wrong.Expected);
            Assert.Equal("1", wrong.Got);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class SprigAndHelmConformanceTests
{
    [SkippableFact]
    public void SprigVectors_AllRunnableCasesPass()
    {
        var result = new TemplateVectorRunner(Functions.Sprig.SprigLibrary.Create).Run(SharedVectors.Path("sprig/functions.json"));
        var failures = result.Cases.Where(c => c.Outcome == CaseOutcome.Failed).Select(c => $"{c.Name}: expected {c.Expected} got {c.Got}").ToList();
        Assert.True(result.Passed >= 370, $"only {result.Passed} vectors passed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void HelmEngineFunctionVectors_Pass()
    {
        var path = SharedVectors.Path("helm/engine.json");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var result = new HelmEngineVectorRunner().Run(path, doc.RootElement);
        var failures = result.Cases.Where(c => c.Outcome == CaseOutcome.Failed).Select(c => $"{c.Name}: expected {c.Expected} got {c.Got}").ToList();
        Assert.True(result.Passed >= 50, $"only {result.Passed} vectors passed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
