using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Charts;
using Ferry.Charts.Releases;
using Ferry.Kube;
using Ferry.Oci;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;
using k8s;

namespace Ferry.Bundles;

/// <summary>Options of <c>ferry deploy</c>.</summary>
public sealed record DeployRequest
{
    public required string Bundle { get; init; }

    /// <summary>The site registry (HOST[:PORT][/prefix]) images are pushed to and rewritten to.</summary>
    public required string SiteRegistry { get; init; }

    public RegistryOptions Registry { get; init; } = new();

    public string EnvNamespace { get; init; } = DeployEnv.DefaultNamespace;

    /// <summary>When set, the bundle must carry a valid signature by this key.</summary>
    public string? PublicKey { get; init; }

    public DeployOptions Options { get; init; } = new(TimeSpan.FromMinutes(5));

    public IProgress<string>? Log { get; init; }
}

/// <summary>What happened to one app.</summary>
public sealed record AppOutcome(string App, string Result, int? Revision, string Detail);

/// <summary>
/// <c>ferry deploy</c>: verify the bundle, check the site env against the bundle's schema (every problem at once,
/// before any change), push the images to the site registry, then per app in dependency order render its values
/// template with the site env and registry, render its chart, pin every image to the site registry by digest and
/// upgrade or install it (an unchanged app is skipped). A failed app is rolled back to its previous revision and
/// its dependents are left alone; independent apps still go ahead.
/// </summary>
public sealed partial class Deployer(IKubernetes client)
{
    public async Task<IReadOnlyList<AppOutcome>> DeployAsync(DeployRequest request, CancellationToken ct = default)
    {
        var problems = BundleReader.Verify(request.Bundle, request.PublicKey);
        if (problems.Count > 0)
        {
            throw new BundleException($"{request.Bundle}: verification failed, nothing was changed:\n  " + string.Join("\n  ", problems));
        }
        var work = Directory.CreateTempSubdirectory("ferry-deploy-").FullName;
        try
        {
            BundleReader.Extract(request.Bundle, work);
            var spec = SpecLoader.Load(Path.Combine(work, "ferry.yaml"), checkFiles: false);
            using var manifestDoc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(work, BundleBuilder.ManifestName)));
            var manifest = manifestDoc.RootElement;
            var site = await new DeployEnv(client, request.EnvNamespace).ReadAsync(ct).ConfigureAwait(false);
            CheckEnv(spec, site, request.Log);

            var siteRefs = await PushImagesAsync(request, work, manifest, ct).ConfigureAwait(false);
            var store = new ReleaseStore(client);
            var manager = new ReleaseManager(client);
            var outcomes = new List<AppOutcome>();
            var failed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var app in Ordered(spec))
            {
                var blockedBy = app.DependsOn.Where(failed.Contains).ToList();
                if (blockedBy.Count > 0)
                {
                    failed.Add(app.Name);
                    outcomes.Add(new AppOutcome(app.Name, "skipped", null, $"depends on {string.Join(", ", blockedBy)}, which failed"));
                    continue;
                }
                var plan = Render(spec, app, work, manifest, site, request.SiteRegistry, spec.RewriteRegistry ? siteRefs : null);
                var deployed = await store.DeployedAsync(app.Name, app.Namespace, ct).ConfigureAwait(false);
                if (deployed is not null && ReleaseManager.IsUnchanged(deployed, plan))
                {
                    outcomes.Add(new AppOutcome(app.Name, "unchanged", deployed.Version, "already deployed"));
                    request.Log?.Report($"app {app.Name}: unchanged (revision {deployed.Version})");
                    continue;
                }
                try
                {
                    request.Log?.Report($"app {app.Name}: {(deployed is null ? "installing" : "upgrading")} in namespace {app.Namespace}");
                    var release = await manager.UpgradeOrInstallAsync(plan, request.Options, ct).ConfigureAwait(false);
                    outcomes.Add(new AppOutcome(app.Name, deployed is null ? "installed" : "upgraded", release.Version, release.Info.Description));
                }
                catch (KubeException e)
                {
                    failed.Add(app.Name);
                    var detail = e.Message;
                    if (deployed is not null)
                    {
                        try
                        {
                            var back = await manager.RollbackAsync(app.Name, app.Namespace, deployed.Version, request.Options, ct).ConfigureAwait(false);
                            detail += $"; rolled back to revision {deployed.Version} (now revision {back.Version})";
                        }
                        catch (KubeException rollback)
                        {
                            detail += $"; rollback to revision {deployed.Version} failed too: {rollback.Message}";
                        }
                    }
                    outcomes.Add(new AppOutcome(app.Name, "failed", null, detail));
                    request.Log?.Report($"app {app.Name}: failed: {detail}");
                }
            }
            return outcomes;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Every env problem at once: missing required keys and pattern violations fail; unknown keys warn.</summary>
    internal static void CheckEnv(BundleSpec spec, SiteEnv site, IProgress<string>? log)
    {
        var problems = new List<string>();
        foreach (var v in spec.Env)
        {
            if (!site.Values.TryGetValue(v.Name, out var value))
            {
                if (v.Required && v.Default is null)
                {
                    problems.Add($"{v.Name}: required{(v.Description.Length > 0 ? $" ({v.Description})" : "")}; set it with 'ferry env set {v.Name}=...'{(v.Secret ? " --secret " + v.Name : "")}");
                }
                continue;
            }
            if (v.Pattern is not null && !Regex.IsMatch(value, v.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                problems.Add(v.Secret ? $"{v.Name}: the secret value does not match {v.Pattern}" : $"{v.Name}: \"{value}\" does not match {v.Pattern}");
            }
        }
        if (problems.Count > 0)
        {
            throw new BundleException($"deploy-env does not satisfy the bundle's env schema; nothing was changed:\n  " + string.Join("\n  ", problems));
        }
        foreach (var unknown in site.Values.Keys.Where(k => spec.Env.All(v => v.Name != k)).Order(StringComparer.Ordinal))
        {
            log?.Report($"warning: deploy-env key {unknown} is not declared by this bundle and is ignored");
        }
    }

    /// <summary>Pushes every image of the bundle; returns bundle reference → site reference pinned by digest.</summary>
    private static async Task<Dictionary<string, string>> PushImagesAsync(DeployRequest request, string work, JsonElement manifest, CancellationToken ct)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(Path.Combine(work, "images")))
        {
            return map;
        }
        var layout = OciLayout.Open(Path.Combine(work, "images"));
        using var registry = new RegistryClient(request.Registry);
        var copier = new ImageCopier(registry);
        var delta = manifest.TryGetProperty("delta", out _);
        if (delta)
        {
            // A delta bundle leaves out blobs the site had: make sure it still has every one before pushing anything.
            var missing = new List<string>();
            foreach (var image in manifest.GetProperty("images").EnumerateArray())
            {
                var source = image.GetProperty("ref").GetString()!;
                var target = ImageCopier.PushTarget(source, request.SiteRegistry);
                var top = layout.Resolve(source);
                var manifests = MediaTypes.IsIndex(top.MediaType) ? ManifestReader.Children(layout.ReadBlob(top.Digest), top.MediaType).ToList() : [top];
                foreach (var blob in manifests.SelectMany(m => ManifestReader.Children(layout.ReadBlob(m.Digest), m.MediaType)).Where(b => !layout.Exists(b.Digest)))
                {
                    if (!await registry.BlobExistsAsync(target.Registry, target.Repository, blob.Digest, ct).ConfigureAwait(false))
                    {
                        missing.Add($"{blob.Digest} (image {source}, expected in {target.Registry}/{target.Repository})");
                    }
                }
            }
            if (missing.Count > 0)
            {
                throw new BundleException($"{request.Bundle} is a delta bundle, but the site registry lacks {missing.Count} blob(s) it requires; nothing was changed (deploy the full bundle instead):\n  " + string.Join("\n  ", missing.Distinct()));
            }
        }
        foreach (var image in manifest.GetProperty("images").EnumerateArray())
        {
            var source = image.GetProperty("ref").GetString()!;
            var target = ImageCopier.PushTarget(source, request.SiteRegistry);
            request.Log?.Report($"pushing {source} to {target}");
            TransferResult pushed;
            try
            {
                pushed = await copier.PushAsync(layout, layout.Resolve(source), target, blobsMayBeOnTarget: delta, ct: ct).ConfigureAwait(false);
            }
            catch (OciException e)
            {
                throw new BundleException($"image {source}: pushing to the site registry {request.SiteRegistry} failed: {e.Message}", e);
            }
            map[source] = $"{target with { Digest = null }}@{pushed.ManifestDigest}";
        }
        return map;
    }

    internal static ReleasePlan Render(BundleSpec spec, AppSpec app, string work, JsonElement manifest, SiteEnv site, string siteRegistry, Dictionary<string, string>? siteRefs)
    {
        var entry = manifest.GetProperty("apps").EnumerateArray().First(a => a.GetProperty("name").GetString() == app.Name);
        var chartFile = Path.Combine(work, entry.GetProperty("chart").GetProperty("file").GetString()!);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (entry.TryGetProperty("values", out var vf) && vf.ValueKind == JsonValueKind.String)
        {
            values = ValuesTemplate.Render(Path.Combine(work, vf.GetString()!), vf.GetString()!, spec, app, site.Values, siteRegistry);
        }
        var options = new HelmTemplateOptions { ReleaseName = app.Name, Namespace = app.Namespace, Values = values, IncludeCrds = true };
        if (siteRefs is not null)
        {
            options.PostRender = manifests => manifests.Select(m => m with { Content = RewriteImages(m.Content, siteRefs) }).ToList();
        }
        var render = HelmTemplate.Run(chartFile, options);
        if (!render.Succeeded)
        {
            throw new BundleException($"app {app.Name}: rendering its chart with the site env failed: {render.Error}");
        }
        var chart = ChartLoader.Load(chartFile);
        return new ReleasePlan(app.Name, app.Namespace, ReleaseChart.ToJson(chart), GoJson.Marshal(values), render.Manifests, render.Hooks, render.Notes);
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
    internal static List<AppSpec> Ordered(BundleSpec spec)
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
