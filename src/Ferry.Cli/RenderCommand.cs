using Ferry.Templates;
using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;

namespace Ferry.Cli;

/// <summary><c>ferry render TEMPLATE --data FILE [--set k=v]</c>: renders a Go template with Sprig and Helm's functions.</summary>
internal static class RenderCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? templatePath = null;
        string? dataPath = null;
        var sets = new List<(string Expr, bool AsString)>();
        var options = new TemplateOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" or "-d":
                    dataPath = Value(args, ref i);
                    break;
                case "--set":
                    sets.Add((Value(args, ref i), false));
                    break;
                case "--set-string":
                    sets.Add((Value(args, ref i), true));
                    break;
                case "--missingkey":
                    options.Apply("missingkey=" + Value(args, ref i));
                    break;
                default:
                    if (args[i].StartsWith('-'))
                    {
                        throw new UsageException($"render: unknown flag {args[i]}");
                    }
                    if (templatePath is not null)
                    {
                        throw new UsageException("render: give one TEMPLATE file");
                    }
                    templatePath = args[i];
                    break;
            }
        }
        if (templatePath is null)
        {
            throw new UsageException("render: missing TEMPLATE (usage: ferry render TEMPLATE --data values.yaml)");
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

    internal static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
        {
            throw new UsageException($"{args[i]} needs a value");
        }
        return args[++i];
    }
}
