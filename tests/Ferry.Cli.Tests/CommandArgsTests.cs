namespace Ferry.Cli.Tests;

/// <summary>The one parser: flags as each command's usage line lists them, in every form users type.</summary>
public sealed class CommandArgsTests
{
    [Fact]
    public void UsageLines_DeclareTheFlags_TheirAliasesAndHowTheyTakeValues()
    {
        FlagSpec Spec(string path, string name) => CommandArgs.Specs(CommandCatalog.All.First(c => c.Path == path)).Single(s => s.Name == name);
        Assert.Equal(new FlagSpec("--namespace", "-n", FlagValue.Required, "NS"), Spec("history", "--namespace"));
        Assert.Equal(FlagValue.None, Spec("deploy", "--insecure").Value);            // [--insecure|--ca-file F]: two flags
        Assert.Equal(FlagValue.Required, Spec("deploy", "--ca-file").Value);
        Assert.Equal(FlagValue.OptionalInline, Spec("deploy", "--force-conflicts").Value); // [--force-conflicts[=APP,...]]
        Assert.Equal(FlagValue.OptionalInline, Spec("uninstall", "--wait").Value);
        Assert.Equal(FlagValue.OptionalNext, Spec("bundle build", "--include-ferry").Value); // [--include-ferry [PATH]]
        Assert.Equal(FlagValue.None, Spec("images push", "--password-stdin").Value);  // [--username U --password-stdin]
        Assert.Equal(new FlagSpec("--all-namespaces", "-A", FlagValue.None, ""), Spec("list", "--all-namespaces"));
        Assert.Equal(new FlagSpec("-o", null, FlagValue.Required, "NAME"), Spec("keygen", "-o"));
    }

    [Fact]
    public void EveryForm_ReadsTheSame()
    {
        var a = CommandArgs.Parse("deploy", ["b.ferry", "--registry=r:5000", "--timeout", "1m30s", "--force-conflicts=shop,worker", "--insecure=false", "--parallel=2", "--", "--not-a-flag"]);
        Assert.Equal(["b.ferry", "--not-a-flag"], a.Positional);
        Assert.Equal("r:5000", a.Value("--registry"));
        Assert.Equal(TimeSpan.FromSeconds(90), a.Duration("--timeout", TimeSpan.Zero));
        Assert.Equal("shop,worker", a.Value("--force-conflicts"));
        Assert.False(a.Has("--insecure"));
        Assert.Equal(2, a.Int("--parallel", 4));
        Assert.Null(a.Value("--namespace")); // deploy takes no -n
        Assert.Throws<UsageException>(() => CommandArgs.Parse("deploy", ["b.ferry", "-n", "x"]));
        var h = CommandArgs.Parse("history", ["web", "--namespace", "acme", "--max", "3"]);
        Assert.Equal("acme", h.Value("-n"));
        Assert.Equal(3, h.Int("--max", 256));
        var r = CommandArgs.Parse("render", ["t.tmpl", "--set", "a=1", "--set-string", "b=2", "--set", "c=3"]);
        Assert.Equal([("--set", "a=1"), ("--set-string", "b=2"), ("--set", "c=3")], r.InOrder("--set", "--set-string"));
        Assert.Equal(["a=1", "c=3"], r.Values("--set"));
    }

    [Theory]
    [InlineData(new[] { "history", "web", "--max" }, "--max needs a value: --max N")]
    [InlineData(new[] { "history", "web", "--max", "0" }, "--max needs a positive number, not \"0\"")]
    [InlineData(new[] { "history", "web", "--bogus" }, "unknown flag \"--bogus\" for ferry history")]
    [InlineData(new[] { "history", "web", "-x" }, "unknown flag \"-x\" for ferry history")]
    [InlineData(new[] { "deploy", "b", "--registry", "r", "--insecure=maybe" }, "--insecure takes no value (got \"maybe\")")]
    [InlineData(new[] { "uninstall", "web", "--cascade", "sideways" }, "--cascade sideways: use background, foreground or orphan")]
    [InlineData(new[] { "bundle", "inspect" }, "usage: ferry bundle inspect FILE")]
    [InlineData(new[] { "bundle", "inspect", "a", "b" }, "usage: ferry bundle inspect FILE")]
    [InlineData(new[] { "keygen" }, "keygen needs -o")]
    public async Task Mistakes_AreUsageErrorsThatSayWhatIsWrong(string[] args, string expected)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
