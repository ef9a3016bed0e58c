using System.Diagnostics;

namespace Ferry.Cli.Tests;

/// <summary>
/// <c>ferry completion bash|zsh|fish</c>: the bash script is loaded into a real bash and asked what it completes, as
/// bash does at a TAB; the zsh and fish scripts are checked for the same commands and flags.
/// </summary>
public sealed class CompletionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-completion-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>What bash's completion offers for the words typed so far (the last one is the word at the cursor).</summary>
    private async Task<string[]> CompleteAsync(params string[] words)
    {
        var (code, script, err) = await CliRunner.RunAsync("completion", "bash");
        Assert.True(code == 0, err);
        var path = Path.Combine(_dir, "ferry.bash");
        await File.WriteAllTextAsync(path, script);
        var line = "ferry " + string.Join(' ', words);
        var quoted = string.Join(' ', new[] { "ferry" }.Concat(words).Select(w => "'" + w + "'"));
        var start = new ProcessStartInfo("bash", ["--noprofile", "--norc", "-c",
            $"source '{path}'; COMP_WORDS=({quoted}); COMP_CWORD={words.Length}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; _ferry; printf '%s\\n' \"${{COMPREPLY[@]}}\""])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var error = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, error);
        Assert.Equal("", error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Bash_CompletesCommandsSubcommandsFlagsAndFiles()
    {
        Assert.Equal(["deploy"], await CompleteAsync("dep"));
        Assert.Equal(["registry", "registry-config", "render", "rollback"], (await CompleteAsync("r")).Order(StringComparer.Ordinal));
        Assert.Equal(["build"], await CompleteAsync("bundle", "bu"));
        Assert.Equal(["images", "inspect"], (await CompleteAsync("bundle", "i")).Order(StringComparer.Ordinal));
        Assert.Equal(["--force-conflicts", "--force-unlock"], (await CompleteAsync("deploy", "x.ferry", "--force")).Order(StringComparer.Ordinal));
        Assert.Contains("--set-string", await CompleteAsync("template", "--set"));
        Assert.Contains("-n", await CompleteAsync("history", "web", "-"));
        Assert.DoesNotContain("--registry", await CompleteAsync("template", "--re")); // template takes no --registry
        Assert.Equal(["--password-stdin"], await CompleteAsync("images", "push", "dir", "--pass"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "acme-2.3.0.ferry"), "");
        Assert.Equal(["acme-2.3.0.ferry"], await CompleteAsync("deploy", "acme"));
    }

    [Fact]
    public async Task EveryCommandAndFlag_IsInEveryShellsScript()
    {
        var (_, bash, _) = await CliRunner.RunAsync("completion", "bash");
        var (_, zsh, _) = await CliRunner.RunAsync("completion", "zsh");
        var (_, fish, _) = await CliRunner.RunAsync("completion", "fish");
        Assert.Contains("bashcompinit", zsh, StringComparison.Ordinal);
        Assert.Contains("complete -F _ferry ferry", zsh.Replace("-o filenames ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var (_, help, _) = await CliRunner.RunAsync("--help");
        foreach (var usage in help.Split('\n').Where(l => l.StartsWith("  ferry ", StringComparison.Ordinal)))
        {
            var words = usage.Trim().Split(' ').Skip(1).TakeWhile(w => System.Text.RegularExpressions.Regex.IsMatch(w, "^[a-z][a-z-]*$")).Take(2).ToList();
            var flags = System.Text.RegularExpressions.Regex.Matches(usage, @"(?<=[\[\s|])--?[a-zA-Z][a-z0-9-]*").Select(m => m.Value).ToList();
            foreach (var flag in flags)
            {
                Assert.Contains(flag, bash, StringComparison.Ordinal);
                Assert.Contains(flag.StartsWith("--", StringComparison.Ordinal) ? $"-l {flag[2..]}" : $"-s {flag[1..]}", fish, StringComparison.Ordinal);
            }
            Assert.Contains($"-a {words[^1]} ", fish, StringComparison.Ordinal);
        }
        var bashLines = bash.Split('\n').Length;
        Assert.Equal(bash.Split('\n').Count(l => !l.StartsWith('#')), zsh.Split('\n').Count(l => !l.StartsWith('#') && !l.StartsWith("autoload", StringComparison.Ordinal)));
        Assert.True(bashLines > 40);
    }

    [Theory]
    [InlineData(new string[] { "completion" }, "needs one shell")]
    [InlineData(new[] { "completion", "bsh" }, "did you mean \"bash\"")]
    [InlineData(new[] { "completion", "bash", "zsh" }, "needs one shell")]
    public async Task BadShells_AreUsageErrors(string[] args, string expected)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
