using System.Diagnostics;
using Ferry.Kube.Tests;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry kustomize DIR</c> prints what <c>kubectl kustomize DIR</c> prints, and refuses what it cannot read.</summary>
public sealed class KustomizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-kustomize-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [SkippableFact]
    public async Task Kustomize_PrintsWhatKubectlKustomizePrints()
    {
        var kubectl = RealClients.Tool("FERRY_KUBECTL");
        Write("base/kustomization.yaml", "resources: [cm.yaml]\nconfigMapGenerator:\n- name: gen\n  literals: [a=1]\n");
        Write("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  on: \"yes\"\n");
        Write("site/kustomization.yaml", "resources: [../base]\nnamePrefix: site-\nlabels:\n- pairs: { tier: web }\n");
        var (code, stdout, stderr) = await CliRunner.RunAsync("kustomize", Path.Combine(_dir, "site"), "--root", _dir);
        Assert.True(code == 0, stderr);
        var psi = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(Path.Combine(_dir, "site"));
        using var p = Process.Start(psi)!;
        var expected = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Contains("name: site-gen-", stdout, StringComparison.Ordinal);
        Assert.Equal(expected, stdout);
    }

    [Fact]
    public async Task Kustomize_OutsideTheRoot_IsOneCleanError()
    {
        Write("base/kustomization.yaml", "resources: []\n");
        Write("site/kustomization.yaml", "resources: [../base]\n");
        var (code, stdout, stderr) = await CliRunner.RunAsync("kustomize", Path.Combine(_dir, "site"), "--root", Path.Combine(_dir, "site"));
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith("ferry: ", stderr, StringComparison.Ordinal);
        Assert.Contains("is outside the kustomize source", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await CliRunner.RunAsync("kustomize", Path.Combine(_dir, "missing"));
        Assert.Equal(2, code);
        Assert.Contains("no such folder", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await CliRunner.RunAsync("kustomize", Path.Combine(_dir, "site", "kustomization.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("kustomization.yaml: a file, not a folder; give the folder that holds kustomization.yaml", stderr, StringComparison.Ordinal);
    }
}
