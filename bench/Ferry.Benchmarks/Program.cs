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

BenchmarkSwitcher.FromAssembly(typeof(TemplateBenchmarks).Assembly).Run(args);
