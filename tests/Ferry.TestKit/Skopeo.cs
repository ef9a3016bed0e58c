using System.Diagnostics;

namespace Ferry.Oci.Tests;

/// <summary>Runs Debian's skopeo, the interop peer.</summary>
public static class Skopeo
{
    public static bool Available => File.Exists("/usr/bin/skopeo");

    public static string Run(params string[] args)
    {
        Skip.IfNot(Available, "skopeo is not installed (./test.sh installs it)");
        var psi = new ProcessStartInfo("/usr/bin/skopeo") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--insecure-policy");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo {string.Join(' ', args)} failed: {stderr}");
        }
        return stdout.Result;
    }
}
