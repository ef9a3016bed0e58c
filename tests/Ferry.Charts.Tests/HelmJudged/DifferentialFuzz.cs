using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Ferry.Charts.Conformance;

namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>A divergence between helm and Ferry, minimized: one template and the values it ran with, and what helm did.</summary>
public sealed record FuzzVector(string Name, string Template, string Values, string HelmStdout, string HelmStderr, int HelmExitCode);

/// <summary>
/// Differential testing against real helm: batches of random templates (<see cref="TemplateFuzzer"/>) rendered as one
/// chart by helm and by Ferry; a batch whose stdout, stderr or exit code differ is split into its templates, and each
/// diverging template is minimized (statements removed while the divergence stays) into a <see cref="FuzzVector"/>.
/// </summary>
public sealed class DifferentialFuzz(int seed, int templatesPerBatch = 40)
{
    private readonly TemplateFuzzer _fuzzer = new(seed);

    public int Cases { get; private set; }

    public int Batches { get; private set; }

    public List<FuzzVector> Divergences { get; } = [];

    /// <summary>Runs batches until <paramref name="budget"/> is spent (minimizing what it finds).</summary>
    public void Run(TimeSpan budget, int maxDivergences = 5)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < budget && Divergences.Count < maxDivergences)
        {
            RunBatch(maxDivergences);
        }
    }

    /// <summary>Runs exactly <paramref name="count"/> batches (a fixed seed then always judges the same templates).</summary>
    public void RunBatches(int count, int maxDivergences = 5)
    {
        for (var i = 0; i < count && Divergences.Count < maxDivergences; i++)
        {
            RunBatch(maxDivergences);
        }
    }

    /// <summary>Templates whose error was compared (helm stops at the first failing template of a chart).</summary>
    public int Errors { get; private set; }

    /// <summary>
    /// One chart of random templates: while helm fails, the failing template (named in helm's message) is compared on
    /// its own and left out, so every template is judged — by its error or, once the rest renders, by its output.
    /// </summary>
    private void RunBatch(int maxDivergences)
    {
        var values = _fuzzer.Values();
        var cases = new List<(string Name, List<string> Fragments, string Defines)>();
        for (var i = 0; i < templatesPerBatch; i++)
        {
            var name = $"b{Batches}c{i}";
            var (fragments, defines) = _fuzzer.Body(name);
            cases.Add((name, fragments, defines));
        }
        Batches++;
        Cases += cases.Count;
        while (cases.Count > 0 && Divergences.Count < maxDivergences)
        {
            var (diverged, helm) = Diverges(values, cases.Select(c => (c.Name, Template(c.Name, c.Fragments, c.Defines))).ToList());
            var failing = helm.ExitCode != 0 ? cases.FindIndex(c => helm.Stderr.Contains($"templates/{c.Name}.yaml", StringComparison.Ordinal)) : -1;
            if (!diverged)
            {
                if (failing < 0)
                {
                    return;
                }
                Errors++;
                cases.RemoveAt(failing);
                continue;
            }
            // find the diverging template: the failing one if helm names it, else each in turn
            var suspects = failing >= 0 ? [cases[failing]] : cases;
            foreach (var (name, fragments, defines) in suspects.ToList())
            {
                if (Divergences.Count < maxDivergences && Diverges(values, [(name, Template(name, fragments, defines))]).Diverged)
                {
                    Divergences.Add(Minimize(name, fragments, defines, values));
                }
            }
            if (failing < 0)
            {
                return;
            }
            cases.RemoveAt(failing);
        }
    }

    /// <summary>Removes statements (halves, then single ones) while helm and Ferry still disagree.</summary>
    private FuzzVector Minimize(string name, List<string> fragments, string defines, string values)
    {
        var current = new List<string>(fragments);
        for (var chunk = Math.Max(current.Count / 2, 1); chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start < current.Count;)
            {
                var candidate = current.Take(start).Concat(current.Skip(start + chunk)).ToList();
                if (candidate.Count > 0 && Diverges(values, [(name, Template(name, candidate, defines))]).Diverged)
                {
                    current = candidate;
                }
                else
                {
                    start += chunk;
                }
            }
        }
        var template = Template(name, current, defines);
        var (_, helm) = Diverges(values, [(name, template)]);
        return new FuzzVector(name, template, values, helm.Stdout, helm.Stderr, helm.ExitCode);
    }

    private static string Template(string name, List<string> fragments, string defines) =>
        $"{defines}{{{{- define \"{name}.body\" -}}}}{string.Concat(fragments)}{{{{- end -}}}}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  out: {{{{ include \"{name}.body\" . | toJson }}}}\n";

    /// <summary>Whether Ferry disagrees with what helm recorded for <paramref name="v"/> (and what Ferry printed).</summary>
    public static (bool Diverged, string Stdout, string Stderr, int ExitCode) Check(FuzzVector v)
    {
        var dir = Directory.CreateTempSubdirectory("ferry-fuzz-").FullName;
        try
        {
            var chart = Path.Combine(dir, "c");
            Directory.CreateDirectory(Path.Combine(chart, "templates"));
            File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
            File.WriteAllText(Path.Combine(chart, "values.yaml"), v.Values);
            File.WriteAllText(Path.Combine(chart, "templates", v.Name + ".yaml"), v.Template);
            var ferry = FerryOutput(chart);
            return (Differs((v.HelmStdout, v.HelmStderr, v.HelmExitCode), ferry), ferry.Stdout, ferry.Stderr, ferry.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool Differs((string Stdout, string Stderr, int ExitCode) helm, (string Stdout, string Stderr, int ExitCode) ferry) =>
        HelmCrashed(helm.Stderr)
            ? ferry.ExitCode != 1 || ferry.Stderr.Contains("\n   at ", StringComparison.Ordinal) // Go died (a map that holds itself): Ferry must fail cleanly
            : helm.ExitCode != ferry.ExitCode || Mask(helm.Stdout) != Mask(ferry.Stdout) || Mask(helm.Stderr) != Mask(ferry.Stderr);

    private static (bool Diverged, (string Stdout, string Stderr, int ExitCode) Helm) Diverges(string values, List<(string Name, string Text)> templates)
    {
        var dir = Directory.CreateTempSubdirectory("ferry-fuzz-").FullName;
        try
        {
            var chart = Path.Combine(dir, "c");
            Directory.CreateDirectory(Path.Combine(chart, "templates"));
            File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
            File.WriteAllText(Path.Combine(chart, "values.yaml"), values);
            foreach (var (name, text) in templates)
            {
                File.WriteAllText(Path.Combine(chart, "templates", name + ".yaml"), text);
            }
            var helm = HelmJudge.Template(dir, "r", "./c");
            var ferry = FerryOutput(chart);
            return (Differs(helm, ferry), helm);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool HelmCrashed(string stderr) =>
        stderr.Contains("fatal error: ", StringComparison.Ordinal) || stderr.StartsWith("panic: ", StringComparison.Ordinal) || stderr.Contains("\ngoroutine ", StringComparison.Ordinal);

    /// <summary>
    /// Go prints a pointer inside a value as its heap address (0xc000…), different on every run: not compared, in any
    /// of the forms printf's verbs give it (%v/%p 0xc0002fa2c0, %x c0002fa2c0, %d 824636842688, %o 14000013721300), in
    /// either case (%X, or a value passed through <c>upper</c>: 0XC0002FA2C0).
    /// </summary>
    private static string Mask(string text) => System.Text.RegularExpressions.Regex.Replace(text,
        @"0xc[0-9a-f]{6,10}|\bc0[0-9a-f]{8}\b|\b82[4-8][0-9]{9}\b|\b1400[0-7]{10}\b", "<pointer>",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>What <c>ferry template</c> prints (stdout in Helm 4.1's whitespace form, for the 4.1.4 judge).</summary>
    public static (string Stdout, string Stderr, int ExitCode) FerryOutput(string chart)
    {
        var result = HelmTemplate.Run(chart, new HelmTemplateOptions { ReleaseName = "r" });
        var stderr = new StringBuilder();
        foreach (var w in result.Warnings)
        {
            stderr.Append(w).Append('\n');
        }
        if (!result.Succeeded)
        {
            stderr.Append("Error: ").Append(result.Error).Append('\n');
            if (result.FailedWhileRendering)
            {
                stderr.Append("\nUse --debug flag to render out invalid YAML\n");
            }
            return ("", stderr.ToString(), 1);
        }
        return (RealChartsRunner.Helm41Whitespace(result.Output), stderr.ToString(), 0);
    }

    /// <summary>A vector as JSON, ready to be kept as a regression case.</summary>
    public static string ToJson(FuzzVector v) => JsonSerializer.Serialize(v, FuzzJson.Default.FuzzVector);
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(FuzzVector))]
internal sealed partial class FuzzJson : System.Text.Json.Serialization.JsonSerializerContext;
