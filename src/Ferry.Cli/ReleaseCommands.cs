using System.Globalization;
using Ferry.Charts.Releases;
using Ferry.Kube;

namespace Ferry.Cli;

/// <summary><c>ferry list</c> and <c>ferry get values|manifest|notes|hooks RELEASE</c>: helm's readers of release records.</summary>
internal static partial class ClusterCommands
{
    /// <summary><c>ferry list [-n NS | -A]</c>: the newest revision of each release, as <c>helm list -a</c> shows them.</summary>
    public static async Task<int> ListAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var f = Parse("list", args);
        if (f.Positional.Count != 0)
        {
            throw new UsageException(CommandCatalog.UsageOf("list"));
        }
        return await WithClusterAsync(f, async client =>
        {
            var ns = f.Namespace ?? "default";
            var releases = (await new ReleaseStore(client).ListAllAsync().ConfigureAwait(false)).Where(r => f.AllNamespaces || r.Namespace == ns)
                .ToList();
            if (f.Json)
            {
                // the shape of helm list -o json
                stdout.WriteLine(CliJson.Text(releases.Select(r => new ReleaseListJson(r.Name, r.Namespace,
                    r.Version.ToString(CultureInfo.InvariantCulture), ReleaseCodec.GoTime(r.Info.LastDeployed), r.Info.Status,
                    r.ChartName + "-" + r.ChartVersion, r.AppVersion)).ToList()));
                return 0;
            }
            stdout.WriteLine($"{"NAME",-16} {"NAMESPACE",-16} {"REVISION",-9} {"UPDATED",-38} {"STATUS",-16} {"CHART",-24} APP VERSION");
            foreach (var r in releases)
            {
                stdout.WriteLine($"{r.Name,-16} {r.Namespace,-16} {r.Version,-9} {ReleaseCodec.GoTime(r.Info.LastDeployed),-38}" +
                    $" {r.Info.Status,-16} {r.ChartName + "-" + r.ChartVersion,-24} {r.AppVersion}");
            }
            return 0;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>ferry get values|manifest|notes|hooks RELEASE [--revision N]</c>. Values and manifests are printed with the
    /// site's secrets masked (deploy-env's secret values, and the data of Secret objects), as <c>ferry plan</c> does.
    /// </summary>
    public static async Task<int> GetAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var Usage = CommandCatalog.UsageOf("get");
        if (args.Length == 0 || args[0] is not ("values" or "manifest" or "notes" or "hooks"))
        {
            throw new UsageException(Usage);
        }
        var f = Parse("get " + args[0], args[1..]);
        if (f.Positional.Count != 1)
        {
            throw new UsageException(Usage);
        }
        return await WithClusterAsync(f, async client =>
        {
            var (name, ns) = (f.Positional[0], f.Namespace ?? "default");
            var history = await new ReleaseStore(client).HistoryAsync(name, ns).ConfigureAwait(false);
            var release = f.Revision is { } v ? history.FirstOrDefault(r => r.Version == v) : history.Count > 0 ? history[^1] : null;
            if (release is null)
            {
                stderr.WriteLine(history.Count == 0
                    ? $"ferry: release {name} not found in namespace {ns}"
                    : $"ferry: release {name} has no revision {f.Revision} (it has {string.Join(", ", history.Select(r => r.Version))})");
                return 1;
            }
            var site = await new DeployEnv(client, f.EnvNamespace ?? DeployEnv.DefaultNamespace).ReadAsync().ConfigureAwait(false);
            var secrets = site.SecretKeys.Select(k => site.Values.GetValueOrDefault(k)).OfType<string>().Where(s => s.Length >= 3).ToList();
            var text = args[0] switch
            {
                "values" => f.Json ? Bundles.Planner.Mask(release.ConfigJson, secrets)
                    : Bundles.Planner.Mask(Templates.Formatting.GoYaml.Marshal(Templates.Values.DataReader.FromJson(release.ConfigJson)), secrets),
                "manifest" => Bundles.Planner.Mask(release.Manifest, secrets),
                "notes" => release.Info.Notes,
                _ => Bundles.Planner.Mask(
                    string.Concat(release.Hooks.OrderBy(h => h.Path, StringComparer.Ordinal)
                        .Select(h => $"---\n# Source: {h.Path}\n{h.Manifest.TrimEnd('\n')}\n")), secrets),
            };
            if (args[0] == "values" && !f.Json)
            {
                stdout.WriteLine("USER-SUPPLIED VALUES:");
            }
            stdout.Write(text.EndsWith('\n') || text.Length == 0 ? text : text + "\n");
            return 0;
        }).ConfigureAwait(false);
    }
}
