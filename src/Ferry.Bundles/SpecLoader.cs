using Ferry.Templates.Values;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Bundles;

/// <summary>Reads and validates ferry.yaml; every problem is reported with file:line:col, all at once.</summary>
public static class SpecLoader
{
    /// <param name="checkFiles">False for the copy inside a bundle, whose chart paths point at the vendor's tree.</param>
    public static BundleSpec Load(string path, bool checkFiles = true)
    {
        if (!File.Exists(path))
        {
            throw new BundleException($"{path}: no such file; a bundle is described by a ferry.yaml (see 'ferry schema')");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (YamlException e)
        {
            throw new BundleException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new BundleException($"{path}:1:1: expected a mapping with apiVersion: ferry.dev/v1 and kind: Bundle");
        }
        var reader = new SpecReader(path, checkFiles);
        var spec = reader.Read(root);
        if (reader.Errors.Count > 0)
        {
            throw new BundleException(string.Join("\n", reader.Errors));
        }
        return spec;
    }

    /// <summary>Whether a spec value is a URL (fetched at build) rather than a path.</summary>
    public static bool IsUrl(string value) => value.StartsWith("https://", StringComparison.Ordinal)
        || value.StartsWith("http://", StringComparison.Ordinal);

    internal static List<string>? FindCycle(List<AppSpec> apps)
    {
        var state = new Dictionary<string, int>();
        var stack = new List<string>();
        List<string>? Visit(string n)
        {
            state[n] = 1;
            stack.Add(n);
            foreach (var d in apps.FirstOrDefault(a => a.Name == n)?.DependsOn ?? [])
            {
                if (state.GetValueOrDefault(d) == 1)
                {
                    return [.. stack.SkipWhile(x => x != d), d];
                }
                if (state.GetValueOrDefault(d) == 0 && apps.Any(a => a.Name == d) && Visit(d) is { } c)
                {
                    return c;
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[n] = 2;
            return null;
        }
        foreach (var a in apps)
        {
            if (state.GetValueOrDefault(a.Name) == 0 && Visit(a.Name) is { } c)
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>Reads a dotenv file (KEY=value lines, # comments, optional quotes).</summary>
    public static Dictionary<string, string> ReadDotEnv(string path)
    {
        try
        {
            return DotEnv.Parse(File.ReadAllText(path), path);
        }
        catch (FormatException e)
        {
            throw new BundleException(e.Message, e);
        }
    }
}
