using Ferry.Templates;
using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;

namespace Ferry.Cli;

/// <summary><c>ferry render TEMPLATE --data FILE [--set k=v]</c>: renders a Go template with Sprig and Helm's functions.</summary>
internal static class RenderCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse("render", args);
        var templatePath = a.Arguments(1, 1)[0];
        var dataPath = a.Value("--data");
        var sets = a.InOrder("--set", "--set-string").Select(x => (Expr: x.Value, AsString: x.Name == "--set-string")).ToList();
        var options = new TemplateOptions();
        if (a.Value("--missingkey") is { } missing)
        {
            options = options.With("missingkey=" + missing);
        }
        if (!File.Exists(templatePath))
        {
            stderr.WriteLine($"ferry: {templatePath}: no such file");
            return 1;
        }
        object? data;
        try
        {
            data = LoadData(dataPath);
            if (sets.Count > 0)
            {
                var map = data as IDictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (expr, asString) in sets)
                {
                    SetParser.Apply(map, expr, asString);
                }
                data = map;
            }
        }
        catch (FormatException e)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
        catch (System.Text.Json.JsonException e)
        {
            stderr.WriteLine($"ferry: {dataPath}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: invalid JSON: {e.Message}");
            return 1;
        }

        var name = templatePath;
        try
        {
            var template = new Template(name, options, HelmLibrary.Create());
            HelmLibrary.Bind(template);
            template.Parse(File.ReadAllText(templatePath));
            stdout.Write(template.Execute(data));
            return 0;
        }
        catch (TemplateException e)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }

    private static object? LoadData(string? path)
    {
        if (path is null)
        {
            return null;
        }
        if (!File.Exists(path))
        {
            throw new FormatException($"{path}: no such data file");
        }
        var text = File.ReadAllText(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? DataReader.FromJson(text)
            : DataReader.FromYaml(text, NumberMode.Float64, path);
    }
}
