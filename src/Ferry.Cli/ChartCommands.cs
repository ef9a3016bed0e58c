using Ferry.Charts;

namespace Ferry.Cli;

/// <summary><c>ferry show values CHART</c> and <c>ferry lint CHART [flags]</c>.</summary>
internal static class ChartCommands
{
    public static int ShowValues(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 2 || args[0] != "values")
        {
            throw new UsageException("usage: ferry show values CHART");
        }
        try
        {
            var chart = ChartLoader.Load(args[1]);
            var file = Directory.Exists(args[1]) ? Path.Combine(args[1], "values.yaml") : null;
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
            throw new UsageException($"lint: {e.Message} (usage: ferry lint CHART [-f values.yaml] [--set k=v])");
        }
        var messages = HelmLint.Lint(chart, options);
        stdout.Write(HelmLint.Report(chart, messages));
        _ = stderr;
        return messages.Any(m => m.Severity == "ERROR") ? 1 : 0;
    }
}
