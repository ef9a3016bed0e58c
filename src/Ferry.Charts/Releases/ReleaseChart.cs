using Ferry.Templates.Formatting;

namespace Ferry.Charts.Releases;

/// <summary>A loaded chart as Helm records it in a release (<c>chart.Chart</c>'s JSON; subcharts are not recorded, as in Helm).</summary>
public static class ReleaseChart
{
    private static readonly string[] MaintainerFields = ["name", "email", "url"];

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
            foreach (var key in MaintainerFields)
            {
                s.AddOmitEmpty(key, m.GetValueOrDefault(key) as string);
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
        meta.AddOmitEmpty("dependencies", md.Dependencies.Select(d =>
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
        }).ToList());
        meta.AddOmitEmpty("type", md.Type);
        static List<object?> Files(IEnumerable<ChartFile> files) =>
            files.Select(f => (object?)new GoStruct { { "name", f.Name }, { "data", Convert.ToBase64String(f.Data) } }).ToList();
        var json = new GoStruct
        {
            { "metadata", meta },
            { "lock", null },
            { "templates", Files(chart.Templates) },
            { "values", chart.Values },
            { "schema", chart.Schema is null ? null : Convert.ToBase64String(chart.Schema) },
            { "files", Files(chart.Files) },
        };
        return GoJson.Marshal(json);
    }
}
