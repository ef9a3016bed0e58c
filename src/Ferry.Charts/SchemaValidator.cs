namespace Ferry.Charts;

/// <summary>values.schema.json validation (chart and subcharts). Placeholder until JSON Schema support lands.</summary>
internal static class SchemaValidator
{
    public static void Validate(Chart chart, Dictionary<string, object?> values)
    {
        _ = chart;
        _ = values;
    }
}
