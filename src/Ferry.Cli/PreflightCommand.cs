using Ferry.Bundles;
using Ferry.Kube;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary><c>ferry preflight</c>: every check deploy runs before its first change, printed with what to do.</summary>
internal static class PreflightCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = DeployCommand.Parse("preflight", args, bundleRequired: true);
        using var client = KubeConnection.Connect(f.Kubeconfig, f.Context);
        var env = f.EnvFile is not null ? Planner.EnvFromFile(f.EnvFile) : await new DeployEnv(client, f.EnvNamespace).ReadAsync()
            .ConfigureAwait(false);
        var policyKey = await new SitePolicy(client, f.EnvNamespace).PublicKeyAsync().ConfigureAwait(false);
        using var bundle = OpenedBundle.Open(f.Bundle!, f.Key, policyKey);
        using var registry = new RegistryClient(f.RegistryOptions);
        var result = await Preflight.RunAsync(bundle, env, f.Registry!, client, registry, probePush: true, new LineProgress(stderr))
            .ConfigureAwait(false);
        var failed = result.Failed.Any();
        if (f.Json)
        {
            stdout.WriteLine(CliJson.Text(new PreflightJson(bundle.Label, result.Cluster?.GitVersion, !failed, ToJson(result.Checks))));
            return failed ? 1 : 0;
        }
        stdout.WriteLine($"Preflight of {bundle.Label} on Kubernetes {result.Cluster?.GitVersion}");
        stdout.WriteLine();
        WriteChecks(stdout, result.Checks);
        stdout.WriteLine();
        int Count(string status) => result.Checks.Count(c => c.Status == status);
        stdout.WriteLine($"{Count(PreflightCheck.Pass)} passed, {Count(PreflightCheck.Warn)} warnings, {Count(PreflightCheck.Fail)} failed" +
            (failed ? ": ferry deploy stops before any change (--skip-preflight overrides the " +
                "checks that allow it)" : ": the site can run this bundle"));
        return failed ? 1 : 0;
    }

    /// <summary>One line per check (status, name, what was measured); for a warning or failure, what is required and what to do.</summary>
    public static void WriteChecks(TextWriter stdout, IReadOnlyList<PreflightCheck> checks)
    {
        var width = Math.Max(22, checks.Select(c => c.Name.Length).DefaultIfEmpty(0).Max());
        var indent = new string(' ', width + 8);
        foreach (var c in checks)
        {
            stdout.WriteLine($"  {c.Status.ToUpperInvariant(),-5} {c.Name.PadRight(width)}" +
                $" {c.Measured.Replace("\n", "\n" + indent, StringComparison.Ordinal)}");
            if (c.Status is PreflightCheck.Warn or PreflightCheck.Fail)
            {
                if (c.Required.Length > 0)
                {
                    stdout.WriteLine($"{indent}required: {c.Required}");
                }
                if (c.Fix.Length > 0)
                {
                    stdout.WriteLine($"{indent}fix: {c.Fix}{RemedyFlags.List(c.Remedies)}");
                }
            }
        }
    }

    public static List<PreflightCheckJson> ToJson(IEnumerable<PreflightCheck> checks) =>
        [.. checks.Select(c => new PreflightCheckJson(c.Name, c.Status, c.Measured, c.Required, c.Fix + RemedyFlags.List(c.Remedies)))];
}
