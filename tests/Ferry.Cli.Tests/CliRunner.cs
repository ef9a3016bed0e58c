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

    /// <summary>
    /// Writes the image-free "edge" product the CLI tests build bundles from: the example gateway chart with a values
    /// template reading DOMAIN (declared by <paramref name="domain"/>), plus <paramref name="extra"/> top-level YAML.
    /// </summary>
    public static string WriteEdgeSpec(string dir, string domain = "required: true", string extra = "", string ns = "edge")
    {
        var path = Path.Combine(dir, "ferry.yaml");
        File.WriteAllText(path, $"""
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: {"{"} name: edge, version: 1.0.0 {"}"}
            env:
              - {"{"} name: DOMAIN, {domain} {"}"}
            apps:
              - name: gateway
                namespace: {ns}
                chart: {"{"} path: "{Path.Combine(Examples, "charts", "gateway")}" {"}"}
                values: gateway.yaml.tmpl
            {extra}
            """);
        File.WriteAllText(Path.Combine(dir, "gateway.yaml.tmpl"), "host: {{ .Env.DOMAIN }}\n");
        return path;
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
