using System.Globalization;
using Ferry.Bundles;
using Ferry.Kube;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary><c>ferry deploy BUNDLE --registry HOST[:PORT][/prefix]</c>.</summary>
internal static class DeployCommand
{
    private const string Usage = "usage: ferry deploy BUNDLE --registry HOST[:PORT][/PREFIX] [--insecure] [--ca-file F] [--key pub.pem] [--env-namespace NS] [--timeout 5m] [--kubeconfig F] [--context C]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? bundle = null, registry = null, kubeconfig = null, context = null, key = null;
        var envNamespace = DeployEnv.DefaultNamespace;
        var timeout = TimeSpan.FromMinutes(5);
        var registryOptions = new RegistryOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--registry": registry = Value(); break;
                case "--insecure": registryOptions.Insecure = true; break;
                case "--ca-file": registryOptions.CaFile = Value(); break;
                case "--key": key = Value(); break;
                case "--env-namespace": envNamespace = Value(); break;
                case "--timeout": timeout = ParseDuration(Value()); break;
                case "--kubeconfig": kubeconfig = Value(); break;
                case "--context": context = Value(); break;
                default:
                    bundle = !args[i].StartsWith('-') && bundle is null ? args[i] : throw new UsageException(Usage);
                    break;
            }
        }
        if (bundle is null || registry is null)
        {
            throw new UsageException(Usage);
        }
        try
        {
            using var client = KubeConnection.Connect(kubeconfig, context);
            var outcomes = await new Deployer(client).DeployAsync(new DeployRequest
            {
                Bundle = bundle,
                SiteRegistry = registry,
                Registry = registryOptions,
                EnvNamespace = envNamespace,
                PublicKey = key,
                Options = new DeployOptions(timeout),
                Log = new LineProgress(stderr),
            }).ConfigureAwait(false);
            foreach (var o in outcomes)
            {
                stdout.WriteLine($"{o.App,-16} {o.Result,-10} {(o.Revision is { } r ? "revision " + r.ToString(CultureInfo.InvariantCulture) : ""),-12} {o.Detail}");
            }
            return outcomes.Any(o => o.Result is "failed" or "skipped") ? 1 : 0;
        }
        catch (Exception e) when (e is BundleException or KubeException)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }

    public static async Task<int> PlanAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        const string PlanUsage = "usage: ferry plan BUNDLE --registry HOST[:PORT][/PREFIX] [--env-file site.env] [--kubeconfig F] [--context C] [--env-namespace NS] [--key pub.pem] [--output json]";
        string? bundle = null, registry = null, kubeconfig = null, context = null, key = null, envFile = null;
        var envNamespace = DeployEnv.DefaultNamespace;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--registry": registry = Value(); break;
                case "--env-file": envFile = Value(); break;
                case "--key": key = Value(); break;
                case "--env-namespace": envNamespace = Value(); break;
                case "--kubeconfig": kubeconfig = Value(); break;
                case "--context": context = Value(); break;
                case "--output": json = Value() == "json"; break;
                default:
                    bundle = !args[i].StartsWith('-') && bundle is null ? args[i] : throw new UsageException(PlanUsage);
                    break;
            }
        }
        if (bundle is null || registry is null)
        {
            throw new UsageException(PlanUsage);
        }
        try
        {
            // With --env-file and no cluster flags the plan is offline: nothing is read from a cluster.
            using var client = envFile is not null && kubeconfig is null && context is null ? null : KubeConnection.Connect(kubeconfig, context);
            var env = envFile is not null ? Planner.EnvFromFile(envFile) : await new DeployEnv(client!, envNamespace).ReadAsync().ConfigureAwait(false);
            var plans = await Planner.PlanAsync(bundle, registry, env, client, key, new LineProgress(stderr)).ConfigureAwait(false);
            if (json)
            {
                var array = new System.Text.Json.Nodes.JsonArray(plans.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
                {
                    ["app"] = p.App, ["namespace"] = p.Namespace, ["action"] = p.Action, ["chart"] = p.Chart,
                    ["objects"] = p.Objects, ["hooks"] = p.Hooks, ["deployedRevision"] = p.DeployedRevision,
                    ["images"] = new System.Text.Json.Nodes.JsonArray(p.Images.Select(i => (System.Text.Json.Nodes.JsonNode)i).ToArray()),
                }).ToArray());
                stdout.WriteLine(array.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            stdout.WriteLine($"{"APP",-16} {"NAMESPACE",-12} {"ACTION",-10} {"CHART",-20} OBJECTS HOOKS");
            foreach (var p in plans)
            {
                stdout.WriteLine($"{p.App,-16} {p.Namespace,-12} {p.Action,-10} {p.Chart,-20} {p.Objects,7} {p.Hooks,5}");
                foreach (var image in p.Images)
                {
                    stdout.WriteLine($"    image {image}");
                }
            }
            return 0;
        }
        catch (Exception e) when (e is BundleException or KubeException)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }

    /// <summary>Go-style durations: 90s, 5m, 1h, or plain seconds.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var number = char.IsAsciiDigit(unit) ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new UsageException($"--timeout {text}: expected a duration such as 90s, 5m or 1h");
        }
        return unit switch
        {
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            's' => TimeSpan.FromSeconds(n),
            _ when char.IsAsciiDigit(unit) => TimeSpan.FromSeconds(n),
            _ => throw new UsageException($"--timeout {text}: expected a duration such as 90s, 5m or 1h"),
        };
    }
}
