namespace Ferry.Cli.Tests;

/// <summary>
/// Help everywhere, and suggestions for what was mistyped: every command and subcommand answers <c>--help</c>
/// (and <c>-h</c>, and <c>ferry help …</c>) with its usage on stdout and exit 0; a mistyped command, subcommand or
/// flag is a usage error (exit 2) naming the closest one.
/// </summary>
public sealed class HelpTests
{
    /// <summary>Every command the README documents (the test's own list: a command missing from help fails here).</summary>
    public static TheoryData<string> Commands() => new(CommandNames);

    private static readonly string[] CommandNames =
    [
        "version", "render", "template", "show values", "lint", "images pull", "images push", "images list", "images verify",
        "images copy", "bundle build", "bundle images", "bundle verify", "bundle inspect", "bundle sign", "keygen", "inventory",
        "deploy", "plan", "status", "env show", "env set", "env unset", "env import", "policy show", "policy require-signature",
        "policy allow-unsigned", "list", "get values", "get manifest", "get notes", "get hooks", "history", "rollback", "uninstall", "cluster install", "registry serve", "registry htpasswd",
        "registry-config", "console", "schema", "conformance", "completion",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommand_AnswersHelp_WithItsUsage(string command)
    {
        var words = command.Split(' ');
        string[][] variants = [[.. words, "--help"], [.. words, "-h"], ["help", .. words], [.. words, "SOME-ARG", "--help"]];
        foreach (var args in variants)
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync(args);
            Assert.True(code == 0, $"ferry {string.Join(' ', args)}: exit {code}: {stderr}");
            Assert.StartsWith("Usage:\n", stdout, StringComparison.Ordinal);
            Assert.Contains($"  ferry {command}", stdout, StringComparison.Ordinal);
            Assert.Equal("", stderr);
        }
    }

    /// <summary>Every command, mistyped (two letters of its last word swapped, or its last letter dropped) and with a mistyped flag: exit 2, naming the right one.</summary>
    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommand_Mistyped_IsAUsageErrorNamingIt(string command)
    {
        var words = command.Split(' ');
        var last = words[^1];
        if (last.Length >= 4)
        {
            var typo = last[1] != last[2] ? last[..1] + last[2] + last[1] + last[3..] : last[..^1];
            var (code, stdout, stderr) = await CliRunner.RunAsync([.. words[..^1], typo, "x"]);
            Assert.True(code == 2, $"ferry {string.Join(' ', words[..^1])} {typo}: exit {code}");
            Assert.Equal("", stdout);
            Assert.Contains($"(did you mean \"{last}\"?)", stderr, StringComparison.Ordinal);
        }
        var (flagCode, flagOut, flagErr) = await CliRunner.RunAsync([.. words, "--hlep"]);
        Assert.True(flagCode == 2, $"ferry {command} --hlep: exit {flagCode}");
        Assert.Equal("", flagOut);
        Assert.Contains($"unknown flag \"--hlep\" for ferry {command} (did you mean \"--help\"?)", flagErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGroup_ListsItsSubcommands()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("images", "--help");
        Assert.Equal(0, code);
        foreach (var sub in new[] { "pull", "push", "list", "verify", "copy" })
        {
            Assert.Contains($"  ferry images {sub} ", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DeployHelp_IsItsUsageAndWhatItDoes()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("deploy", "--help");
        Assert.Equal(0, code);
        Assert.Equal(
            "Usage:\n" +
            "  ferry deploy BUNDLE --registry HOST[:PORT][/PREFIX] [--insecure|--ca-file F] [--username U --password-stdin] [--key pub.pem] [--env-namespace NS] [--timeout 5m] [--no-wait] [--no-hooks] [--skip-crds] [--cleanup-on-fail] [--history-max 10] [--description TEXT] [--parallel 4] [--force-unlock] [--force-conflicts[=APP,...]] [--skip-preflight] [--kubeconfig F] [--context C] [--output json|yaml]\n" +
            "\n" +
            "verify a bundle, run preflight, push its images, upgrade or install every app in order\n" +
            "\n" +
            "Exit codes: 0 success; 1 failure; 2 usage error. Every command: -h, --help.\n",
            stdout);
    }

    [Theory]
    [InlineData(new[] { "deplyo", "x" }, "unknown command \"deplyo\" (did you mean \"deploy\"?)")]
    [InlineData(new[] { "tempalte", "x" }, "unknown command \"tempalte\" (did you mean \"template\"?)")]
    [InlineData(new[] { "bundle", "biuld", "x" }, "unknown command \"bundle biuld\" (did you mean \"build\"?)")]
    [InlineData(new[] { "images", "psuh", "d" }, "unknown command \"images psuh\" (did you mean \"push\"?)")]
    [InlineData(new[] { "env" }, "env needs a subcommand: show, set, unset, import")]
    [InlineData(new[] { "deploy", "x.ferry", "--registry", "r", "--timout", "5m" }, "unknown flag \"--timout\" for ferry deploy (did you mean \"--timeout\"?)")]
    [InlineData(new[] { "status", "--kubeconfg", "k" }, "unknown flag \"--kubeconfg\" for ferry status (did you mean \"--kubeconfig\"?)")]
    [InlineData(new[] { "images", "push", "d", "--to", "r", "--insecur" }, "unknown flag \"--insecur\" for ferry images push (did you mean \"--insecure\"?)")]
    [InlineData(new[] { "plan", "x.ferry", "--registry", "r", "--no-wait" }, "unknown flag \"--no-wait\" for ferry plan")] // deploy's, not plan's
    [InlineData(new[] { "history", "web", "--dry-run" }, "unknown flag \"--dry-run\" for ferry history")]
    public async Task Typos_AreUsageErrors_NamingTheClosest(string[] args, string expected)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith("ferry: " + expected, stderr, StringComparison.Ordinal);
    }

    /// <summary>Durations as Go's time.ParseDuration reads them (helm's and kubectl's --timeout).</summary>
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1m30s", 90)]
    [InlineData("1h2m3s", 3723)]
    [InlineData("1.5h", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("45", 45)]
    public void Durations_AreGos(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CommandArgs.ParseDuration(text));

    [Theory]
    [InlineData("forever")]
    [InlineData("5x")]
    [InlineData("m5")]
    [InlineData("0s")]
    [InlineData("-1m")]
    [InlineData("")]
    public void BadDurations_AreUsageErrors(string text) =>
        Assert.Contains("expected a duration such as 90s, 5m, 1h30m or 500ms", Assert.Throws<UsageException>(() => CommandArgs.ParseDuration(text)).Message, StringComparison.Ordinal);

    /// <summary>--flag=value reads as --flag value in every command (a flag whose usage shows [=…] keeps its form).</summary>
    [Fact]
    public async Task FlagEqualsValue_WorksEverywhere()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ferry-no-such-kubeconfig-" + Guid.NewGuid().ToString("N"));
        var spaced = await CliRunner.RunAsync("status", "--kubeconfig", missing, "--output", "json");
        var joined = await CliRunner.RunAsync("status", $"--kubeconfig={missing}", "--output=json");
        Assert.Equal(1, joined.Code);
        Assert.Equal(spaced.Err, joined.Err);
        Assert.Contains(missing, joined.Err, StringComparison.Ordinal);

        var chart = Path.Combine(CliRunner.Examples, "charts", "gateway");
        var (code, stdout, stderr) = await CliRunner.RunAsync("template", "x", chart, "--set=host=joined.example.com", "--show-only=templates/ingress.yaml");
        Assert.True(code == 0, stderr);
        Assert.Contains("- host: joined.example.com", stdout, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync("deploy", "x.ferry", "--registry=r", "--parallel=0");
        Assert.Equal(2, code);
        Assert.Contains("--parallel needs a positive number", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The help texts, reviewed: <c>ferry --help</c> and every command's <c>--help</c> as in Golden/help.txt. A change
    /// to a usage line shows up here as a diff to review; FERRY_UPDATE_GOLDEN=1 rewrites the file after that review.
    /// </summary>
    [Fact]
    public async Task HelpTexts_MatchTheReviewedGolden()
    {
        var sb = new System.Text.StringBuilder();
        var (_, top, _) = await CliRunner.RunAsync("--help");
        sb.Append("=== ferry --help\n").Append(top);
        foreach (var command in CommandNames)
        {
            var (_, help, _) = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);
            sb.Append("=== ferry ").Append(command).Append(" --help\n").Append(help);
        }
        var golden = Path.Combine(CliRunner.Examples, "..", "tests", "Ferry.Cli.Tests", "Golden", "help.txt");
        if (Environment.GetEnvironmentVariable("FERRY_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            await File.WriteAllTextAsync(golden, sb.ToString());
        }
        Assert.Equal(await File.ReadAllTextAsync(golden), sb.ToString());
    }
}
