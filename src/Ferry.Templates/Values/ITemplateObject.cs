namespace Ferry.Templates.Values;

/// <summary>
/// A struct-like value with named fields and methods (Go's structs with exported members), e.g. Helm's
/// <c>.Release</c> or <c>.Capabilities</c>. Field access <c>.Name</c> reads a field or calls a method.
/// </summary>
public interface ITemplateObject
{
    /// <summary>The Go type name used in messages and by <c>%T</c>, e.g. <c>chartutil.Capabilities</c>.</summary>
    string GoTypeName { get; }

    /// <summary>Reads a field; false when there is no such field.</summary>
    bool TryGetField(string name, out object? value);

    /// <summary>Finds a method callable with arguments; false when there is no such method.</summary>
    bool TryGetMethod(string name, out TemplateFunction? method);
}
