using System.Text.Json.Nodes;
using Ferry.Charts.Schema;

namespace Ferry.Cli.Tests;

/// <summary>
/// <c>ferry schema output</c>: a schema for each command's --output json, generated from the records that print it;
/// real output passes its schema, and a damaged one does not.
/// </summary>
public sealed class OutputSchemaTests
{
    private static async Task<string> SchemaOf(string command)
    {
        var (code, output, _) = await CliRunner.RunAsync("schema", "output");
        Assert.Equal(0, code);
        var schema = JsonNode.Parse(output)!["commands"]![command];
        Assert.NotNull(schema);
        return schema.ToJsonString();
    }

    [Fact]
    public async Task EveryCommandNamed_IsACommandThatPrintsJson()
    {
        var (_, output, _) = await CliRunner.RunAsync("schema", "output");
        foreach (var (command, _) in JsonNode.Parse(output)!["commands"]!.AsObject())
        {
            var (code, help, _) = await CliRunner.RunAsync([.. command.Split(' ').Where(w => !w.StartsWith('-')), "--help"]);
            Assert.Equal(0, code);
            Assert.Matches(@"--output (json\||yaml\|json)", help);
        }
    }

    [Fact]
    public async Task LintsOutput_PassesItsSchema_AndADamagedOneFails()
    {
        var (code, output, _) = await CliRunner.RunAsync("lint", Path.Combine(CliRunner.Examples, "charts", "shop"), "--output", "json");
        Assert.Equal(0, code);
        var schema = await SchemaOf("lint");
        Assert.Null(JsonSchemaCheck.Problems(schema, output));
        var damaged = JsonNode.Parse(output)!.AsObject();
        damaged["errors"] = "none";
        Assert.Contains("errors", JsonSchemaCheck.Problems(schema, damaged.ToJsonString()), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConformancesOutput_PassesItsSchema()
    {
        Skip.If(Ferry.Templates.Tests.SharedVectors.Directory is null, "the shared conformance vectors are not here");
        var (_, output, _) = await CliRunner.RunAsync("conformance", Ferry.Templates.Tests.SharedVectors.Path("helm"), "-v", "--output", "json");
        Assert.Null(JsonSchemaCheck.Problems(await SchemaOf("conformance"), output));
    }
}
