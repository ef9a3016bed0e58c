namespace Ferry.Templates.Values;

/// <summary>The Go kinds Ferry's template values map onto.</summary>
public enum GoKind
{
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Complex,
    String,
    Slice,
    Map,
    Func,
    Struct,
}
