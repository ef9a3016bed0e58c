using System.Globalization;
using Ferry.Bundles;
using Ferry.Kube;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary><c>ferry deploy</c>, <c>ferry plan</c> (alias <c>diff</c>) and <c>ferry status</c>.</summary>
internal static partial class DeployCommand
{
    internal sealed class Flags
    {
        public string? Bundle { get; set; }

        public string? Registry { get; set; }

        public string? Kubeconfig { get; set; }

        public string? Context { get; set; }

        public string? Key { get; set; }

        public string? EnvFile { get; set; }

        public string EnvNamespace { get; set; } = DeployEnv.DefaultNamespace;

        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

        public bool NoWait { get; set; }

        public bool NoHooks { get; set; }

        public bool SkipCrds { get; set; }

        public bool CleanupOnFail { get; set; }

        public int HistoryMax { get; set; } = 10;

        public string? Description { get; set; }

        public int Parallel { get; set; } = 4;

        public bool ForceUnlock { get; set; }

        public bool SkipPreflight { get; set; }

        /// <summary>Apps whose fields owned by other managers ferry takes over; "*" for all.</summary>
        public HashSet<string> ForceConflicts { get; } = new(StringComparer.Ordinal);

        public bool Json { get; set; }

        public RegistryOptions RegistryOptions { get; set; } = new();
    }

    /// <summary>The flags of deploy, plan or status (each usage line lists which it takes).</summary>
    internal static Flags Parse(string path, string[] args, bool bundleRequired)
    {
        var a = CommandArgs.Parse(path, args);
        var f = new Flags
        {
            Registry = a.Value("--registry"),
            Key = a.Value("--key"),
            EnvFile = a.Value("--env-file"),
            EnvNamespace = a.Value("--env-namespace") ?? DeployEnv.DefaultNamespace,
            Timeout = a.Duration("--timeout", TimeSpan.FromMinutes(5)),
            NoWait = a.Has("--no-wait"),
            NoHooks = a.Has("--no-hooks"),
            SkipCrds = a.Has("--skip-crds"),
            CleanupOnFail = a.Has("--cleanup-on-fail"),
            Description = a.Value("--description"),
            HistoryMax = a.Int("--history-max", 10, min: 0),
            Parallel = a.Int("--parallel", 4),
            ForceUnlock = a.Has("--force-unlock"),
            SkipPreflight = a.Has("--skip-preflight"),
            Kubeconfig = a.Value("--kubeconfig"),
            Context = a.Value("--context"),
            Json = a.Json,
        };
        f.RegistryOptions = a.Registry(Console.In);
        foreach (var force in a.Values("--force-conflicts"))
        {
            if (force == "true")
            {
                f.ForceConflicts.Add(DeployRequest.AllApps);
                continue;
            }
            var apps = force.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            f.ForceConflicts.UnionWith(apps.Length > 0 ? apps : throw new UsageException("--force-conflicts=APP[,APP...] needs app names (or " +
                "--force-conflicts alone for every app)"));
        }
        var positional = a.Arguments(bundleRequired ? 1 : 0, bundleRequired ? 1 : 0);
        f.Bundle = positional.FirstOrDefault();
        if (f.Bundle is not null && !BundleFile.Exists(f.Bundle))
        {
            // before the cluster is asked anything: the first thing wrong is the first thing said
            throw BundleFile.Missing(f.Bundle);
        }
        if (bundleRequired && f.Registry is null)
        {
            throw new UsageException($"{path} needs --registry HOST[:PORT][/PREFIX] (the site registry the images are " +
                $"pinned to); {CommandCatalog.UsageOf(path)}");
        }
        return f;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse("deploy", args, bundleRequired: true);
        using var client = KubeConnection.Connect(f.Kubeconfig, f.Context);
        var outcomes = await new Deployer(client).DeployAsync(new DeployRequest
        {
            Bundle = f.Bundle!,
            SiteRegistry = f.Registry!,
            Registry = f.RegistryOptions,
            EnvNamespace = f.EnvNamespace,
            PublicKey = f.Key,
            Options = new DeployOptions(f.Timeout, Wait: !f.NoWait, HistoryMax: f.HistoryMax, NoHooks: f.NoHooks, Description: f.Description,
                SkipCrds: f.SkipCrds, CleanupOnFail: f.CleanupOnFail),
            Parallel = f.Parallel,
            ForceUnlock = f.ForceUnlock,
            SkipPreflight = f.SkipPreflight,
            ForceConflicts = f.ForceConflicts,
            Log = new LineProgress(stderr),
            ImageProgress = new TransferBar(stderr),
        }).ConfigureAwait(false);
        if (f.Json)
        {
            stdout.WriteLine(CliJson.Text(outcomes.Select(o => new DeployOutcomeJson(o.App, o.ResultName, o.Revision,
                o.Detail + RemedyFlags.List(o.Remedies))).ToList()));
        }
        else
        {
            foreach (var o in outcomes)
            {
                stdout.WriteLine($"{o.App,-16} {o.ResultName,-10}" +
                    $" {(o.Revision is { } r ? "revision " + r.ToString(CultureInfo.InvariantCulture) : ""),-12} {o.Detail}" +
                        $"{RemedyFlags.List(o.Remedies)}");
            }
        }
        return outcomes.Any(o => o.Failed) ? 1 : 0;
    }

    public static async Task<int> PlanAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse("plan", args, bundleRequired: true);
        // With --env-file and no cluster flags the plan is offline: nothing is read from a cluster.
        using var client = f.EnvFile is not null && f.Kubeconfig is null && f.Context is null ? null
            : KubeConnection.Connect(f.Kubeconfig, f.Context);
        var env = f.EnvFile is not null ? Planner.EnvFromFile(f.EnvFile) : await new DeployEnv(client!, f.EnvNamespace).ReadAsync()
            .ConfigureAwait(false);
        var plan = await Planner.PlanAsync(f.Bundle!, f.Registry!, env, client, f.Key, f.EnvNamespace, new LineProgress(stderr))
            .ConfigureAwait(false);
        if (f.Json)
        {
            stdout.WriteLine(CliJson.Text(new PlanJson(plan.Bundle, plan.EnvChanges, plan.Images, PreflightCommand.ToJson(plan.Preflight),
                [.. plan.Apps.Select(p => new AppPlanJson(p.App, p.Namespace, p.ActionName, p.Chart, p.Objects, p.Hooks, p.DeployedRevision,
                    p.Images, p.Conflicts, p.Diff))])));
            return plan.Preflight.Any(c => c.Status == PreflightCheck.Fail) ? 1 : 0;
        }
        stdout.WriteLine($"Plan for {plan.Bundle}");
        stdout.WriteLine();
        var notPassed = plan.Preflight.Where(c => c.Status is PreflightCheck.Warn or PreflightCheck.Fail).ToList();
        stdout.WriteLine(notPassed.Count == 0
            ? $"Preflight: {plan.Preflight.Count(c => c.Status == PreflightCheck.Pass)} checks passed" : "Preflight (deploy stops at a failed " +
                "check unless given --skip-preflight):");
        PreflightCommand.WriteChecks(stdout, notPassed);
        stdout.WriteLine();
        stdout.WriteLine($"{"APP",-16} {"NAMESPACE",-12} {"ACTION",-10} {"CHART",-20} OBJECTS HOOKS");
        foreach (var p in plan.Apps)
        {
            stdout.WriteLine($"{p.App,-16} {p.Namespace,-12} {p.ActionName,-10} {p.Chart,-20} {p.Objects,7} {p.Hooks,5}");
        }
        stdout.WriteLine();
        stdout.WriteLine(plan.EnvChanges.Count == 0 ? "Env changes: none" : "Env changes:");
        foreach (var change in plan.EnvChanges)
        {
            stdout.WriteLine($"  {change}");
        }
        stdout.WriteLine();
        stdout.WriteLine($"Images ({plan.Images.Count}, pushed to the site registry; blobs it has are skipped):");
        foreach (var image in plan.Images)
        {
            stdout.WriteLine($"  {image}");
        }
        foreach (var p in plan.Apps.Where(p => p.Conflicts.Count > 0))
        {
            stdout.WriteLine();
            stdout.WriteLine($"Conflicts in {p.App} (fields changed outside ferry, objects of other releases; deploy stops here unless " +
                $"given --force-conflicts={p.App}, which takes them over):");
            foreach (var conflict in p.Conflicts)
            {
                stdout.WriteLine($"  {conflict}");
            }
        }
        foreach (var p in plan.Apps.Where(p => p.Diff.Length > 0 || p.Note.Length > 0))
        {
            stdout.WriteLine();
            stdout.Write(p.Note.Length > 0 ? p.Note + "\n" : p.Diff);
        }
        return plan.Preflight.Any(c => c.Status == PreflightCheck.Fail) ? 1 : 0;
    }

    /// <summary><c>ferry status</c>: every Helm release in the cluster and the last deploy of each product.</summary>
    public static async Task<int> StatusAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse("status", args, bundleRequired: false);
        using var client = KubeConnection.Connect(f.Kubeconfig, f.Context);
        var status = await SiteStatus.ReadAsync(client, f.EnvNamespace, DateTimeOffset.UtcNow).ConfigureAwait(false);
        var (releases, journals, stalled, attention) = (status.Releases, status.Deploys, status.Stalled, status.NeedsAttention);
        if (f.Json)
        {
            stdout.WriteLine(CliJson.Text(new StatusJson(
                [.. releases.Select(r => new ReleaseStatusJson(r.Name, r.Namespace, r.Version, r.Info.Status, $"{r.ChartName}-{r.ChartVersion}",
                    r.AppVersion, CliTime.Iso(r.Info.LastDeployed), r.Info.Description))],
                [.. journals.Select(j => new DeployStatusJson(j.Product, j.Bundle, j.Digest, j.State, j.Holder, CliTime.Iso(j.Started),
                    j.Finished is { } done ? CliTime.Iso(done) : null, j.Summary, stalled.Contains(j.Product)))])));
            return attention ? 1 : 0;
        }
        stdout.WriteLine($"{"NAME",-16} {"NAMESPACE",-12} {"REVISION",-8} {"STATUS",-16} {"CHART",-20} {"APP VERSION",-12} UPDATED");
        foreach (var r in releases)
        {
            stdout.WriteLine($"{r.Name,-16} {r.Namespace,-12} {r.Version,-8} {r.Info.Status,-16} {r.ChartName + "-" + r.ChartVersion,-20}" +
                $" {r.AppVersion,-12} {r.Info.LastDeployed.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        }
        foreach (var j in journals)
        {
            stdout.WriteLine();
            stdout.WriteLine($"last deploy of {j.Product}: {j.Bundle}, {j.State}, started {j.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" +
                (j.Finished is { } done ? $", finished {done.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : $", holder {j.Holder}"));
            if (j.Summary.Length > 0)
            {
                stdout.WriteLine($"  {j.Summary}");
            }
            if (stalled.Contains(j.Product))
            {
                stdout.WriteLine($"  this deploy stopped before finishing (its holder {j.Holder} is gone): run ferry deploy with the same " +
                    "bundle to resume it");
            }
        }
        return attention ? 1 : 0;
    }
}
