using System.Text.Json;
using Ferry.Templates.Values;

namespace Ferry.Charts.Schema;

/// <summary>
/// Checks a JSON document against a JSON Schema with the same validator that checks chart values (drafts 4 to
/// 2020-12), for Ferry's own file formats and their published schemas.
/// </summary>
public static class JsonSchemaCheck
{
    /// <summary>Every violation, in Helm's words (one per line), or null when <paramref name="document"/> is valid.</summary>
    public static string? Problems(string schema, string document)
    {
        using var schemaDoc = JsonDocument.Parse(schema);
        using var doc = JsonDocument.Parse(document);
        var failure = SchemaEvaluator.Validate(SchemaCompiler.Compile(schemaDoc.RootElement.Clone()),
            DataReader.FromJson(doc.RootElement, NumberMode.IntWhenIntegral));
        return failure is null ? null : SchemaEvaluator.Describe(failure);
    }
}
