using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Ferry.Kube;
using Ferry.Kube.Support;

namespace Ferry.Cli;

/// <summary><c>ferry support-bundle</c> (collect, at the site) and <c>ferry support-bundle analyze</c> (at the vendor).</summary>
internal static class SupportCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && args[0] == "analyze")
        {
            return Analyze(args[1..], stdout, stderr);
        }
        var a = CommandArgs.Parse("support-bundle", args);
        a.Arguments(0, 0);
        var output = a.Value("-o") ?? $"ferry-support-{DateTime.UtcNow:yyyyMMdd-HHmmss}.tar.gz";
        var options = new SupportOptions
        {
            Namespaces = a.Values("--namespace"),
            EnvNamespace = a.Value("--env-namespace") ?? DeployEnv.DefaultNamespace,
            TailLines = a.Int("--tail", 200),
            FerryVersion = typeof(SupportCommand)
                .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "",
            Progress = new LineProgress(stderr),
        };
        if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } folder && !Directory.Exists(folder))
        {
            stderr.WriteLine($"ferry: -o {output}: the folder {folder} does not exist; create it or write elsewhere");
            return 1;
        }
        var partial = output + ".partial";
        try
        {
            using var client = KubeConnection.Connect(a.Value("--kubeconfig"), a.Value("--context"));
            await using (var file = File.Create(partial))
            {
                await new SupportCollector(client).CollectAsync(file, options).ConfigureAwait(false);
            }
            File.Move(partial, output, overwrite: true);
            stderr.WriteLine($"wrote {output} ({new FileInfo(output).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes; secrets " +
                $"redacted): send it to the vendor, who reads it with 'ferry support-bundle analyze {Path.GetFileName(output)}'");
            return 0;
        }
        catch (KubeException e)
        {
            File.Delete(partial);
            stderr.WriteLine(CommandLine.Failure(e));
            return 1;
        }
    }

    private static int Analyze(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse("support-bundle analyze", args);
        var path = a.Arguments(1, 1)[0];
        SupportReport report;
        report = SupportAnalyzer.Analyze(path);
        var errors = report.Findings.Count(f => f.Severity == SupportFinding.Error);
        if (a.Json)
        {
            stdout.WriteLine(CliJson.Text(new SupportAnalysisJson(report.Info,
                [.. report.Findings.Select(f => new SupportFindingJson(f.Severity, f.Subject, f.Problem, f.Details))])));
            return errors > 0 ? 1 : 0;
        }
        string Info(string key) => report.Info[key] is JsonValue v ? v.ToString() : report.Info[key] is JsonArray list
            ? string.Join(", ", list.Select(x => x?.ToString())) : "";
        stdout.WriteLine($"Support bundle collected {Info("collected")} by ferry {Info("ferryVersion")} on Kubernetes {Info("kubernetes")}");
        stdout.WriteLine($"namespaces: {Info("namespaces")}; bundles deployed: {(Info("bundles") is { Length: > 0 } b ? b : "none")}");
        stdout.WriteLine();
        if (report.Findings.Count == 0)
        {
            stdout.WriteLine("No problems found: every pod runs, every claim is bound, every release and deploy succeeded, every node is Ready.");
            return 0;
        }
        foreach (var f in report.Findings)
        {
            stdout.WriteLine($"{f.Severity.ToUpperInvariant()}: {f.Subject}: {f.Problem}");
            foreach (var d in f.Details.Where(d => d.Length > 0))
            {
                stdout.WriteLine($"    {d}");
            }
        }
        stdout.WriteLine();
        stdout.WriteLine($"{errors} errors, {report.Findings.Count - errors} warnings");
        return errors > 0 ? 1 : 0;
    }
}
