using Ferry.Templates.Formatting;
using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>A Go struct seen by templates: fixed fields (unknown ones are an error, as in Go) and optional methods.</summary>
/// <remarks>
/// <paramref name="templateString"/> is a String() method on the pointer: only the template engine's printing uses it.
/// <paramref name="json"/> names the fields encoding/json writes, in order, with their JSON names (default: all, as named).
/// </remarks>
internal sealed class StructObject(
    string typeName,
    Dictionary<string, object?> fields,
    Dictionary<string, TemplateFunction>? methods = null,
    Func<string>? templateString = null,
    IReadOnlyList<(string Field, string Json)>? json = null)
    : ITemplateObject, IJsonValue, ITemplateStringer
{
    public string GoTypeName => typeName;

    public bool TryGetField(string name, out object? value) => fields.TryGetValue(name, out value);

    public bool TryGetMethod(string name, out TemplateFunction? method)
    {
        method = null;
        return methods is not null && methods.TryGetValue(name, out method);
    }

    public object? ToJsonValue()
    {
        var s = new GoStruct();
        foreach (var (field, name) in json ?? fields.Keys.Select(k => (k, k)).ToList())
        {
            s.Add(name, fields[field]);
        }
        return s;
    }

    public string TemplateString() => templateString?.Invoke() ?? ToString();

    /// <summary>fmt's <c>%v</c> of the struct: its fields in order (a pointer type prints with <c>&amp;</c>).</summary>
    public override string ToString() => (typeName.StartsWith('*') ? "&{" : "{") + string.Join(" ", fields.Values.Select(GoFmt.FormatNested)) + "}";
}
