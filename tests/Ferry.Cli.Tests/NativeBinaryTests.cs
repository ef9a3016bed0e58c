namespace Ferry.Cli.Tests;

/// <summary>
/// The Native AOT executable (<c>./build.sh publish</c> → out/linux-x64/ferry; <c>./test.sh</c> builds it and sets
/// FERRY_AOT_BINARY) does what the managed build does: version, template, bundle build and inspect — same bytes.
/// So does the linux-arm64 one (<c>./build.sh publish linux-arm64</c>, FERRY_AOT_BINARY_ARM64), run under qemu-user
/// on a machine that is not arm64.
/// </summary>
public sealed class NativeBinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-aot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The command starting the linux-x64 native executable, or a skip saying how to build it.</summary>
    private static string[] NativeOrSkip()
    {
        var command = NativeExecutables.Command("x64", out var why);
        Skip.If(command is null, why);
        return command!;
    }

    [SkippableTheory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task NativeBinary_MatchesTheManagedBuild(string arch)
    {
        var binary = NativeExecutables.Command(arch, out var why);
        Skip.If(binary is null, why);
        var header = new byte[20];
        using (var file = File.OpenRead(binary[^1]))
        {
            file.ReadExactly(header);
        }
        Assert.Equal(arch == "arm64" ? 183 : 62, BitConverter.ToUInt16(header, 18)); // ELF e_machine: EM_AARCH64 or EM_X86_64

        var (code, output, err) = NativeExecutables.Run(binary, "version");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("version")).Out, output);

        var shop = Path.Combine(CliRunner.Examples, "charts", "shop");
        (code, output, err) = NativeExecutables.Run(binary, "template", "shop", shop, "--set", "replicaCount=3");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("template", "shop", shop, "--set", "replicaCount=3")).Out, output);
        Assert.Contains("replicas: 3", output, StringComparison.Ordinal);

        var spec = CliRunner.WriteEdgeSpec(_dir);
        var native = Path.Combine(_dir, "native.ferry");
        (code, _, err) = NativeExecutables.Run(binary, "bundle", "build", spec, "-o", native, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        var managed = Path.Combine(_dir, "managed.ferry");
        (code, _, err) = await CliRunner.RunAsync("bundle", "build", spec, "-o", managed, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(managed), File.ReadAllBytes(native)); // reproducible, whichever build wrote it
        (code, output, err) = NativeExecutables.Run(binary, "bundle", "inspect", native);
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("bundle", "inspect", native)).Out, output);
        Assert.Contains("gateway", output, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("x64", 8)]
    [InlineData("arm64", 1)]
    public void NativeBinary_GeneratesRsaKeys_AndExitsCleanly_WithSparesStillBeingMade(string arch, int runs)
    {
        // keys come from OpenSSL's big-number functions bound into the static executable; a spare key is still being
        // made on another thread when the command ends, and OpenSSL frees its state at exit: no run may crash
        var binary = NativeExecutables.Command(arch, out var why);
        Skip.If(binary is null, why);
        var chart = Path.Combine(_dir, "keys");
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: keys\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(chart, "templates", "keys.yaml"), """
            {{- $ca := genCA "ca" 30 }}
            apiVersion: v1
            kind: Secret
            metadata:
              name: keys
            stringData:
              ca.key: {{ $ca.Key | quote }}
              other.key: {{ genPrivateKey "rsa" | quote }}
            """);
        for (var run = 0; run < runs; run++)
        {
            var (code, output, err) = NativeExecutables.Run(binary!, "template", "k", chart);
            Assert.True(code == 0, $"run {run + 1}: exit {code}: {err}");
            var secret = (Dictionary<string, object?>)((Dictionary<string, object?>)Ferry.Templates.Values.DataReader.FromYaml(output)!)["stringData"]!;
            foreach (var (name, pem) in secret)
            {
                using var key = System.Security.Cryptography.RSA.Create();
                key.ImportFromPem((string)pem!);
                Assert.Equal(name == "ca.key" ? 2048 : 4096, key.KeySize); // sprig: genCA 2048 bits, genPrivateKey "rsa" 4096
                var data = "ferry"u8.ToArray();
                var signature = key.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
                Assert.True(key.VerifyData(data, signature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));
            }
        }
    }

    [SkippableFact]
    public async Task NativeBinary_ServesARegistry_ThatFerryPushesToAndPullsFrom()
    {
        var binary = NativeOrSkip();
        var layout = Oci.OciLayout.Open(Path.Combine(_dir, "images"), create: true);
        var image = Oci.Tests.TestImages.Image(layout, "docker.io/acme/tool:1.0", [Oci.Tests.TestImages.Layer(layout, 300 * 1024, 4)]);
        await NativeExecutables.ServeAsync(binary, Path.Combine(_dir, "storage"), [], async (first, to) =>
        {
            Assert.StartsWith("ferry registry: serving", first, StringComparison.Ordinal);
            var (code, _, err) = await CliRunner.RunAsync("images", "push", Path.Combine(_dir, "images"), "--to", to, "--insecure");
            Assert.True(code == 0, err);
            (code, _, err) = NativeExecutables.Run(binary, "images", "pull", $"{to}/acme/tool:1.0", "--to", Path.Combine(_dir, "pulled"), "--insecure");
            Assert.True(code == 0, err);
            Assert.Equal(image.Digest, Oci.OciLayout.Open(Path.Combine(_dir, "pulled")).Resolve($"{to}/acme/tool:1.0").Digest);
        });
    }

    [SkippableFact]
    public async Task NativeBinary_ServesARegistryWithTlsAndUsers()
    {
        var binary = NativeOrSkip();
        var layout = Oci.OciLayout.Open(Path.Combine(_dir, "images"), create: true);
        var image = Oci.Tests.TestImages.Image(layout, "docker.io/acme/tool:1.0", [Oci.Tests.TestImages.Layer(layout, 300 * 1024, 5)]);
        var (code, line, err) = NativeExecutables.RunWithInput(binary, "s3cret\n", "registry", "htpasswd", "site", "--password-stdin");
        Assert.True(code == 0, err);
        File.WriteAllText(Path.Combine(_dir, "htpasswd"), line);
        var (cert, key, ca) = Oci.Tests.TestCertificates.WriteSelfSigned(_dir);
        await NativeExecutables.ServeAsync(binary, Path.Combine(_dir, "storage"), ["--tls-cert", cert, "--tls-key", key, "--htpasswd", Path.Combine(_dir, "htpasswd")], async (first, to) =>
        {
            Assert.Equal($"ferry registry: serving {Path.Combine(_dir, "storage")} on https://{to} (OCI distribution API, basic authentication, 1 user(s); stop with Ctrl-C)", first);
            (code, _, err) = NativeExecutables.RunWithInput(binary, "s3cret\n", "images", "push", Path.Combine(_dir, "images"), "--to", to, "--ca-file", ca, "--username", "site", "--password-stdin");
            Assert.True(code == 0, err);
            (code, _, err) = NativeExecutables.Run(binary, "images", "pull", $"{to}/acme/tool:1.0", "--to", Path.Combine(_dir, "anonymous"), "--ca-file", ca);
            Assert.Equal(1, code);
            Assert.Contains("authentication required", err, StringComparison.Ordinal);
            (code, _, err) = NativeExecutables.RunWithInput(binary, "s3cret\n", "images", "pull", $"{to}/acme/tool:1.0", "--to", Path.Combine(_dir, "pulled"), "--ca-file", ca, "--username", "site", "--password-stdin");
            Assert.True(code == 0, err);
            Assert.Equal(image.Digest, Oci.OciLayout.Open(Path.Combine(_dir, "pulled")).Resolve($"{to}/acme/tool:1.0").Digest);
            await Task.CompletedTask;
        });
    }
}
