using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ferry.Cli.Tests;

/// <summary>
/// The native executables ./test.sh builds (FERRY_AOT_BINARY for linux-x64, FERRY_AOT_BINARY_ARM64 for linux-arm64)
/// and how to run them here: directly on their own architecture, else under qemu-user.
/// </summary>
internal static class NativeExecutables
{
    public static string? Path(string arch) =>
        Environment.GetEnvironmentVariable(arch == "arm64" ? "FERRY_AOT_BINARY_ARM64" : "FERRY_AOT_BINARY") is { } p && File.Exists(p) ? p : null;

    public static bool IsNative(string arch) =>
        RuntimeInformation.OSArchitecture == (arch == "arm64" ? Architecture.Arm64 : Architecture.X64);

    /// <summary>qemu-user for <paramref name="arch"/>: the static build (which also runs inside a chroot) first.</summary>
    public static string? Qemu(string arch)
    {
        var name = arch == "arm64" ? "aarch64" : "x86_64";
        return new[] { $"/usr/bin/qemu-{name}-static", $"/usr/bin/qemu-{name}" }.FirstOrDefault(File.Exists);
    }

    /// <summary>How to start the executable for an architecture, or null (with why) when there is none to run.</summary>
    public static string[]? Command(string arch, out string why)
    {
        var path = Path(arch);
        why = arch == "arm64"
            ? "no linux-arm64 binary: build it with ./build.sh publish linux-arm64 and set FERRY_AOT_BINARY_ARM64=out/linux-arm64/ferry (./test.sh does both when CI=true or FERRY_TEST_ARM64=1)"
            : "no native binary: build it with ./build.sh publish and set FERRY_AOT_BINARY=out/linux-x64/ferry (./test.sh does both)";
        if (path is null)
        {
            return null;
        }
        if (IsNative(arch))
        {
            return [path];
        }
        why = $"{path} is for linux-{arch}: running it here needs qemu-user (apt-get install qemu-user-static)";
        return Qemu(arch) is { } qemu ? [qemu, path] : null;
    }

    public static (int Code, string Out, string Err) Run(string[] command, params string[] args) => RunWithInput(command, null, args);

    public static (int Code, string Out, string Err) RunWithInput(string[] command, string? stdin, params string[] args)
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

    /// <summary>Runs <c>ferry registry serve --storage STORAGE</c> on a free loopback port around <paramref name="use"/>
    /// (given its first output line and HOST:PORT), then stops it with SIGTERM: it must exit 0 saying so.</summary>
    public static async Task ServeAsync(string[] command, string storage, string[] options, Func<string, string, Task> use)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(["registry", "serve", "--storage", storage, "--addr", $"127.0.0.1:{port}"]).Concat(options))
        {
            psi.ArgumentList.Add(a);
        }
        using var server = Process.Start(psi)!;
        try
        {
            var first = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (first is null)
            {
                Assert.Fail("registry serve exited without a word: " + await server.StandardError.ReadToEndAsync());
            }
            await use(first, $"127.0.0.1:{port}");
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        var errors = await server.StandardError.ReadToEndAsync(); // it has exited: the stream ends
        Assert.True(server.ExitCode == 0, errors);
        Assert.Contains("ferry registry: stopped", await server.StandardOutput.ReadToEndAsync(), StringComparison.Ordinal);
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
