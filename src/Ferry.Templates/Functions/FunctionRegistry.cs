using Ferry.Templates.Values;

namespace Ferry.Templates.Functions;

/// <summary>The functions a template may call, by name. Sprig and Helm families plug in here.</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, TemplateFunction> _functions = new(StringComparer.Ordinal);

    /// <summary>A registry holding Go's text/template builtins.</summary>
    public static FunctionRegistry CreateBuiltins()
    {
        var r = new FunctionRegistry();
        Builtins.Register(r);
        return r;
    }

    public bool Contains(string name) => _functions.ContainsKey(name);

    public bool TryGet(string name, out TemplateFunction function) => _functions.TryGetValue(name, out function!);

    public FunctionRegistry Add(TemplateFunction function)
    {
        _functions[function.Name] = function;
        return this;
    }

    public bool Remove(string name) => _functions.Remove(name);

    public IEnumerable<string> Names => _functions.Keys;
}
