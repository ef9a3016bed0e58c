using Ferry.Charts;

namespace Ferry.Cli;

/// <summary><c>ferry template [NAME] CHART [flags]</c>: renders a chart like <c>helm template</c>.</summary>
internal static class TemplateCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string chart;
        HelmTemplateOptions options;
        try
        {
            (chart, options) = HelmTemplateArgs.Parse(args);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"template: {e.Message} (usage: ferry template [NAME] CHART [--set k=v] [-f values.yaml] ...)");
        }
        var result = HelmTemplate.Run(chart, options);
        foreach (var warning in result.Warnings)
        {
            stderr.WriteLine(warning);
        }
        stdout.Write(result.Output);
        if (!result.Succeeded)
        {
            stderr.WriteLine($"Error: {result.Error}");
            if (!options.Debug && result.FailedWhileRendering)
            {
                stderr.WriteLine();
                stderr.WriteLine("Use --debug flag to render out invalid YAML");
            }
            return 1;
        }
        return 0;
    }
}
