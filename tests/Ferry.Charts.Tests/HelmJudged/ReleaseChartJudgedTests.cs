using System.Text.Json.Nodes;
using Ferry.Charts.Conformance;
using Ferry.Charts.Releases;

namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// The chart a release records, judged by real helm: <c>helm install --dry-run=client -o json</c> prints the release it
/// would store, and its <c>chart</c> must equal what Ferry records for the same chart and values — after dependency
/// processing (disabled subcharts dropped from the metadata, aliases, import-values, subchart defaults merged into the
/// values), with Chart.lock. Helm 4's file times (<c>modtime</c>, <c>schemamodtime</c>), which Helm 3 records never
/// held, are left out of the comparison.
/// </summary>
public sealed class ReleaseChartJudgedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-release-chart-").FullName;
    private readonly string? _cases;

    public ReleaseChartJudgedTests()
    {
        var archive = RealChartsArchive.Find();
        _cases = archive is null ? null : RealChartsRunner.Unpack(archive);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        if (_cases is not null)
        {
            Directory.Delete(Path.GetDirectoryName(_cases)!, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData("bitnami-wordpress")]
    [InlineData("bitnami-wordpress", "memcached.enabled=true", "mariadb.enabled=false")]
    [InlineData("kube-prometheus-stack")]
    [InlineData("argo-cd", "redis-ha.enabled=true")]
    public void RealChart_RecordedAsHelmRecordsIt(string name, params string[] sets)
    {
        HelmJudge.Require();
        Skip.If(_cases is null, RealChartsArchive.Missing);
        AssertRecordedAsHelm(Path.Combine(Path.GetDirectoryName(_cases)!, "corpus", name), sets);
    }

    [SkippableFact]
    public void AliasesImportValuesTagsAndLock_RecordedAsHelmRecordsThem()
    {
        HelmJudge.Require();
        var chart = Path.Combine(_dir, "shop");
        Write(chart, "Chart.yaml", """
            apiVersion: v2
            name: shop
            version: 1.2.0
            dependencies:
              - name: db
                version: 1.x
                repository: file://../db
                condition: db.enabled
              - name: cache
                version: "~2.0.0"
                repository: https://charts.example.com
                alias: redis
                import-values:
                  - data
                  - child: conf
                    parent: imported
              - name: lib
                version: 1.0.0
                repository: https://charts.example.com
                tags: [extra]
              - name: tools
                version: 1.0.0
                repository: https://charts.example.com
                tags: [ops]
            """);
        Write(chart, "Chart.lock", """
            dependencies:
            - name: db
              repository: file://../db
              version: 1.4.0
            - name: cache
              repository: https://charts.example.com
              version: 2.0.3
            digest: sha256:0a1b
            generated: "2025-03-04T05:06:07.120000+00:00"
            """);
        Write(chart, "values.yaml", "db:\n  enabled: false\ntags:\n  extra: false\n  ops: true\nimported:\n  mine: 1\n");
        Write(chart, "templates/cm.yaml", "kind: ConfigMap\ndata:\n  a: {{ .Values.imported | toJson | quote }}\n");
        Write(chart, "charts/db/Chart.yaml", "apiVersion: v2\nname: db\nversion: 1.4.0\n");
        Write(chart, "charts/db/values.yaml", "size: 10Gi\n");
        Write(chart, "charts/cache/Chart.yaml", "apiVersion: v2\nname: cache\nversion: 2.0.3\n");
        Write(chart, "charts/cache/values.yaml", "exports:\n  data:\n    port: 6379\nconf:\n  maxmemory: 1gb\n  mine: 2\n");
        Write(chart, "charts/lib/Chart.yaml", "apiVersion: v2\nname: lib\nversion: 1.0.0\n");
        Write(chart, "charts/tools/Chart.yaml", "apiVersion: v2\nname: tools\nversion: 1.0.0\n");
        Write(chart, "charts/tools/values.yaml", "image: busybox\n");
        AssertRecordedAsHelm(chart, []);
        AssertRecordedAsHelm(chart, ["db.enabled=true", "tags.extra=true"]);
    }

    [SkippableFact]
    public void ApiV1ChartWithRequirementsLock_RecordedAsHelmRecordsIt()
    {
        HelmJudge.Require();
        var chart = Path.Combine(_dir, "old");
        Write(chart, "Chart.yaml", "apiVersion: v1\nname: old\nversion: 0.1.0\n");
        Write(chart, "requirements.yaml", "dependencies:\n- name: sub\n  version: 0.1.0\n  repository: https://charts.example.com\n");
        Write(chart, "requirements.lock", "dependencies:\n- name: sub\n  version: 0.1.0\n  repository: https://charts.example.com\n" +
            "digest: sha256:ff\ngenerated: 2019-01-02T03:04:05Z\n");
        Write(chart, "templates/cm.yaml", "kind: ConfigMap\ndata:\n  lock: {{ .Files.Get \"requirements.lock\" | len | quote }}\n");
        Write(chart, "charts/sub/Chart.yaml", "apiVersion: v1\nname: sub\nversion: 0.1.0\n");
        AssertRecordedAsHelm(chart, []);
    }

    [SkippableFact]
    public void ChartWithoutValuesOrFiles_RecordedAsHelmRecordsIt()
    {
        HelmJudge.Require();
        var chart = Path.Combine(_dir, "bare");
        Write(chart, "Chart.yaml", "apiVersion: v2\nname: bare\nversion: 0.1.0\nmaintainers:\n- name: ops\n  email: ops@example.com\n");
        Write(chart, "templates/cm.yaml", "kind: ConfigMap\n");
        AssertRecordedAsHelm(chart, []);
        Write(chart, "values.yaml", "# none yet\n");
        AssertRecordedAsHelm(chart, []);
    }

    private void AssertRecordedAsHelm(string chartDir, string[] sets)
    {
        var args = new List<string> { "install", "judged", chartDir, "--dry-run=client", "-o", "json" };
        foreach (var set in sets)
        {
            args.AddRange(["--set", set]);
        }
        var helm = HelmJudge.Run(_dir, [.. args]);
        Assert.True(helm.ExitCode == 0, helm.Stderr);
        var expected = JsonNode.Parse(helm.Stdout)!["chart"]!;
        WithoutFileTimes(expected);

        var result = HelmTemplate.Run(chartDir, new HelmTemplateOptions
        {
            ReleaseName = "judged",
            Sets = sets.Select(s => new ValueSet(SetKind.Set, s)).ToList(),
            BaseDirectory = _dir,
        });
        Assert.True(result.Succeeded, result.Error);
        var recorded = JsonNode.Parse(ReleaseChart.ToJson(result.Chart!))!;
        Assert.True(JsonNode.DeepEquals(expected, recorded), Difference(expected, recorded, "chart"));
        // and in helm's field order, which the record's bytes follow
        Assert.Equal(Keys(expected["metadata"]), Keys(recorded["metadata"]));
    }

    private static IEnumerable<string> Keys(JsonNode? node) => node!.AsObject().Select(kv => kv.Key);

    private static void WithoutFileTimes(JsonNode node)
    {
        var chart = node.AsObject();
        chart.Remove("modtime");
        chart.Remove("schemamodtime");
        foreach (var list in new[] { "templates", "files" })
        {
            foreach (var file in chart[list]?.AsArray() ?? [])
            {
                file!.AsObject().Remove("modtime");
            }
        }
    }

    /// <summary>The first place the two differ, as a path and both values.</summary>
    private static string Difference(JsonNode? helm, JsonNode? ferry, string path)
    {
        switch (helm, ferry)
        {
            case (JsonObject h, JsonObject f):
                foreach (var key in h.Select(kv => kv.Key).Union(f.Select(kv => kv.Key)))
                {
                    if (!JsonNode.DeepEquals(h[key], f[key]))
                    {
                        return Difference(h[key], f[key], $"{path}.{key}");
                    }
                }
                break;
            case (JsonArray h, JsonArray f) when h.Count == f.Count:
                for (var i = 0; i < h.Count; i++)
                {
                    if (!JsonNode.DeepEquals(h[i], f[i]))
                    {
                        return Difference(h[i], f[i], $"{path}[{i}]");
                    }
                }
                break;
        }
        static string Show(JsonNode? n) => n is null ? "(absent or null)" : n.ToJsonString() is var s && s.Length > 300 ? s[..300] + "..." : s;
        return $"{path}: helm records {Show(helm)}, Ferry {Show(ferry)}";
    }

    private static void Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
