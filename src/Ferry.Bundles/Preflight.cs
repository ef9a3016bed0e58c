using System.Security.Cryptography;
using Ferry.Charts;
using Ferry.Charts.Releases;
using Ferry.Kube;
using Ferry.Oci;
using Ferry.Templates.Semver;
using k8s;

namespace Ferry.Bundles;

/// <summary>One preflight check: pass, warn, fail or skip; what was measured, what is required, and what to do.</summary>
public sealed record PreflightCheck(string Name, string Status, string Measured, string Required, string Fix)
{
    public const string Pass = "pass";
    public const string Warn = "warn";
    public const string Fail = "fail";
    public const string Skip = "skip";

    /// <summary>The settings that would fix a failed check (front ends name their flags after <see cref="Fix"/>).</summary>
    public IReadOnlyList<Remedy> Remedies { get; init; } = [];

    public override string ToString() =>
        $"{Name}: {Measured}{(Required.Length > 0 ? $" (required: {Required})" : "")}{(Fix.Length > 0 ? $"; {Fix}" : "")}";
}

/// <summary>
/// What preflight found, and what it prepared on the way (a deploy goes on with it): the site env after the bundle's
/// env migrations, the renames to persist, every app rendered for the cluster, and the cluster's capabilities.
/// </summary>
public sealed record PreflightResult(IReadOnlyList<PreflightCheck> Checks, SiteEnv Env, IReadOnlyList<EnvRename> Renames,
    IReadOnlyDictionary<string, ReleasePlan> Plans, ClusterCapabilities? Cluster)
{
    /// <summary>Every app's release history as the renders saw it (by namespace, then release name); null without a cluster.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Release>>>? Histories { get; init; }

    public IEnumerable<PreflightCheck> Failed => Checks.Where(c => c.Status == PreflightCheck.Fail);

    /// <summary>Checks whose failure no override can skip: without a valid env and a rendered product there is nothing to deploy.</summary>
    public IEnumerable<PreflightCheck> Blocking =>
        Failed.Where(c => c.Name == "env" || c.Name.StartsWith("render ", StringComparison.Ordinal)
            || c.Name.StartsWith("kubeVersion ", StringComparison.Ordinal));

    public static BundleException Refusal(IReadOnlyCollection<PreflightCheck> failed) =>
        new($"preflight failed; nothing was " +
            $"changed:\n  {string.Join("\n  ", failed)}") { Remedies = [.. failed.SelectMany(c => c.Remedies).Distinct()] };
}

/// <summary>
/// <c>ferry preflight</c>, and the first step of every <c>ferry deploy</c> and <c>ferry plan</c>: whether the site can run
/// the product before anything changes. It checks the site env against the bundle's schema, the cluster's Kubernetes
/// version against the bundle's <c>requirements</c> and every chart's kubeVersion, renders every app for the cluster and
/// checks what the rendered product asks (API kinds the cluster serves or the product's own CRDs define; nodes, CPU
/// and memory for its pods; storage classes for its claims; namespace quotas and PodSecurity levels), the vendor's
/// requirements (nodes, CPU, memory, storage classes, node labels), and the site registry (reachable, credentials
/// accepted, and — unless only planning, and only when every other check passed — a push allowed: a few random bytes
/// uploaded and deleted again).
/// Without a cluster (an offline plan) only the env and the rendering are checked.
/// </summary>
public static class Preflight
{
    /// <summary>
    /// Every check of the bundle against the site (env, Kubernetes, rendering, objects, ownership, nodes, storage, quotas,
    /// registry); nothing is changed but a probe blob with <paramref name="probePush"/>. Apps for which <paramref name="takesOver"/>
    /// says yes (a deploy's --force-conflicts) may take over other releases' objects; null: no app may.
    /// </summary>
    public static async Task<PreflightResult> RunAsync(OpenedBundle bundle, SiteEnv siteEnv, string siteRegistry, IKubernetes? client,
        RegistryClient? registry, bool probePush, IProgress<string>? log, Func<string, bool>? takesOver = null, CancellationToken ct = default)
    {
        SiteImages.CheckLayout(bundle); // a damaged image index stops everything, before any check reads it
        var spec = bundle.Spec;
        var checks = new List<PreflightCheck>();
        var (env, renames, warnings) = EnvCheck.Migrate(spec, siteEnv);
        foreach (var w in warnings)
        {
            log?.Report("warning: " + w);
        }
        var envProblems = EnvCheck.Problems(spec, env);
        checks.Add(envProblems.Count == 0
            ? new PreflightCheck("env", PreflightCheck.Pass, $"{spec.Env.Count(v => env.Values.ContainsKey(v.Name))} of {spec.Env.Count} declared " +
                "keys set, all valid", "the bundle's env schema", "")
            : new PreflightCheck("env", PreflightCheck.Fail, "deploy-env does not satisfy the bundle's " +
                "env schema:\n    " + string.Join("\n    ", envProblems), "the bundle's env schema", "set the keys named with 'ferry env set'"));
        foreach (var w in EnvCheck.UnknownKeys(spec, env))
        {
            log?.Report("warning: " + w);
        }

        var cluster = client is null ? null : await ClusterDiscovery.DiscoverAsync(client, ct).ConfigureAwait(false);
        var kubeOk = true;
        if (cluster is not null)
        {
            kubeOk = CheckKubernetes(bundle, cluster, checks);
        }

        var plans = new Dictionary<string, ReleasePlan>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Release>>>? histories = null;
        if (envProblems.Count == 0 && kubeOk)
        {
            // each app renders as helm install or upgrade would: .Release.IsUpgrade and Revision from its history
            histories = client is null ? null
                : await new ReleaseStore(client).HistoriesAsync(spec.Apps.Select(a => a.Namespace), ct).ConfigureAwait(false);
            RenderApps(bundle, env, siteRegistry, client, cluster, histories, plans, checks);
            checks.AddRange(SharedObjects(spec, plans));
            if (client is not null && await OwnershipAsync(spec, client, plans, histories!, takesOver, ct).ConfigureAwait(false) is { } owned)
            {
                checks.Add(owned);
            }
        }
        else
        {
            checks.Add(new PreflightCheck("product", PreflightCheck.Skip, "not rendered", "", envProblems.Count > 0 ? "fix the env first"
                : "a chart does not support this Kubernetes version"));
        }

        if (client is not null && cluster is not null)
        {
            var namespaces = spec.Apps.Select(a => a.Namespace).ToHashSet(StringComparer.Ordinal);
            SiteFacts? facts = null;
            try
            {
                facts = await SiteFacts.ReadAsync(client, namespaces, ct).ConfigureAwait(false);
            }
            catch (KubeException e)
            {
                checks.Add(new PreflightCheck("cluster", PreflightCheck.Warn, $"nodes, storage classes and quotas not checked: {e.Message}", "",
                    "let the deploying user list nodes, storage classes, namespaces, resource quotas and pods"));
            }
            if (facts is not null)
            {
                var needs = plans.Count == spec.Apps.Count ? ProductNeeds.Of(plans.Select(p => (p.Key, p.Value))) : null;
                checks.AddRange(SiteChecks.Run(spec, cluster, facts, needs));
            }
        }
        if (registry is not null)
        {
            // the push probe writes to the registry: only when nothing else stops the deploy
            var othersPass = checks.All(c => c.Status != PreflightCheck.Fail);
            checks.AddRange(await RegistryChecksAsync(bundle, siteRegistry, registry, probePush && othersPass, ct).ConfigureAwait(false));
        }
        return new PreflightResult(checks, env, renames, plans, cluster) { Histories = histories };
    }

    /// <summary>Renders every app for the site into <paramref name="plans"/>; an app that does not render is a failed check.</summary>
    private static void RenderApps(OpenedBundle bundle, SiteEnv env, string siteRegistry, IKubernetes? client, ClusterCapabilities? cluster,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Release>>>? histories, Dictionary<string, ReleasePlan> plans,
        List<PreflightCheck> checks)
    {
        var applier = client is null ? null : new Applier(client); // resource mappings learned once for every app's lookups
        foreach (var app in AppRenderer.Ordered(bundle.Spec))
        {
            try
            {
                // lookup reads the cluster, as helm install/upgrade: what a chart generated at install (passwords) is kept
                var site = cluster is null || client is null ? null : SiteCluster.For(cluster, new ClusterLookup(client, applier).Function,
                    histories![app.Namespace].GetValueOrDefault(app.Name) ?? []);
                plans[app.Name] = AppRenderer.Render(bundle, app, env, siteRegistry, site);
            }
            catch (BundleException e)
            {
                checks.Add(new PreflightCheck($"render {app.Name}", PreflightCheck.Fail, e.Message, "every app renders for this site",
                    "fix the site env (ferry env set), or ask the vendor for a bundle whose chart renders for this cluster"));
            }
        }
    }

    /// <summary>
    /// An object two apps render (same group, kind, namespace and name) would belong to two releases: the second deploy
    /// would take it over (helm refuses that) and uninstalling either delete it. A failed check, before anything changes.
    /// </summary>
    private static IEnumerable<PreflightCheck> SharedObjects(BundleSpec spec, Dictionary<string, ReleasePlan> plans)
    {
        var shared = spec.Apps.Where(a => plans.ContainsKey(a.Name))
            .SelectMany(a => PrunePlan.Objects(ReleaseManager.Join(plans[a.Name].Manifests), a.Namespace).Select(e => (App: a.Name, e.Key)))
            .GroupBy(o => o.Key.Identity)
            .Where(g => g.Select(o => o.App).Distinct().Count() > 1)
            .Select(g => $"{g.First().Key} is rendered by apps {string.Join(" and ", g.Select(o => o.App).Distinct())}")
            .ToList();
        if (shared.Count > 0)
        {
            yield return new PreflightCheck("objects", PreflightCheck.Fail, string.Join("; ", shared), "each object belongs to one app's release",
                "give the object another name in one app's values (ferry env set, if the values template reads the env), or ask the vendor " +
                "for a bundle whose apps do not render the same object");
        }
    }

    /// <summary>
    /// Objects an app's deploy would take from another release (marked as its by meta.helm.sh/release-name and -namespace), as
    /// helm refuses them: read for each app that changes (an unchanged one applies nothing), only objects its release lacks.
    /// </summary>
    private static async Task<PreflightCheck?> OwnershipAsync(BundleSpec spec, IKubernetes client, Dictionary<string, ReleasePlan> plans,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<Release>>> histories, Func<string, bool>? takesOver,
        CancellationToken ct)
    {
        var manager = new ReleaseManager(client);
        var found = new List<string>();
        foreach (var app in spec.Apps.Where(a => plans.ContainsKey(a.Name) && takesOver?.Invoke(a.Name) != true))
        {
            var plan = plans[app.Name];
            var deployed = ReleaseStore.Deployed(histories[app.Namespace].GetValueOrDefault(app.Name) ?? []);
            if (deployed is null || !ReleaseManager.IsUnchanged(deployed, plan))
            {
                var foreign = await manager.ForeignObjectsAsync(app.Name, app.Namespace, ReleaseManager.Join(plan.Manifests), deployed, ct)
                    .ConfigureAwait(false);
                found.AddRange(foreign.Select(f => $"app {app.Name}: {f}"));
            }
        }
        return found.Count == 0 ? null : new PreflightCheck("ownership", PreflightCheck.Fail, string.Join("; ", found),
            "each object belongs to one release", "give the object another name in the app's values, or take it over: deploy with " +
            "--force-conflicts=APP (as helm --take-ownership)");
    }

    /// <summary>The cluster's version against requirements.kubernetes and every chart's kubeVersion; false when a chart refuses it (as helm does, so
    /// nothing renders).</summary>
    private static bool CheckKubernetes(OpenedBundle bundle, ClusterCapabilities cluster, List<PreflightCheck> checks)
    {
        var ok = true;
        var version = cluster.GitVersion;
        var known = SemVersion.TryParse(version, out var parsed, out _);
        bool Satisfies(string range) => known && SemConstraint.TryParse(range, out var c) && c!.Check(parsed);
        if (bundle.Spec.Requirements.Kubernetes is { } range)
        {
            var pass = Satisfies(range);
            checks.Add(new PreflightCheck("kubernetes", pass ? PreflightCheck.Pass : PreflightCheck.Fail, $"Kubernetes {version}", range,
                pass ? "" : $"upgrade the cluster to a Kubernetes in {range} (ferry cluster install with a newer bundle), or use a " +
                    $"bundle built for {version}"));
        }
        else
        {
            checks.Add(new PreflightCheck("kubernetes", PreflightCheck.Pass, $"Kubernetes {version}", "", ""));
        }
        foreach (var app in bundle.Apps)
        {
            var chart = bundle.LoadChart(app);
            if (chart.Metadata.KubeVersion.Length == 0)
            {
                continue;
            }
            var pass = Satisfies(chart.Metadata.KubeVersion);
            ok &= pass;
            checks.Add(new PreflightCheck($"kubeVersion {app.Name}", pass ? PreflightCheck.Pass : PreflightCheck.Fail,
                $"chart {chart.Metadata.Name} {chart.Metadata.Version} on Kubernetes {version}", chart.Metadata.KubeVersion,
                pass ? "" : $"the chart does not support this Kubernetes: upgrade " +
                    $"the cluster to {chart.Metadata.KubeVersion}, or ask the vendor for a chart that supports {version}"));
        }
        return ok;
    }

    /// <summary>The bytes of every blob and manifest the bundle carries for its images, each once.</summary>
    private static long ImageBytes(OpenedBundle bundle)
    {
        if (bundle.OpenImages() is not { } layout)
        {
            return 0;
        }
        var seen = new Dictionary<Digest, long>();
        foreach (var (reference, _) in bundle.Images)
        {
            var top = layout.Resolve(reference);
            var (children, blobs) = layout.Graph(top);
            foreach (var d in children.Concat(blobs).Append(top).Where(d => layout.Exists(d.Digest)))
            {
                seen[d.Digest] = d.Size;
            }
        }
        return seen.Values.Sum();
    }

    /// <summary>The site registry: reachable with these credentials, and (when <paramref name="probePush"/>) accepting a push.</summary>
    private static async Task<List<PreflightCheck>> RegistryChecksAsync(OpenedBundle bundle, string siteRegistry, RegistryClient registry,
        bool probePush, CancellationToken ct)
    {
        var first = bundle.Images.FirstOrDefault();
        if (first.Ref is null)
        {
            return [new PreflightCheck("registry", PreflightCheck.Skip, "the bundle carries no images", "", "")];
        }
        var target = ImageCopier.PushTarget(first.Ref, siteRegistry);
        var checks = new List<PreflightCheck>();
        try
        {
            await registry.BlobExistsAsync(target.Registry, target.Repository, Digest.Parse(first.Digest), ct).ConfigureAwait(false);
            checks.Add(new PreflightCheck("registry", PreflightCheck.Pass, $"{siteRegistry} reachable, credentials accepted", "reachable", ""));
        }
        catch (OciException e)
        {
            checks.Add(new PreflightCheck("registry", PreflightCheck.Fail, $"site registry {siteRegistry}: {e.Message}",
                "reachable with these credentials",
                "check the site registry's address, its TLS trust and its credentials")
            {
                Remedies = [Remedy.Registry, Remedy.Insecure, Remedy.CaFile, Remedy.Credentials],
            });
            return checks;
        }
        if (await registry.FreeBytesAsync(target.Registry, ct).ConfigureAwait(false) is { } free)
        {
            var needed = ImageBytes(bundle);
            checks.Add(new PreflightCheck("registry storage", free >= needed ? PreflightCheck.Pass
                : PreflightCheck.Fail, $"{Quantity.Bytes(free)} free",
                $"up to {Quantity.Bytes(needed)} for the bundle's images (blobs the registry has are skipped)",
                free >= needed ? "" : "free space on the disk of the registry's storage folder, or move it to a larger disk"));
        }
        if (!probePush)
        {
            return checks;
        }
        var probe = RandomNumberGenerator.GetBytes(32);
        var blob = new Descriptor("application/octet-stream", Digest.Of(probe), probe.Length);
        try
        {
            await registry.UploadBlobAsync(target.Registry, target.Repository, blob, () => new MemoryStream(probe), ct: ct).ConfigureAwait(false);
            var deleted = await registry.DeleteBlobAsync(target.Registry, target.Repository, blob.Digest, ct).ConfigureAwait(false);
            var fate = deleted ? "deleted" : "left (the registry does not allow deletes; nothing refers to it, so its garbage collection removes it)";
            checks.Add(new PreflightCheck("registry push", PreflightCheck.Pass,
                $"a {probe.Length}-byte probe blob pushed to {target.Registry}/{target.Repository} and {fate}", "push allowed", ""));
        }
        catch (OciException e)
        {
            checks.Add(new PreflightCheck("registry push", PreflightCheck.Fail, $"pushing a probe blob to {target.Registry}" +
                $"/{target.Repository}: {e.Message}", "push allowed",
                "give the credentials write access to the repository (or check the registry's free space)"));
        }
        return checks;
    }
}
