using Ferry.Templates.Semver;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's <c>semver</c> and <c>semverCompare</c> (Masterminds/semver v3 rules).</summary>
internal static class SemverFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Fixed("semver", 1, a => SemVersion.TryParse(AsString(a[0]), out var v, out var e) ? v
            : throw new TemplateFunctionException(e)));
        r.Add(TemplateFunction.Fixed("semverCompare", 2, a =>
        {
            if (!SemConstraint.TryParse(AsString(a[0]), out var c))
            {
                throw new TemplateFunctionException($"improper constraint: {AsString(a[0])}");
            }
            return SemVersion.TryParse(AsString(a[1]), out var v, out var e) ? c!.Check(v) : throw new TemplateFunctionException(e);
        }));
    }
}
