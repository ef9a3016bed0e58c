namespace Ferry.Templates.Values;

/// <summary>The body of a template function: receives evaluated arguments, returns a value or throws.</summary>
public delegate object? TemplateFunctionBody(object?[] args);

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

    public bool IsVariadic => MaxArgs < 0;

    public string GoTypeName => "func(...) interface {}";

    public object? Invoke(object?[] args) => Body(args);

    public static TemplateFunction Fixed(string name, int count, TemplateFunctionBody body) => new(name, count, count, body);

    public static TemplateFunction Variadic(string name, int fixedCount, TemplateFunctionBody body) => new(name, fixedCount, -1, body);
}
