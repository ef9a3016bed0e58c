namespace Ferry.Templates.Values;

/// <summary>
/// A value whose Go type has a <c>String()</c> method on its pointer: text/template's own printing (<c>{{ .x }}</c>)
/// uses it, while fmt (<c>printf "%v"</c>, <c>toString</c>, a value inside a list) prints the struct's fields.
/// </summary>
public interface ITemplateStringer
{
    string TemplateString();
}
