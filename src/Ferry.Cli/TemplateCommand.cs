using Ferry.Charts;
using Ferry.Kube;

namespace Ferry.Cli;

/// <summary>
/// <c>ferry template [NAME] CHART [flags]</c>: renders a chart like <c>helm template</c>; with <c>--validate</c>,
/// for the cluster the kubeconfig names (its version and API groups) and with every object checked by its API server
/// (a server-side dry run: nothing changes), as helm's --validate checks them against the cluster.
/// </summary>
internal static class TemplateCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string chart;
        HelmTemplateOptions options;
        try
        {
            (chart, options) = HelmTemplateArgs.Parse(args);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"template: {e.Message}; run 'ferry template --help'");
        }
        HeapWarmup.Prepare(); // rendering allocates megabytes at once: fault them in together
        using var client = options.Validate ? KubeConnection.Connect(options.Kubeconfig, options.KubeContext) : null;
        if (client is not null)
        {
            options = options with { Cluster = await ClusterDiscovery.DiscoverAsync(client).ConfigureAwait(false) };
        }
        var result = HelmTemplate.Run(chart, options);
        foreach (var warning in result.Warnings)
        {
            stderr.WriteLine(warning);
        }
        if (result.Succeeded && client is not null && await InvalidAsync(client, result, options.Namespace).ConfigureAwait(false) is { } invalid)
        {
            stderr.WriteLine($"Error: unable to build kubernetes objects from release manifest: {invalid}");
            return 1;
        }
        stdout.Write(result.Output);
        if (!result.Succeeded)
        {
            stderr.WriteLine($"Error: {result.Error}");
            if (!options.Debug && result.FailedWhileRendering)
            {
                stderr.WriteLine();
                stderr.WriteLine("Use --debug flag to render out invalid YAML");
            }
            return 1;
        }
        return 0;
    }

    /// <summary>
    /// The first object (CRDs, manifests, then hooks) the cluster's API server refuses in a dry run, or null. Objects
    /// bound for a namespace that does not exist yet are left out (an install creates it; the server cannot judge them).
    /// </summary>
    private static async Task<string?> InvalidAsync(k8s.IKubernetes client, HelmTemplateResult result, string ns)
    {
        var applier = new Applier(client);
        var namespaces = new Dictionary<string, bool>(StringComparer.Ordinal);
        var documents = (result.Crds ?? []).Select(c => c.Content).Concat(result.Manifests.Select(m => m.Content))
            .Concat(result.Hooks.Select(h => h.Manifest));
        foreach (var doc in documents.SelectMany(ManifestSorter.SplitManifests))
        {
            if (ReleaseManager.ToJson(doc) is not { } obj)
            {
                continue;
            }
            var target = obj["metadata"]?["namespace"]?.GetValue<string>() ?? ns;
            if (!namespaces.TryGetValue(target, out var exists))
            {
                namespaces[target] = exists = await KubeConnection.FindAsync($"read namespace {target}", () =>
                    k8s.CoreV1OperationsExtensions.ReadNamespaceAsync(client.CoreV1, target)).ConfigureAwait(false) is not null;
            }
            if (!exists && !PrunePlan.IsClusterScoped(obj["kind"]?.GetValue<string>() ?? ""))
            {
                continue;
            }
            try
            {
                await applier.ApplyAsync(obj, ns, force: true, dryRun: true).ConfigureAwait(false);
            }
            catch (KubeException e)
            {
                return e.Message;
            }
        }
        return null;
    }
}
