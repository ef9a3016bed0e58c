namespace Ferry.Templates.Tests;

/// <summary>Finds the upstream conformance vectors in <c>../shared/conformance</c> (or <c>FERRY_CONFORMANCE_DIR</c>).</summary>
public static class SharedVectors
{
    public static string? Directory { get; } = Find();

    public static string Path(string relative)
    {
        Skip.If(Directory is null, "The conformance vectors were not found: expected ../shared/conformance next to the repository (or set FERRY_CONFORMANCE_DIR).");
        return System.IO.Path.Combine(Directory!, relative);
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("FERRY_CONFORMANCE_DIR");
        if (!string.IsNullOrEmpty(env) && System.IO.Directory.Exists(env))
        {
            return env;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "conformance");
            if (System.IO.Directory.Exists(candidate) && File.Exists(System.IO.Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }
        return null;
    }
}
