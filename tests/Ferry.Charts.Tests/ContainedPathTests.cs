namespace Ferry.Charts.Tests;

/// <summary>The one containment check every archive read and output write goes through.</summary>
public sealed class ContainedPathTests
{
    [Theory]
    [InlineData("chart/templates/a.yaml", true)]
    [InlineData("a..b/c", true)]
    [InlineData("", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("c:/windows", false)]
    [InlineData("chart/../../evil", false)]
    [InlineData("..", false)]
    public void EntryNames(string name, bool safe) => Assert.Equal(safe, ContainedPath.IsSafeEntryName(name));

    [Fact]
    public void ResolvedPaths_StayUnderTheirRoot()
    {
        Assert.Equal("/srv/out/a/b.yaml", ContainedPath.Resolve("/srv/out", "a/b.yaml"));
        Assert.Null(ContainedPath.Resolve("/srv/out", "../out-evil/b.yaml")); // a sibling sharing the prefix is outside
        Assert.Null(ContainedPath.Resolve("/srv/out", "/etc/passwd"));
        Assert.Null(ContainedPath.Resolve("/srv/out", "."));
        Assert.True(ContainedPath.IsUnder("/srv/out/", "/srv/out/x"));
        Assert.False(ContainedPath.IsUnder("/srv/out", "/srv/outside"));
        Assert.False(ContainedPath.IsUnder("/srv/out", "/srv/out"));
        Assert.True(ContainedPath.IsUnder("/srv/out", "/srv/out", rootItself: true));
    }
}
