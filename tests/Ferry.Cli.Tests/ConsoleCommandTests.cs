using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ferry.Registry;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry console</c> as an operator starts it: a child process that serves until SIGTERM.</summary>
public sealed class ConsoleCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-console-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task WithoutUsers_IsAUsageError()
    {
        var (code, _, err) = await CliRunner.RunAsync("console", "--addr", "127.0.0.1:0");
        Assert.Equal(2, code);
        Assert.Contains("--htpasswd", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingBundleFolder_IsAUsageError_BeforeServing()
    {
        var htpasswd = Path.Combine(_dir, "htpasswd");
        await File.WriteAllTextAsync(htpasswd, Htpasswd.Line("operator", "secret-password") + "\n");
        var absent = Path.Combine(_dir, "absent");
        var (code, _, err) = await CliRunner.RunAsync("console", "--htpasswd", htpasswd, "--addr", "127.0.0.1:0", "--bundles", absent);
        Assert.Equal(2, code);
        Assert.Contains($"--bundles {absent}: no such folder", err, StringComparison.Ordinal);
        (code, _, err) = await CliRunner.RunAsync("console", "--htpasswd", htpasswd, "--addr", "127.0.0.1:0", "--key", absent);
        Assert.Equal(2, code);
        Assert.Contains($"--key {absent}: no such file", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serves_SignInFirst_AndStopsOnSigterm()
    {
        var htpasswd = Path.Combine(_dir, "htpasswd");
        await File.WriteAllTextAsync(htpasswd, Htpasswd.Line("operator", "secret-password") + "\n");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "ferry.dll"), "console", "--htpasswd", htpasswd, "--addr", $"127.0.0.1:{port}",
            "--bundles", _dir })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Remove("KUBECONFIG");
        using var ferry = Process.Start(psi)!;
        try
        {
            var banner = await ferry.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal($"ferry console: http://127.0.0.1:{port} (1 user(s); no cluster; bundles in {_dir}; stop with Ctrl-C)", banner);
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
            using var page = await http.GetAsync($"http://127.0.0.1:{port}/");
            Assert.Equal(HttpStatusCode.SeeOther, page.StatusCode);
            using var login = await http.GetAsync($"http://127.0.0.1:{port}/login");
            Assert.Contains("<h1>Ferry console</h1>", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using (var kill = Process.Start("kill", ["-TERM", ferry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await ferry.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, ferry.ExitCode);
            Assert.Equal("ferry console: stopped", (await ferry.StandardOutput.ReadToEndAsync()).Trim());
        }
        finally
        {
            if (!ferry.HasExited)
            {
                ferry.Kill();
            }
        }
    }
}
