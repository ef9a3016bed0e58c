using System.Text.RegularExpressions;
using Ferry.Templates;
using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Values;

namespace Ferry.Bundles;

/// <summary>
/// Renders an app's <c>values.yaml.tmpl</c> (Go template with Sprig and <c>required</c>) with <c>.Env</c>,
/// <c>.App</c>, <c>.Bundle</c> and <c>.Registry</c>, and parses the result as the chart's values.
/// <c>.Env</c> only knows the keys declared in ferry.yaml; using another is an error.
/// </summary>
public static partial class ValuesTemplate
{
    public static Dictionary<string, object?> Render(string templatePath, string displayName, BundleSpec spec, AppSpec app,
        IReadOnlyDictionary<string, string> env, string registry) =>
        RenderText(File.ReadAllText(templatePath), displayName, spec, app, env, registry);

    /// <summary>Like <see cref="Render"/>, for a template's text.</summary>
    public static Dictionary<string, object?> RenderText(string templateText, string displayName, BundleSpec spec, AppSpec app,
        IReadOnlyDictionary<string, string> env, string registry)
    {
        var template = new Template(displayName, new TemplateOptions(), HelmLibrary.Create());
        HelmLibrary.Bind(template);
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Env"] = new EnvObject(spec, env),
            ["App"] = new Dictionary<string,
                object?>(StringComparer.Ordinal) { ["Name"] = app.Name, ["Namespace"] = app.Namespace, ["Version"] = spec.Version },
            ["Bundle"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["Name"] = spec.Name, ["Version"] = spec.Version },
            ["Registry"] = registry,
        };
        string text;
        try
        {
            template.Parse(templateText);
            text = template.Execute(data).Replace("<no value>", "", StringComparison.Ordinal);
        }
        catch (TemplateException e)
        {
            var m = UnknownEnv().Match(e.Message);
            if (m.Success)
            {
                throw new BundleException($"{displayName}:{e.Line}:{Math.Max(e.Column, 0) + 1}: .Env.{m.Groups[1].Value} is not " +
                    $"declared in {spec.SpecPath} env: (declared: {string.Join(", ", spec.Env.Select(v => v.Name))})", e);
            }
            throw new BundleException($"app {app.Name}: {e.Message}", e);
        }
        try
        {
            return DataReader.FromYaml(text, NumberMode.Float64, displayName) as Dictionary<string, object?> ?? new Dictionary<string,
                object?>(StringComparer.Ordinal);
        }
        catch (FormatException e)
        {
            throw new BundleException($"app {app.Name}: the rendered values template is not valid YAML: {e.Message}", e);
        }
    }

    /// <summary>
    /// The <c>.Env</c> a manifests app's templates see (the same as values templates: declared keys only), or null for
    /// an app whose templates must not see it (charts, kustomizations, manifests with <c>template: false</c>).
    /// </summary>
    public static object? EnvFor(BundleSpec spec, AppSpec app, IReadOnlyDictionary<string, string> env) =>
        app.SourceKind == "manifests" && app.TemplateManifests ? new EnvObject(spec, env) : null;

    /// <summary>
    /// A render error of a manifests app, with a use of an undeclared <c>.Env</c> key said plainly (the engine's own
    /// words name the template, line and column; this names the keys ferry.yaml declares).
    /// </summary>
    public static string ExplainRenderError(BundleSpec spec, string error) =>
        UnknownEnvInChart().Match(error) is { Success: true } m
            ? $"{error}\n.Env.{m.Groups[1].Value} is not declared in {Path.GetFileName(spec.SpecPath)} env: " +
                $"(declared: {string.Join(", ", spec.Env.Select(v => v.Name))})"
            : error;

    [GeneratedRegex(@"\.Env\.(\w+)>:\s+can't evaluate field \1 in type", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownEnvInChart();

    [GeneratedRegex(@"\.Env\.(\w+)>: can't evaluate field \1 in type", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownEnv();

    /// <summary>The site environment as templates see it: declared keys only.</summary>
    private sealed class EnvObject(BundleSpec spec, IReadOnlyDictionary<string, string> env) : ITemplateObject
    {
        public string GoTypeName => "ferry.Env";

        public bool TryGetField(string name, out object? value)
        {
            var declared = spec.Env.FirstOrDefault(v => v.Name == name);
            if (declared is null)
            {
                value = null;
                return false;
            }
            value = env.TryGetValue(name, out var v) ? v : declared.Default ?? "";
            return true;
        }

        public bool TryGetMethod(string name, out TemplateFunction? method)
        {
            method = null;
            return false;
        }
    }
}
