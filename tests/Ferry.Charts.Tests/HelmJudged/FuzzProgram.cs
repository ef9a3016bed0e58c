using System.Globalization;

namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// <c>dotnet Ferry.Charts.Tests.dll fuzz [--seconds N] [--seed N] [--out DIR]</c>: a time-bounded differential run
/// against real helm (FERRY_HELM) with a seed of its own (by default the current minute), printing how many cases it
/// ran and what it found; each minimized divergence is written to DIR as a JSON vector that can be kept in
/// FuzzRegressions/. test.sh runs it after the tests; it reports and does not fail the build (the fixed-seed batch in
/// <see cref="DifferentialFuzzTests"/> is the one that must stay clean). The test host never calls this entry point.
/// </summary>
public static class FuzzProgram
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "fuzz")
        {
            Console.Error.WriteLine("usage: dotnet Ferry.Charts.Tests.dll fuzz [--seconds N] [--seed N] [--out DIR]");
            return 2;
        }
        var seconds = 60;
        var seed = (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 % int.MaxValue);
        var output = Path.Combine(Path.GetTempPath(), "ferry-fuzz");
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds": seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": output = args[i + 1]; break;
            }
        }
        if (HelmJudge.Binary is null)
        {
            Console.WriteLine("fuzz: skipped (no helm; set FERRY_HELM)");
            return 0;
        }
        var fuzz = new DifferentialFuzz(seed);
        fuzz.Run(TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"fuzz (seed {seed}, {seconds}s): {fuzz.Cases} templates in {fuzz.Batches} charts ({fuzz.Errors} judged by their error), {fuzz.Divergences.Count} divergences from helm");
        if (fuzz.Divergences.Count > 0)
        {
            Directory.CreateDirectory(output);
            foreach (var v in fuzz.Divergences)
            {
                var file = Path.Combine(output, $"seed{seed}-{v.Name}.json");
                File.WriteAllText(file, DifferentialFuzz.ToJson(v));
                Console.WriteLine($"  {file}");
            }
        }
        return 0;
    }
}
