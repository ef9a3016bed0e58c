using System.Text;
using Ferry.Templates.Formatting;
using Json.Schema;

namespace Ferry.Charts;

/// <summary>
/// values.schema.json validation, as Helm does before rendering: each chart's schema checks that chart's values
/// (a subchart's values are the parent's under the subchart's name). Every violation names the value path.
/// </summary>
internal static class SchemaValidator
{
    public static void Validate(Chart chart, Dictionary<string, object?> values)
    {
        var sb = new StringBuilder();
        Collect(chart, values, sb);
        if (sb.Length > 0)
        {
            throw new ChartException("values don't meet the specifications of the schema(s) in the following chart(s):\n" + sb.ToString().TrimEnd('\n'));
        }
    }

    private static void Collect(Chart chart, Dictionary<string, object?> values, StringBuilder sb)
    {
        if (chart.Schema is { Length: > 0 } schemaBytes)
        {
            JsonSchema schema;
            try
            {
                schema = JsonSchema.FromText(Encoding.UTF8.GetString(schemaBytes));
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new ChartException($"{chart.Source}/values.schema.json:{(e.LineNumber ?? 0) + 1}: invalid JSON schema: {e.Message}", e);
            }
            using var instance = System.Text.Json.JsonDocument.Parse(GoJson.Marshal(values));
            var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var problems = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var detail in (result.Details ?? []).Append(result))
                {
                    if (detail.Errors is null)
                    {
                        continue;
                    }
                    foreach (var (_, message) in detail.Errors)
                    {
                        var at = detail.InstanceLocation.ToString();
                        problems.Add($"- at '{(at.Length == 0 ? "/" : at)}': {message}");
                    }
                }
                sb.Append(chart.Name).Append(":\n");
                foreach (var p in problems)
                {
                    sb.Append(p).Append('\n');
                }
            }
        }
        foreach (var sub in chart.Dependencies)
        {
            var subValues = values.GetValueOrDefault(sub.Name) as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);
            Collect(sub, subValues, sb);
        }
    }
}
