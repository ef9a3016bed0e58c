using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Charts;
using Ferry.Charts.Releases;
using Ferry.Templates.Values;
using k8s;

namespace Ferry.Kube;

/// <summary>A rendered chart ready to go to the cluster: what <c>helm upgrade --install</c> would send.</summary>
public sealed record ReleasePlan(
    string Name,
    string Namespace,
    string ChartJson,
    string ConfigJson,
    IReadOnlyList<Manifest> Manifests,
    IReadOnlyList<Hook> Hooks,
    string Notes = "",
    IReadOnlyList<Manifest>? Crds = null)
{
    /// <summary>The chart's name and version as "NAME VERSION" (what <see cref="ChartJson"/> records), for reports.</summary>
    public string ChartLabel { get; init; } = "";
}

/// <summary>
/// How to deploy, with helm's meanings: readiness timeout, whether to wait, history limit (0: unlimited), conflict
/// forcing; whether to run hooks, a description for the new revision instead of "Upgrade complete", whether to leave
/// the chart's crds/ alone, whether a failed upgrade or rollback deletes the objects it created, and how an uninstall
/// deletes (Kubernetes' propagation policy: Background, Foreground or Orphan).
/// </summary>
public sealed record DeployOptions(
    TimeSpan Timeout,
    bool Wait = true,
    int HistoryMax = 10,
    bool Force = false,
    TimeSpan? PollInterval = null,
    bool NoHooks = false,
    string? Description = null,
    bool SkipCrds = false,
    bool CleanupOnFail = false,
    string Propagation = "Background");

/// <summary>
/// Install, upgrade and rollback with Helm's semantics and records: a pending revision is recorded first; hooks
/// run by event in weight order with their delete policies (Jobs and Pods are waited for); CRDs are applied and
/// established before everything else; objects are server-side applied in install order; objects the previous
/// revision had and this one does not are pruned; everything is waited for; then the revision becomes deployed
/// and the previous one superseded. A failure marks the revision failed (with the reason) and rethrows.
/// </summary>
public sealed partial class ReleaseManager(IKubernetes client, TimeProvider? clock = null)
{
    private readonly ReleaseStore _store = new(client);
    private readonly Applier _applier = new(client);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Namespaces this manager has made sure exist (<see cref="EnsureNamespaceAsync"/>).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _namespaces = new(StringComparer.Ordinal);

    public ReleaseStore Store => _store;

    public Applier Applier => _applier;

    /// <summary>
    /// What <see cref="UpgradeOrInstallAsync"/> makes of a release with <paramref name="history"/> (oldest first): an
    /// upgrade when a revision is deployed, else an install; numbered after the last revision. Renders ask it too, so
    /// .Release.IsUpgrade and Revision say what the deploy then does.
    /// </summary>
    public static (bool IsUpgrade, int Version) NextRevision(IReadOnlyList<Release> history) =>
        (ReleaseStore.Deployed(history) is not null, (history.Count == 0 ? 0 : history[^1].Version) + 1);

    public async Task<Release> UpgradeOrInstallAsync(ReleasePlan plan, DeployOptions options, CancellationToken ct = default)
    {
        var history = await _store.HistoryAsync(plan.Name, plan.Namespace, ct).ConfigureAwait(false);
        var deployed = ReleaseStore.Deployed(history);
        var (upgrade, version) = NextRevision(history);
        var install = !upgrade;
        var release = NewRevision(plan.Name, plan.Namespace, version,
            plan.ChartJson, plan.ConfigJson, Join(plan.Manifests), plan.Hooks, plan.Notes,
            install ? ReleaseStatus.PendingInstall : ReleaseStatus.PendingUpgrade, install ? "Initial install underway" : "Preparing upgrade");
        release.Info.FirstDeployed = history.Count == 0 ? release.Info.LastDeployed : history[0].Info.FirstDeployed;
        await CheckOwnershipAsync(plan, deployed, options, ct).ConfigureAwait(false);
        if (!options.SkipCrds)
        {
            await ApplyCrdsAsync(plan, options, ct).ConfigureAwait(false);
        }
        return await RunAsync(release, deployed, history, install ? (HookEvent.PreInstall, HookEvent.PostInstall, "Install complete")
            : (HookEvent.PreUpgrade, HookEvent.PostUpgrade, "Upgrade complete"), options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The revision a rollback to <paramref name="toVersion"/> (default, as Helm: the one before the latest) restores,
    /// and the number the new revision gets; nothing is changed (<c>ferry rollback --dry-run</c>).
    /// </summary>
    public async Task<(Release Target, int NewVersion)> RollbackTargetAsync(string name, string ns, int? toVersion, CancellationToken ct = default)
    {
        var history = await _store.HistoryAsync(name, ns, ct).ConfigureAwait(false);
        return (RollbackTarget(history, name, ns, toVersion), history[^1].Version + 1);
    }

    private static Release RollbackTarget(IReadOnlyList<Release> history, string name, string ns, int? toVersion)
    {
        if (history.Count == 0)
        {
            throw new KubeException($"release {name} not found in namespace {ns}; nothing to roll back");
        }
        return toVersion is { } v
            ? history.FirstOrDefault(r => r.Version == v) ?? throw new KubeException($"release {name} has no revision {v}" +
                $" (revisions: {string.Join(", ", history.Select(r => r.Version))})")
            : history.LastOrDefault(r => r.Version == history[^1].Version - 1)
              ?? throw new KubeException($"release {name} has no revision before {history[^1].Version} to roll back to (as helm rollback, " +
                  "give a revision)");
    }

    /// <summary>Rolls back to <paramref name="toVersion"/> (default, as Helm: the revision before the latest) as a new revision.</summary>
    public async Task<Release> RollbackAsync(string name, string ns, int? toVersion, DeployOptions options, CancellationToken ct = default)
    {
        var history = await _store.HistoryAsync(name, ns, ct).ConfigureAwait(false);
        var target = RollbackTarget(history, name, ns, toVersion);
        var current = ReleaseStore.Deployed(history) ?? history[^1];
        var hooks = target.Hooks.Select(h => new Hook(h.Name, h.Kind, h.Path, h.Manifest, h.Events, h.Weight, h.DeletePolicies)).ToList();
        var release = NewRevision(name, ns, history[^1].Version + 1, target.ChartJson, target.ConfigJson, target.Manifest, hooks, target.Info.Notes,
            ReleaseStatus.PendingRollback, $"Rollback to {target.Version}");
        release.Info.FirstDeployed = history[0].Info.FirstDeployed;
        var previous = ReleaseStore.Deployed(history) ?? current;
        return await RunAsync(release, previous, history,
            (HookEvent.PreRollback, HookEvent.PostRollback, $"Rollback to {target.Version}"), options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Repairs what an interrupted operation (a killed <c>ferry deploy</c> or <c>helm upgrade</c>) left behind: a
    /// revision still pending-install/upgrade/rollback is marked failed, and when several revisions say deployed
    /// only the newest keeps that status. Call it only while no other operation on the release can be running.
    /// Returns one line per repair.
    /// </summary>
    public async Task<IReadOnlyList<string>> RepairAsync(string name, string ns, CancellationToken ct = default) =>
        await RepairAsync(name, await _store.HistoryAsync(name, ns, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>The same repairs on a history already read (its records are updated in place, so it stays current).</summary>
    public async Task<IReadOnlyList<string>> RepairAsync(string name, IReadOnlyList<Release> history, CancellationToken ct = default)
    {
        var repairs = new List<string>();
        foreach (var pending in history.Where(r =>
            r.Info.Status is ReleaseStatus.PendingInstall or ReleaseStatus.PendingUpgrade or ReleaseStatus.PendingRollback))
        {
            repairs.Add($"release {name} revision {pending.Version} was left {pending.Info.Status} by an interrupted operation; marked failed");
            pending.Info.Description = $"Interrupted ({pending.Info.Status}: {pending.Info.Description}); marked failed by ferry";
            pending.Info.Status = ReleaseStatus.Failed;
            await _store.UpdateAsync(pending, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        foreach (var stale in history.Where(r => r.Info.Status == ReleaseStatus.Deployed).SkipLast(1))
        {
            repairs.Add($"release {name} revision {stale.Version} still said deployed after a newer revision was deployed; marked superseded");
            stale.Info.Status = ReleaseStatus.Superseded;
            await _store.UpdateAsync(stale, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        return repairs;
    }

    /// <summary>
    /// The manifests whose objects may be live: the last deployed revision's and every later (failed or interrupted)
    /// revision's, so objects a failed or interrupted revision created are pruned too; all revisions when none deployed.
    /// </summary>
    private static string PruneBase(IReadOnlyList<Release> history)
    {
        var deployedAt = history.Select((r, i) => (r, i)).LastOrDefault(x => x.r.Info.Status == ReleaseStatus.Deployed).i;
        return string.Concat(history.Skip(deployedAt)
            .Select(r => r.Manifest.EndsWith('\n') || r.Manifest.Length == 0 ? r.Manifest : r.Manifest + "\n"));
    }

    /// <summary>
    /// What uninstalling would do, changing nothing (<c>ferry uninstall --dry-run</c>): the release's last revision, the
    /// objects deleted (in uninstall order), those kept by <c>helm.sh/resource-policy: keep</c>, and those another release
    /// has taken over since (with its owner: they stay).
    /// </summary>
    public async Task<(Release Last, IReadOnlyList<ResourceKey> Deleted, IReadOnlyList<ResourceKey> Kept,
        IReadOnlyList<(ResourceKey Key, string Owner)> Taken)> PlanUninstallAsync(string name, string ns, CancellationToken ct = default)
    {
        var history = await _store.HistoryAsync(name, ns, ct).ConfigureAwait(false);
        if (history.Count == 0)
        {
            throw new KubeException($"release {name} not found in namespace {ns}; nothing to uninstall");
        }
        var last = history[^1];
        var kept = PrunePlan.Objects(last.Manifest, ns).Where(e => e.Keep).Select(e => e.Key).ToList();
        var deleted = new List<ResourceKey>();
        var taken = new List<(ResourceKey, string)>();
        foreach (var key in PrunePlan.Compute(last.Manifest, "", ns))
        {
            if (await OtherOwnerAsync(key, name, ns, ct).ConfigureAwait(false) is { } owner)
            {
                taken.Add((key, owner));
            }
            else
            {
                deleted.Add(key);
            }
        }
        return (last, deleted, kept, taken);
    }

    /// <summary>
    /// Uninstalls a release as Helm does: pre-delete hooks, its objects deleted in uninstall order (except those
    /// annotated <c>helm.sh/resource-policy: keep</c>) with the options' propagation policy, post-delete hooks
    /// (none with NoHooks), then — with Wait — until the objects are gone, then its records deleted — or, with
    /// <paramref name="keepHistory"/>, the last one marked uninstalled.
    /// </summary>
    public async Task<Release> UninstallAsync(string name, string ns, bool keepHistory, DeployOptions options, CancellationToken ct = default)
    {
        var (last, doomed, _, _) = await PlanUninstallAsync(name, ns, ct).ConfigureAwait(false);
        last.Info.Status = ReleaseStatus.Uninstalling;
        await _store.UpdateAsync(last, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        await RunHooksAsync(last, HookEvent.PreDelete, options, ct).ConfigureAwait(false);
        foreach (var key in doomed)
        {
            await _applier.DeleteAsync(key, options.Propagation, ct).ConfigureAwait(false); // another release's objects left out
        }
        await RunHooksAsync(last, HookEvent.PostDelete, options, ct).ConfigureAwait(false);
        if (options.Wait)
        {
            await _applier.WaitGoneAsync(doomed, options.Timeout, options.PollInterval, ct).ConfigureAwait(false);
        }
        if (keepHistory)
        {
            last.Info.Status = ReleaseStatus.Uninstalled;
            last.Info.Deleted = _clock.GetUtcNow();
            last.Info.Description = "Uninstallation complete";
            await _store.UpdateAsync(last, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        else
        {
            await _store.DeleteAllAsync(name, ns, ct).ConfigureAwait(false);
            last.Info.Status = ReleaseStatus.Uninstalled;
        }
        return last;
    }

    private Release NewRevision(string name, string ns, int version, string chartJson, string configJson, string manifest, IEnumerable<Hook> hooks,
        string notes, string status, string description)
    {
        var now = _clock.GetUtcNow();
        return new Release
        {
            Name = name,
            Namespace = ns,
            Version = version,
            ChartJson = chartJson,
            ConfigJson = configJson,
            Manifest = manifest,
            Info = new ReleaseInfo { FirstDeployed = now, LastDeployed = now, Status = status, Description = description, Notes = notes },
            ApplyMethod = ApplyMethods.ServerSide, // Ferry applies server-side: helm upgrade of this release takes the same path
            Hooks = hooks.Select(h =>
                new ReleaseHook { Name = h.Name, Kind = h.Kind, Path = h.Path, Manifest = h.Manifest, Events = [.. h.Events], Weight = h.Weight,
                    DeletePolicies = [.. h.DeletePolicies] }).ToList(),
        };
    }

    /// <summary>
    /// The chart's crds/ objects, applied and established before the release (as helm install does), and outside
    /// its manifest, so uninstalling or pruning never deletes them (nor the custom resources of other releases).
    /// Unlike Helm, every deploy applies them, so a new chart version's CRD changes reach the site (Flux's
    /// CreateReplace policy); server-side apply leaves an unchanged CRD untouched.
    /// </summary>
    private async Task ApplyCrdsAsync(ReleasePlan plan, DeployOptions options, CancellationToken ct)
    {
        var applied = new List<ResourceKey>();
        foreach (var file in plan.Crds ?? [])
        {
            foreach (var doc in ManifestSorter.SplitManifests(file.Content))
            {
                if (ToJson(doc) is { } obj)
                {
                    applied.Add(KeyOf(await _applier.ApplyAsync(obj, plan.Namespace, options.Force, ct: ct).ConfigureAwait(false), plan.Namespace));
                }
            }
        }
        if (applied.Count > 0)
        {
            await _applier.WaitAsync(applied, options.Timeout, options.PollInterval, ct: ct).ConfigureAwait(false);
        }
    }

    private async Task<Release> RunAsync(Release release, Release? previous, IReadOnlyList<Release> history,
        (HookEvent Pre, HookEvent Post, string Done) events, DeployOptions options, CancellationToken ct)
    {
        var pruneBase = PruneBase(history);
        await EnsureNamespaceAsync(release.Namespace, ct).ConfigureAwait(false);
        await _store.CreateAsync(release, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        try
        {
            await RunHooksAsync(release, events.Pre, options, ct).ConfigureAwait(false);
            var applied = new List<ResourceKey>();
            var answers = new List<JsonObject>();
            foreach (var doc in ManifestSorter.SplitManifests(release.Manifest))
            {
                var obj = ToJson(doc);
                if (obj is null)
                {
                    continue;
                }
                MarkOwned(obj, release.Name, release.Namespace);
                var live = await _applier.ApplyAsync(obj, release.Namespace, options.Force, ct: ct).ConfigureAwait(false);
                var key = KeyOf(live, release.Namespace);
                applied.Add(key);
                answers.Add(live);
                if (key.Kind == "CustomResourceDefinition")
                {
                    await _applier.WaitAsync([key], options.Timeout, options.PollInterval, ct: ct).ConfigureAwait(false);
                }
            }
            foreach (var gone in PrunePlan.Compute(pruneBase, release.Manifest, release.Namespace))
            {
                await DeleteOwnAsync(gone, release.Name, release.Namespace, ct: ct).ConfigureAwait(false);
            }
            if (options.Wait)
            {
                await _applier.WaitAsync(applied, options.Timeout, options.PollInterval, answers, ct).ConfigureAwait(false);
            }
            await RunHooksAsync(release, events.Post, options, ct).ConfigureAwait(false);
        }
        catch (KubeException e)
        {
            if (options.CleanupOnFail && events.Pre != HookEvent.PreInstall)
            {
                await CleanUpCreatedAsync(release, pruneBase, ct).ConfigureAwait(false);
            }
            release.Info.Status = ReleaseStatus.Failed;
            // Helm's words: Release "x" failed / Upgrade "x" failed / Rollback "x" failed
            var operation = events.Pre == HookEvent.PreInstall ? "Release" : events.Pre == HookEvent.PreUpgrade ? "Upgrade" : "Rollback";
            release.Info.Description = $"{operation} \"{release.Name}\" failed: {e.Message}";
            release.Info.LastDeployed = _clock.GetUtcNow();
            await _store.UpdateAsync(release, _clock.GetUtcNow(), ct).ConfigureAwait(false);
            throw;
        }
        // The new revision says deployed before the previous one says superseded: an interruption in between leaves
        // two deployed revisions (RepairAsync keeps the newest), never none.
        release.Info.Status = ReleaseStatus.Deployed;
        release.Info.Description = string.IsNullOrEmpty(options.Description) ? events.Done : options.Description;
        release.Info.LastDeployed = _clock.GetUtcNow();
        await _store.UpdateAsync(release, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        if (previous is not null && previous.Info.Status == ReleaseStatus.Deployed)
        {
            previous.Info.Status = ReleaseStatus.Superseded;
            await _store.UpdateAsync(previous, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        if (options.HistoryMax > 0 && history.Count + 1 > options.HistoryMax)
        {
            // only a history the new revision takes past the limit has records to drop (read again: others may have come)
            await _store.PruneHistoryAsync(release.Name, release.Namespace, options.HistoryMax, ct).ConfigureAwait(false);
        }
        return release;
    }

    /// <summary>
    /// helm's --cleanup-on-fail: after a failed upgrade or rollback, deletes the objects this revision brought that no
    /// earlier revision had (those it created); what existed before stays. Deletion failures are not the error to report.
    /// </summary>
    private async Task CleanUpCreatedAsync(Release release, string pruneBase, CancellationToken ct)
    {
        foreach (var created in PrunePlan.Compute(release.Manifest, pruneBase, release.Namespace))
        {
            try
            {
                await DeleteOwnAsync(created, release.Name, release.Namespace, ct: ct).ConfigureAwait(false);
            }
            catch (KubeException)
            {
                // the failure being reported matters more; the object stays for the next deploy to take over or prune
            }
        }
    }

    /// <summary>Runs the hooks of one event (none with NoHooks): weight order (then name), delete policies, Jobs and Pods waited for.</summary>
    private async Task RunHooksAsync(Release release, HookEvent hookEvent, DeployOptions options, CancellationToken ct)
    {
        if (options.NoHooks)
        {
            return;
        }
        foreach (var hook in release.Hooks.Where(h => h.Events.Contains(hookEvent)).OrderBy(h => h.Weight)
            .ThenBy(h => h.Name, StringComparer.Ordinal))
        {
            var obj = ToJson(hook.Manifest) ?? throw new KubeException($"hook {hook.Path}: empty manifest");
            var key = KeyOf(obj, release.Namespace);
            var policies = hook.DeletePolicies.Count == 0 ? [HookDeletePolicy.BeforeHookCreation] : hook.DeletePolicies;
            if (policies.Contains(HookDeletePolicy.BeforeHookCreation))
            {
                await _applier.DeleteAsync(key, ct).ConfigureAwait(false);
            }
            hook.LastRunStarted = _clock.GetUtcNow();
            hook.LastRunPhase = HookPhase.Running;
            try
            {
                await _applier.ApplyAsync(obj, release.Namespace, options.Force, ct: ct).ConfigureAwait(false);
                if (key.Kind is "Job" or "Pod")
                {
                    await _applier.WaitAsync([key], options.Timeout, options.PollInterval, ct: ct).ConfigureAwait(false);
                }
            }
            catch (KubeException e)
            {
                hook.LastRunPhase = HookPhase.Failed;
                hook.LastRunCompleted = _clock.GetUtcNow();
                if (policies.Contains(HookDeletePolicy.HookFailed))
                {
                    await _applier.DeleteAsync(key, ct).ConfigureAwait(false);
                }
                throw new KubeException($"{hookEvent} hook {hook.Path} ({key}) failed: {e.Message}", e);
            }
            hook.LastRunPhase = HookPhase.Succeeded;
            hook.LastRunCompleted = _clock.GetUtcNow();
            if (policies.Contains(HookDeletePolicy.HookSucceeded))
            {
                await _applier.DeleteAsync(key, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates the release's namespace if missing (helm's --create-namespace), once per namespace for this manager: a deploy shares one
    /// manager across its apps.</summary>
    private async Task EnsureNamespaceAsync(string ns, CancellationToken ct)
    {
        if (_namespaces.ContainsKey(ns))
        {
            return;
        }
        await _applier.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } },
            "", false, ct: ct).ConfigureAwait(false);
        _namespaces[ns] = true;
    }

    private static ResourceKey KeyOf(JsonObject obj, string defaultNamespace)
    {
        var kind = obj["kind"]?.GetValue<string>() ?? "";
        var md = obj["metadata"];
        var ns = md?["namespace"]?.GetValue<string>() ?? (PrunePlan.IsClusterScoped(kind) ? "" : defaultNamespace);
        return new ResourceKey(obj["apiVersion"]?.GetValue<string>() ?? "", kind, ns, md?["name"]?.GetValue<string>() ?? "");
    }

    /// <summary>A YAML document as JSON (null for documents holding nothing).</summary>
    public static JsonObject? ToJson(string yaml)
    {
        var data = DataReader.FromYaml(yaml, NumberMode.IntWhenIntegral);
        return data is Dictionary<string, object?> map && map.Count > 0 ? (JsonObject)ToNode(map)! : null;
    }

    /// <summary>A YAML data tree (maps, lists, scalars as DataReader reads them) as JSON nodes, without reflection.</summary>
    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        Dictionary<string, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key, ToNode(kv.Value)))),
        List<object?> list => new JsonArray([.. list.Select(ToNode)]),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>Whether deploying <paramref name="plan"/> over the <paramref name="deployed"/> revision would change nothing.</summary>
    public static bool IsUnchanged(Release deployed, ReleasePlan plan) =>
        deployed.Manifest == Join(plan.Manifests) && deployed.ConfigJson == plan.ConfigJson && deployed.ChartJson == plan.ChartJson
        && deployed.Hooks.OrderBy(h => h.Path, StringComparer.Ordinal).ThenBy(h => h.Name, StringComparer.Ordinal).Select(h => (h.Path, h.Manifest))
            .SequenceEqual(plan.Hooks.OrderBy(h => h.Path, StringComparer.Ordinal).ThenBy(h => h.Name, StringComparer.Ordinal)
                .Select(h => (h.Path, h.Manifest)));

    /// <summary>A release's manifest followed by its hooks (as <c>helm get all</c> shows them), for diffs.</summary>
    public static string WithHooks(string manifest, IEnumerable<(string Path, string Manifest)> hooks)
    {
        var sb = new StringBuilder(manifest);
        foreach (var (path, hook) in hooks.OrderBy(h => h.Path, StringComparer.Ordinal))
        {
            sb.Append("---\n# Source: ").Append(path).Append(" (hook)\n").Append(hook.TrimEnd('\n')).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The release manifest Helm stores: every document with its <c># Source:</c> line.</summary>
    public static string Join(IEnumerable<Manifest> manifests)
    {
        var sb = new StringBuilder();
        foreach (var m in manifests)
        {
            sb.Append("---\n# Source: ").Append(m.Name).Append('\n').Append(m.Content.TrimEnd('\n')).Append('\n');
        }
        return sb.ToString();
    }
}
