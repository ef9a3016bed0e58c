using Ferry.Templates.Formatting;
using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>A Go struct seen by templates: fixed fields (unknown ones are an error, as in Go) and optional methods.</summary>
internal sealed class StructObject(string typeName, Dictionary<string, object?> fields, Dictionary<string, TemplateFunction>? methods = null, Func<string>? toString = null)
    : ITemplateObject, IJsonValue
{
    public string GoTypeName => typeName;

    public bool TryGetField(string name, out object? value) => fields.TryGetValue(name, out value);

    public bool TryGetMethod(string name, out TemplateFunction? method)
    {
        method = null;
        return methods is not null && methods.TryGetValue(name, out method);
    }

    public object? ToJsonValue() => fields;

    public override string ToString() => toString?.Invoke() ?? "{" + string.Join(" ", fields.Values.Select(GoFmt.FormatValue)) + "}";
}
