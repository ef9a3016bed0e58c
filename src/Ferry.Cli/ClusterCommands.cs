using Ferry.Kube;

namespace Ferry.Cli;

/// <summary><c>ferry env show|set|import</c> (the site's deploy-env) and <c>ferry history RELEASE</c>.</summary>
internal static partial class ClusterCommands
{
    private sealed class Flags
    {
        public string? Kubeconfig { get; set; }

        public string? Context { get; set; }

        public string? Namespace { get; set; }

        public HashSet<string> Secret { get; } = new(StringComparer.Ordinal);

        public bool KeepHistory { get; set; }

        public bool ForceConflicts { get; set; }

        public bool AllNamespaces { get; set; }

        public int? Revision { get; set; }

        public int? Max { get; set; }

        public string? EnvNamespace { get; set; }

        public bool Json { get; set; }

        public bool DryRun { get; set; }

        public bool NoHooks { get; set; }

        /// <summary>helm's --wait: null when not given (Ferry waits by default), false for hookOnly.</summary>
        public bool? Wait { get; set; }

        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

        public bool CleanupOnFail { get; set; }

        public string Cascade { get; set; } = "Background";

        public bool IgnoreNotFound { get; set; }

        public int? HistoryMax { get; set; }

        public List<string> Positional { get; } = [];

        public DeployOptions Options =>
            new(Timeout, Wait ?? true, HistoryMax ?? 10, ForceConflicts, NoHooks: NoHooks, CleanupOnFail: CleanupOnFail, Propagation: Cascade);
    }

    /// <summary>The flags of the cluster command at <paramref name="path"/> (its usage line lists which it takes).</summary>
    private static Flags Parse(string path, string[] args)
    {
        var a = CommandArgs.Parse(path, args);
        var f = new Flags();
        f.Kubeconfig = a.Value("--kubeconfig");
        f.Context = a.Value("--context");
        f.Namespace = a.Value("--namespace");
        foreach (var secret in a.Values("--secret"))
        {
            f.Secret.UnionWith(secret.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        f.KeepHistory = a.Has("--keep-history");
        f.ForceConflicts = a.Has("--force-conflicts");
        f.AllNamespaces = a.Has("--all-namespaces");
        f.Revision = a.IntOrNull("--revision");
        f.Max = a.IntOrNull("--max");
        f.EnvNamespace = a.Value("--env-namespace");
        f.Json = a.Json;
        f.DryRun = a.Has("--dry-run");
        f.NoHooks = a.Has("--no-hooks");
        f.Timeout = a.Duration("--timeout", f.Timeout);
        f.CleanupOnFail = a.Has("--cleanup-on-fail");
        f.IgnoreNotFound = a.Has("--ignore-not-found");
        f.HistoryMax = a.IntOrNull("--history-max", min: 0);
        if (a.Value("--wait") is { } wait)
        {
            // helm 4's strategies: watcher and legacy wait for the objects, hookOnly only for hooks
            f.Wait = wait switch
            {
                "true" or "watcher" or "legacy" => true,
                "false" or "hookOnly" => false,
                var o => throw new UsageException($"--wait={o}: use watcher, legacy or hookOnly"),
            };
        }
        if (a.Value("--cascade") is not null)
        {
            f.Cascade = a.Choice("--cascade", "background", "background", "foreground", "orphan") switch
            {
                "foreground" => "Foreground",
                "orphan" => "Orphan",
                _ => "Background",
            };
        }
        f.Positional.AddRange(a.Positional);
        return f;
    }

    /// <summary>Runs a command against the cluster the flags name (its errors reach the one top-level handler: "ferry: ...", exit 1).</summary>
    private static async Task<int> WithClusterAsync(Flags f, Func<k8s.IKubernetes, Task<int>> run)
    {
        using var client = KubeConnection.Connect(f.Kubeconfig, f.Context);
        return await run(client).ConfigureAwait(false);
    }

    public static async Task<int> EnvAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var Usage = CommandCatalog.UsageOf("env");
        if (args.Length == 0)
        {
            throw new UsageException(Usage);
        }
        var f = Parse("env " + args[0], args[1..]);
        return await WithClusterAsync(f, async client =>
        {
            var env = new DeployEnv(client, f.Namespace ?? DeployEnv.DefaultNamespace);
            switch (args[0])
            {
                case "show":
                    var site = await env.ReadAsync().ConfigureAwait(false);
                    if (f.Json)
                    {
                        stdout.WriteLine(CliJson.Text(new SortedDictionary<string, EnvValueJson>(site.Values.ToDictionary(kv => kv.Key,
                            kv => site.SecretKeys.Contains(kv.Key) ? new EnvValueJson(null, kv.Value.Length) : new EnvValueJson(kv.Value, null)),
                            StringComparer.Ordinal)));
                        return 0;
                    }
                    foreach (var (k, v) in site.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        stdout.WriteLine(site.SecretKeys.Contains(k) ? $"{k}=(secret, {v.Length} characters)" : $"{k}={v}");
                    }
                    return 0;
                case "set" or "import":
                    Dictionary<string, string> changes;
                    if (args[0] == "import")
                    {
                        var file = f.Positional.Count == 1 ? f.Positional[0] : throw new UsageException(Usage);
                        changes = DeployEnv.ParseDotEnv(File.ReadAllText(file), file);
                    }
                    else
                    {
                        changes = new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (var kv in f.Positional)
                        {
                            var eq = kv.IndexOf('=', StringComparison.Ordinal);
                            if (eq <= 0)
                            {
                                throw new UsageException($"env set {kv}: expected KEY=VALUE");
                            }
                            changes[kv[..eq]] = kv[(eq + 1)..];
                        }
                    }
                    var current = await env.ReadAsync().ConfigureAwait(false);
                    var secretKeys = new HashSet<string>(current.SecretKeys.Concat(f.Secret), StringComparer.Ordinal);
                    await env.SetAsync(changes, secretKeys).ConfigureAwait(false);
                    stdout.WriteLine($"set {changes.Count} key(s) in {f.Namespace ?? DeployEnv.DefaultNamespace}/{DeployEnv.ObjectName} (previous " +
                        $"content kept in {DeployEnv.BackupName})");
                    return 0;
                case "unset" when f.Positional.Count > 0:
                    var before = await env.ReadAsync().ConfigureAwait(false);
                    var absent = f.Positional.Where(k => !before.Values.ContainsKey(k)).ToList();
                    if (absent.Count > 0)
                    {
                        stderr.WriteLine($"ferry: {string.Join(", ", absent)}: not set in {f.Namespace ?? DeployEnv.DefaultNamespace}" +
                            $"/{DeployEnv.ObjectName}; 'ferry env show' lists the keys");
                        return 1;
                    }
                    await env.SetAsync(new Dictionary<string, string>(), before.SecretKeys, remove: f.Positional).ConfigureAwait(false);
                    stdout.WriteLine($"removed {f.Positional.Count} key(s) from {f.Namespace ?? DeployEnv.DefaultNamespace}/{DeployEnv.ObjectName}" +
                        $" (previous content kept in {DeployEnv.BackupName})");
                    return 0;
                default:
                    throw new UsageException(Usage);
            }
        }).ConfigureAwait(false);
    }

    /// <summary><c>ferry policy show | require-signature KEY.pub.pem | allow-unsigned</c>: the site's deploy policy.</summary>
    public static async Task<int> PolicyAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var Usage = CommandCatalog.UsageOf("policy");
        if (args.Length == 0)
        {
            throw new UsageException(Usage);
        }
        var f = Parse("policy " + args[0], args[1..]);
        return await WithClusterAsync(f, async client =>
        {
            var ns = f.Namespace ?? DeployEnv.DefaultNamespace;
            var policy = new SitePolicy(client, ns);
            switch (args[0])
            {
                case "show" when f.Positional.Count == 0:
                    var key = await policy.PublicKeyAsync().ConfigureAwait(false);
                    if (f.Json)
                    {
                        stdout.WriteLine(CliJson.Text(new PolicyJson(ns, key is not null, key)));
                        return 0;
                    }
                    stdout.WriteLine(key is null
                        ? "unsigned bundles are accepted (no vendor key in ferry-policy)"
                        : $"bundles must be signed by this key:\n{key.TrimEnd()}");
                    return 0;
                case "require-signature" when f.Positional.Count == 1:
                    var pem = File.ReadAllText(f.Positional[0]);
                    if (!pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
                    {
                        stderr.WriteLine($"ferry: {f.Positional[0]} is not a PEM public key (ferry keygen writes NAME.pub.pem)");
                        return 1;
                    }
                    await policy.SetPublicKeyAsync(pem).ConfigureAwait(false);
                    stdout.WriteLine($"from now on ferry deploy and ferry plan require " +
                        $"bundles signed by {f.Positional[0]} ({ns}/{SitePolicy.ObjectName})");
                    return 0;
                case "allow-unsigned" when f.Positional.Count == 0:
                    await policy.SetPublicKeyAsync(null).ConfigureAwait(false);
                    stdout.WriteLine($"unsigned bundles are accepted again ({ns}/{SitePolicy.ObjectName})");
                    return 0;
                default:
                    throw new UsageException(Usage);
            }
        }).ConfigureAwait(false);
    }

    public static async Task<int> RollbackAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse("rollback", args);
        if (f.Positional.Count is < 1 or > 2)
        {
            throw new UsageException(CommandCatalog.UsageOf("rollback"));
        }
        int? revision = f.Positional.Count == 2
            ? int.TryParse(f.Positional[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? v : throw new UsageException($"rollback: revision {f.Positional[1]} is not a number")
            : null;
        return await WithClusterAsync(f, async client =>
        {
            var ns = f.Namespace ?? "default";
            var manager = new ReleaseManager(client);
            if (f.DryRun)
            {
                var (target, next) = await manager.RollbackTargetAsync(f.Positional[0], ns, revision).ConfigureAwait(false);
                stdout.WriteLine(f.Json
                    ? CliJson.Text(new RollbackPlanJson(f.Positional[0], ns, next, target.Version, DryRun: true))
                    : $"dry run: {f.Positional[0]} would be rolled back " +
                        $"to revision {target.Version} ({target.ChartName}-{target.ChartVersion}) as revision {next}; nothing was changed");
                return 0;
            }
            var release = await manager.RollbackAsync(f.Positional[0], ns, revision, f.Options).ConfigureAwait(false);
            stdout.WriteLine(f.Json
                ? CliJson.Text(new RollbackJson(release.Name, ns, release.Version, release.Info.Status, release.Info.Description))
                : $"{release.Info.Description}: {f.Positional[0]} is now revision {release.Version} ({release.Info.Status})");
            return 0;
        }).ConfigureAwait(false);
    }

    public static async Task<int> UninstallAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse("uninstall", args);
        if (f.Positional.Count != 1)
        {
            throw new UsageException(CommandCatalog.UsageOf("uninstall"));
        }
        return await WithClusterAsync(f, async client =>
        {
            var ns = f.Namespace ?? "default";
            var manager = new ReleaseManager(client);
            var name = f.Positional[0];
            if (f.IgnoreNotFound && (await manager.Store.HistoryAsync(name, ns).ConfigureAwait(false)).Count == 0)
            {
                stdout.WriteLine(f.Json
                    ? CliJson.Text(new UninstallNotFoundJson(name, ns, "not found"))
                    : $"release \"{name}\" not found in namespace {ns}; nothing to uninstall (--ignore-not-found)");
                return 0;
            }
            if (f.DryRun)
            {
                var (_, deleted, kept, taken) = await manager.PlanUninstallAsync(name, ns).ConfigureAwait(false);
                if (f.Json)
                {
                    stdout.WriteLine(CliJson.Text(new UninstallPlanJson(name, ns, DryRun: true, [.. deleted.Select(k => k.ToString())],
                        [.. kept.Select(k => k.ToString()), .. taken.Select(t => t.Key.ToString())])));
                    return 0;
                }
                stdout.WriteLine($"dry run: uninstalling release \"{name}\" " +
                    $"from namespace {ns} would delete {deleted.Count} object(s){(f.NoHooks ? " (no hooks)" : "")}" +
                        $" and its records{(f.KeepHistory ? " but the last (kept as uninstalled)" : "")}; nothing was changed");
                foreach (var k in deleted)
                {
                    stdout.WriteLine($"  delete {k}");
                }
                foreach (var k in kept)
                {
                    stdout.WriteLine($"  keep   {k} (helm.sh/resource-policy: keep)");
                }
                foreach (var (k, owner) in taken)
                {
                    stdout.WriteLine($"  keep   {k} (taken over by {owner})");
                }
                return 0;
            }
            // as helm: uninstall waits only when asked (--wait)
            await manager.UninstallAsync(name, ns, f.KeepHistory, f.Options with { Wait = f.Wait == true }).ConfigureAwait(false);
            stdout.WriteLine(f.Json
                ? CliJson.Text(new UninstallJson(name, ns, "uninstalled", f.KeepHistory))
                : $"release \"{name}\" uninstalled from namespace {ns}{(f.KeepHistory ? " (history kept)" : "")}");
            return 0;
        }).ConfigureAwait(false);
    }

    public static async Task<int> HistoryAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse("history", args);
        if (f.Positional.Count != 1)
        {
            throw new UsageException(CommandCatalog.UsageOf("history"));
        }
        return await WithClusterAsync(f, async client =>
        {
            var ns = f.Namespace ?? "default";
            var history = await new ReleaseStore(client).HistoryAsync(f.Positional[0], ns).ConfigureAwait(false);
            history = f.Max is { } max && history.Count > max ? [.. history.Skip(history.Count - max)] : history; // helm history --max: the newest
            if (history.Count == 0)
            {
                stderr.WriteLine($"ferry: release {f.Positional[0]} not found in namespace {ns}");
                return 1;
            }
            if (f.Json)
            {
                // The shape of helm history -o json.
                stdout.WriteLine(CliJson.Text(history.Select(r => new ReleaseHistoryJson(r.Version, CliTime.Iso(r.Info.LastDeployed), r.Info.Status,
                    r.ChartName + "-" + r.ChartVersion, r.AppVersion, r.Info.Description)).ToList()));
                return 0;
            }
            stdout.WriteLine($"{"REVISION",-9} {"UPDATED",-24} {"STATUS",-17} {"CHART",-24} {"APP VERSION",-12} DESCRIPTION");
            foreach (var r in history)
            {
                stdout.WriteLine($"{r.Version,-9} {Ansic(r.Info.LastDeployed),-24} {r.Info.Status,-17} {r.ChartName + "-" + r.ChartVersion,-24}" +
                    $" {r.AppVersion,-12} {r.Info.Description}");
            }
            return 0;
        }).ConfigureAwait(false);
    }

    /// <summary>A time as helm history prints it (Go's time.ANSIC, UTC): <c>Mon Nov 30 13:13:01 2026</c>.</summary>
    internal static string Ansic(DateTimeOffset t) => t != default
        ? t.UtcDateTime.ToString("ddd MMM ", System.Globalization.CultureInfo.InvariantCulture)
            + t.UtcDateTime.Day.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(2)
            + t.UtcDateTime.ToString(" HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture)
        : "";
}
