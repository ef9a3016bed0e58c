using System.Diagnostics;
using Ferry.Charts;
using Ferry.Oci;
using Ferry.Templates.Values;

namespace Ferry.Bundles;

/// <summary>A fetched chart: the packaged archive bytes (what the bundle carries) and its digest.</summary>
public sealed record FetchedChart(string Name, string Version, byte[] Archive, Digest Digest);

/// <summary>Fetches charts from a directory or .tgz, a Helm HTTP repository (index.yaml), an OCI registry or a git tag.</summary>
public sealed class ChartFetcher(RegistryClient registry, HttpClient http)
{
    public async Task<FetchedChart> FetchAsync(BundleSpec spec, AppSpec app, CancellationToken ct)
    {
        var source = app.Chart;
        byte[] archive;
        try
        {
            archive = app.SourceKind switch
            {
                "manifests" => GeneratedCharts.FromManifests(spec, app),
                "kustomize" => GeneratedCharts.FromKustomize(spec, app),
                _ => await FetchChartAsync(spec, source, ct).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (e is OciException or HttpRequestException or IOException or ChartException or BundleException
            or Kustomize.KustomizeException)
        {
            throw new BundleException($"app {app.Name}: {(app.SourceKind == "chart" ? "cannot fetch " : "")}{app.SourceText}: {e.Message}", e);
        }
        Chart chart;
        using (var ms = new MemoryStream(archive))
        {
            try
            {
                chart = ChartLoader.LoadArchive(ms, $"app {app.Name} chart");
            }
            catch (ChartException e)
            {
                throw new BundleException($"app {app.Name}: {app.SourceText}: {e.Message}", e);
            }
        }
        if (app.SourceKind == "chart" && source.Version is not null && chart.Metadata.Version != source.Version)
        {
            throw new BundleException($"app {app.Name}: chart {source} has version {chart.Metadata.Version}, ferry.yaml pins {source.Version}");
        }
        return new FetchedChart(chart.Name, chart.Metadata.Version, archive, Digest.Of(archive));
    }

    private async Task<byte[]> FetchChartAsync(BundleSpec spec, ChartSource source, CancellationToken ct) => source.Kind switch
    {
        "path" => FromPath(spec.Resolve(source.Path!)),
        "repo" => await FromRepoAsync(source, ct).ConfigureAwait(false),
        "oci" => await FromOciAsync(source, ct).ConfigureAwait(false),
        _ => FromGit(source),
    };

    private static byte[] FromPath(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }
        var md = ChartLoader.ParseMetadata(File.ReadAllText(Path.Combine(path, "Chart.yaml")), Path.Combine(path, "Chart.yaml"));
        return ReproducibleTar.PackageChart(path, md.Name);
    }

    private async Task<byte[]> FromRepoAsync(ChartSource s, CancellationToken ct)
    {
        var baseUrl = s.Repo!.TrimEnd('/') + "/";
        var indexText = await http.GetStringAsync(new Uri(new Uri(baseUrl), "index.yaml"), ct).ConfigureAwait(false);
        var index = DataReader.FromYaml(indexText) as Dictionary<string, object?>;
        if (index?.GetValueOrDefault("entries") is not Dictionary<string, object?> entries
            || entries.GetValueOrDefault(s.Name!) is not List<object?> versions)
        {
            throw new BundleException($"{baseUrl}index.yaml has no chart named {s.Name}");
        }
        var entry = versions.OfType<Dictionary<string, object?>>().FirstOrDefault(v => v.GetValueOrDefault("version") as string == s.Version)
            ?? throw new BundleException($"{baseUrl}index.yaml has {s.Name} but not version {s.Version} " +
                $"(available: {string.Join(", ", versions.OfType<Dictionary<string, object?>>().Select(v => v.GetValueOrDefault("version")))})");
        if (entry.GetValueOrDefault("urls") is not List<object?> urls || urls.FirstOrDefault() is not string url)
        {
            throw new BundleException($"{baseUrl}index.yaml: {s.Name} {s.Version} has no download URL");
        }
        var bytes = await http.GetByteArrayAsync(new Uri(new Uri(baseUrl), url), ct).ConfigureAwait(false);
        if (entry.GetValueOrDefault("digest") is string expected && expected.Length == 64 && Digest.Of(bytes).Hex != expected)
        {
            throw new BundleException($"{url}: archive digest does not match index.yaml ({expected}); the repository is inconsistent");
        }
        return bytes;
    }

    private async Task<byte[]> FromOciAsync(ChartSource s, CancellationToken ct)
    {
        var refText = s.Oci!.StartsWith("oci://", StringComparison.Ordinal) ? s.Oci["oci://".Length..] : s.Oci;
        var reference = ImageReference.Parse($"{refText}:{s.Version}");
        var manifest = await registry.GetManifestAsync(reference.Registry, reference.Repository, reference.Reference, ct).ConfigureAwait(false);
        var layer = ManifestReader.Children(manifest.Bytes, manifest.MediaType).FirstOrDefault(d => d.MediaType == MediaTypes.HelmChartContent)
            ?? throw new BundleException($"{reference} is not a Helm chart (no {MediaTypes.HelmChartContent} layer)");
        var temp = Directory.CreateTempSubdirectory("ferry-chart-").FullName;
        try
        {
            var layout = OciLayout.Open(temp, create: true);
            await registry.DownloadBlobAsync(reference.Registry, reference.Repository, layer, layout, null, ct).ConfigureAwait(false);
            return File.ReadAllBytes(layout.BlobPath(layer.Digest));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static byte[] FromGit(ChartSource s) => WithGitCheckout(s, (checkout, dir) =>
    {
        if (!File.Exists(Path.Combine(dir, "Chart.yaml")))
        {
            throw new BundleException($"{s.Git}@{s.Ref}: no Chart.yaml at {s.GitPath ?? "the repository root"}");
        }
        var md = ChartLoader.ParseMetadata(File.ReadAllText(Path.Combine(dir, "Chart.yaml")), "Chart.yaml");
        return ReproducibleTar.PackageChart(dir, md.Name);
    });

    /// <summary>Checks out <paramref name="s"/>'s ref (shallow) and hands <paramref name="use"/> the checkout and its path folder.</summary>
    internal static T WithGitCheckout<T>(ChartSource s, Func<string, string, T> use)
    {
        var temp = Directory.CreateTempSubdirectory("ferry-git-").FullName;
        try
        {
            Git(temp, "init", "-q");
            Git(temp, "fetch", "-q", "--depth", "1", s.Git!, s.Ref!);
            Git(temp, "-c", "advice.detachedHead=false", "checkout", "-q", "FETCH_HEAD");
            var dir = s.GitPath is null ? temp : Path.GetFullPath(Path.Combine(temp, s.GitPath));
            if (!ContainedPath.IsUnder(temp, dir, rootItself: true) || !Directory.Exists(dir))
            {
                throw new BundleException($"{s.Git}@{s.Ref}: no folder {s.GitPath} in the repository");
            }
            return use(temp, dir);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static void Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true,
            UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var p = Process.Start(psi) ?? throw new BundleException("git is required for git chart sources");
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new BundleException($"git {string.Join(' ', args)} failed: {err.Trim()}");
        }
    }
}
