using System.Diagnostics;

namespace Ferry.Cli.Tests;

/// <summary>
/// The Native AOT executable (<c>./build.sh publish</c> → out/linux-x64/ferry; <c>./test.sh</c> builds it and sets
/// FERRY_AOT_BINARY) does what the managed build does: version, template, bundle build and inspect — same bytes.
/// </summary>
public sealed class NativeBinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-aot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? Binary()
    {
        var path = Environment.GetEnvironmentVariable("FERRY_AOT_BINARY");
        return path is not null && File.Exists(path) ? path : null;
    }

    private static (int Code, string Out, string Err) Run(string binary, params string[] args)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    [SkippableFact]
    public async Task NativeBinary_MatchesTheManagedBuild()
    {
        var binary = Binary();
        Skip.If(binary is null, "no native binary: build it with ./build.sh publish and set FERRY_AOT_BINARY=out/linux-x64/ferry (./test.sh does both)");

        var (code, output, err) = Run(binary!, "version");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("version")).Out, output);

        var shop = Path.Combine(CliRunner.Examples, "charts", "shop");
        (code, output, err) = Run(binary!, "template", "shop", shop, "--set", "replicaCount=3");
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("template", "shop", shop, "--set", "replicaCount=3")).Out, output);
        Assert.Contains("replicas: 3", output, StringComparison.Ordinal);

        var spec = CliRunner.WriteEdgeSpec(_dir);
        var native = Path.Combine(_dir, "native.ferry");
        (code, _, err) = Run(binary!, "bundle", "build", spec, "-o", native, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        var managed = Path.Combine(_dir, "managed.ferry");
        (code, _, err) = await CliRunner.RunAsync("bundle", "build", spec, "-o", managed, "--env", "DOMAIN=edge.example.com");
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(managed), File.ReadAllBytes(native)); // reproducible, whichever build wrote it
        (code, output, err) = Run(binary!, "bundle", "inspect", native);
        Assert.True(code == 0, err);
        Assert.Equal((await CliRunner.RunAsync("bundle", "inspect", native)).Out, output);
        Assert.Contains("gateway", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task NativeBinary_ServesARegistry_ThatFerryPushesToAndPullsFrom()
    {
        var binary = Binary();
        Skip.If(binary is null, "no native binary: build it with ./build.sh publish and set FERRY_AOT_BINARY=out/linux-x64/ferry (./test.sh does both)");
        var layout = Oci.OciLayout.Open(Path.Combine(_dir, "images"), create: true);
        var image = Oci.Tests.TestImages.Image(layout, "docker.io/acme/tool:1.0", [Oci.Tests.TestImages.Layer(layout, 300 * 1024, 4)]);
        var port = FreePort();
        var psi = new ProcessStartInfo(binary!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "registry", "serve", "--storage", Path.Combine(_dir, "storage"), "--addr", $"127.0.0.1:{port}" })
        {
            psi.ArgumentList.Add(a);
        }
        using var server = Process.Start(psi)!;
        try
        {
            Assert.StartsWith("ferry registry: serving", await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
            var (code, _, err) = await CliRunner.RunAsync("images", "push", Path.Combine(_dir, "images"), "--to", $"127.0.0.1:{port}", "--insecure");
            Assert.True(code == 0, err);
            (code, _, err) = Run(binary!, "images", "pull", $"127.0.0.1:{port}/acme/tool:1.0", "--to", Path.Combine(_dir, "pulled"), "--insecure");
            Assert.True(code == 0, err);
            Assert.Equal(image.Digest, Oci.OciLayout.Open(Path.Combine(_dir, "pulled")).Resolve($"127.0.0.1:{port}/acme/tool:1.0").Digest);
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

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
