using System.Text.Json;
using Ferry.Cli;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry bundle</c>, <c>ferry keygen</c>, <c>ferry schema</c> through the command line (no registry: an image-free bundle).</summary>
public sealed class CliBundleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-cli-bundle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    private static string Examples() => CliRunner.Examples;

    private string Spec(string extra = "") => CliRunner.WriteEdgeSpec(_dir, extra: extra);

    [Fact]
    public async Task BuildSignVerifyInspect_EndToEnd()
    {
        var spec = Spec();
        var bundle = Path.Combine(_dir, "edge.ferry");
        var (code, output, err) = await Ferry("bundle", "build", spec, "-o", bundle);
        Assert.Equal(1, code);
        Assert.Contains("required env keys missing from the sample env: DOMAIN", err, StringComparison.Ordinal);

        (code, output, err) = await Ferry("bundle", "build", spec, "-o", bundle, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        Assert.Contains("1 apps, 0 images", output, StringComparison.Ordinal);

        (code, output, _) = await Ferry("keygen", "-o", Path.Combine(_dir, "vendor"));
        Assert.Equal(0, code);
        (code, _, err) = await Ferry("keygen", "-o", Path.Combine(_dir, "vendor"));
        Assert.Equal(1, code);
        Assert.Contains("refusing to overwrite", err, StringComparison.Ordinal);

        (code, _, err) = await Ferry("bundle", "verify", bundle, "--key", Path.Combine(_dir, "vendor.pub.pem"));
        Assert.Equal(1, code);
        Assert.Contains("not signed", err, StringComparison.Ordinal);
        (code, output, _) = await Ferry("bundle", "verify", bundle, "--key", Path.Combine(_dir, "vendor.pub.pem"), "--output", "json");
        Assert.Equal(1, code);
        using (var verdict = JsonDocument.Parse(output))
        {
            Assert.False(verdict.RootElement.GetProperty("verified").GetBoolean());
            Assert.Contains("not signed", verdict.RootElement.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        }
        (code, _, _) = await Ferry("bundle", "sign", bundle, "--key", Path.Combine(_dir, "vendor.pem"));
        Assert.Equal(0, code);
        (code, output, _) = await Ferry("bundle", "verify", bundle, "--key", Path.Combine(_dir, "vendor.pub.pem"));
        Assert.Equal(0, code);
        Assert.EndsWith("verified\n", output, StringComparison.Ordinal);

        (code, output, _) = await Ferry("bundle", "inspect", bundle, "--output", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("edge", doc.RootElement.GetProperty("name").GetString());
        Assert.Equal("gateway", doc.RootElement.GetProperty("apps")[0].GetProperty("chart").GetProperty("name").GetString());
        (code, output, _) = await Ferry("bundle", "inspect", bundle);
        Assert.Equal(0, code);
        Assert.Contains("DOMAIN", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_UnknownEnvOverrideAndBadSpec_AreClearErrors()
    {
        var spec = Spec();
        var (code, _, err) = await Ferry("bundle", "build", spec, "--env", "NOPE=1", "-o", Path.Combine(_dir, "x.ferry"));
        Assert.Equal(1, code);
        Assert.Contains("env override NOPE: not declared", err, StringComparison.Ordinal);
        Assert.EndsWith("(--env)", err.TrimEnd(), StringComparison.Ordinal);

        spec = Spec("bogus: true");
        (code, _, err) = await Ferry("bundle", "build", spec, "--env", "DOMAIN=x", "-o", Path.Combine(_dir, "x.ferry"));
        Assert.Equal(1, code);
        Assert.Contains($"{spec}:11:1: unknown field bogus (allowed: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BundleImages_OutputJson_NamesEachImageAndWhereItWasFound()
    {
        var spec = Path.Combine(Examples(), "bundle", "ferry.yaml");
        var (code, output, err) = await Ferry("bundle", "images", spec, "--output", "json");
        Assert.True(code == 0, err);
        var shop = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray(), i => i.GetProperty("image").GetString() == "registry.example.com/acme/shop:2.3.0");
        var source = Assert.Single(shop.GetProperty("sources").EnumerateArray());
        Assert.Equal(("shop", "shop/templates/deployment.yaml"), (source.GetProperty("app").GetString(), source.GetProperty("template").GetString()));
        string yaml;
        (code, yaml, err) = await Ferry("bundle", "images", spec, "--output", "yaml");
        Assert.True(code == 0, err);
        Assert.StartsWith("- image: ", yaml, StringComparison.Ordinal);
        Assert.Equal(Templates.Formatting.GoJson.Marshal(Templates.Formatting.GoJsonReader.Read(output)), Templates.Formatting.GoJson.Marshal(Templates.Values.DataReader.FromYaml(yaml)));
        (code, _, err) = await Ferry("bundle", "images", spec, "--output", "xml");
        Assert.Equal(2, code);
        Assert.Contains("--output xml: use json, yaml or text", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_IsJsonSchemaNamingTheFields()
    {
        var (code, output, _) = await Ferry("schema");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var props = doc.RootElement.GetProperty("properties");
        foreach (var field in new[] { "apiVersion", "kind", "metadata", "env", "apps", "sampleEnv", "platforms", "registry" })
        {
            Assert.True(props.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task SchemaBundle_IsTheManifestsSchema_AndOtherArgumentsAreUsageErrors()
    {
        var (code, output, _) = await Ferry("schema", "bundle");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("ferry.dev/v1", doc.RootElement.GetProperty("properties").GetProperty("apiVersion").GetProperty("const").GetString());
        Assert.Contains("files", doc.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var (bad, _, err) = await Ferry("schema", "lock");
        Assert.Equal(2, bad);
        Assert.Contains("ferry schema [bundle|output|journal]", err, StringComparison.Ordinal);
    }
}
