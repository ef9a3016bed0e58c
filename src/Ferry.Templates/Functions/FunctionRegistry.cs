using Ferry.Templates.Values;

namespace Ferry.Templates.Functions;

/// <summary>The functions a template may call, by name. Sprig and Helm families plug in here.</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, TemplateFunction> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _forbidden = new(StringComparer.Ordinal);

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

    /// <summary>Registers <paramref name="alias"/> as another name of <paramref name="existing"/> (Sprig keeps old names).</summary>
    public FunctionRegistry Alias(string existing, string alias)
    {
        _functions[alias] = _functions[existing].Renamed(alias);
        return this;
    }

    /// <summary>Removes a function and records why templates may not call it (named in the parse error).</summary>
    public FunctionRegistry Forbid(string name, string reason)
    {
        _functions.Remove(name);
        _forbidden[name] = reason;
        return this;
    }

    /// <summary>Why a function is unavailable, when it was forbidden on purpose.</summary>
    public string? ForbiddenReason(string name) => _forbidden.GetValueOrDefault(name);

    /// <summary>A copy with the same functions (bodies shared).</summary>
    public FunctionRegistry Clone()
    {
        var r = new FunctionRegistry();
        foreach (var (k, v) in _functions)
        {
            r._functions[k] = v;
        }
        foreach (var (k, v) in _forbidden)
        {
            r._forbidden[k] = v;
        }
        return r;
    }

    public IEnumerable<string> Names => _functions.Keys;
}
