using System.Diagnostics;

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
        var command = Command("x64", out var why);
        Skip.If(command is null, why);
        return command!;
    }

    /// <summary>How to start the native executable for an architecture, or null (with why) when there is none to run.</summary>
    private static string[]? Command(string arch, out string why)
    {
        var path = Environment.GetEnvironmentVariable(arch == "arm64" ? "FERRY_AOT_BINARY_ARM64" : "FERRY_AOT_BINARY");
        why = arch == "arm64"
            ? "no linux-arm64 binary: build it with ./build.sh publish linux-arm64 and set FERRY_AOT_BINARY_ARM64=out/linux-arm64/ferry (./test.sh does both when CI=true or FERRY_TEST_ARM64=1)"
            : "no native binary: build it with ./build.sh publish and set FERRY_AOT_BINARY=out/linux-x64/ferry (./test.sh does both)";
        if (path is null || !File.Exists(path))
        {
            return null;
        }
        var native = arch == "arm64" ? System.Runtime.InteropServices.Architecture.Arm64 : System.Runtime.InteropServices.Architecture.X64;
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == native)
        {
            return [path];
        }
        var qemu = $"/usr/bin/qemu-{(arch == "arm64" ? "aarch64" : "x86_64")}";
        why = $"{path} is for linux-{arch}: running it here needs {qemu} (apt-get install qemu-user) and the target's libssl";
        return File.Exists(qemu) ? [qemu, path] : null;
    }

    private static (int Code, string Out, string Err) Run(string[] command, params string[] args) => RunWithInput(command, null, args);

    private static (int Code, string Out, string Err) RunWithInput(string[] command, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in command.Skip(1).Concat(args))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    [SkippableTheory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task NativeBinary_MatchesTheManagedBuild(string arch)
    {
        var binary = Command(arch, out var why);
        Skip.If(binary is null, why);
        var header = new byte[20];
        using (var file = File.OpenRead(binary[^1]))
        {
            file.ReadExactly(header);
        }
        Assert.Equal(arch == "arm64" ? 183 : 62, BitConverter.ToUInt16(header, 18)); // ELF e_machine: EM_AARCH64 or EM_X86_64

        var (code, output, err) = Run(binary, "version");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("version")).Out, output);

        var shop = Path.Combine(CliRunner.Examples, "charts", "shop");
        (code, output, err) = Run(binary, "template", "shop", shop, "--set", "replicaCount=3");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("template", "shop", shop, "--set", "replicaCount=3")).Out, output);
        Assert.Contains("replicas: 3", output, StringComparison.Ordinal);

        var spec = CliRunner.WriteEdgeSpec(_dir);
        var native = Path.Combine(_dir, "native.ferry");
        (code, _, err) = Run(binary, "bundle", "build", spec, "-o", native, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        var managed = Path.Combine(_dir, "managed.ferry");
        (code, _, err) = await CliRunner.RunAsync("bundle", "build", spec, "-o", managed, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(managed), File.ReadAllBytes(native)); // reproducible, whichever build wrote it
        (code, output, err) = Run(binary, "bundle", "inspect", native);
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("bundle", "inspect", native)).Out, output);
        Assert.Contains("gateway", output, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>ferry registry serve</c> from the native binary on a free port around <paramref name="use"/>
    /// (given its first output line and HOST:PORT), then stops it with SIGTERM: it must exit 0 saying so.</summary>
    private async Task ServeAsync(string[] command, string[] options, Func<string, string, Task> use)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(["registry", "serve", "--storage", Path.Combine(_dir, "storage"), "--addr", $"127.0.0.1:{port}"]).Concat(options))
        {
            psi.ArgumentList.Add(a);
        }
        using var server = Process.Start(psi)!;
        try
        {
            await use((await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)))!, $"127.0.0.1:{port}");
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(0, server.ExitCode);
        Assert.Contains("ferry registry: stopped", await server.StandardOutput.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task NativeBinary_ServesARegistry_ThatFerryPushesToAndPullsFrom()
    {
        var binary = NativeOrSkip();
        var layout = Oci.OciLayout.Open(Path.Combine(_dir, "images"), create: true);
        var image = Oci.Tests.TestImages.Image(layout, "docker.io/acme/tool:1.0", [Oci.Tests.TestImages.Layer(layout, 300 * 1024, 4)]);
        await ServeAsync(binary, [], async (first, to) =>
        {
            Assert.StartsWith("ferry registry: serving", first, StringComparison.Ordinal);
            var (code, _, err) = await CliRunner.RunAsync("images", "push", Path.Combine(_dir, "images"), "--to", to, "--insecure");
            Assert.True(code == 0, err);
            (code, _, err) = Run(binary, "images", "pull", $"{to}/acme/tool:1.0", "--to", Path.Combine(_dir, "pulled"), "--insecure");
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
        var (code, line, err) = RunWithInput(binary, "s3cret\n", "registry", "htpasswd", "site", "--password-stdin");
        Assert.True(code == 0, err);
        File.WriteAllText(Path.Combine(_dir, "htpasswd"), line);
        var (cert, key, ca) = Oci.Tests.TestCertificates.WriteSelfSigned(_dir);
        await ServeAsync(binary, ["--tls-cert", cert, "--tls-key", key, "--htpasswd", Path.Combine(_dir, "htpasswd")], async (first, to) =>
        {
            Assert.Equal($"ferry registry: serving {Path.Combine(_dir, "storage")} on https://{to} (OCI distribution API, basic authentication, 1 user(s); stop with Ctrl-C)", first);
            (code, _, err) = RunWithInput(binary, "s3cret\n", "images", "push", Path.Combine(_dir, "images"), "--to", to, "--ca-file", ca, "--username", "site", "--password-stdin");
            Assert.True(code == 0, err);
            (code, _, err) = Run(binary, "images", "pull", $"{to}/acme/tool:1.0", "--to", Path.Combine(_dir, "anonymous"), "--ca-file", ca);
            Assert.Equal(1, code);
            Assert.Contains("authentication required", err, StringComparison.Ordinal);
            (code, _, err) = RunWithInput(binary, "s3cret\n", "images", "pull", $"{to}/acme/tool:1.0", "--to", Path.Combine(_dir, "pulled"), "--ca-file", ca, "--username", "site", "--password-stdin");
            Assert.True(code == 0, err);
            Assert.Equal(image.Digest, Oci.OciLayout.Open(Path.Combine(_dir, "pulled")).Resolve($"{to}/acme/tool:1.0").Digest);
            await Task.CompletedTask;
        });
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
