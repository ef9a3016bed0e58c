using System.Diagnostics;

namespace Ferry.EndToEnd.Tests.HostileInput;

/// <summary>How one hostile input ended.</summary>
public enum Verdict
{
    /// <summary>Exit 1 or 2 with one clear <c>ferry: …</c> (or helm-style <c>Error: …</c>) line and no .NET internals.</summary>
    CleanError,

    /// <summary>A stack trace, a .NET type name, an unexpected exit code, or success where a refusal was due.</summary>
    Crash,

    /// <summary>Over the time or memory bound (or killed for it).</summary>
    OverLimit,
}

/// <summary>One run of ferry on a hostile input: what it printed, how it ended, and what it cost.</summary>
public sealed record HostileRun(string Class, string Case, Verdict Verdict, int ExitCode, TimeSpan Elapsed, long PeakBytes, string Detail);

/// <summary>
/// Runs the ferry built beside the tests as a child process, as a user would, under the suite's bounds: its GC heap
/// capped at 512 MiB (so a runaway allocation fails instead of eating the machine), its peak resident memory
/// sampled, killed after <see cref="TimeLimit"/>; its temporary folder is its own, and must be empty afterwards.
/// </summary>
public static class HostileRunner
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(30);

    public const long MemoryLimit = 500L * 1024 * 1024;

    public static HostileRun Run(string inputClass, string name, string[] args, string workDir)
    {
        var tmp = Directory.CreateDirectory(Path.Combine(workDir, ".tmp-" + name)).FullName;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = workDir };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ferry.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x20000000";
        psi.Environment["TMPDIR"] = tmp;
        psi.Environment.Remove("FERRY_DEBUG");
        psi.Environment["KUBECONFIG"] = Path.Combine(workDir, "no-kubeconfig");
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        var killed = false;
        while (!p.WaitForExit(20))
        {
            peak = Math.Max(peak, Sample(p));
            if (clock.Elapsed > TimeLimit || peak > MemoryLimit)
            {
                p.Kill(entireProcessTree: true);
                killed = true;
                p.WaitForExit();
                break;
            }
        }
        clock.Stop();
        var (output, errors) = (stdout.Result, stderr.Result);
        var leftovers = Directory.EnumerateFileSystemEntries(tmp).Select(Path.GetFileName).ToList();
        var text = output + errors;
        // progress lines may come first (bundle build reports each app); the error is the line ferry's handler prints
        var firstLine = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(l => l.StartsWith("ferry: ", StringComparison.Ordinal) || l.StartsWith("Error: ", StringComparison.Ordinal)) ?? "";
        Verdict verdict;
        string detail;
        if (killed || peak > MemoryLimit || errors.Contains("OutOfMemory", StringComparison.Ordinal))
        {
            (verdict, detail) = (Verdict.OverLimit, $"{(killed ? "killed after " : "")}{clock.Elapsed.TotalSeconds:0.0}s, peak {peak >> 20} MiB");
        }
        else if (p.ExitCode is not (1 or 2) || text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Unhandled exception", StringComparison.Ordinal)
            || text.Contains("System.", StringComparison.Ordinal) || !(firstLine.StartsWith("ferry: ", StringComparison.Ordinal) || firstLine.StartsWith("Error: ", StringComparison.Ordinal)))
        {
            (verdict, detail) = (Verdict.Crash, $"exit {p.ExitCode}: {Shorten(text)}");
        }
        else if (leftovers.Count > 0)
        {
            (verdict, detail) = (Verdict.Crash, $"left {string.Join(", ", leftovers)} in its temporary folder");
        }
        else
        {
            (verdict, detail) = (Verdict.CleanError, firstLine);
        }
        return new HostileRun(inputClass, name, verdict, p.ExitCode, clock.Elapsed, peak, detail);
    }

    private static long Sample(Process p)
    {
        try
        {
            p.Refresh();
            return p.PeakWorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0; // exited between the checks
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
