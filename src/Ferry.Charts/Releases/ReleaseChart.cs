using Ferry.Templates.Formatting;

namespace Ferry.Charts.Releases;

/// <summary>
/// A loaded chart as Helm records it in a release (<c>chart.Chart</c>'s JSON; subcharts are not recorded, as in Helm).
/// Helm records the chart after its dependencies were processed (disabled ones dropped, aliases and import-values
/// applied, subchart defaults merged into its values): pass that chart (<see cref="HelmTemplateResult.Chart"/>).
/// </summary>
public static class ReleaseChart
{
    /// <summary>chart.Maintainer's JSON names, and the fields <see cref="ChartMetadata.Maintainers"/> holds them in.</summary>
    private static readonly (string Json, string Field)[] MaintainerFields = [("name", "Name"), ("email", "Email"), ("url", "URL")];

    public static string ToJson(Chart chart)
    {
        var md = chart.Metadata;
        var meta = new GoStruct();
        meta.AddOmitEmpty("name", md.Name);
        meta.AddOmitEmpty("home", md.Home);
        meta.AddOmitEmpty("sources", md.Sources.Cast<object?>().ToList());
        meta.AddOmitEmpty("version", md.Version);
        meta.AddOmitEmpty("description", md.Description);
        meta.AddOmitEmpty("keywords", md.Keywords.Cast<object?>().ToList());
        meta.AddOmitEmpty("maintainers", md.Maintainers.Select(m =>
        {
            var s = new GoStruct();
            foreach (var (json, field) in MaintainerFields)
            {
                s.AddOmitEmpty(json, m.GetValueOrDefault(field) as string);
            }
            return (object?)s;
        }).ToList());
        meta.AddOmitEmpty("icon", md.Icon);
        meta.AddOmitEmpty("apiVersion", md.ApiVersion);
        meta.AddOmitEmpty("condition", md.Condition);
        meta.AddOmitEmpty("tags", md.Tags);
        meta.AddOmitEmpty("appVersion", md.AppVersion);
        meta.AddOmitEmpty("deprecated", md.Deprecated);
        meta.AddOmitEmpty("annotations", md.Annotations);
        meta.AddOmitEmpty("kubeVersion", md.KubeVersion);
        meta.AddOmitEmpty("dependencies", Dependencies(md.Dependencies));
        meta.AddOmitEmpty("type", md.Type);
        // a chart without templates or files holds nil slices, which Go writes as null
        static List<object?>? Files(List<ChartFile> files) => files.Count == 0 ? null :
            files.Select(f => (object?)new GoStruct { { "name", f.Name }, { "data", Convert.ToBase64String(f.Data) } }).ToList();
        var json = new GoStruct
        {
            { "metadata", meta },
            { "lock", chart.Lock is { } l ? Lock(l) : null },
            { "templates", Files(chart.Templates) },
            { "values", chart.HasValues ? chart.Values : null },
            { "schema", chart.Schema is null ? null : Convert.ToBase64String(chart.Schema) },
            { "files", Files(chart.Files) },
        };
        return GoJson.Marshal(json);
    }

    private static List<object?> Dependencies(IEnumerable<ChartDependency> dependencies) => dependencies.Select(d =>
    {
        var s = new GoStruct { { "name", d.Name } };
        s.AddOmitEmpty("version", d.Version);
        s.Add("repository", d.Repository);
        s.AddOmitEmpty("condition", d.Condition);
        s.AddOmitEmpty("tags", d.Tags.Cast<object?>().ToList());
        s.AddOmitEmpty("enabled", d.Enabled);
        s.AddOmitEmpty("import-values", d.ImportValues);
        s.AddOmitEmpty("alias", d.Alias);
        return (object?)s;
    }).ToList();

    private static GoStruct Lock(ChartLock l) => new()
    {
        { "generated", l.Generated },
        { "digest", l.Digest },
        { "dependencies", l.Dependencies is null ? null : Dependencies(l.Dependencies) },
    };
}
