using System.Text;
using BenchmarkDotNet.Attributes;
using Ferry.Templates;
using Ferry.Templates.Values;

namespace Ferry.Benchmarks;

/// <summary>Parses and executes a generated 500-line chart-like template (ranges, conditionals, defines, printf).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TemplateBenchmarks
{
    private string _text = "";
    private object? _data;
    private Template _parsed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _text = Generate500Lines();
        _data = DataReader.FromYaml("""
            name: shop
            replicas: 3
            image: { repository: registry.local/shop, tag: "1.2.3" }
            env: { A: "1", B: "2", C: "3", D: "4" }
            ports: [ { name: http, port: 8080 }, { name: metrics, port: 9090 } ]
            enabled: true
            """);
        _parsed = new Template("bench").Parse(_text);
    }

    internal static string Generate500Lines()
    {
        var sb = new StringBuilder();
        sb.AppendLine("{{- define \"labels\" }}");
        sb.AppendLine("    app: {{ .name }}");
        sb.AppendLine("    version: {{ .image.tag | printf \"%q\" }}");
        sb.AppendLine("{{- end }}");
        var lines = 4;
        for (var block = 0; lines < 500; block++)
        {
            var chunk = $$$"""
                ---
                # block {{{block}}}
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .name }}-{{{block}}}
                  labels:
                    {{- template "labels" . }}
                data:
                  replicas: {{ printf "%d" (len .ports) }}
                  {{- range $k, $v := .env }}
                  {{ $k }}_{{{block}}}: {{ printf "%q" $v }}
                  {{- end }}
                  {{- if and .enabled (gt (len .ports) 1) }}
                  multi: "true"
                  {{- else }}
                  multi: "false"
                  {{- end }}
                  {{- range $i, $p := .ports }}
                  port{{ $i }}: {{ printf "%s=%v" $p.name $p.port | html }}
                  {{- end }}
                  image: {{ .image.repository }}:{{ .image.tag }}
                """;
            sb.AppendLine(chunk);
            lines += chunk.Split('\n').Length;
        }
        return sb.ToString();
    }

    [Benchmark(Description = "parse 500-line template")]
    public Template Parse() => new Template("bench").Parse(_text);

    [Benchmark(Description = "execute 500-line template")]
    public string Execute() => _parsed.Execute(_data);

    [Benchmark(Description = "parse + execute 500-line template")]
    public string ParseAndExecute() => new Template("bench").Parse(_text).Execute(_data);
}
