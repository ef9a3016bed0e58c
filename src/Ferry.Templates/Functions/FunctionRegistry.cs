using Ferry.Templates.Values;

namespace Ferry.Templates.Functions;

/// <summary>The functions a template may call, by name. Sprig and Helm families plug in here.</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, TemplateFunction> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _forbidden = new(StringComparer.Ordinal);

    // A clone reads through to the registry it was cloned from and records only its own changes: Helm clones the
    // function map for every tpl call, and copying hundreds of Sprig functions each time is wasted work.
    private readonly FunctionRegistry? _original;
    private HashSet<string>? _removed;

    public FunctionRegistry()
    {
    }

    private FunctionRegistry(FunctionRegistry original)
    {
        _original = original;
    }

    /// <summary>A registry holding Go's text/template builtins.</summary>
    public static FunctionRegistry CreateBuiltins()
    {
        var r = new FunctionRegistry();
        Builtins.Register(r);
        return r;
    }

    public bool Contains(string name) => TryGet(name, out _);

    public bool TryGet(string name, out TemplateFunction function)
    {
        if (_functions.TryGetValue(name, out function!))
        {
            return true;
        }
        if (_original is null || (_removed?.Contains(name) ?? false))
        {
            return false;
        }
        return _original.TryGet(name, out function);
    }

    public FunctionRegistry Add(TemplateFunction function)
    {
        _functions[function.Name] = function;
        _removed?.Remove(function.Name);
        return this;
    }

    public bool Remove(string name)
    {
        var had = Contains(name);
        _functions.Remove(name);
        if (_original is not null && had)
        {
            (_removed ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
        }
        return had;
    }

    /// <summary>Registers <paramref name="alias"/> as another name of <paramref name="existing"/> (Sprig keeps old names).</summary>
    public FunctionRegistry Alias(string existing, string alias)
    {
        if (!TryGet(existing, out var function))
        {
            throw new KeyNotFoundException($"no function {existing} to alias as {alias}");
        }
        return Add(function.Renamed(alias));
    }

    /// <summary>Removes a function and records why templates may not call it (named in the parse error).</summary>
    public FunctionRegistry Forbid(string name, string reason)
    {
        Remove(name);
        _forbidden[name] = reason;
        return this;
    }

    /// <summary>Why a function is unavailable, when it was forbidden on purpose.</summary>
    public string? ForbiddenReason(string name) => _forbidden.TryGetValue(name, out var reason) ? reason : _original?.ForbiddenReason(name);

    /// <summary>A copy with the same functions (bodies shared); changes to the copy do not affect this registry.</summary>
    public FunctionRegistry Clone() => new(this);

    public IEnumerable<string> Names => _original is null
        ? _functions.Keys
        : _functions.Keys.Union(_original.Names.Where(n => !(_removed?.Contains(n) ?? false)), StringComparer.Ordinal);
}
