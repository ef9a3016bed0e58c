using System.Text;

namespace Ferry.Charts;

/// <summary>One lint finding: severity (INFO, WARNING, ERROR), the file it is about and the message.</summary>
public sealed record LintMessage(string Severity, string Path, string Message)
{
    public override string ToString() => $"[{Severity}] {Path}: {Message}";
}

/// <summary>
/// <c>ferry lint CHART</c>: the chart loads and validates, values pass the schema, every template renders
/// (with <c>required</c>/<c>fail</c> reported instead of aborting) and every document is valid YAML with
/// apiVersion, kind and metadata.name.
/// </summary>
public static class HelmLint
{
    public static List<LintMessage> Lint(string chartPath, HelmTemplateOptions options)
    {
        var messages = new List<LintMessage>();
        Chart chart;
        try
        {
            chart = ChartLoader.Load(chartPath);
        }
        catch (ChartException e)
        {
            messages.Add(new LintMessage("ERROR", "Chart.yaml", e.Message));
            return messages;
        }
        if (chart.Metadata.Icon.Length == 0)
        {
            messages.Add(new LintMessage("INFO", "Chart.yaml", "icon is recommended"));
        }
        if (chart.Metadata.ApiVersion == "v1")
        {
            messages.Add(new LintMessage("INFO", "Chart.yaml", "apiVersion v1 is deprecated; use apiVersion: v2"));
        }
        if (!File.Exists(Path.Combine(chartPath, "values.yaml")) && Directory.Exists(chartPath))
        {
            messages.Add(new LintMessage("WARNING", "values.yaml", "file does not exist"));
        }
        var warnings = new List<string>();
        options = options with { Functions = new Ferry.Templates.Functions.Helm.HelmFunctionOptions { LintMode = true, LintWarning = warnings.Add } };
        var result = HelmTemplate.Run(chartPath, options);
        messages.AddRange(warnings.Distinct().Select(w => new LintMessage("INFO", "templates/", w)));
        if (!result.Succeeded)
        {
            messages.Add(new LintMessage("ERROR", "templates/", result.Error!));
            return messages;
        }
        foreach (var m in result.Manifests)
        {
            var path = m.Name[(m.Name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            if (m.Kind.Length == 0)
            {
                messages.Add(new LintMessage("ERROR", path, "object has no kind"));
            }
            if (m.ApiVersion.Length == 0)
            {
                messages.Add(new LintMessage("ERROR", path, $"{m.Kind} has no apiVersion"));
            }
            if (m.MetadataName.Length == 0)
            {
                messages.Add(new LintMessage("ERROR", path, $"{m.Kind} has no metadata.name"));
            }
        }
        return messages;
    }

    /// <summary>Helm's summary text for one chart.</summary>
    public static string Report(string chartPath, IReadOnlyList<LintMessage> messages)
    {
        var sb = new StringBuilder();
        sb.Append("==> Linting ").Append(chartPath).Append('\n');
        foreach (var m in messages)
        {
            sb.Append(m).Append('\n');
        }
        var failed = messages.Any(m => m.Severity == "ERROR");
        sb.Append('\n').Append(failed ? "Error: 1 chart(s) linted, 1 chart(s) failed\n" : "1 chart(s) linted, 0 chart(s) failed\n");
        return sb.ToString();
    }
}
