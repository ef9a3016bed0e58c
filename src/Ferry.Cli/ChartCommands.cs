using Ferry.Charts;

namespace Ferry.Cli;

/// <summary><c>ferry show values CHART</c> and <c>ferry lint CHART [flags]</c>.</summary>
internal static class ChartCommands
{
    public static int ShowValues(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] != "values")
        {
            throw new UsageException(CommandCatalog.UsageOf("show values"));
        }
        var path = CommandArgs.Parse("show values", args[1..]).Arguments(1, 1)[0];
        try
        {
            var chart = ChartLoader.Load(path);
            var file = Directory.Exists(path) ? Path.Combine(path, "values.yaml") : null;
            if (file is not null && File.Exists(file))
            {
                stdout.Write(File.ReadAllText(file));
            }
            else
            {
                stdout.Write(Ferry.Templates.Formatting.GoYaml.Marshal(chart.Values));
            }
            return 0;
        }
        catch (ChartException e)
        {
            stderr.WriteLine($"Error: {e.Message}");
            return 1;
        }
    }

    /// <summary>lint reads helm's flags with helm's own parser (<see cref="HelmTemplateArgs"/>, shared with template and the conformance runner),
    /// after the catalog checked them.</summary>
    public static int Lint(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string chart;
        HelmTemplateOptions options;
        try
        {
            (chart, options) = HelmTemplateArgs.Parse(args);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"lint: {e.Message}; run 'ferry lint --help'");
        }
        var messages = HelmLint.Lint(chart, options);
        if (options.OutputFormat == "json")
        {
            stdout.WriteLine(CliJson.Text(new LintJson(chart, messages.Count(m => m.Severity == "ERROR"),
                [.. messages.Select(m => new LintMessageJson(m.Severity, m.Path, m.Message))])));
            return messages.Any(m => m.Severity == "ERROR") ? 1 : 0;
        }
        stdout.Write(HelmLint.Report(chart, messages));
        _ = stderr;
        return messages.Any(m => m.Severity == "ERROR") ? 1 : 0;
    }

    /// <summary><c>ferry kustomize DIR</c>: what <c>kubectl kustomize DIR</c> prints, rendered by Ferry.Kustomize.</summary>
    public static int Kustomize(string[] args, TextWriter stdout)
    {
        var a = CommandArgs.Parse("kustomize", args);
        var dir = Path.GetFullPath(a.Arguments(1, 1)[0]);
        if (!Directory.Exists(dir))
        {
            throw new UsageException(File.Exists(dir)
                ? $"{dir}: a file, not a folder; give the folder that holds kustomization.yaml"
                : $"{dir}: no such folder; give the folder that holds kustomization.yaml");
        }
        var cwd = Path.GetFullPath(Directory.GetCurrentDirectory());
        var root = a.Value("--root") is { } r ? Path.GetFullPath(r)
            : dir == cwd || dir.StartsWith(cwd.TrimEnd('/') + "/", StringComparison.Ordinal) ? cwd : dir;
        stdout.Write(Ferry.Kustomize.KustomizeRenderer.Render(dir, root));
        return 0;
    }
}
