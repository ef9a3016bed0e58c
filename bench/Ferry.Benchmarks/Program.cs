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
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var text in texts)
        {
            Ferry.Templates.Yaml.YamlReader.Read(text);
        }
        Console.WriteLine($"{texts.Sum(t => t.Length) / 1e6:F2} M chars: {clock.Elapsed.TotalMilliseconds:F1} ms, {(GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6:F1} MB allocated");
    }
    return;
}

if (args.Length > 0 && args[0] == "render-alloc")
{
    // render-alloc ROUNDS TEMPLATE-ARGS...: `ferry template` in process; bytes allocated, collections and time per render.
    var (chart, options) = Ferry.Charts.HelmTemplateArgs.Parse(args[2..]);
    for (var i = 0; i < int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture); i++)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var gcs = GC.CollectionCount(0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Ferry.Charts.HelmTemplate.Run(chart, options);
        Console.WriteLine($"{clock.Elapsed.TotalMilliseconds:F1} ms, {(GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6:F1} MB allocated, {GC.CollectionCount(0) - gcs} gen0 GCs, output {result.Output.Length / 1e6:F2} MB chars");
        var docs = result.Output.Split("\n---\n");
        before = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        var keys = new HashSet<string> { "kind", "apiVersion", "metadata" };
        foreach (var doc in docs)
        {
            Ferry.Templates.Yaml.YamlReader.ReadKeys(doc, keys);
        }
        Console.WriteLine($"  heads: {clock.Elapsed.TotalMilliseconds:F1} ms, {(GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6:F1} MB allocated");
    }
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(TemplateBenchmarks).Assembly).Run(args);
