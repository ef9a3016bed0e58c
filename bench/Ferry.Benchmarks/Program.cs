using BenchmarkDotNet.Running;
using Ferry.Benchmarks;

if (args.Length > 0 && args[0] == "gen-images")
{
    // gen-images DIR TOTAL_MB: images sharing a base layer, written as an OCI layout (used by bench/oci-vs-skopeo.sh).
    ImageGenerator.Generate(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && args[0] == "gen-named-images")
{
    // gen-named-images DIR MB_EACH NAME...: one image per name sharing a base layer (used by demo.sh).
    ImageGenerator.GenerateNamed(args[1], args[3..], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && args[0] == "plot")
{
    // plot CSV PNG TITLE XLABEL YLABEL: the curves of a bench/results CSV as a PNG (used by bench/scale.sh).
    Plotter.Plot(args[1], args[2], args[3], args[4], args[5]);
    return;
}

if (args.Length > 0 && args[0] == "deploy-noop")
{
    // deploy-noop [APPS]: install a product of trivial apps on the API simulator, then time unchanged redeploys.
    await DeployNoOp.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50);
    return;
}

if (args.Length > 0 && args[0] == "yaml-alloc")
{
    // yaml-alloc FILE...: reading each file as fromYaml does; bytes allocated and time.
    var texts = args[1..].Select(File.ReadAllText).ToList();
    for (var round = 0; round < 3; round++)
    {
        Measure($"{texts.Sum(t => t.Length) / 1e6:F2} M chars", () => texts.ForEach(t => Ferry.Templates.Yaml.YamlReader.Read(t)));
    }
    return;
}

if (args.Length > 0 && args[0] == "render-alloc")
{
    // render-alloc ROUNDS TEMPLATE-ARGS...: `ferry template` in process, then reading each manifest's head; allocation and time.
    var (chart, options) = Ferry.Charts.HelmTemplateArgs.Parse(args[2..]);
    var keys = new HashSet<string> { "kind", "apiVersion", "metadata" };
    for (var i = 0; i < int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture); i++)
    {
        var output = "";
        Measure("render", () => output = Ferry.Charts.HelmTemplate.Run(chart, options).Output);
        Measure($"  heads of {output.Length / 1e6:F2} M chars", () =>
        {
            foreach (var doc in output.Split("\n---\n"))
            {
                Ferry.Templates.Yaml.YamlReader.ReadKeys(doc, keys);
            }
        });
    }
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(TemplateBenchmarks).Assembly).Run(args);

static void Measure(string label, Action work)
{
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var collections = GC.CollectionCount(0);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    work();
    Console.WriteLine($"{label}: {clock.Elapsed.TotalMilliseconds:F1} ms, {(GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6:F1} MB allocated, {GC.CollectionCount(0) - collections} gen0 GCs");
}
