using System.Diagnostics;

namespace Ferry.Kube.Tests;

/// <summary>
/// The real helm and kubectl (FERRY_HELM, FERRY_KUBECTL; ./test.sh provides them) run against a kubeconfig: the
/// simulator's, written into <paramref name="dir"/>, or the real cluster's (FERRY_TEST_KUBECONFIG).
/// </summary>
public sealed class RealClients(KubeTarget target, string dir)
{
    public string Kubeconfig { get; } = target.Simulator?.WriteKubeconfig(Path.Combine(dir, "kubeconfig")) ?? Environment.GetEnvironmentVariable("FERRY_TEST_KUBECONFIG")!;

    /// <summary>A real client binary from <paramref name="variable"/>, or a skip (a failure in CI).</summary>
    public static string Tool(string variable)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        if (path is null || !File.Exists(path))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{variable} is missing in CI: ./test.sh should have set it");
            Skip.If(true, $"real client not found: set {variable}");
        }
        return path!;
    }

    public (string Out, string Err, int Code) Helm(params string[] args) => Exec("FERRY_HELM", args);

    /// <summary>A run that must have succeeded (else the test fails with what the client printed); returns it.</summary>
    public static (string Out, string Err, int Code) Ok((string Out, string Err, int Code) run)
    {
        Assert.True(run.Code == 0, run.Err + run.Out);
        return run;
    }

    public (string Out, string Err, int Code) Kubectl(params string[] args) => Exec("FERRY_KUBECTL", args);

    /// <summary>Starts kubectl without waiting for it (a watch); the caller reads and ends it.</summary>
    public Process Start(params string[] args) => Process.Start(Info("FERRY_KUBECTL", args))!;

    private ProcessStartInfo Info(string variable, string[] args)
    {
        var psi = new ProcessStartInfo(Tool(variable)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Append("--kubeconfig").Append(Kubeconfig))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in new[] { ("HELM_CACHE_HOME", "cache"), ("HELM_CONFIG_HOME", "config"), ("HELM_DATA_HOME", "data") })
        {
            psi.Environment[k] = Path.Combine(dir, v);
        }
        psi.Environment["KUBECACHEDIR"] = Path.Combine(dir, "kubecache");
        return psi;
    }

    private (string Out, string Err, int Code) Exec(string variable, string[] args)
    {
        using var p = Process.Start(Info(variable, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
        }
        return (stdout.Result, stderr.Result, p.ExitCode);
    }
}
