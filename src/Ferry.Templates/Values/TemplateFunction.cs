namespace Ferry.Templates.Values;

/// <summary>The body of a template function: receives evaluated arguments, returns a value or throws.</summary>
public delegate object? TemplateFunctionBody(object?[] args);

/// <summary>
/// A parameter's Go type, for functions that declare one: the engine then checks arguments before the call exactly
/// as Go's text/template does (and reports the failure at the argument, with Go's words).
/// </summary>
public enum GoParam
{
    /// <summary><c>interface {}</c>: anything, nil included.</summary>
    Any,

    /// <summary><c>string</c>.</summary>
    String,

    /// <summary><c>int</c>.</summary>
    Int,

    /// <summary><c>uint32</c>.</summary>
    Uint32,

    /// <summary><c>float64</c>.</summary>
    Float64,

    /// <summary><c>bool</c>.</summary>
    Bool,

    /// <summary><c>map[string]interface {}</c>; a missing value becomes a nil (empty) map.</summary>
    Map,

    /// <summary>Helm's <c>common.Values</c> (a <c>map[string]interface {}</c> under another name).</summary>
    Values,

    /// <summary><c>[]interface {}</c>; a missing value becomes a nil (empty) slice.</summary>
    List,

    /// <summary><c>time.Time</c>.</summary>
    Time,

    /// <summary>Sprig's <c>sprig.certificate</c> struct.</summary>
    Certificate,
}

/// <summary>
/// A function callable from templates. Arity is checked by the engine the way Go checks a func's signature;
/// the body validates argument types and throws (any exception becomes <c>error calling NAME: message</c>).
/// </summary>
public sealed class TemplateFunction
{
    public TemplateFunction(string name, int minArgs, int maxArgs, TemplateFunctionBody body)
    {
        Name = name;
        MinArgs = minArgs;
        MaxArgs = maxArgs;
        Body = body;
    }

    public string Name { get; }

    /// <summary>Fixed parameter count (for a variadic function, the parameters before the variadic one).</summary>
    public int MinArgs { get; }

    /// <summary>Maximum argument count, or -1 when variadic.</summary>
    public int MaxArgs { get; }

    public TemplateFunctionBody Body { get; }

    /// <summary>Declared parameter types (the last one repeats for a variadic function), or null when the body checks its arguments itself.</summary>
    public IReadOnlyList<GoParam>? Params { get; private init; }

    /// <summary>This function with declared parameter types.</summary>
    public TemplateFunction WithParams(params GoParam[] kinds) => new(Name, MinArgs, MaxArgs, Body) { Params = kinds };

    /// <summary>The same function under another name (its declared parameters kept).</summary>
    public TemplateFunction Renamed(string name) => new(name, MinArgs, MaxArgs, Body) { Params = Params };

    public bool IsVariadic => MaxArgs < 0;

    public string GoTypeName => "func(...) interface {}";

    public object? Invoke(object?[] args) => Body(args);

    public static TemplateFunction Fixed(string name, int count, TemplateFunctionBody body) => new(name, count, count, body);

    public static TemplateFunction Variadic(string name, int fixedCount, TemplateFunctionBody body) => new(name, fixedCount, -1, body);
}
