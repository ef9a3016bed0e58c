using System.Text.Json;
using Ferry.Charts;
using Ferry.Kube;
using Ferry.Oci;
using k8s;

namespace Ferry.Bundles;

/// <summary>One app of a deploy plan.</summary>
public sealed record AppPlan(string App, string Namespace, string Action, string Chart, int Objects, int Hooks, IReadOnlyList<string> Images, int? DeployedRevision);

/// <summary>
/// <c>ferry plan</c>: what <c>ferry deploy</c> would do, without changing anything. It verifies the bundle,
/// checks the env (from the cluster's deploy-env or an env file, for offline review), renders every app with it
/// and the site registry (images pinned to the digests the bundle carries), and, given a cluster, compares each
/// app with its deployed release: install, upgrade or unchanged.
/// </summary>
public static class Planner
{
    public static async Task<IReadOnlyList<AppPlan>> PlanAsync(string bundle, string siteRegistry, SiteEnv env, IKubernetes? client, string? publicKey = null, IProgress<string>? log = null, CancellationToken ct = default)
    {
        var problems = BundleReader.Verify(bundle, publicKey);
        if (problems.Count > 0)
        {
            throw new BundleException($"{bundle}: verification failed:\n  " + string.Join("\n  ", problems));
        }
        var work = Directory.CreateTempSubdirectory("ferry-plan-").FullName;
        try
        {
            BundleReader.Extract(bundle, work);
            var spec = SpecLoader.Load(Path.Combine(work, "ferry.yaml"), checkFiles: false);
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(work, BundleBuilder.ManifestName)));
            var manifest = doc.RootElement;
            Deployer.CheckEnv(spec, env, log);
            // Pushing keeps manifest bytes, so the site digest is the one the bundle recorded.
            var siteRefs = manifest.GetProperty("images").EnumerateArray().ToDictionary(
                i => i.GetProperty("ref").GetString()!,
                i => $"{ImageCopier.PushTarget(i.GetProperty("ref").GetString()!, siteRegistry) with { Digest = null }}@{i.GetProperty("digest").GetString()}",
                StringComparer.Ordinal);
            var store = client is null ? null : new ReleaseStore(client);
            var plans = new List<AppPlan>();
            foreach (var app in Deployer.Ordered(spec))
            {
                var plan = Deployer.Render(spec, app, work, manifest, env, siteRegistry, spec.RewriteRegistry ? siteRefs : null);
                var images = plan.Manifests.Select(m => m.Content).Concat(plan.Hooks.Select(h => h.Manifest))
                    .SelectMany(c => siteRefs.Values.Where(v => c.Contains(v, StringComparison.Ordinal))).Distinct().Order(StringComparer.Ordinal).ToList();
                var chart = JsonDocument.Parse(plan.ChartJson).RootElement.GetProperty("metadata");
                var chartName = $"{chart.GetProperty("name").GetString()} {chart.GetProperty("version").GetString()}";
                string action;
                int? revision = null;
                if (store is null)
                {
                    action = "render";
                }
                else
                {
                    var deployed = await store.DeployedAsync(app.Name, app.Namespace, ct).ConfigureAwait(false);
                    revision = deployed?.Version;
                    action = deployed is null ? "install"
                        : ReleaseManager.IsUnchanged(deployed, plan) ? "unchanged"
                        : "upgrade";
                }
                plans.Add(new AppPlan(app.Name, app.Namespace, action, chartName, plan.Manifests.Count, plan.Hooks.Count, images, revision));
            }
            return plans;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Site settings from a dotenv file (offline review); keys declared secret by the bundle are treated as secret.</summary>
    public static SiteEnv EnvFromFile(string path) =>
        new(SpecLoader.ReadDotEnv(path), new HashSet<string>(StringComparer.Ordinal));
}
