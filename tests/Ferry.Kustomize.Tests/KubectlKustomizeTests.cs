using System.Diagnostics;
using Ferry.Kustomize;
using Ferry.Kube.Tests;

namespace Ferry.Kustomize.Tests;

/// <summary>
/// The judge: every kustomization of the corpus (Corpus/NAME, built from kustomize's documented examples, one or more
/// features each) rendered by real <c>kubectl kustomize</c> (kustomize v5.7.1 inside kubectl v1.35.2) and by Ferry,
/// byte for byte.
/// </summary>
public sealed class KubectlKustomizeTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(CorpusDir()).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    private static string CorpusDir() => Path.Combine(AppContext.BaseDirectory, "Corpus");

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Corpus_RendersAsKubectlKustomize(string name)
    {
        var kubectl = RealClients.Tool("FERRY_KUBECTL");
        var dir = Path.Combine(CorpusDir(), name);
        var expected = Kubectl(kubectl, dir);
        var actual = KustomizeRenderer.Render(dir);
        Assert.True(expected == actual, FirstDifference(expected, actual));
    }

    /// <summary>Where the two outputs part, with the lines around it.</summary>
    private static string FirstDifference(string expected, string actual)
    {
        var (e, a) = (expected.Split('\n'), actual.Split('\n'));
        var i = 0;
        while (i < e.Length && i < a.Length && e[i] == a[i])
        {
            i++;
        }
        var from = Math.Max(0, i - 4);
        return $"first difference at line {i + 1}\n--- kubectl kustomize\n{string.Join('\n', e.Skip(from).Take(10))}\n" +
            $"--- ferry\n{string.Join('\n', a.Skip(from).Take(10))}";
    }

    [Fact]
    public void Corpus_CoversTheFeatures() => Assert.True(Cases().Count >= 8);

    internal static string Kubectl(string kubectl, string dir)
    {
        var psi = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(dir);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"kubectl kustomize {dir} failed: {stderr}");
        return stdout.Result;
    }
}
