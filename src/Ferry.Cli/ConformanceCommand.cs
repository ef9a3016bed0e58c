using System.Text.Json;
using Ferry.Charts.Conformance;
using Ferry.Templates.Conformance;
using Ferry.Templates.Formatting;
using Ferry.Templates.Functions.Sprig;

namespace Ferry.Cli;

/// <summary><c>ferry conformance PATH... [-v]</c>: runs vector files and prints one summary line per file.</summary>
internal static class ConformanceCommand
{

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse("conformance", args);
        var verbose = a.Has("--verbose");
        var json = a.Json;
        var paths = a.Positional.Count > 0 ? a.Positional : throw new UsageException("conformance: give at least one vector file or folder");
        var files = new List<string>();
        var unpacked = new List<string>();
        // unpacked real-chart corpora: their cases.json and the archive they came from (named in the report)
        var archives = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            return RunAll(paths, files, unpacked, archives, verbose, json, stdout, stderr);
        }
        finally
        {
            foreach (var dir in unpacked)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static int RunAll(List<string> paths, List<string> files, List<string> unpacked, Dictionary<string, string> archives, bool verbose,
        bool json, TextWriter stdout, TextWriter stderr)
    {
        var reports = new List<ConformanceFileJson>();
        if (!Collect(paths, files, unpacked, archives, stderr))
        {
            return 1;
        }
        var failed = false;
        var ran = 0;
        foreach (var file in files)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(File.ReadAllText(file));
            }
            catch (JsonException e)
            {
                stderr.WriteLine($"ferry: conformance: {file}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
                failed = true;
                continue;
            }
            using (doc)
            {
                var result = RunFile(file, doc.RootElement, archives);
                if (result is null)
                {
                    if (paths.Contains(file))
                    {
                        stderr.WriteLine($"ferry: conformance: {file}: not a vector file this Ferry can run (expected gotemplate/sprig \"cases\" " +
                            "or helm engine \"vectors\")");
                        failed = true;
                    }
                    continue;
                }
                ran++;
                if (json)
                {
                    reports.Add(ToJson(result, verbose));
                }
                else
                {
                    Report(stdout, result, verbose);
                }
                failed |= result.Failed > 0;
            }
        }
        if (ran == 0)
        {
            stderr.WriteLine("ferry: conformance: no vector files found");
            return 1;
        }
        if (json)
        {
            stdout.WriteLine(CliJson.Text(reports)); // every corpus, and the cases that did not pass (all with -v)
        }
        return failed ? 1 : 0;
    }

    /// <summary>The vector files under the paths (real-chart archives unpacked); false (reported) when a path does not exist.</summary>
    private static bool Collect(List<string> paths, List<string> files, List<string> unpacked, Dictionary<string, string> archives,
        TextWriter stderr)
    {
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                files.AddRange(Directory.EnumerateFiles(p, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
                // a real-chart corpus ships as an archive (cases.json, corpus/, golden/ inside)
                foreach (var archive in Directory.EnumerateFiles(p, "*.tar.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    AddArchive(archive);
                }
            }
            else if (File.Exists(p) && p.EndsWith(".tar.gz", StringComparison.Ordinal))
            {
                AddArchive(p);
            }
            else if (File.Exists(p))
            {
                files.Add(p);
            }
            else
            {
                stderr.WriteLine($"ferry: conformance: {p}: no such file or folder (the shared vectors live in ../shared/conformance)");
                return false;
            }
        }
        return true;

        void AddArchive(string archive)
        {
            if (RealChartsRunner.Unpack(archive) is { } cases)
            {
                files.Add(cases);
                unpacked.Add(Path.GetDirectoryName(cases)!);
                archives[cases] = archive;
            }
        }
    }

    /// <summary>A corpus file's report: its counts, and the cases that did not pass (every case when verbose).</summary>
    private static ConformanceFileJson ToJson(ConformanceResult result, bool verbose) =>
        new(result.File, result.Passed, result.Failed, result.Skipped,
            [.. result.Cases.Where(c => verbose || c.Outcome != CaseOutcome.Passed).Select(c => new ConformanceCaseJson(c.Name,
                c.Outcome.ToString().ToLowerInvariant(), c.Note, c.Outcome == CaseOutcome.Failed ? c.Expected : null,
                c.Outcome == CaseOutcome.Failed ? c.Got : null))]);

    private static ConformanceResult? RunFile(string file, JsonElement root, Dictionary<string, string> archives)
    {
        if (RealChartsRunner.Accepts(root))
        {
            var result = new RealChartsRunner().Run(file, root);
            return archives.TryGetValue(file, out var archive) ? result with { File = archive } : result;
        }
        if (HelmEngineVectorRunner.Accepts(root))
        {
            return new HelmEngineVectorRunner(chartRenderHook: EngineRenderVectors.Run).Run(file, root);
        }
        if (ValuesVectorRunner.Accepts(root))
        {
            return new ValuesVectorRunner().Run(file, root);
        }
        if (HelmCasesRunner.Accepts(root))
        {
            return new HelmCasesRunner().Run(file, root);
        }
        if (TemplateVectorRunner.Accepts(root))
        {
            // Go text/template vectors run with the builtins only; every other corpus gets Sprig too.
            var runner = IsGoTemplateCorpus(file) ? new TemplateVectorRunner() : new TemplateVectorRunner(SprigLibrary.Create);
            return runner.Run(file, root);
        }
        return null;
    }

    private static void Report(TextWriter stdout, ConformanceResult result, bool verbose)
    {
        stdout.WriteLine(result.Summary);
        if (!verbose)
        {
            return;
        }
        foreach (var c in result.Cases)
        {
            switch (c.Outcome)
            {
                case CaseOutcome.Failed:
                    stdout.WriteLine($"  FAIL {c.Name}");
                    stdout.WriteLine($"    expected: {Show(c.Expected)}");
                    stdout.WriteLine($"    got:      {Show(c.Got)}");
                    break;
                case CaseOutcome.Skipped:
                    stdout.WriteLine($"  SKIP {c.Name}: {c.Note}");
                    break;
                default:
                    if (c.Note is not null)
                    {
                        stdout.WriteLine($"  NOTE {c.Name}: {c.Note}");
                    }
                    break;
            }
        }
    }

    private static bool IsGoTemplateCorpus(string file) =>
        Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file))) == "gotemplate" || Path.GetFileName(file) == "exec.json";

    private static string Show(string? s) => s is null ? "<none>" : GoQuote.Quote(s);
}
