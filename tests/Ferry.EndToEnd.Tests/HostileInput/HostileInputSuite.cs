using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.EndToEnd.Tests.HostileInput;

/// <summary>
/// The hostile-input suite: every case of <see cref="HostileCases"/> run through the real ferry (a child process,
/// heap-capped, timed, its temporary folder checked), and hostile requests against <c>ferry registry serve</c>. Every
/// input must end in a clean error — none may crash or go over the bounds. The table (class → cases → clean error /
/// crash / over-limit) is written to <c>$TMPDIR/ferry-hostile-input.md</c>; ./test.sh prints it.
/// </summary>
public sealed class HostileInputSuite
{
    [Fact]
    public async Task EveryHostileInput_EndsInOneCleanError_WithinTheBounds()
    {
        using var workspace = new HostileWorkspace();
        await workspace.InitializeAsync();
        var cases = HostileCases.All().ToList();
        var prepared = cases.Select(c => (Case: c, Args: c.Arguments(workspace))).ToList();
        var runs = new HostileRun[prepared.Count];
        await Parallel.ForAsync(0, prepared.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, (i, _) =>
        {
            runs[i] = HostileRunner.Run(prepared[i].Case.Class, prepared[i].Case.Name, prepared[i].Args, workspace.Dir);
            return ValueTask.CompletedTask;
        });
        var all = runs.Concat(await RegistryApiAsync(workspace.Dir)).ToList();

        var report = Table(all);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "ferry-hostile-input.md"), report);
        var bad = all.Where(r => r.Verdict != Verdict.CleanError).ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} hostile input(s) did not end in a clean error:\n" +
            string.Join("\n", bad.Select(r => $"  [{r.Class}] {r.Case}: {r.Verdict}: {r.Detail}")) + "\n\n" + report);
        Assert.True(all.Count >= 70, $"the suite ran {all.Count} cases");
    }

    private static string Table(IReadOnlyList<HostileRun> runs)
    {
        var sb = new StringBuilder("| input class | cases | clean error | crash | over-limit | slowest | peak memory |\n|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (var g in runs.GroupBy(r => r.Class))
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {g.Key} | {g.Count()} | {g.Count(r => r.Verdict == Verdict.CleanError)} | {g.Count(r => r.Verdict == Verdict.Crash)} | {g.Count(r => r.Verdict == Verdict.OverLimit)} | {g.Max(r => r.Elapsed).TotalSeconds:0.0} s | {g.Max(r => r.PeakBytes) >> 20} MiB |\n");
        }
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"| **all** | {runs.Count} | {runs.Count(r => r.Verdict == Verdict.CleanError)} | {runs.Count(r => r.Verdict == Verdict.Crash)} | {runs.Count(r => r.Verdict == Verdict.OverLimit)} | | |\n");
        return sb.ToString();
    }

    /// <summary>
    /// Hostile requests to <c>ferry registry serve</c> (a child process): each must be answered 4xx with a
    /// distribution error, never 5xx, and the server must stay up and within the memory bound.
    /// </summary>
    private static async Task<List<HostileRun>> RegistryApiAsync(string dir)
    {
        const string C = "registry API";
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "ferry.dll"), "registry", "serve", "--storage", Path.Combine(dir, "registry"), "--addr", $"127.0.0.1:{port}" })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x20000000";
        using var server = Process.Start(psi)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var runs = new List<HostileRun>();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = HostileRunner.TimeLimit };
            for (var i = 0; i < 100 && !await UpAsync(http); i++)
            {
                await Task.Delay(100);
            }
            var digestOfNothing = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
            // each answer must be the registry's refusal (4xx), or what distribution answers for it where that is not one
            var requests = new (string Name, Func<HttpRequestMessage> Request)[]
            {
                ("path traversal in the name", () => new(HttpMethod.Get, "/v2/../../etc/passwd/manifests/latest")),
                ("encoded traversal", () => new(HttpMethod.Get, "/v2/%2e%2e/%2e%2e/etc/manifests/latest")),
                ("name with a storage folder (_tags)", () => new(HttpMethod.Get, "/v2/x/_tags/tags/list")),
                ("upper-case name", () => new(HttpMethod.Get, "/v2/UPPER/tags/list")),
                ("256-character name", () => new(HttpMethod.Get, $"/v2/{new string('a', 256)}/tags/list")),
                ("digest that is not one", () => new(HttpMethod.Get, "/v2/x/blobs/sha256:zz")),
                ("blob that is not there", () => new(HttpMethod.Get, $"/v2/x/blobs/{digestOfNothing}")),
                ("manifest of text/html", () => new(HttpMethod.Put, "/v2/x/manifests/page") { Content = new StringContent("<script>alert(1)</script>", Encoding.UTF8, "text/html") }),
                ("manifest over 4 MiB", () => new(HttpMethod.Put, "/v2/x/manifests/big") { Content = Json(new string(' ', (4 << 20) + 1)) }),
                ("manifest that is not JSON", () => new(HttpMethod.Put, "/v2/x/manifests/bad") { Content = Json("{not json") }),
                ("manifest naming blobs not pushed", () => new(HttpMethod.Put, "/v2/x/manifests/dangling") { Content = Json($"{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{digestOfNothing}\",\"size\":0}},\"layers\":[]}}") }),
                ("upload that was never started", () => new(HttpMethod.Patch, "/v2/x/blobs/uploads/0123456789abcdef0123456789abcdef") { Content = new ByteArrayContent([1, 2, 3]) }),
                ("upload id with a path", () => new(HttpMethod.Put, "/v2/x/blobs/uploads/..%2F..%2Fetc?digest=" + digestOfNothing)),
                ("monolithic upload, wrong digest", () => new(HttpMethod.Post, "/v2/x/blobs/uploads/?digest=" + digestOfNothing) { Content = new ByteArrayContent([1, 2, 3]) }),
                ("mount from a repository without the blob (an upload starts instead: 202)", () => new(HttpMethod.Post, $"/v2/x/blobs/uploads/?mount={digestOfNothing}&from=other")),
                ("catalog page size past int64 (ignored, as distribution does: 200)", () => new(HttpMethod.Get, "/v2/_catalog?n=99999999999999999999999")),
                ("catalog page size 0 (200)", () => new(HttpMethod.Get, "/v2/_catalog?n=0")),
                ("tags list of a repository that is not there", () => new(HttpMethod.Get, "/v2/nothing/here/tags/list")),
                ("unknown endpoint", () => new(HttpMethod.Get, "/v3/anything")),
                ("DELETE of a manifest", () => new(HttpMethod.Delete, $"/v2/x/manifests/{digestOfNothing}")),
            };
            foreach (var (name, make) in requests)
            {
                var clock = Stopwatch.StartNew();
                Verdict verdict;
                string detail;
                try
                {
                    using var request = make();
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    var code = (int)response.StatusCode;
                    var expected = code is >= 400 and < 500 || name.EndsWith($"{code})", StringComparison.Ordinal);
                    (verdict, detail) = expected && !body.Contains("   at ", StringComparison.Ordinal) && !body.Contains("System.", StringComparison.Ordinal)
                        ? (Verdict.CleanError, $"{code} {body.Trim()[..Math.Min(120, body.Trim().Length)]}")
                        : (Verdict.Crash, $"{code} {body[..Math.Min(300, body.Length)]}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    (verdict, detail) = (Verdict.Crash, $"no answer: {e.Message}");
                }
                server.Refresh();
                var peak = server.HasExited ? 0 : server.PeakWorkingSet64;
                if (server.HasExited || peak > HostileRunner.MemoryLimit)
                {
                    (verdict, detail) = (server.HasExited ? Verdict.Crash : Verdict.OverLimit, server.HasExited ? $"the server exited ({server.ExitCode})" : $"peak {peak >> 20} MiB");
                }
                runs.Add(new HostileRun(C, name, verdict, 0, clock.Elapsed, peak, detail));
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
        return runs;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/vnd.oci.image.manifest.v1+json");

    private static async Task<bool> UpAsync(HttpClient http)
    {
        try
        {
            using var r = await http.GetAsync("/v2/");
            return r.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
