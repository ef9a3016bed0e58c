using Ferry.Templates.Values;
using Ferry.Templates.Functions.Helm;

namespace Ferry.Charts;

/// <summary>
/// Renders a chart and its enabled subcharts as Helm's engine does: each chart's templates see their own
/// <c>.Values</c> (the parent's values under the subchart name), <c>.Chart</c>, <c>.Files</c>, <c>.Subcharts</c>,
/// and the shared <c>.Release</c> and <c>.Capabilities</c>. Output maps template paths to rendered text.
/// </summary>
public sealed class ChartRenderer(HelmFunctionOptions? options = null)
{
    private readonly HelmFunctionOptions _options = options ?? new HelmFunctionOptions();

    /// <summary>The top-level values map (ToRenderValues): coalesced values plus release and capabilities.</summary>
    public static Dictionary<string,
        object?> ToRenderValues(Chart chart, IDictionary<string, object?> values, ReleaseOptions release, Capabilities caps, RenderLog? log = null,
            bool validateSchema = true)
    {
        var vals = ValueCoalescer.CoalesceValues(chart, values, log?.CoalesceWarnings);
        if (validateSchema)
        {
            SchemaValidator.Validate(chart, vals);
        }
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Chart"] = chart.Metadata.ToTemplateObject(chart.IsRoot),
            ["Values"] = vals,
            ["Release"] = release.ToValue(),
            ["Capabilities"] = caps.ToTemplateObject(),
        };
    }

    public Dictionary<string, string> Render(Chart chart, Dictionary<string, object?> renderValues, CancellationToken cancellationToken = default)
    {
        var templates = new List<RenderTemplate>();
        Collect(chart, renderValues, templates);
        try
        {
            return new HelmRenderer(_options).Render(templates, cancellationToken);
        }
        catch (HelmRenderException e)
        {
            throw new ChartException(e.Message, e);
        }
    }

    private static Dictionary<string, object?> Collect(Chart c, Dictionary<string, object?> vals, List<RenderTemplate> templates)
    {
        var subCharts = new Dictionary<string, object?>(StringComparer.Ordinal);
        var next = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Chart"] = c.Metadata.ToTemplateObject(c.IsRoot),
            ["Files"] = FilesObject.From(c.Files),
            ["Release"] = vals.GetValueOrDefault("Release"),
            ["Capabilities"] = vals.GetValueOrDefault("Capabilities"),
            ["Values"] = new Dictionary<string, object?>(StringComparer.Ordinal),
            ["Subcharts"] = subCharts,
        };
        if (vals.TryGetValue("Env", out var env))
        {
            next["Env"] = env;
        }
        if (c.IsRoot)
        {
            next["Values"] = vals.GetValueOrDefault("Values") is IDictionary<string, object?> rootValues
                ? new GoTypedDictionary("common.Values", rootValues) : null;
        }
        else if (vals.GetValueOrDefault("Values") is IDictionary<string, object?> pv && pv.TryGetValue(c.Name, out var ownValue)
            && ownValue is IDictionary<string, object?> own and not ITemplateObject)
        {
            next["Values"] = new GoTypedDictionary("common.Values", own);
        }
        else
        {
            next["Values"] = new GoTypedDictionary("common.Values", new Dictionary<string, object?>(StringComparer.Ordinal));
        }
        foreach (var child in c.Dependencies)
        {
            subCharts[child.Name] = Collect(child, next, templates);
        }
        var prefix = c.FullPath;
        foreach (var t in c.Templates)
        {
            if (c.IsLibrary && !System.IO.Path.GetFileName(t.Name).StartsWith('_'))
            {
                continue;
            }
            templates.Add(new RenderTemplate($"{prefix}/{t.Name}", t.Text, next, $"{prefix}/templates"));
        }
        return next;
    }
}
