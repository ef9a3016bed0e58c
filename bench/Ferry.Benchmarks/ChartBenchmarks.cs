using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Ferry.Charts;

namespace Ferry.Benchmarks;

/// <summary>Renders every case of ../shared/conformance/helm/cases.json (helm template golden charts) and the example charts.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ChartBenchmarks
{
    private readonly List<(string Chart, HelmTemplateOptions Options)> _cases = [];
    private readonly List<string> _examples = [];

    [GlobalSetup]
    public void Setup()
    {
        var dir = FindUp(Path.Combine("shared", "conformance", "helm"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var args = c.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();
            args.Add(Path.Combine(dir, c.GetProperty("chart").GetString()!));
            _cases.Add(HelmTemplateArgs.Parse(args, dir));
        }
        var examples = FindUp(Path.Combine("examples", "charts"));
        _examples.AddRange(new[] { "shop", "gateway" }.Select(n => Path.Combine(examples, n)));
    }

    private static string FindUp(string relative)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(d.FullName, relative), Path.Combine(d.FullName, "..", relative) })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        throw new DirectoryNotFoundException(relative);
    }

    [Benchmark(Description = "helm template: all 20 conformance cases")]
    public int ConformanceCharts()
    {
        var total = 0;
        foreach (var (chart, options) in _cases)
        {
            total += HelmTemplate.Run(chart, options).Output.Length;
        }
        return total;
    }

    [Benchmark(Description = "helm template: example charts (shop + gateway)")]
    public int ExampleCharts()
    {
        var total = 0;
        foreach (var chart in _examples)
        {
            total += HelmTemplate.Run(chart, new HelmTemplateOptions()).Output.Length;
        }
        return total;
    }
}
