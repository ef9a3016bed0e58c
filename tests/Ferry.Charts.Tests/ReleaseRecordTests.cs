using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Charts.Releases;

namespace Ferry.Charts.Tests;

/// <summary>Helm 3 release records: the release JSON shape, gzip+base64 payloads and the Secret storage format.</summary>
public sealed class ReleaseRecordTests
{
    /// <summary>
    /// A release payload laid out as Helm 3's json.Marshal writes release.Release (struct field order, omitempty,
    /// Go time format with a zone offset, HTML-escaped &lt; &gt; &amp;), built from Helm's documented format.
    /// </summary>
    private const string HelmJson =
        "{\"name\":\"web\",\"info\":{\"first_deployed\":\"2026-11-20T10:15:30.1234567+08:00\",\"last_deployed\":\"2026-11-21T09:00:00+08:00\"," +
        "\"deleted\":\"0001-01-01T00:00:00Z\",\"description\":\"Upgrade complete\",\"status\":\"deployed\",\"notes\":\"Visit \\u003chttp://web\\u003e \\u0026 enjoy\"}," +
        "\"chart\":{\"metadata\":{\"name\":\"web\",\"version\":\"1.2.0\",\"description\":\"A web app\",\"apiVersion\":\"v2\",\"appVersion\":\"1.2\",\"type\":\"application\"}," +
        "\"lock\":null,\"templates\":[{\"name\":\"templates/cm.yaml\",\"data\":\"a2luZDogQ29uZmlnTWFw\"}],\"values\":{\"replicas\":1},\"schema\":null,\"files\":[]}," +
        "\"config\":{\"replicas\":3},\"manifest\":\"---\\n# Source: web/templates/cm.yaml\\nkind: ConfigMap\\n\"," +
        "\"hooks\":[{\"name\":\"web-migrate\",\"kind\":\"Job\",\"path\":\"web/templates/job.yaml\",\"manifest\":\"kind: Job\",\"events\":[\"pre-upgrade\"]," +
        "\"last_run\":{\"started_at\":\"2026-11-21T09:00:01Z\",\"completed_at\":\"2026-11-21T09:00:05Z\",\"phase\":\"Succeeded\"},\"weight\":-5,\"delete_policies\":[\"hook-succeeded\"]}]," +
        "\"version\":2,\"namespace\":\"acme\"}";

    private static string Gzip64(string json)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(json));
        }
        return Convert.ToBase64String(ms.ToArray());
    }

    [Fact]
    public void HelmWrittenRelease_DecodesAndReencodesByteForByte()
    {
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "sh.helm.release.v1.web.v2", ["namespace"] = "acme" },
            ["type"] = "helm.sh/release.v1",
            ["data"] = new JsonObject { ["release"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Gzip64(HelmJson))) },
        };
        var r = ReleaseSecret.FromSecret(secret);
        Assert.Equal("web", r.Name);
        Assert.Equal("acme", r.Namespace);
        Assert.Equal(2, r.Version);
        Assert.Equal(ReleaseStatus.Deployed, r.Info.Status);
        Assert.Equal("Visit <http://web> & enjoy", r.Info.Notes);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.FromHours(8)), r.Info.LastDeployed);
        Assert.Equal(DateTimeOffset.MinValue, r.Info.Deleted);
        Assert.Equal(("web", "1.2.0", "1.2"), (r.ChartName, r.ChartVersion, r.AppVersion));
        Assert.Equal(3, JsonNode.Parse(r.ConfigJson)!["replicas"]!.GetValue<int>());
        var hook = Assert.Single(r.Hooks);
        Assert.Equal((-5, HookPhase.Succeeded), (hook.Weight, hook.LastRunPhase));
        Assert.Equal(["pre-upgrade"], hook.Events.Select(e => e.Name));
        Assert.Equal(HelmJson, ReleaseCodec.ToJson(r));
    }

    /// <summary>
    /// A Helm 4 record: <c>apply_method</c> after the namespace, plus fields this Ferry does not model (info.resources,
    /// a future top-level field). Superseding it (status and description rewritten) must keep every one of them.
    /// </summary>
    [Fact]
    public void Helm4Record_KeepsApplyMethodAndUnknownFields_WhenFerryRewritesIt()
    {
        var helm4 = HelmJson.Replace("\"notes\":\"Visit \\u003chttp://web\\u003e \\u0026 enjoy\"}", "\"notes\":\"n\",\"resources\":{\"v1/ConfigMap\":[{\"kind\":\"ConfigMap\"}]}}", StringComparison.Ordinal)
            .Replace("\"namespace\":\"acme\"}", "\"namespace\":\"acme\",\"apply_method\":\"ssa\",\"x_future\":{\"a\":[1,2]}}", StringComparison.Ordinal);
        Assert.Contains("resources", helm4, StringComparison.Ordinal);
        Assert.Contains("x_future", helm4, StringComparison.Ordinal);
        var r = ReleaseCodec.FromJson(Encoding.UTF8.GetBytes(helm4));
        Assert.Equal(ApplyMethods.ServerSide, r.ApplyMethod);
        Assert.Equal(helm4, ReleaseCodec.ToJson(r));

        r.Info.Status = ReleaseStatus.Superseded;
        r.Info.Description = "Superseded by ferry";
        var rewritten = JsonNode.Parse(ReleaseCodec.ToJson(r))!;
        Assert.Equal("ssa", rewritten["apply_method"]!.GetValue<string>());
        Assert.Equal("ConfigMap", rewritten["info"]!["resources"]!["v1/ConfigMap"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(2, rewritten["x_future"]!["a"]![1]!.GetValue<int>());
        Assert.Equal("superseded", rewritten["info"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void FerryRelease_FromExampleChart_RoundTripsThroughASecret()
    {
        var chart = ChartLoader.Load(TestPaths.Chart("shop"));
        var created = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var release = new Release
        {
            Name = "shop",
            Namespace = "acme",
            Version = 1,
            Info = new ReleaseInfo { FirstDeployed = created, LastDeployed = created, Status = ReleaseStatus.Deployed, Description = "Install complete" },
            ChartJson = ReleaseChart.ToJson(chart),
            ConfigJson = "{\"replicaCount\":3}",
            Manifest = "---\n# Source: shop/templates/deployment.yaml\nkind: Deployment\n",
            Hooks = [new ReleaseHook { Name = "shop-migrate", Kind = "Job", Path = "shop/templates/migrate-job.yaml", Events = [HookEvent.PreInstall, HookEvent.PreUpgrade], Weight = -5, DeletePolicies = [HookDeletePolicy.BeforeHookCreation] }],
        };
        var secret = ReleaseSecret.ToSecret(release, created);
        Assert.Equal("sh.helm.release.v1.shop.v1", secret["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("helm.sh/release.v1", secret["type"]!.GetValue<string>());
        var labels = secret["metadata"]!["labels"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["name"] = "shop", ["owner"] = "helm", ["status"] = "deployed", ["version"] = "1", ["createdAt"] = created.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }, labels);

        // what the API stores: base64 (Secret data) of base64 (Helm) of gzip of JSON
        var payload = Convert.FromBase64String(Encoding.ASCII.GetString(Convert.FromBase64String(secret["data"]!["release"]!.GetValue<string>())));
        Assert.Equal(new byte[] { 0x1f, 0x8b }, payload[..2]);
        using var json = JsonDocument.Parse(new GZipStream(new MemoryStream(payload), CompressionMode.Decompress));
        var root = json.RootElement;
        Assert.Equal(["name", "info", "chart", "config", "manifest", "hooks", "version", "namespace"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["first_deployed", "last_deployed", "deleted", "description", "status"], root.GetProperty("info").EnumerateObject().Select(p => p.Name));
        Assert.Equal("0001-01-01T00:00:00Z", root.GetProperty("info").GetProperty("deleted").GetString());
        var chartJson = root.GetProperty("chart");
        Assert.Equal(["metadata", "lock", "templates", "values", "schema", "files"], chartJson.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, chartJson.GetProperty("lock").ValueKind);
        var deployment = chartJson.GetProperty("templates").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "templates/deployment.yaml");
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.Chart("shop"), "templates", "deployment.yaml")), deployment.GetProperty("data").GetBytesFromBase64());
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.Chart("shop"), "values.schema.json")), chartJson.GetProperty("schema").GetBytesFromBase64());
        Assert.Equal("2.3.0", chartJson.GetProperty("metadata").GetProperty("version").GetString());
        Assert.Equal(2, chartJson.GetProperty("values").GetProperty("replicaCount").GetInt32());

        var back = ReleaseSecret.FromSecret(secret);
        Assert.Equal(ReleaseCodec.ToJson(release), ReleaseCodec.ToJson(back));
        Assert.Equal(("shop", "2.3.0"), (back.ChartName, back.ChartVersion));
    }

    [Fact]
    public void Decode_LegacyUncompressedAndDamagedPayloads()
    {
        var legacy = ReleaseCodec.Decode(Convert.ToBase64String(Encoding.UTF8.GetBytes(HelmJson)));
        Assert.Equal("web", legacy.Name);
        Assert.Throws<ChartException>(() => ReleaseCodec.Decode("not base64!"));
        var e = Assert.Throws<ChartException>(() => ReleaseSecret.FromSecret(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x" }, ["type"] = "Opaque" }));
        Assert.Contains("not a Helm release record", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoTime_MatchesGoRfc3339Nano()
    {
        Assert.Equal("0001-01-01T00:00:00Z", ReleaseCodec.GoTime(DateTimeOffset.MinValue));
        Assert.Equal("2026-11-25T12:00:00Z", ReleaseCodec.GoTime(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal("2026-11-25T12:00:00.5-05:00", ReleaseCodec.GoTime(new DateTimeOffset(2026, 11, 25, 12, 0, 0, 500, TimeSpan.FromHours(-5))));
    }
}
