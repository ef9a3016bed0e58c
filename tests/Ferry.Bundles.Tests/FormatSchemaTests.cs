using System.Text.Json.Nodes;
using Ferry.Bundles.Format;
using Ferry.Charts.Schema;

namespace Ferry.Bundles.Tests;

/// <summary>The bundle manifest's JSON Schema, generated from its model: what the writer writes passes, damage does not.</summary>
public sealed class FormatSchemaTests
{
    private static readonly BundleManifest Full = new()
    {
        Name = "acme-suite",
        Version = "2.0.0",
        Registry = new ManifestRegistry { Rewrite = true },
        Platforms = ["linux/amd64", "linux/arm64/v8"],
        Env = [new ManifestEnvVar { Name = "DB_PASSWORD", Required = true, Secret = true, Description = "the database password" }],
        Apps =
        [
            new ManifestApp
            {
                Name = "web", Namespace = "shop", Values = "values/web.yaml.tmpl", DependsOn = ["db"], Images = ["r.example/web:1"],
                Chart = new ManifestChart { Name = "web", Version = "1.0.0", Digest = "sha256:ab", File = "charts/web-1.0.0.tgz", Source = "dir" },
            },
        ],
        Images = [new ManifestImage { Ref = "r.example/web:1", Digest = "sha256:cd", MediaType = "application/vnd.oci.image.index.v1+json", Size = 42,
            Sources = [new ManifestImageSource("web", "values/web.yaml.tmpl", "image")] }],
        Inputs = new ManifestInputs { Ferry = "1.2.3", EnvOverrides = new Dictionary<string, string?> { ["DB_PASSWORD"] = null } },
        Delta = new ManifestDelta("site.json", ["sha256:ef"]),
        Cluster = new ManifestCluster(new ManifestK3s("v1.31.4+k3s1", "cluster/k3s", null, "cluster/install.sh"), "/var/lib/ferry"),
        Ferry = "ferry/linux-amd64/ferry",
        Files = new Dictionary<string, string> { ["ferry.yaml"] = "sha256:01" },
    };

    [Fact]
    public void WhatTheModelWrites_PassesTheSchema_EveryOptionalPartIncluded()
    {
        Assert.Null(JsonSchemaCheck.Problems(FormatSchemas.BundleManifest, BundleManifestJson.Write(Full)));
        Assert.Null(JsonSchemaCheck.Problems(FormatSchemas.BundleManifest, BundleManifestJson.Write(new BundleManifest { Apps = [] })));
    }

    [Theory]
    [InlineData("apiVersion", "\"ferry.dev/v2\"", "apiVersion")]
    [InlineData("kind", "\"Bundle\"", "kind")]
    [InlineData("apps", "\"web\"", "apps")]
    [InlineData("images", "[{\"ref\": \"x\", \"size\": \"big\"}]", "size")]
    [InlineData("files", "{\"ferry.yaml\": 7}", "ferry.yaml")]
    [InlineData("apps", "[{\"name\": \"web\"}]", "chart")]
    [InlineData("apps", "[{\"name\": \"web\", \"chart\": {\"file\": \"c.tgz\"}}]", "digest")]
    public void DamagedManifests_FailTheSchema_NamingThePlace(string field, string json, string named)
    {
        var manifest = JsonNode.Parse(BundleManifestJson.Write(Full))!.AsObject();
        manifest[field] = JsonNode.Parse(json);
        var problems = JsonSchemaCheck.Problems(FormatSchemas.BundleManifest, manifest.ToJsonString());
        Assert.NotNull(problems);
        Assert.Contains(named, problems, StringComparison.Ordinal);
    }

    [Fact]
    public void AManifestWithoutApps_FailsTheSchema()
    {
        var manifest = JsonNode.Parse(BundleManifestJson.Write(Full))!.AsObject();
        manifest.Remove("apps");
        Assert.Contains("apps", JsonSchemaCheck.Problems(FormatSchemas.BundleManifest, manifest.ToJsonString()), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSchema_IsDraft202012_AndNamesTheFormatVersion()
    {
        var schema = JsonNode.Parse(FormatSchemas.BundleManifest)!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        Assert.Equal(BundleManifest.CurrentApiVersion, (string?)schema["properties"]!["apiVersion"]!["const"]);
    }
}
