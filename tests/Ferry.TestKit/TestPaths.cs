namespace Ferry.Charts.Tests;

/// <summary>Locates the repository's examples/ folder from the test binary.</summary>
public static class TestPaths
{
    public static string Examples { get; } = Find();

    public static string Chart(string name) => Path.Combine(Examples, "charts", name);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "charts");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(dir.FullName, "examples");
            }
        }
        throw new DirectoryNotFoundException("examples/charts not found above the test binary");
    }
}
