using Ferry.Templates.Values;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// The Sprig v3 function library as Helm ships it (no <c>env</c>/<c>expandenv</c>: templates cannot read the
/// process environment). Families live one file each.
/// </summary>
public static class SprigLibrary
{
    /// <summary>A registry with Go's builtins plus Sprig.</summary>
    public static FunctionRegistry Create() => Create(TimeProvider.System);

    /// <summary>A registry with Go's builtins plus Sprig, reading the time from <paramref name="clock"/>.</summary>
    public static FunctionRegistry Create(TimeProvider clock)
    {
        var r = FunctionRegistry.CreateBuiltins();
        Register(r, clock);
        return r;
    }

    public static void Register(FunctionRegistry r, TimeProvider clock)
    {
        DateFunctions.Register(r, clock);
        StringFunctions.Register(r);
        ListFunctions.Register(r);
        DictFunctions.Register(r);
        DefaultFunctions.Register(r);
        MathFunctions.Register(r);
        RegexFunctions.Register(r);
        PathFunctions.Register(r);
        EncodingFunctions.Register(r);
        SemverFunctions.Register(r);
        CryptoFunctions.Register(r);

        // Sprig's deprecated spellings, still in its function map (charts such as Bitnami's still call some)
        r.Add(TemplateFunction.Fixed("hello", 0, _ => "Hello!"));
        r.Alias("max", "biggest");
        r.Alias("trimAll", "trimall");
        r.Alias("dateModify", "date_modify");
        r.Alias("mustDateModify", "must_date_modify");
        GoSignatures.Apply(r);
    }
}
