using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Kube;
using k8s;

namespace Ferry.Bundles;

/// <summary>What deploy would do with an app.</summary>
public enum PlanAction
{
    /// <summary>Offline: rendered only, nothing compared with a cluster.</summary>
    Render,
    Install,
    Upgrade,
    Unchanged,
}

/// <summary>
/// One app of a deploy plan; <see cref="Diff"/> is the unified diff of the live release manifest and the new one;
/// <see cref="Conflicts"/> the objects whose fields other managers (helm, kubectl) own with other values, which the
/// deploy would stop at unless given <c>--force-conflicts</c>.
/// </summary>
public sealed record AppPlan(string App, string Namespace, PlanAction Action, string Chart, int Objects, int Hooks, IReadOnlyList<string> Images,
    int? DeployedRevision, string Diff)
{
    public IReadOnlyList<string> Conflicts { get; init; } = [];

    /// <summary>The action as plan prints it: render, install, upgrade, unchanged.</summary>
    public string ActionName => Action.ToString().ToLowerInvariant();

    /// <summary>
    /// What an upgrade without a diff changes, said plainly: the objects stay as they are; the release's values or chart
    /// record differ, so it gets a new revision. Empty otherwise.
    /// </summary>
    public string Note => Action == PlanAction.Upgrade && Diff.Length == 0
        ? $"{App}: objects unchanged; its release's values or recorded chart differ, so the deploy records revision {DeployedRevision + 1}"
        : "";
}

/// <summary>What <c>ferry deploy</c> would do: per app, the env changes, and the images it would push.</summary>
public sealed record DeployPlan(string Bundle, IReadOnlyList<AppPlan> Apps, IReadOnlyList<string> EnvChanges, IReadOnlyList<string> Images)
{
    /// <summary>The preflight checks deploy would run first (without the registry's; offline: the env's and the rendering's).</summary>
    public IReadOnlyList<PreflightCheck> Preflight { get; init; } = [];
}

/// <summary>
/// <c>ferry plan</c>: what <c>ferry deploy</c> would do, without changing anything. It verifies the bundle, applies
/// its env migrations to the env (from the cluster's deploy-env, or an env file for offline review) and checks it,
/// renders every app with it and the site registry (images pinned to the digests the bundle carries), and, given a
/// cluster, compares each app with its deployed release: install, upgrade or unchanged, with a unified diff of the
/// manifests. Secret values (keys the env marks secret, and the data of Secret objects) are masked everywhere.
/// </summary>
public static partial class Planner
{
    public const string Masked = "<masked>";

    /// <summary>What the deployed side of a plan shows where a secret value changed since.</summary>
    public const string MaskedChanged = "<masked, changed>";

    public static async Task<DeployPlan> PlanAsync(string bundlePath, string siteRegistry, SiteEnv env, IKubernetes? client, string? publicKey = null,
        string envNamespace = DeployEnv.DefaultNamespace, IProgress<string>? log = null, CancellationToken ct = default)
    {
        var policyKey = client is null ? null : await new SitePolicy(client, envNamespace).PublicKeyAsync(ct).ConfigureAwait(false);
        using var bundle = OpenedBundle.Open(bundlePath, publicKey, policyKey);
        var spec = bundle.Spec;
        // objects of other releases are listed with each app's conflicts below, not as a failed check
        var preflight = await Preflight.RunAsync(bundle, env, siteRegistry, client, registry: null, probePush: false, log, takesOver: _ => true, ct)
            .ConfigureAwait(false);
        if (preflight.Blocking.ToList() is { Count: > 0 } blocking)
        {
            throw PreflightResult.Refusal(blocking);
        }
        var (site, renames) = (preflight.Env, preflight.Renames);
        var secrets = spec.Env.Where(v => v.Secret).Select(v => v.Name).Concat(site.SecretKeys)
            .Select(k => site.Values.GetValueOrDefault(k)).OfType<string>().Where(v => v.Length >= 3).Distinct().ToList();

        var envChanges = renames.Select(r => $"rename {r.From} to {r.To}").ToList();
        if (client is not null)
        {
            var last = (await DeployJournal.ListAsync(client, envNamespace, ct).ConfigureAwait(false)).FirstOrDefault(j => j.Product == spec.Name);
            if (last is not null && EnvCheck.FromJournal(last) is { } before)
            {
                envChanges.AddRange(EnvChanges(before, EnvCheck.Recordable(spec, site)));
            }
        }

        var siteRefs = bundle.SiteReferences(siteRegistry);
        var store = client is null ? null : new ReleaseStore(client);
        var manager = client is null ? null : new ReleaseManager(client); // one for every app: resource mappings learned once
        // every app's release history, one list call per namespace (as deploy reads them)
        var histories = store is null ? null
            : preflight.Histories ?? await store.HistoriesAsync(spec.Apps.Select(a => a.Namespace), ct).ConfigureAwait(false);
        var plans = new List<AppPlan>();
        foreach (var app in AppRenderer.Ordered(spec))
        {
            if (!preflight.Plans.TryGetValue(app.Name, out var plan))
            {
                continue; // not rendered: preflight says why
            }
            var manifest = ReleaseManager.Join(plan.Manifests);
            var images = plan.Manifests.Select(m => m.Content).Concat(plan.Hooks.Select(h => h.Manifest))
                .SelectMany(c => siteRefs.Values.Where(v => c.Contains(v, StringComparison.Ordinal))).Distinct().Order(StringComparer.Ordinal)
                    .ToList();
            var chartName = plan.ChartLabel;
            PlanAction action;
            string diff;
            int? revision = null;
            IReadOnlyList<string> conflicts = [];
            if (store is null)
            {
                action = PlanAction.Render;
                diff = "";
            }
            else
            {
                var deployed = ReleaseStore.Deployed(histories![app.Namespace].GetValueOrDefault(app.Name) ?? []);
                revision = deployed?.Version;
                action = deployed is null ? PlanAction.Install
                    : ReleaseManager.IsUnchanged(deployed, plan) ? PlanAction.Unchanged
                    : PlanAction.Upgrade;
                var before = deployed is null ? "" : ReleaseManager.WithHooks(deployed.Manifest, deployed.Hooks.Select(h => (h.Path, h.Manifest)));
                var after = ReleaseManager.WithHooks(manifest, plan.Hooks.Select(h => (h.Path, h.Manifest)));
                var maskedAfter = Mask(after, secrets);
                diff = UnifiedDiff.Create(MaskLike(Mask(before, secrets), maskedAfter), maskedAfter,
                    deployed is null ? "/dev/null" : $"{app.Name} revision {deployed.Version} (deployed)", $"{app.Name} ({bundle.Label})");
                if (action != PlanAction.Unchanged)
                {
                    conflicts = await manager!.PredictConflictsAsync(plan, deployed, ct).ConfigureAwait(false);
                }
            }
            plans.Add(new AppPlan(app.Name, app.Namespace, action, chartName, plan.Manifests.Count, plan.Hooks.Count, images, revision,
                diff) { Conflicts = conflicts });
        }
        var pushes = bundle.Images.Select(i => $"{i.Ref} -> {siteRefs[i.Ref]}").ToList();
        return new DeployPlan(bundle.Label, plans, envChanges, pushes) { Preflight = preflight.Checks };
    }

    /// <summary>How the recordable env changed since the last deploy: values changed, set, no longer set.</summary>
    private static IEnumerable<string> EnvChanges(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var (had, was) = (before.TryGetValue(key, out var b), b);
            var (has, now) = (after.TryGetValue(key, out var n), n);
            if (had && has && was != now)
            {
                yield return $"{key}: \"{was}\" -> \"{now}\"";
            }
            else if (had != has)
            {
                yield return has ? $"{key}: set to \"{now}\"" : $"{key}: no longer set (\"{was}\")";
            }
        }
    }

    /// <summary>Site settings from a dotenv file (offline review); keys declared secret by the bundle are treated as secret.</summary>
    public static SiteEnv EnvFromFile(string path) =>
        new(SpecLoader.ReadDotEnv(path), new HashSet<string>(StringComparer.Ordinal));

    /// <summary>
    /// Masks secrets in a release manifest: the values under <c>data</c>/<c>stringData</c> of Secret objects, and
    /// every occurrence of a secret env value (plain or base64).
    /// </summary>
    public static string Mask(string manifest, IReadOnlyCollection<string> secretValues)
    {
        var sb = new StringBuilder(manifest.Length);
        foreach (var doc in SplitKeepingSeparators(manifest))
        {
            sb.Append(SecretKind().IsMatch(doc) ? MaskSecretData(doc) : doc);
        }
        var text = sb.ToString();
        foreach (var value in secretValues.OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, Masked, StringComparison.Ordinal)
                .Replace(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), Masked, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>
    /// Masks in <paramref name="before"/> (the deployed manifest) what stands where <paramref name="maskedAfter"/> has a
    /// mask: a line of the same shape whose secret changed (<c>value: "old"</c> beside <c>value: "&lt;masked&gt;"</c>)
    /// would otherwise show the old secret, which the site's env no longer holds and so cannot be masked by value.
    /// </summary>
    public static string MaskLike(string before, string maskedAfter)
    {
        var shapes = new Dictionary<string, List<(string Suffix, string[] Parts)>>(StringComparer.Ordinal);
        foreach (var line in maskedAfter.Split('\n').Where(l => l.Contains(Masked, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            var parts = line.Split(Masked);
            if (!shapes.TryGetValue(parts[0], out var list))
            {
                shapes[parts[0]] = list = [];
            }
            list.Add((parts[^1], parts));
        }
        if (shapes.Count == 0)
        {
            return before;
        }
        var lines = before.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var (prefix, candidates) in shapes.Where(kv => lines[i].StartsWith(kv.Key, StringComparison.Ordinal)))
            {
                foreach (var (suffix, parts) in candidates.Where(c => lines[i].EndsWith(c.Suffix, StringComparison.Ordinal)))
                {
                    if (Captures(lines[i], parts) is { } old)
                    {
                        // a place whose secret changed says so, and shows neither value
                        var sb = new StringBuilder(parts[0]);
                        for (var p = 1; p < parts.Length; p++)
                        {
                            sb.Append(old[p - 1] == Masked ? Masked : MaskedChanged).Append(parts[p]);
                        }
                        lines[i] = sb.ToString();
                    }
                }
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>The texts between <paramref name="parts"/> when <paramref name="line"/> is them joined by non-empty texts; else null.</summary>
    private static List<string>? Captures(string line, string[] parts)
    {
        var captured = new List<string>();
        var at = parts[0].Length;
        for (var p = 1; p < parts.Length; p++)
        {
            var next = p == parts.Length - 1 ? line.Length - parts[p].Length : line.IndexOf(parts[p], at + 1, StringComparison.Ordinal);
            if (next <= at || (p == parts.Length - 1 && !line.EndsWith(parts[p], StringComparison.Ordinal)))
            {
                return null;
            }
            captured.Add(line[at..next]);
            at = next + parts[p].Length;
        }
        return captured;
    }

    private static IEnumerable<string> SplitKeepingSeparators(string manifest)
    {
        var start = 0;
        foreach (Match m in DocumentStart().Matches(manifest))
        {
            if (m.Index > start)
            {
                yield return manifest[start..m.Index];
            }
            start = m.Index;
        }
        yield return manifest[start..];
    }

    private static string MaskSecretData(string doc)
    {
        var lines = doc.Split('\n');
        var dataIndent = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = line.Length - line.TrimStart(' ').Length;
            if (dataIndent >= 0 && line.Trim().Length > 0 && indent <= dataIndent)
            {
                dataIndent = -1;
            }
            if (dataIndent < 0)
            {
                if (DataKey().IsMatch(line))
                {
                    dataIndent = indent;
                }
                continue;
            }
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && line.Trim().Length > 0)
            {
                lines[i] = line[..(colon + 2)] + Masked;
            }
        }
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentStart();

    [GeneratedRegex(@"^kind:\s*[""']?Secret[""']?\s*$", RegexOptions.Multiline)]
    private static partial Regex SecretKind();

    [GeneratedRegex(@"^\s*(data|stringData):\s*$")]
    private static partial Regex DataKey();
}
