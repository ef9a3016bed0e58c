using System.Diagnostics;
using Ferry.Bundles.Tests;
using Ferry.Charts.Tests;
using Ferry.Kube.Tests;
using Ferry.Oci;
using Ferry.Oci.Tests;

namespace Ferry.EndToEnd.Tests;

/// <summary>
/// The README's quick tour, run as written by bash: the first bash block under "## Quick tour", in a folder holding a
/// copy of examples/ and the repository's src/ (so the tour's alias finds the built ferry), with VENDOR and SITE
/// set to two TLS registries on loopback (trusted through SSL_CERT_FILE, as a site's CA would be), the vendor one
/// holding the example images, and KUBECONFIG pointing at the API simulator. Every command must succeed.
/// </summary>
public sealed class QuickTourTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-tour-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public async Task QuickTour_RunsAsWritten()
    {
        var root = Path.GetFullPath(Path.Combine(TestPaths.Examples, ".."));
        var ferryDll = Path.Combine(root, "src", "Ferry.Cli", "bin", "Release", "net10.0", "ferry.dll");
        Skip.IfNot(File.Exists(ferryDll), $"the tour's alias needs {ferryDll}: build with -c Release (./test.sh does)");
        var lines = Tour(await File.ReadAllTextAsync(Path.Combine(root, "README.md")));
        Assert.Equal("dotnet build src/Ferry.Cli -c Release", lines[0]); // the reader's build; ./test.sh has built it
        Assert.StartsWith("alias ferry=", lines[1], StringComparison.Ordinal);

        using var vendor = Oci.Tests.Registry.Start(tls: true);
        using var site = Oci.Tests.Registry.Start(tls: true);
        var cas = Path.Combine(_dir, "cas.pem");
        await File.WriteAllTextAsync(cas, (await File.ReadAllTextAsync(vendor.CaFile!)).Trim() + "\n" + (await File.ReadAllTextAsync(site.CaFile!)).Trim() + "\n");
        var layout = OciLayout.Open(Path.Combine(_dir, "seed"), create: true);
        var shared = TestImages.Layer(layout, 16 * 1024, 1);
        using (var client = new RegistryClient(new RegistryOptions { CaFile = vendor.CaFile }))
        {
            var copier = new ImageCopier(client);
            for (var i = 0; i < ProductSources.ImageNames.Length; i++)
            {
                var top = TestImages.Image(layout, ProductSources.ImageNames[i], [shared, TestImages.Layer(layout, 8 * 1024, 10 + i)]);
                await copier.PushAsync(layout, top, ImageReference.Parse($"{vendor.Address}/{ProductSources.ImageNames[i]}"));
            }
        }
        using var api = new ApiSimulator();
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        ProductSources.Copy(TestPaths.Examples, Path.Combine(work, "examples"));
        File.CreateSymbolicLink(Path.Combine(work, "src"), Path.Combine(root, "src"));

        var script = "shopt -s expand_aliases\nset -eo pipefail\nset -x\n" + string.Join('\n', lines.Skip(1)) + "\n";
        var psi = new ProcessStartInfo("bash", ["--noprofile", "--norc", "-c", script])
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["VENDOR"] = $"{vendor.Address}/acme";
        psi.Environment["SITE"] = site.Address;
        psi.Environment["KUBECONFIG"] = api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
        psi.Environment["SSL_CERT_FILE"] = cas;
        psi.Environment["HOME"] = _dir;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var bash = Process.Start(psi)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await bash.WaitForExitAsync(timeout.Token);
        var trace = await stderr;
        Assert.True(bash.ExitCode == 0, $"the quick tour stopped (exit {bash.ExitCode}); last commands and errors:\n{trace}");

        // it did what it says: a signed bundle deployed, upgraded and rolled back, a delta bundle, k3s's mirrors
        var output = await stdout;
        Assert.Contains("Rollback to 1: shop is now revision 3 (deployed)", output, StringComparison.Ordinal);
        Assert.Contains("3 shop replicas", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(work, "acme.ferry.001")) || File.Exists(Path.Combine(work, "acme.ferry")));
        Assert.True(File.Exists(Path.Combine(work, "acme-suite-delta.ferry")));
        Assert.Contains($"https://{site.Address}", await File.ReadAllTextAsync(Path.Combine(work, "registries.yaml")), StringComparison.Ordinal);
        Assert.DoesNotContain("change-me", output + trace.Replace("printf 'DOMAIN=shop.site.local\\nWORKER_PASSWORD=change-me\\n'", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    /// <summary>The lines of the first bash block after "## Quick tour".</summary>
    private static List<string> Tour(string readme)
    {
        var at = readme.IndexOf("## Quick tour", StringComparison.Ordinal);
        Assert.True(at >= 0, "README.md has no '## Quick tour'");
        var start = readme.IndexOf("```bash\n", at, StringComparison.Ordinal) + "```bash\n".Length;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return [.. readme[start..end].Split('\n').Where(l => l.Trim().Length > 0)];
    }
}
