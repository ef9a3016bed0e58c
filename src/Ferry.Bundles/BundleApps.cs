using System.Text.Json;

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
        var root = bundle.Manifest;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("apps", out var apps) || apps.ValueKind != JsonValueKind.Array)
        {
            throw Damaged(bundle, "has no apps list");
        }
        var result = new List<BundleApp>();
        var i = 0;
        foreach (var a in apps.EnumerateArray())
        {
            var at = $"apps[{i++}]";
            var name = Text(bundle, a, "name", at);
            at = $"app {name}";
            if (!a.TryGetProperty("chart", out var chart) || chart.ValueKind != JsonValueKind.Object)
            {
                throw Damaged(bundle, $"{at} has no chart");
            }
            var chartName = Text(bundle, chart, "file", at + " chart");
            var digest = Text(bundle, chart, "digest", at + " chart");
            var chartFile = bundle.BundleFile(chartName, $"the chart of {at}");
            if (!string.Equals(bundle.ListedDigest(chartName), digest, StringComparison.Ordinal))
            {
                throw new BundleException($"{bundle.Path}: the chart of {at} ({chartName}) is not the chart the bundle was built with (digest {bundle.ListedDigest(chartName)}, the manifest records {digest}); the bundle was altered: get a fresh copy from the vendor");
            }
            string? valuesName = null;
            string? valuesFile = null;
            if (a.TryGetProperty("values", out var v) && v.ValueKind != JsonValueKind.Null)
            {
                valuesName = v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Damaged(bundle, $"{at}: values is not a file name");
                valuesFile = bundle.BundleFile(valuesName, $"the values template of {at}");
            }
            result.Add(new BundleApp(name, chartFile, digest, valuesFile, valuesName));
        }
        return result;
    }

    private static string Text(OpenedBundle bundle, JsonElement e, string key, string at) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw Damaged(bundle, $"{at} has no {key}");

    private static BundleException Damaged(OpenedBundle bundle, string what) =>
        new($"{bundle.Path}: {BundleBuilder.ManifestName}: {what}; the bundle is damaged: get a fresh copy from the vendor");
}
