using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Bundles;
using Ferry.Kube;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary><c>ferry deploy</c>, <c>ferry plan</c> (alias <c>diff</c>) and <c>ferry status</c>.</summary>
internal static partial class DeployCommand
{
    private static readonly string DeployUsage = "usage: " + CommandCatalog.All.First(c => c.Path == "deploy").Usage;
    private const string PlanUsage = "usage: ferry plan BUNDLE --registry HOST[:PORT][/PREFIX] [--env-file site.env] [--kubeconfig F] [--context C] [--env-namespace NS] [--key pub.pem] [--output json]";

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private sealed class Flags
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

        /// <summary>Apps whose fields owned by other managers ferry takes over; "*" for all.</summary>
        public HashSet<string> ForceConflicts { get; } = new(StringComparer.Ordinal);

        public bool Json { get; set; }

        public RegistryOptions RegistryOptions { get; } = new();
    }

    private static Flags Parse(string[] args, string usage, bool bundleRequired)
    {
        var f = new Flags();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--registry": f.Registry = Value(); break;
                case "--insecure": f.RegistryOptions.Insecure = true; break;
                case "--ca-file": f.RegistryOptions.CaFile = Value(); break;
                case "--username": f.RegistryOptions.Username = Value(); break;
                case "--password-stdin": f.RegistryOptions.Password = Console.In.ReadToEnd().TrimEnd('\n', '\r'); break;
                case "--key": f.Key = Value(); break;
                case "--env-file": f.EnvFile = Value(); break;
                case "--env-namespace": f.EnvNamespace = Value(); break;
                case "--timeout": f.Timeout = ParseDuration(Value()); break;
                case "--no-wait": f.NoWait = true; break;
                case "--no-hooks": f.NoHooks = true; break;
                case "--skip-crds": f.SkipCrds = true; break;
                case "--cleanup-on-fail": f.CleanupOnFail = true; break;
                case "--description": f.Description = Value(); break;
                case "--history-max":
                    f.HistoryMax = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : throw new UsageException("--history-max needs a number (0: no limit)");
                    break;
                case "--parallel":
                    f.Parallel = int.TryParse(Value(), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new UsageException("--parallel needs a positive number");
                    break;
                case "--force-unlock": f.ForceUnlock = true; break;
                case "--force-conflicts": f.ForceConflicts.Add(DeployRequest.AllApps); break;
                case var a when a.StartsWith("--force-conflicts=", StringComparison.Ordinal):
                    var apps = a["--force-conflicts=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    f.ForceConflicts.UnionWith(apps.Length > 0 ? apps : throw new UsageException("--force-conflicts=APP[,APP...] needs app names (or --force-conflicts alone for every app)"));
                    break;
                case "--kubeconfig": f.Kubeconfig = Value(); break;
                case "--context": f.Context = Value(); break;
                case "--output":
                    f.Json = Value() switch { "json" => true, "text" => false, var o => throw new UsageException($"--output {o}: use json or text") };
                    break;
                default:
                    f.Bundle = !args[i].StartsWith('-') && f.Bundle is null ? args[i] : throw new UsageException(usage);
                    break;
            }
        }
        if (bundleRequired && (f.Bundle is null || f.Registry is null))
        {
            throw new UsageException(usage);
        }
        return f;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse(args, DeployUsage, bundleRequired: true);
        try
        {
            using var client = KubeConnection.Connect(f.Kubeconfig, f.Context);
            var outcomes = await new Deployer(client).DeployAsync(new DeployRequest
            {
                Bundle = f.Bundle!,
                SiteRegistry = f.Registry!,
                Registry = f.RegistryOptions,
                EnvNamespace = f.EnvNamespace,
                PublicKey = f.Key,
                Options = new DeployOptions(f.Timeout, Wait: !f.NoWait, HistoryMax: f.HistoryMax, NoHooks: f.NoHooks, Description: f.Description, SkipCrds: f.SkipCrds, CleanupOnFail: f.CleanupOnFail),
                Parallel = f.Parallel,
                ForceUnlock = f.ForceUnlock,
                ForceConflicts = f.ForceConflicts,
                Log = new LineProgress(stderr),
                ImageProgress = new TransferBar(stderr),
            }).ConfigureAwait(false);
            if (f.Json)
            {
                stdout.WriteLine(new JsonArray([.. outcomes.Select(o => (JsonNode)new JsonObject
                {
                    ["app"] = o.App, ["result"] = o.Result, ["revision"] = o.Revision, ["detail"] = o.Detail,
                })]).ToJsonString(Indented));
            }
            else
            {
                foreach (var o in outcomes)
                {
                    stdout.WriteLine($"{o.App,-16} {o.Result,-10} {(o.Revision is { } r ? "revision " + r.ToString(CultureInfo.InvariantCulture) : ""),-12} {o.Detail}");
                }
            }
            return outcomes.Any(o => o.Result is "failed" or "skipped") ? 1 : 0;
        }
        catch (Exception e) when (e is BundleException or KubeException or OciException)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }

    public static async Task<int> PlanAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse(args, PlanUsage, bundleRequired: true);
        try
        {
            // With --env-file and no cluster flags the plan is offline: nothing is read from a cluster.
            using var client = f.EnvFile is not null && f.Kubeconfig is null && f.Context is null ? null : KubeConnection.Connect(f.Kubeconfig, f.Context);
            var env = f.EnvFile is not null ? Planner.EnvFromFile(f.EnvFile) : await new DeployEnv(client!, f.EnvNamespace).ReadAsync().ConfigureAwait(false);
            var plan = await Planner.PlanAsync(f.Bundle!, f.Registry!, env, client, f.Key, f.EnvNamespace, new LineProgress(stderr)).ConfigureAwait(false);
            if (f.Json)
            {
                stdout.WriteLine(new JsonObject
                {
                    ["bundle"] = plan.Bundle,
                    ["envChanges"] = Strings(plan.EnvChanges),
                    ["images"] = Strings(plan.Images),
                    ["apps"] = new JsonArray([.. plan.Apps.Select(p => (JsonNode)new JsonObject
                    {
                        ["app"] = p.App, ["namespace"] = p.Namespace, ["action"] = p.Action, ["chart"] = p.Chart,
                        ["objects"] = p.Objects, ["hooks"] = p.Hooks, ["deployedRevision"] = p.DeployedRevision,
                        ["images"] = Strings(p.Images), ["conflicts"] = Strings(p.Conflicts), ["diff"] = p.Diff,
                    })]),
                }.ToJsonString(Indented));
                return 0;
            }
            stdout.WriteLine($"Plan for {plan.Bundle}");
            stdout.WriteLine();
            stdout.WriteLine($"{"APP",-16} {"NAMESPACE",-12} {"ACTION",-10} {"CHART",-20} OBJECTS HOOKS");
            foreach (var p in plan.Apps)
            {
                stdout.WriteLine($"{p.App,-16} {p.Namespace,-12} {p.Action,-10} {p.Chart,-20} {p.Objects,7} {p.Hooks,5}");
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
                stdout.WriteLine($"Conflicts in {p.App} (changed outside ferry; deploy stops here unless given --force-conflicts={p.App}, which takes these fields over):");
                foreach (var conflict in p.Conflicts)
                {
                    stdout.WriteLine($"  {conflict}");
                }
            }
            foreach (var p in plan.Apps.Where(p => p.Diff.Length > 0))
            {
                stdout.WriteLine();
                stdout.Write(p.Diff);
            }
            return 0;
        }
        catch (Exception e) when (e is BundleException or KubeException or OciException)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }

    /// <summary><c>ferry status</c>: every Helm release in the cluster and the last deploy of each product.</summary>
    public static async Task<int> StatusAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse(args, "usage: ferry status [--env-namespace NS] [--kubeconfig F] [--context C] [--output json]", bundleRequired: false);
        if (f.Bundle is not null)
        {
            throw new UsageException("usage: ferry status [--env-namespace NS] [--kubeconfig F] [--context C] [--output json]");
        }
        try
        {
            using var client = KubeConnection.Connect(f.Kubeconfig, f.Context);
            var releases = await new ReleaseStore(client).ListAllAsync().ConfigureAwait(false);
            var journals = await DeployJournal.ListAsync(client, f.EnvNamespace).ConfigureAwait(false);
            // Exit 1 when something needs attention: a release not deployed (failed, pending) or a deploy that failed.
            // ... or one recorded as running whose holder is gone.
            var now = DateTimeOffset.UtcNow;
            var stalled = journals.Where(j => DeployJournal.IsStalled(j, now)).Select(j => j.Product).ToHashSet(StringComparer.Ordinal);
            var attention = releases.Any(r => r.Info.Status != Charts.Releases.ReleaseStatus.Deployed) || journals.Any(j => j.State == DeployJournal.Failed) || stalled.Count > 0;
            if (f.Json)
            {
                stdout.WriteLine(new JsonObject
                {
                    ["releases"] = new JsonArray([.. releases.Select(r => (JsonNode)new JsonObject
                    {
                        ["name"] = r.Name, ["namespace"] = r.Namespace, ["revision"] = r.Version, ["status"] = r.Info.Status,
                        ["chart"] = $"{r.ChartName}-{r.ChartVersion}", ["appVersion"] = r.AppVersion, ["updated"] = r.Info.LastDeployed.ToString("o", CultureInfo.InvariantCulture),
                        ["description"] = r.Info.Description,
                    })]),
                    ["deploys"] = new JsonArray([.. journals.Select(j => (JsonNode)new JsonObject
                    {
                        ["product"] = j.Product, ["bundle"] = j.Bundle, ["digest"] = j.Digest, ["state"] = j.State, ["holder"] = j.Holder,
                        ["started"] = j.Started.ToString("o", CultureInfo.InvariantCulture), ["finished"] = j.Finished?.ToString("o", CultureInfo.InvariantCulture),
                        ["summary"] = j.Summary, ["stalled"] = stalled.Contains(j.Product),
                    })]),
                }.ToJsonString(Indented));
                return attention ? 1 : 0;
            }
            stdout.WriteLine($"{"NAME",-16} {"NAMESPACE",-12} {"REVISION",-8} {"STATUS",-16} {"CHART",-20} {"APP VERSION",-12} UPDATED");
            foreach (var r in releases)
            {
                stdout.WriteLine($"{r.Name,-16} {r.Namespace,-12} {r.Version,-8} {r.Info.Status,-16} {r.ChartName + "-" + r.ChartVersion,-20} {r.AppVersion,-12} {r.Info.LastDeployed.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
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
                    stdout.WriteLine($"  this deploy stopped before finishing (its holder {j.Holder} is gone): run ferry deploy with the same bundle to resume it");
                }
            }
            return attention ? 1 : 0;
        }
        catch (KubeException e)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }

    private static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)i)]);

    /// <summary>Go's durations (time.ParseDuration): 90s, 5m, 1h30m, 1.5h, 500ms; a plain number is seconds.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        var failure = new UsageException($"--timeout {text}: expected a duration such as 90s, 5m, 1h30m or 500ms");
        if (double.TryParse(text, NumberStyles.None | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds > 0 && seconds < 1e9 ? TimeSpan.FromSeconds(seconds) : throw failure;
        }
        var m = GoDuration().Match(text);
        if (!m.Success)
        {
            throw failure;
        }
        var total = TimeSpan.Zero;
        foreach (var c in m.Groups["part"].Captures.Cast<System.Text.RegularExpressions.Capture>())
        {
            var unitAt = c.Value.IndexOfAny(['h', 'm', 's', 'u', 'µ', 'n']);
            var n = double.Parse(c.Value[..unitAt], CultureInfo.InvariantCulture);
            total += c.Value[unitAt..] switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                "us" or "µs" => TimeSpan.FromMicroseconds(n),
                _ => TimeSpan.FromTicks((long)(n / 100)),
            };
        }
        return total > TimeSpan.Zero && total < TimeSpan.FromDays(365) ? total : throw failure;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<part>[0-9]+(\.[0-9]*)?(h|ms|m|s|us|µs|ns))+$")]
    private static partial System.Text.RegularExpressions.Regex GoDuration();
}
