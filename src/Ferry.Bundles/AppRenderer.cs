using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Charts;
using Ferry.Charts.Releases;
using Ferry.Kube;
using Ferry.Oci;
using Ferry.Templates.Formatting;
using Ferry.Templates.Functions.Helm;

namespace Ferry.Bundles;

/// <summary>
/// What a render at the site knows of the cluster, as helm install/upgrade: its capabilities, <c>lookup</c> answered from
/// it, and whether the app's release exists (an upgrade) and the revision being made.
/// </summary>
public sealed record SiteCluster(ClusterCapabilities Capabilities, LookupFunction? Lookup = null, bool IsUpgrade = false, int Revision = 1)
{
    /// <summary>For an app whose release has <paramref name="history"/>: install or upgrade, and the revision, as the deploy will make it.</summary>
    public static SiteCluster For(ClusterCapabilities capabilities, LookupFunction? lookup, IReadOnlyList<Release> history)
    {
        var (upgrade, version) = ReleaseManager.NextRevision(history);
        return new(capabilities, lookup, upgrade, version);
    }
}

/// <summary>
/// Turns one app of an opened bundle into a release plan for the site: its values template rendered with the site
/// env and registry, its chart rendered with those values, and every image it runs pinned to the site registry.
/// </summary>
public static partial class AppRenderer
{
    /// <summary>
    /// Renders <paramref name="app"/> for the site: as helm install or upgrade renders on the <paramref name="cluster"/>
    /// when it is known (its version and API versions, lookups, .Release.IsUpgrade and Revision), else for the bundle's
    /// target Kubernetes.
    /// </summary>
    public static ReleasePlan Render(OpenedBundle bundle, AppSpec app, SiteEnv site, string siteRegistry, SiteCluster? cluster = null)
    {
        var spec = bundle.Spec;
        var siteRefs = spec.RewriteRegistry ? bundle.SiteReferences(siteRegistry) : null;
        var entry = bundle.Apps.FirstOrDefault(a => a.Name == app.Name)
            ?? throw new BundleException($"{bundle.Path}: app {app.Name} is in the bundle's " +
                $"ferry.yaml but not in {BundleBuilder.ManifestName}; the bundle is damaged: get a fresh copy from the vendor");
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (entry.ValuesFile is { } valuesFile)
        {
            values = ValuesTemplate.RenderText(bundle.ReadText(valuesFile, $"the values template of app {app.Name}"), valuesFile, spec, app,
                site.Values, siteRegistry);
        }
        var options = new HelmTemplateOptions
        {
            ReleaseName = app.Name, Namespace = app.Namespace, Values = values, IncludeCrds = true,
            Env = ValuesTemplate.EnvFor(spec, app, site.Values),
        };
        options = cluster is null ? spec.ForTarget(options) : options with
        {
            Cluster = cluster.Capabilities,
            Functions = new HelmFunctionOptions { Lookup = cluster.Lookup },
            IsUpgrade = cluster.IsUpgrade,
            Revision = cluster.Revision,
        };
        if (siteRefs is not null)
        {
            options = options with
            {
                PostRender = manifests => manifests.Select(m => m with { Content = RewriteImages(m.Content, siteRefs) }).ToList(),
            };
        }
        var render = HelmTemplate.Run(() => bundle.LoadChart(entry), options);
        if (!render.Succeeded)
        {
            var forCluster = cluster is null ? "" : $" for the cluster (Kubernetes {cluster.Capabilities.GitVersion})";
            throw new BundleException($"app {app.Name}: rendering its {(app.SourceKind == "chart" ? "chart" : app.SourceKind)} with " +
                $"the site env{forCluster} failed: {ValuesTemplate.ExplainRenderError(spec, render.Error!)}");
        }
        // the release records the chart as rendered: dependencies processed, as Helm records it
        var chart = render.Chart!;
        return new ReleasePlan(app.Name, app.Namespace, ReleaseChart.ToJson(chart), GoJson.Marshal(values), render.Manifests, render.Hooks,
            render.Notes, render.Crds)
        {
            ChartLabel = $"{chart.Metadata.Name} {chart.Metadata.Version}",
        };
    }

    /// <summary>
    /// Replaces every container image the bundle carries with its site reference (pinned by digest). A rendered
    /// reference matches a bundled one exactly, or else by repository path and tag when only one bundled image has
    /// them (values templates may name another source registry at the site; the site registry replaces it anyway).
    /// </summary>
    private static string RewriteImages(string content, Dictionary<string, string> siteRefs)
    {
        var byPath = siteRefs
            .Select(kv => (Key: ImageReference.Parse(kv.Key), Site: kv.Value))
            .GroupBy(x => PathKey(x.Key))
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Site, StringComparer.Ordinal);
        return ImageLine().Replace(content, m =>
        {
            var raw = m.Groups["ref"].Value;
            if (!ImageReference.TryParse(raw, out var parsed, out _))
            {
                return m.Value;
            }
            if (!siteRefs.TryGetValue(parsed!.ToString(), out var site) && !byPath.TryGetValue(PathKey(parsed), out site))
            {
                return m.Value;
            }
            return $"{m.Groups["head"].Value}{m.Groups["q"].Value}{site}{m.Groups["q"].Value}";
        });
    }

    private static string PathKey(ImageReference r) => $"{r.Repository}:{r.Tag}@{r.Digest}";

    [GeneratedRegex("""(?<head>^\s*(?:-\s+)?image:\s*)(?<q>["']?)(?<ref>[^"'\s#]+)\k<q>\s*$""", RegexOptions.Multiline)]
    private static partial Regex ImageLine();

    /// <summary>Apps in dependency order (ferry.yaml order among independent apps).</summary>
    public static List<AppSpec> Ordered(BundleSpec spec)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<AppSpec>();
        while (result.Count < spec.Apps.Count)
        {
            var next = spec.Apps.First(a => !done.Contains(a.Name) && a.DependsOn.All(done.Contains));
            done.Add(next.Name);
            result.Add(next);
        }
        return result;
    }
}
