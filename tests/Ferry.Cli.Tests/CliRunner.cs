using Ferry.Cli;

namespace Ferry.Cli.Tests;

/// <summary>Runs <c>ferry</c> in process and finds the repository's examples.</summary>
internal static class CliRunner
{
    /// <summary>The repository's examples/ folder, found above the test binary.</summary>
    public static string Examples { get; } = FindExamples();

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string FindExamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples");
            if (Directory.Exists(Path.Combine(candidate, "charts")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("examples/charts not found above the test binary");
    }
}
