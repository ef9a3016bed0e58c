using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ferry.Oci.Tests;

/// <summary>
/// A throwaway CNCF distribution registry (Debian's docker-registry) on a free 127.0.0.1 port with filesystem
/// storage in a temp dir and delete enabled; optionally with htpasswd basic auth and a self-signed TLS cert.
/// </summary>
public sealed class Registry : IDisposable
{
    private readonly Process _process;

    private Registry(Process process, string dir, int port, bool tls, string? caFile)
    {
        _process = process;
        Dir = dir;
        Port = port;
        Tls = tls;
        CaFile = caFile;
    }

    public string Dir { get; }

    public int Port { get; }

    public bool Tls { get; }

    /// <summary>PEM CA for the TLS registry (a directory holding only ca.crt sits beside it for skopeo).</summary>
    public string? CaFile { get; }

    public string Address => $"127.0.0.1:{Port}";

    public static bool Available => File.Exists("/usr/bin/docker-registry");

    public static Registry Start(string? user = null, string? password = null, bool tls = false, string? htpasswdLines = null)
    {
        Skip.IfNot(Available, "docker-registry is not installed (./test.sh installs it: apt-get install -y docker-registry skopeo)");
        var dir = Directory.CreateTempSubdirectory("ferry-reg-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        var port = FreePort();
        var config = new List<string>
        {
            "version: 0.1",
            "log: {level: error, accesslog: {disabled: true}}",
            "storage:",
            $"  filesystem: {{rootdirectory: {dir}/data}}",
            "  delete: {enabled: true}",
            "  maintenance: {uploadpurging: {enabled: false}}",
            "http:",
            $"  addr: 127.0.0.1:{port}",
            "  secret: throwaway",
        };
        string? caFile = null;
        if (tls)
        {
            caFile = TestCertificates.WriteSelfSigned(dir).CaFile;
            config.Add($"  tls: {{certificate: {dir}/cert.pem, key: {dir}/key.pem}}");
        }
        if (user is not null || htpasswdLines is not null)
        {
            File.WriteAllText(Path.Combine(dir, "htpasswd"), htpasswdLines ?? $"{user}:{BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(5, 'y'))}\n");
            config.Add($"auth: {{htpasswd: {{realm: ferrytest, path: {dir}/htpasswd}}}}");
        }
        File.WriteAllLines(Path.Combine(dir, "config.yml"), config);
        var psi = new ProcessStartInfo("/usr/bin/docker-registry", $"serve {dir}/config.yml")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new Registry(process, dir, port, tls, caFile);
        registry.WaitUntilUp();
        return registry;
    }

    private void WaitUntilUp()
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}");
                }
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException("docker-registry did not start");
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
