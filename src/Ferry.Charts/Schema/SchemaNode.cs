using System.Text.RegularExpressions;

namespace Ferry.Charts.Schema;

/// <summary>JSON types as JSON Schema names them, in the order messages list them.</summary>
[Flags]
internal enum JsonTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Number = 4,
    Integer = 8,
    String = 16,
    Array = 32,
    Object = 64,
}

/// <summary>A number from a schema: its value and the text it was written as (messages print the text).</summary>
internal readonly record struct SchemaNumber(double Value, decimal? Exact);

/// <summary>A literal from a schema (const, enum): its value in the template value model and how messages show it.</summary>
internal sealed record SchemaLiteral(object? Value, string Display, bool IsPrimitive);

/// <summary>
/// One compiled (sub)schema. Keywords of every supported draft (4, 6, 7, 2019-09, 2020-12) live side by side;
/// the compiler fills only those of the schema's draft. References are resolved to the node they point at, so
/// recursive schemas are graphs.
/// </summary>
internal sealed class SchemaNode
{
    public required string Location { get; init; }

    public int Draft { get; init; }

    public bool? Bool { get; set; }

    public JsonTypes Types { get; set; }

    public SchemaLiteral? Const { get; set; }

    public List<SchemaLiteral>? Enum { get; set; }

    public string? Format { get; set; }

    public SchemaNode? Ref { get; set; }

    public SchemaNode? DynamicRef { get; set; }

    // objects
    public int? MinProperties { get; set; }

    public int? MaxProperties { get; set; }

    public List<string>? Required { get; set; }

    public List<(string Property, List<string>? Names, SchemaNode? Schema)>? Dependencies { get; set; }

    public List<(string Property, List<string> Names)>? DependentRequired { get; set; }

    public List<(string Property, SchemaNode Schema)>? DependentSchemas { get; set; }

    public Dictionary<string, SchemaNode>? Properties { get; set; }

    public List<(Regex Pattern, SchemaNode Schema)>? PatternProperties { get; set; }

    /// <summary><c>false</c>, or a schema (<c>true</c> compiles to an always-valid schema).</summary>
    public SchemaNode? AdditionalProperties { get; set; }

    public SchemaNode? PropertyNames { get; set; }

    public SchemaNode? UnevaluatedProperties { get; set; }

    // arrays
    public int? MinItems { get; set; }

    public int? MaxItems { get; set; }

    public bool UniqueItems { get; set; }

    /// <summary><c>items</c> as one schema for every element (before 2020-12), or 2020-12's <c>items</c>.</summary>
    public SchemaNode? Items { get; set; }

    /// <summary><c>items</c> as an array (before 2020-12) or <c>prefixItems</c>.</summary>
    public List<SchemaNode>? PrefixItems { get; set; }

    public SchemaNode? AdditionalItems { get; set; }

    public SchemaNode? Contains { get; set; }

    public int? MinContains { get; set; }

    public int? MaxContains { get; set; }

    public SchemaNode? UnevaluatedItems { get; set; }

    // strings
    public int? MinLength { get; set; }

    public int? MaxLength { get; set; }

    public Regex? Pattern { get; set; }

    public string? PatternText { get; set; }

    // numbers
    public SchemaNumber? Minimum { get; set; }

    public SchemaNumber? Maximum { get; set; }

    public SchemaNumber? ExclusiveMinimum { get; set; }

    public SchemaNumber? ExclusiveMaximum { get; set; }

    public SchemaNumber? MultipleOf { get; set; }

    // applicators
    public SchemaNode? Not { get; set; }

    public List<SchemaNode>? AllOf { get; set; }

    public List<SchemaNode>? AnyOf { get; set; }

    public List<SchemaNode>? OneOf { get; set; }

    public SchemaNode? If { get; set; }

    public SchemaNode? Then { get; set; }

    public SchemaNode? Else { get; set; }

    /// <summary>Whether an unevaluated* keyword in this schema needs to know what its applicators evaluated.</summary>
    public bool TracksEvaluation => UnevaluatedProperties is not null || UnevaluatedItems is not null;
}
