using System.Text;
using System.Text.Json;
using Ferry.Charts.Schema;
using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>
/// values.schema.json validation, as Helm does before rendering: each chart's schema checks that chart's values
/// (a subchart's values are the parent's under the subchart's name; a subchart without values is not checked).
/// Every violation names the value path, in Helm's words (see <see cref="SchemaEvaluator"/>).
/// </summary>
internal static class SchemaValidator
{
    public static void Validate(Chart chart, Dictionary<string, object?> values)
    {
        var sb = new StringBuilder();
        Collect(chart, values, sb);
        if (sb.Length > 0)
        {
            throw new ChartException("values don't meet the specifications of the schema(s) in the following chart(s):\n" + sb);
        }
    }

    private static void Collect(Chart chart, IDictionary<string, object?> values, StringBuilder sb)
    {
        if (chart.Schema is { Length: > 0 } schemaBytes)
        {
            var problems = Check(chart, schemaBytes, values);
            if (problems is not null)
            {
                sb.Append(chart.Name).Append(":\n").Append(problems);
            }
        }
        foreach (var sub in chart.Dependencies)
        {
            if (!values.TryGetValue(sub.Name, out var raw) || raw is null)
            {
                continue;
            }
            if (raw is not IDictionary<string, object?> subValues)
            {
                sb.Append(sub.Name).Append(":\ninvalid type for values: expected object (map), got ").Append(GoValue.TypeName(raw)).Append('\n');
                continue;
            }
            Collect(sub, subValues, sb);
        }
    }

    /// <summary>The violations of one chart's own schema, one per line; null when the values are valid.</summary>
    private static string? Check(Chart chart, byte[] schemaBytes, IDictionary<string, object?> values)
    {
        SchemaNode schema;
        try
        {
            using var doc = JsonDocument.Parse(schemaBytes, new JsonDocumentOptions { MaxDepth = 1000 });
            schema = SchemaCompiler.Compile(doc.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new ChartException($"{chart.Source}/values.schema.json:{(e.LineNumber ?? 0) + 1}: invalid JSON: {e.Message}", e);
        }
        catch (SchemaCompileException e)
        {
            throw new ChartException($"{chart.Source}/values.schema.json: {e.Message}", e);
        }
        var failure = SchemaEvaluator.Validate(schema, values);
        return failure is null ? null : SchemaEvaluator.Describe(failure);
    }
}
