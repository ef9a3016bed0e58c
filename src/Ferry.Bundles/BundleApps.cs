namespace Ferry.Bundles;

/// <summary>One app as the bundle manifest records it, its files resolved inside the bundle.</summary>
/// <param name="ChartFile">Full path of the app's chart archive (checked against the manifest's chart digest).</param>
/// <param name="ValuesFile">Full path of its values template, or null.</param>
public sealed record BundleApp(string Name, string ChartFile, string ChartDigest, string? ValuesFile, string? ValuesName);

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
            var chartFile = bundle.BundleFile(chartName, $"the chart of {at}");
            if (!string.Equals(bundle.ListedDigest(chartName), digest, StringComparison.Ordinal))
            {
                throw new BundleException($"{bundle.Path}: the chart of {at} ({chartName}) is not the chart the bundle was built with " +
                    $"(digest {bundle.ListedDigest(chartName)}, the manifest records {digest}); the bundle was altered: get a fresh copy " +
                        "from the vendor");
            }
            var valuesFile = a.Values is { } values ? bundle.BundleFile(values, $"the values template of {at}") : null;
            result.Add(new BundleApp(a.Name, chartFile, digest, valuesFile, a.Values));
        }
        return result;
    }
}
