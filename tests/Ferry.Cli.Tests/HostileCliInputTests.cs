namespace Ferry.Cli.Tests;

/// <summary>
/// Hostile and careless inputs to the command line: each ends in one clear line (<c>ferry: ...</c> or helm's
/// <c>Error: ...</c>) naming what is wrong, a non-zero exit, and never a .NET stack trace or type name.
/// </summary>
public sealed class HostileCliInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-hostile-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FileWith(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static TheoryData<string> Inputs() =>
    [
        "empty-tgz", "garbage-gzip-tgz", "not-a-bundle-inspect", "not-a-bundle-verify", "keygen-missing-dir",
        "plan-missing-env-file", "deploy-parallel-not-a-number", "deploy-parallel-zero", "deploy-force-conflicts-no-apps", "chart-flow-mapping-unclosed",
        "ferry-yaml-flow-mapping-unclosed", "dangling-symlink-chart", "symlink-loop-chart", "fifo-in-chart", "build-output-folder-missing", "build-platform-flag-bad", "spec-platform-bad", "registry-storage-unusable",
    ];

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task EndsInOneClearError(string input)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(Arguments(input));
        Assert.NotEqual(0, code);
        var text = stdout + stderr;
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", text, StringComparison.Ordinal);
        Assert.Matches("^(ferry: |Error: )", stderr);
    }

    private string Spec(string extra = "")
    {
        var chart = Directory.CreateDirectory(Path.Combine(_dir, "specchart")).FullName;
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: specchart\nversion: 0.1.0\n");
        var spec = Path.Combine(_dir, "spec.yaml");
        File.WriteAllText(spec, $"apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: {{ name: x, version: 1.0.0 }}\napps:\n  - name: a\n    chart: {{ path: {chart} }}\n{extra}");
        return spec;
    }

    private string[] Arguments(string input)
    {
        switch (input)
        {
            case "empty-tgz":
                return ["template", "x", FileWith("empty.tgz", [])];
            case "garbage-gzip-tgz":
                return ["template", "x", FileWith("g.tgz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])];
            case "not-a-bundle-inspect":
                return ["bundle", "inspect", FileWith("passwd", "root:x:0:0:root:/root:/bin/bash\n"u8.ToArray())];
            case "not-a-bundle-verify":
                return ["bundle", "verify", FileWith("passwd2", "root:x:0:0:root:/root:/bin/bash\n"u8.ToArray())];
            case "keygen-missing-dir":
                return ["keygen", "-o", Path.Combine(_dir, "missing", "dir", "k")];
            case "plan-missing-env-file":
                return ["plan", FileWith("b.ferry", []), "--registry", "127.0.0.1:1", "--env-file", Path.Combine(_dir, "missing.env")];
            case "deploy-parallel-not-a-number":
                return ["deploy", FileWith("c.ferry", []), "--registry", "127.0.0.1:1", "--parallel", "abc"];
            case "deploy-parallel-zero":
                return ["deploy", FileWith("d.ferry", []), "--registry", "127.0.0.1:1", "--parallel", "0"];
            case "deploy-force-conflicts-no-apps":
                return ["deploy", FileWith("d.ferry", []), "--registry", "127.0.0.1:1", "--force-conflicts="];
            case "chart-flow-mapping-unclosed":
            {
                var chart = Directory.CreateDirectory(Path.Combine(_dir, "c1")).FullName;
                File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: {c1\nversion: 0.1.0\n");
                return ["template", "x", chart];
            }
            case "ferry-yaml-flow-mapping-unclosed":
            {
                var spec = FileWith("ferry.yaml", "apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: { name: x, version: 1.0.0\n"u8.ToArray());
                return ["bundle", "build", spec, "-o", Path.Combine(_dir, "x.ferry")];
            }
            case "dangling-symlink-chart":
            {
                var chart = Directory.CreateDirectory(Path.Combine(_dir, "c2")).FullName;
                File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: c2\nversion: 0.1.0\n");
                File.CreateSymbolicLink(Path.Combine(chart, "gone.txt"), Path.Combine(chart, "nothing-here"));
                return ["template", "x", chart];
            }
            case "symlink-loop-chart":
            {
                var chart = Directory.CreateDirectory(Path.Combine(_dir, "c3")).FullName;
                File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: c3\nversion: 0.1.0\n");
                File.CreateSymbolicLink(Path.Combine(chart, "a"), Path.Combine(chart, "b"));
                File.CreateSymbolicLink(Path.Combine(chart, "b"), Path.Combine(chart, "a"));
                return ["template", "x", chart];
            }
            case "fifo-in-chart":
            {
                // Helm refuses irregular files; reading this one would block forever
                var chart = Directory.CreateDirectory(Path.Combine(_dir, "c4")).FullName;
                File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: c4\nversion: 0.1.0\n");
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(chart, "pipe"))!)
                {
                    mkfifo.WaitForExit();
                }
                return ["template", "x", chart];
            }
            case "build-output-folder-missing":
                return ["bundle", "build", Spec(), "-o", Path.Combine(_dir, "no", "such", "dir", "x.ferry")];
            case "build-platform-flag-bad":
                return ["bundle", "build", Spec(), "-o", Path.Combine(_dir, "x.ferry"), "--platform", "linux"];
            case "spec-platform-bad":
                return ["bundle", "build", Spec("platforms: [linux]\n"), "-o", Path.Combine(_dir, "x.ferry")];
            case "registry-storage-unusable":
                return ["registry", "serve", "--storage", "/proc/no-such-storage", "--addr", "127.0.0.1:0"];
            default:
                throw new ArgumentOutOfRangeException(nameof(input));
        }
    }
}
