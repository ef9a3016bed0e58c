using Ferry.Charts.Releases;
using Ferry.Kube;
using Ferry.Oci;
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

    /// <summary>How many independent apps deploy at once.</summary>
    public int Parallel { get; init; } = 4;

    /// <summary>How long a deploy journal without heartbeat keeps other deploys out (holders on other hosts).</summary>
    public TimeSpan Lease { get; init; } = DeployJournal.DefaultLease;

    /// <summary>
    /// Go on when preflight checks fail (recorded in the deploy journal). The env, the rendering and the registry's
    /// reachability still have to pass: without them there is nothing to deploy.
    /// </summary>
    public bool SkipPreflight { get; init; }

    /// <summary>Take the deploy journal even if its holder looks alive.</summary>
    public bool ForceUnlock { get; init; }

    /// <summary>
    /// Apps (or <see cref="AllApps"/>) whose fields owned by other field managers (a helm upgrade, kubectl edit) Ferry
    /// takes over, as <c>helm --force-conflicts</c> does, and whose objects another release owns it takes over, as
    /// <c>helm --take-ownership</c> does; without it such a deploy stops at the first conflict and names it.
    /// </summary>
    public IReadOnlySet<string> ForceConflicts { get; init; } = new HashSet<string>();

    public const string AllApps = "*";

    public bool ForcesConflicts(string app) => ForceConflicts.Contains(AllApps) || ForceConflicts.Contains(app);

    public IProgress<string>? Log { get; init; }

    /// <summary>Bytes pushed per image (progress bars).</summary>
    public IProgress<TransferProgress>? ImageProgress { get; init; }
}

/// <summary>What a deploy did with one app.</summary>
public enum AppResult
{
    Installed,
    Upgraded,
    Unchanged,

    /// <summary>Its upgrade or install failed (and was rolled back to the previous revision, if any).</summary>
    Failed,

    /// <summary>Left alone: an app it depends on did not deploy.</summary>
    Skipped,
}

/// <summary>What happened to one app; <see cref="Failed"/> for a failed or skipped app (the deploy exits 1).</summary>
public sealed record AppOutcome(string App, AppResult Result, int? Revision, string Detail)
{
    public bool Failed => Result is AppResult.Failed or AppResult.Skipped;

    /// <summary>The settings that would resolve a failure (see <see cref="FerryException.Remedies"/>).</summary>
    public IReadOnlyList<Remedy> Remedies { get; init; } = [];

    /// <summary>The result as deploy prints and records it: installed, upgraded, unchanged, failed, skipped.</summary>
    public string ResultName => Result.ToString().ToLowerInvariant();
}

/// <summary>
/// <c>ferry deploy</c>. Everything that can be checked is checked before the first change: the bundle (checksums,
/// signature with --key or when the site's policy holds a vendor key), the site env against the bundle's schema (after its env migrations; every
/// problem at once), every
/// app's values template and chart rendered with that env, and the site registry's reachability. Then it takes the
/// product's deploy journal (a lock, and a record a killed deploy resumes from), persists env migrations, pushes
/// the images, and deploys the apps in dependency order, independent ones in parallel (bounded): releases left
/// pending by an interrupted run are repaired first, unchanged apps are skipped, a failed app is rolled back to its
/// previous revision and its dependents are left alone while unaffected branches go ahead.
/// </summary>
public sealed class Deployer(IKubernetes client)
{
    public async Task<IReadOnlyList<AppOutcome>> DeployAsync(DeployRequest request, CancellationToken ct = default)
    {
        var log = request.Log;
        var policyKey = await new SitePolicy(client, request.EnvNamespace).PublicKeyAsync(ct).ConfigureAwait(false);
        using var bundle = OpenedBundle.Open(request.Bundle, request.PublicKey, policyKey);
        var spec = bundle.Spec;
        if (request.ForceConflicts.FirstOrDefault(a => a != DeployRequest.AllApps && !spec.Apps.Any(s => s.Name == a)) is { } unknown)
        {
            var apps = string.Join(", ", spec.Apps.Select(a => a.Name));
            throw new BundleException($"taking over conflicts of {unknown}: {bundle.Label} has no app {unknown}; its apps are {apps}")
            {
                Remedies = [Remedy.ForceConflicts],
            };
        }
        var deployEnv = new DeployEnv(client, request.EnvNamespace);
        using var registry = new RegistryClient(request.Registry);
        var preflight = await PreflightAsync(bundle, deployEnv, registry, request, ct).ConfigureAwait(false);
        var (site, plans) = (preflight.Env, preflight.Plans);
        await SiteImages.CheckReachableAsync(bundle, request.SiteRegistry, registry, ct).ConfigureAwait(false);
        await SiteImages.CheckDeltaAsync(bundle, request.SiteRegistry, registry, ct).ConfigureAwait(false);

        await using var journal =
            await DeployJournal.BeginAsync(client, request.EnvNamespace, spec.Name, bundle.Label, bundle.Digest, request.Lease, request.ForceUnlock,
                ct).ConfigureAwait(false);
        if (journal.Resumed is { } resumed)
        {
            log?.Report($"resuming the deploy of {bundle.Label} started {resumed.Started:u} by {resumed.Holder}, which " +
                $"stopped; done then: {(resumed.Steps.Count == 0 ? "nothing" : string.Join(", ", resumed.Steps.Keys))}");
        }
        try
        {
            var ignored = preflight.Failed.Select(c => c.Name).ToList();
            await journal.StepAsync("preflight", ignored.Count > 0 ? $"failed checks ignored (preflight skipped): {string.Join(", ", ignored)}"
                : $"passed ({preflight.Checks.Count(c => c.Status == PreflightCheck.Warn)} warnings)", ct).ConfigureAwait(false);
            await UpdateEnvAsync(deployEnv, spec, preflight, log, ct).ConfigureAwait(false);
            if (journal.Steps.TryGetValue("images", out var pushed) && journal.Resumed is not null)
            {
                log?.Report($"images: already pushed by the interrupted run ({pushed})");
            }
            else
            {
                await SiteImages.PushAsync(bundle, request.SiteRegistry, registry, log, request.ImageProgress, ct).ConfigureAwait(false);
                await journal.StepAsync("images", $"{bundle.Images.Count()} pushed to {request.SiteRegistry}", ct).ConfigureAwait(false);
            }

            var outcomes = await DeployAppsAsync(request, spec, plans, journal, ct).ConfigureAwait(false);
            var failed = outcomes.Where(o => o.Failed).ToList();
            await journal.StepAsync(EnvCheck.JournalStep, EnvCheck.ToJournal(spec, site), ct).ConfigureAwait(false);
            var summary = failed.Count == 0
                ? $"{bundle.Label} deployed" : $"{bundle.Label}: {string.Join(", ", failed.Select(f => $"{f.App} {f.ResultName}"))}";
            await journal.FinishAsync(failed.Count == 0 ? DeployJournal.Succeeded : DeployJournal.Failed, summary, ct).ConfigureAwait(false);
            return outcomes;
        }
        catch (Exception e) when (e is BundleException or KubeException)
        {
            try
            {
                await journal.FinishAsync(DeployJournal.Failed, e.Message, ct).ConfigureAwait(false);
            }
            catch (KubeException)
            {
                // The original error matters more than a journal that could not record it.
            }
            throw;
        }
    }

    /// <summary>Preflight for the deploy: refused checks stop it (only blocking ones when skipped); the rest are logged.</summary>
    private async Task<PreflightResult> PreflightAsync(OpenedBundle bundle, DeployEnv deployEnv, RegistryClient registry, DeployRequest request,
        CancellationToken ct)
    {
        var env = await deployEnv.ReadAsync(ct).ConfigureAwait(false);
        var preflight = await Preflight.RunAsync(bundle, env, request.SiteRegistry, client, registry, probePush: !request.SkipPreflight,
            request.Log, request.ForcesConflicts, ct)
            .ConfigureAwait(false);
        var refused = (request.SkipPreflight ? preflight.Blocking : preflight.Failed).ToList();
        if (refused.Count > 0)
        {
            throw PreflightResult.Refusal(refused);
        }
        foreach (var check in preflight.Checks.Where(c => c.Status is PreflightCheck.Warn or PreflightCheck.Fail))
        {
            request.Log?.Report($"preflight: {(check.Status == PreflightCheck.Fail ? "failed, ignored (preflight skipped)" : "warning")}: {check}");
        }
        return preflight;
    }

    /// <summary>Applies the bundle's env renames, and keeps the keys it declares secret in the Secret from now on, whichever command writes
    /// them.</summary>
    private static async Task UpdateEnvAsync(DeployEnv deployEnv, BundleSpec spec, PreflightResult preflight, IProgress<string>? log,
        CancellationToken ct)
    {
        var (site, renames) = (preflight.Env, preflight.Renames);
        var declared = spec.Env.Where(v => v.Secret).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        if (renames.Count == 0 && !DeployEnv.NeedsDeclaring(site, declared))
        {
            return;
        }
        await deployEnv.SetAsync(renames.ToDictionary(r => r.To, r => site.Values[r.To], StringComparer.Ordinal), site.SecretKeys,
            renames.Select(r => r.From), declared, ct).ConfigureAwait(false);
        foreach (var r in renames)
        {
            log?.Report($"deploy-env: renamed {r.From} to {r.To} (previous content kept in {DeployEnv.BackupName})");
        }
    }

    private async Task<List<AppOutcome>> DeployAppsAsync(DeployRequest request, BundleSpec spec, IReadOnlyDictionary<string, ReleasePlan> plans,
        DeployJournal journal, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(Math.Max(1, request.Parallel));
        // one manager for every app: what it learns once (the API's resource mappings, namespaces made sure of) serves them all
        var manager = new ReleaseManager(client);
        // every app's release history, one list per namespace instead of one per app (the journal's lock keeps other
        // deploys out meanwhile, and an app's own history changes only through its own step below)
        var histories = await new ReleaseStore(client).HistoriesAsync(spec.Apps.Select(a => a.Namespace), ct).ConfigureAwait(false);
        var tasks = new Dictionary<string, Task<AppOutcome>>(StringComparer.Ordinal);
        foreach (var app in AppRenderer.Ordered(spec))
        {
            var dependencies = app.DependsOn.Select(d => tasks[d]).ToList();
            tasks[app.Name] = Task.Run(async () =>
            {
                var blockedBy = (await Task.WhenAll(dependencies).ConfigureAwait(false)).Where(o => o.Failed).Select(o => o.App).ToList();
                AppOutcome outcome;
                if (blockedBy.Count > 0)
                {
                    outcome = new AppOutcome(app.Name, AppResult.Skipped, null, $"depends on {string.Join(", ", blockedBy)}, which did not deploy");
                    request.Log?.Report($"app {app.Name}: skipped: {outcome.Detail}");
                }
                else
                {
                    await gate.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        outcome = await DeployAppAsync(manager, request, app, plans[app.Name],
                            histories[app.Namespace].GetValueOrDefault(app.Name) ?? [], ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
                await journal.StepAsync("app/" + app.Name, outcome.Revision is { } r ? $"{outcome.ResultName} revision {r}" : outcome.ResultName,
                    ct).ConfigureAwait(false);
                return outcome;
            }, ct);
        }
        var all = await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        return [.. AppRenderer.Ordered(spec).Select(a => all.First(o => o.App == a.Name))];
    }

    private static async Task<AppOutcome> DeployAppAsync(ReleaseManager manager, DeployRequest request, AppSpec app, ReleasePlan plan,
        IReadOnlyList<Release> history, CancellationToken ct)
    {
        var log = request.Log;
        // the history read before the apps started: repaired in place, then asked for the deployed revision
        foreach (var repair in await manager.RepairAsync(app.Name, history, ct).ConfigureAwait(false))
        {
            log?.Report($"app {app.Name}: {repair}");
        }
        var deployed = ReleaseStore.Deployed(history);
        if (deployed is not null && ReleaseManager.IsUnchanged(deployed, plan))
        {
            log?.Report($"app {app.Name}: unchanged (revision {deployed.Version})");
            return new AppOutcome(app.Name, AppResult.Unchanged, deployed.Version, "already deployed");
        }
        var options = request.ForcesConflicts(app.Name) ? request.Options with { Force = true } : request.Options;
        try
        {
            log?.Report($"app {app.Name}: {(deployed is null ? "installing" : "upgrading")} in namespace {app.Namespace}");
            var release = await manager.UpgradeOrInstallAsync(plan, options, ct).ConfigureAwait(false);
            log?.Report($"app {app.Name}: {release.Info.Description.ToLowerInvariant()} (revision {release.Version})");
            return new AppOutcome(app.Name, deployed is null ? AppResult.Installed : AppResult.Upgraded, release.Version, release.Info.Description);
        }
        catch (KubeException e)
        {
            var detail = e.Message;
            if (deployed is not null && !e.NothingChanged)
            {
                try
                {
                    var back = await manager.RollbackAsync(app.Name, app.Namespace, deployed.Version, options, ct).ConfigureAwait(false);
                    detail += $"; rolled back to revision {deployed.Version} (now revision {back.Version})";
                }
                catch (KubeException rollback)
                {
                    detail += $"; rollback to revision {deployed.Version} failed too: {rollback.Message}";
                }
            }
            log?.Report($"app {app.Name}: failed: {detail}");
            return new AppOutcome(app.Name, AppResult.Failed, null, detail) { Remedies = e.Remedies };
        }
    }
}
