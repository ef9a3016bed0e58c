using System.Diagnostics;
using System.Formats.Tar;
using Ferry.Charts.Tests;

namespace Ferry.Bundles.Tests;

/// <summary>ECDSA P-256 signatures over SHA256SUMS; a bundle without images needs no registry.</summary>
public sealed class SigningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-sign-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> BuildAsync()
    {
        var spec = Path.Combine(_dir, "ferry.yaml");
        File.WriteAllText(spec, $"""
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: {"{"} name: edge, version: 1.0.0 {"}"}
            apps:
              - name: gateway
                chart: {"{"} path: "{TestPaths.Chart("gateway")}" {"}"}
            """);
        var bundle = Path.Combine(_dir, "edge.ferry");
        await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = spec, Output = bundle });
        return bundle;
    }

    [Fact]
    public async Task Sign_ThenVerifyWithKey_AcceptsOnlyTheSigner()
    {
        var bundle = await BuildAsync();
        var unsigned = File.ReadAllBytes(bundle);
        BundleSigner.GenerateKey(Path.Combine(_dir, "k.pem"), Path.Combine(_dir, "k.pub.pem"));
        BundleSigner.GenerateKey(Path.Combine(_dir, "other.pem"), Path.Combine(_dir, "other.pub.pem"));
        Assert.Contains("not signed", Assert.Single(BundleReader.Verify(bundle, Path.Combine(_dir, "k.pub.pem"))), StringComparison.Ordinal);

        BundleSigner.SignBundle(bundle, Path.Combine(_dir, "k.pem"));
        Assert.Empty(BundleReader.Verify(bundle, Path.Combine(_dir, "k.pub.pem")));
        Assert.Empty(BundleReader.Verify(bundle));
        Assert.Contains("signature does not match", Assert.Single(BundleReader.Verify(bundle, Path.Combine(_dir, "other.pub.pem"))), StringComparison.Ordinal);

        // re-signing replaces the signature; the rest of the archive is untouched
        BundleSigner.SignBundle(bundle, Path.Combine(_dir, "other.pem"));
        Assert.Empty(BundleReader.Verify(bundle, Path.Combine(_dir, "other.pub.pem")));
        Assert.Equal(Entries(unsigned), Entries(File.ReadAllBytes(bundle)).Where(e => e != BundleSigner.SignatureName));

        var e = Assert.Throws<BundleException>(() => BundleSigner.SignBundle(bundle, Path.Combine(_dir, "k.pub.pem")));
        Assert.Contains("private key is required", e.Message, StringComparison.Ordinal);

        // the other way round: a site given the vendor's private key to verify with is told so, not accepted
        e = Assert.Throws<BundleException>(() => BundleReader.Verify(bundle, Path.Combine(_dir, "other.pem")));
        Assert.Contains("is a private key: verify with the public key", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Signature_VerifiesWithOpenssl()
    {
        Skip.IfNot(File.Exists("/usr/bin/openssl"), "openssl is not installed");
        var bundle = await BuildAsync();
        BundleSigner.GenerateKey(Path.Combine(_dir, "k.pem"), Path.Combine(_dir, "k.pub.pem"));
        BundleSigner.SignBundle(bundle, Path.Combine(_dir, "k.pem"));
        using (var fs = File.OpenRead(bundle))
        using (var tar = new TarReader(fs))
        {
            tar.GetNextEntry()!.ExtractToFile(Path.Combine(_dir, "SHA256SUMS"), overwrite: true);
            var sig = tar.GetNextEntry()!;
            Assert.Equal(BundleSigner.SignatureName, sig.Name);
            sig.ExtractToFile(Path.Combine(_dir, "SHA256SUMS.sig"), overwrite: true);
        }
        var psi = new ProcessStartInfo("openssl", ["dgst", "-sha256", "-verify", "k.pub.pem", "-signature", "SHA256SUMS.sig", "SHA256SUMS"])
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);
    }

    private static List<string> Entries(byte[] archive)
    {
        using var tar = new TarReader(new MemoryStream(archive));
        var names = new List<string>();
        while (tar.GetNextEntry() is { } e)
        {
            names.Add(e.Name);
        }
        return names;
    }
}
