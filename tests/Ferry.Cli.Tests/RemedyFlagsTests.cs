namespace Ferry.Cli.Tests;

/// <summary>Libraries name a <see cref="Remedy"/>; the CLI names the flags. Every remedy must map to flags some command really takes.</summary>
public sealed class RemedyFlagsTests
{
    [Fact]
    public void EveryRemedy_IsFlagsACommandTakes()
    {
        var flags = CommandCatalog.All.SelectMany(CommandArgs.Specs).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var remedy in Enum.GetValues<Remedy>())
        {
            var named = RemedyFlags.For(remedy).Split([", ", "/"], StringSplitOptions.None).Select(f => f.Split(' ')[0]).ToList();
            Assert.All(named, f => Assert.True(flags.Contains(f), $"{remedy}: {f} is no command's flag"));
        }
    }

    [Fact]
    public void TheTopLevelHandler_AddsTheFlagsOfEveryRemedyInTheChain_Once()
    {
        var inner = new Ferry.Oci.OciException("127.0.0.1:5000 answers plain HTTP, not HTTPS: allow plain HTTP with this registry", new IOException("x"))
        {
            Remedies = [Remedy.Insecure],
        };
        var outer = new Ferry.Bundles.BundleException($"site registry 127.0.0.1:5000: {inner.Message}; nothing was changed", inner)
        {
            Remedies = [Remedy.Registry, Remedy.Insecure],
        };
        Assert.Equal(
            "ferry: site registry 127.0.0.1:5000: 127.0.0.1:5000 answers plain HTTP, not HTTPS: allow plain HTTP with this registry; nothing was changed"
            + " (--registry, --insecure)",
            CommandLine.Failure(outer));
        Assert.Equal("ferry: plain", CommandLine.Failure(new Ferry.Bundles.BundleException("plain")));
    }
}
