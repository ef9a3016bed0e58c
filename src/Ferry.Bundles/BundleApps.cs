namespace Ferry.Bundles;

/// <summary>One app as the bundle manifest records it, its files checked to be files of the bundle.</summary>
/// <param name="ChartFile">The app's chart archive, its path in the bundle (checked against the manifest's chart digest; read it with
/// <see cref="OpenedBundle.LoadChart"/>).</param>
/// <param name="ValuesFile">Its values template, its path in the bundle (<see cref="OpenedBundle.ReadFile"/>), or null.</param>
public sealed record BundleApp(string Name, string ChartFile, string ChartDigest, string? ValuesFile);

/// <summary>Reads and checks <c>apps</c> of ferry-bundle.json: the shape, the paths (inside the bundle) and each chart's digest.</summary>
internal static class BundleApps
{
    public static IReadOnlyList<BundleApp> Read(OpenedBundle bundle)
    {
        var result = new List<BundleApp>();
        foreach (var a in bundle.Manifest.Apps!)
        {
            var at = $"app {a.Name}";
            var (chartName, digest) = (a.Chart!.File, a.Chart.Digest);
            bundle.Require(chartName, $"the chart of {at}");
            if (!string.Equals(bundle.ListedDigest(chartName), digest, StringComparison.Ordinal))
            {
                throw new BundleException($"{bundle.Path}: the chart of {at} ({chartName}) is not the chart the bundle was built with " +
                    $"(digest {bundle.ListedDigest(chartName)}, the manifest records {digest}); the bundle was altered: get a fresh copy " +
                        "from the vendor");
            }
            if (a.Values is { } values)
            {
                bundle.Require(values, $"the values template of {at}");
            }
            result.Add(new BundleApp(a.Name, chartName, digest, a.Values));
        }
        return result;
    }
}
