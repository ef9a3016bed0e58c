using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ferry.Bundles.Format;
using Ferry.Charts;
using Ferry.Oci;

namespace Ferry.Bundles;

/// <summary>Options of <c>ferry bundle build</c>.</summary>
public sealed class BundleBuildOptions
{
    public required string SpecPath { get; init; }

    public required string Output { get; init; }

    public RegistryOptions Registry { get; init; } = new();

    public IReadOnlyList<string>? Platforms { get; init; }

    /// <summary>Refuse to build when a chart digest differs from ferry.lock.</summary>
    public bool Locked { get; init; }

    /// <summary>A site inventory or previous bundle: blobs it holds are left out (a delta bundle).</summary>
    public string? Since { get; init; }

    /// <summary>zstd compression and/or numbered parts (<c>--compress zstd</c>, <c>--split 4GiB</c>).</summary>
    public BundleStorage Storage { get; init; } = new(Zstd: false, SplitBytes: null);

    /// <summary>Values that replace the sample env's (<c>--env KEY=VALUE</c>).</summary>
    public IReadOnlyDictionary<string, string> EnvOverrides { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A ferry executable (the native binary) the bundle carries as <c>bin/ferry</c>, so a site needs nothing else.</summary>
    public string? IncludeFerry { get; init; }

    public IProgress<string>? Log { get; init; }
}

/// <summary>An app after its chart was fetched and rendered with the sample env.</summary>
public sealed record PlannedApp(AppSpec Spec, string ChartName, string ChartVersion, Digest ChartDigest, string ChartFile, string? ValuesFile,
    IReadOnlyList<string> Images);

/// <summary>What a bundle will hold: the apps and every image with where it was found.</summary>
public sealed record BundlePlan(BundleSpec Spec, IReadOnlyList<PlannedApp> Apps, IReadOnlyDictionary<string, List<ImageSource>> Images);

/// <summary>What a build produced.</summary>
/// <param name="Id">The digest of the bundle's SHA256SUMS, which covers every file: the bundle's content identity.</param>
public sealed record BundleBuildResult(string Path, int Apps, int Images, long Bytes, Digest Id);

/// <summary>
/// <c>ferry bundle build</c>: fetch every chart, render it with its values template against the sample env,
/// discover every image, pull them into one OCI layout (layers stored once) and write a reproducible tar with
/// <c>SHA256SUMS</c> first, <c>ferry-bundle.json</c>, <c>charts/</c>, <c>values/</c> and <c>images/</c>.
/// </summary>
public static class BundleBuilder
{
    public const string ManifestName = "ferry-bundle.json";
    public const string SumsName = "SHA256SUMS";

    /// <summary>
    /// <c>ferry bundle images</c>: every image the product uses (sorted) with where each was found, from a discovery in
    /// a staging folder of its own, removed after.
    /// </summary>
    public static async Task<IReadOnlyList<(string Image, IReadOnlyList<ImageSource> Sources)>> ImagesAsync(BundleBuildOptions options,
        CancellationToken ct = default)
    {
        var staging = Directory.CreateTempSubdirectory("ferry-images-").FullName;
        try
        {
            var plan = await DiscoverAsync(options, staging, ct).ConfigureAwait(false);
            return [.. plan.Images.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (IReadOnlyList<ImageSource>)kv.Value))];
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Fetches every chart and renders it with the sample env: the apps and the images they use, nothing pulled.</summary>
    public static async Task<BundlePlan> DiscoverAsync(BundleBuildOptions options, string staging, CancellationToken ct = default)
    {
        var spec = SpecLoader.Load(options.SpecPath);
        var sampleEnv = SampleEnv(spec, options.EnvOverrides);
        using var client = new RegistryClient(options.Registry);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var fetcher = new ChartFetcher(client, http);
        var images = new Dictionary<string, List<ImageSource>>(StringComparer.Ordinal);
        var apps = new List<PlannedApp>();
        var previousLock = ReadLock(spec);
        Directory.CreateDirectory(Path.Combine(staging, "charts"));
        Directory.CreateDirectory(Path.Combine(staging, "values"));
        foreach (var app in spec.Apps)
        {
            options.Log?.Report($"app {app.Name}: fetching {app.SourceText}");
            var chart = await fetcher.FetchAsync(spec, app, ct).ConfigureAwait(false);
            if (options.Locked)
            {
                CheckLocked(app, chart, previousLock);
            }
            var chartFile = $"charts/{app.Name}/{chart.Name}-{chart.Version}.tgz";
            Directory.CreateDirectory(Path.Combine(staging, "charts", app.Name));
            await File.WriteAllBytesAsync(Path.Combine(staging, chartFile), chart.Archive, ct).ConfigureAwait(false);
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            string? valuesFile = null;
            if (app.Values is not null)
            {
                valuesFile = $"values/{app.Name}.yaml.tmpl";
                File.Copy(spec.Resolve(app.Values), Path.Combine(staging, valuesFile));
                values = ValuesTemplate.Render(spec.Resolve(app.Values), app.Values, spec, app, sampleEnv, registry: "");
            }
            var render = HelmTemplate.Run(Path.Combine(staging, chartFile),
                spec.ForTarget(new HelmTemplateOptions
                {
                    ReleaseName = app.Name, Namespace = app.Namespace, Values = values, Env = ValuesTemplate.EnvFor(spec, app, sampleEnv),
                }), ct);
            if (!render.Succeeded)
            {
                var what = app.SourceKind == "chart" ? $"chart {chart.Name} {chart.Version}" : $"its {app.SourceKind}";
                throw new BundleException($"app {app.Name}: rendering {what} with the sample env " +
                    $"(for Kubernetes {spec.TargetKubeVersion}) failed: {ValuesTemplate.ExplainRenderError(spec, render.Error!)}"
                    + (render.Error?.Contains("requires kubeVersion", StringComparison.Ordinal) == true ? "; set kubernetes.version in ferry.yaml " +
                        "to the sites' Kubernetes version" : ""));
            }
            ImageDiscovery.Discover(app.Name,
                render.Manifests.Concat(render.Hooks.Select(h => new Manifest(h.Path, h.Manifest, h.Kind, "", h.Name))), images, spec.ImagePaths);
            foreach (var extra in app.Images)
            {
                ImageDiscovery.Add(images, extra, new ImageSource(app.Name, Path.GetFileName(spec.SpecPath), $"apps[{app.Name}].images"));
            }
            var appImages = images.Where(kv => kv.Value.Any(s => s.App == app.Name)).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
            var generated = app.SourceKind == "chart" ? "" : $"{app.SourceKind} wrapped as ";
            options.Log?.Report($"app {app.Name}: {generated}chart {chart.Name} {chart.Version}, {appImages.Count} images");
            apps.Add(new PlannedApp(app, chart.Name, chart.Version, chart.Digest, chartFile, valuesFile, appImages));
        }
        return new BundlePlan(spec, apps, images);
    }

    /// <summary>The env the build renders with: the sample env and the build's overrides, every required key present.</summary>
    private static Dictionary<string, string> SampleEnv(BundleSpec spec, IReadOnlyDictionary<string, string> overrides)
    {
        var sampleEnv = spec.SampleEnv is null ? new Dictionary<string, string>(StringComparer.Ordinal)
            : SpecLoader.ReadDotEnv(spec.Resolve(spec.SampleEnv));
        foreach (var (key, value) in overrides)
        {
            if (!spec.Env.Any(v => v.Name == key))
            {
                var declared = string.Join(", ", spec.Env.Select(v => v.Name));
                throw new BundleException($"env override {key}: not declared in {spec.SpecPath} env: (declared: {declared})")
                {
                    Remedies = [Remedy.EnvOverride],
                };
            }
            sampleEnv[key] = value;
        }
        var missing = spec.Env.Where(v => v.Required && v.Default is null && !sampleEnv.ContainsKey(v.Name)).Select(v => v.Name).ToList();
        if (missing.Count > 0)
        {
            throw new BundleException($"{spec.SampleEnv ?? "sampleEnv"}: required env keys missing from " +
                $"the sample env: {string.Join(", ", missing)} (the build renders charts with it); add them, or override them for the build")
            {
                Remedies = [Remedy.EnvOverride],
            };
        }
        return sampleEnv;
    }

    /// <summary>With the lock checked, an app's chart must be the one ferry.lock pins.</summary>
    private static void CheckLocked(AppSpec app, FetchedChart chart, Dictionary<string, string> previousLock)
    {
        if (previousLock.TryGetValue(app.Name, out var locked) && locked != chart.Digest.Value)
        {
            throw new BundleException($"app {app.Name}: chart {app.Chart} is now {chart.Digest}, ferry.lock pins {locked}; to accept the " +
                "change, rebuild without checking the lock")
            {
                Remedies = [Remedy.Locked],
            };
        }
        if (!previousLock.ContainsKey(app.Name))
        {
            throw new BundleException($"app {app.Name}: not in ferry.lock; rebuild once without checking the lock")
            {
                Remedies = [Remedy.Locked],
            };
        }
    }

    public static async Task<BundleBuildResult> BuildAsync(BundleBuildOptions options, CancellationToken ct = default)
    {
        if (options.IncludeFerry is { } executable)
        {
            // before anything is fetched: the executable the site will run must be one that runs there
            if (!File.Exists(executable))
            {
                throw new BundleException($"the ferry executable to carry, {executable}, does not exist (build the native binary with " +
                    "./build.sh publish)")
                {
                    Remedies = [Remedy.IncludeFerry],
                };
            }
            SiteExecutable.Check(executable, (options.Platforms ?? SpecLoader.Load(options.SpecPath).Platforms).Select(Platform.Parse).ToList());
        }
        using var work = WorkFolder.Create("ferry-bundle-");
        var staging = work.Path;
        var plan = await DiscoverAsync(options, staging, ct).ConfigureAwait(false);
        var spec = plan.Spec;
        using var client = new RegistryClient(options.Registry);
        var platforms = (options.Platforms ?? spec.Platforms).Select(Platform.Parse).ToList();
        var site = options.Since is null ? null : SiteInventory.Load(options.Since);
        var images = await ResolveImagesAsync(plan, client, platforms, site, staging, options.Log, ct).ConfigureAwait(false);
        var manifest = new BundleManifest
        {
            Name = spec.Name,
            Version = spec.Version,
            Registry = new ManifestRegistry { Rewrite = spec.RewriteRegistry },
            Platforms = platforms.Select(p => p.ToString()).ToList(),
            Env = spec.Env.Select(v => new ManifestEnvVar
            {
                Name = v.Name, Description = v.Description, Required = v.Required, Secret = v.Secret, Default = v.Default, Pattern = v.Pattern,
            }).ToList(),
            Apps = plan.Apps.Select(a => new ManifestApp
            {
                Name = a.Spec.Name,
                Namespace = a.Spec.Namespace,
                Chart = new ManifestChart
                {
                    Name = a.ChartName, Version = a.ChartVersion, Digest = a.ChartDigest.Value, File = a.ChartFile,
                    Source = a.Spec.SourceKind == "chart" ? a.Spec.Chart.ToString() : a.Spec.SourceText,
                },
                Values = a.ValuesFile,
                DependsOn = a.Spec.DependsOn,
                Images = a.Images,
            }).ToList(),
            Images = images.Entries,
            Inputs = Inputs(options, spec),
            Delta = site is null ? null : new ManifestDelta(Path.GetFileName(options.Since!), [.. images.Required]),
        };
        if (site is not null)
        {
            options.Log?.Report($"delta: {images.Required.Count} blobs left out (the site has them)");
        }
        if (spec.Cluster is { } cluster)
        {
            manifest = manifest with { Cluster = await StageClusterAsync(spec, cluster, staging, options.Log, ct).ConfigureAwait(false) };
        }
        if (options.IncludeFerry is { } ferry)
        {
            Directory.CreateDirectory(Path.Combine(staging, "bin"));
            File.Copy(ferry, Path.Combine(staging, "bin", "ferry"));
            manifest = manifest with { Ferry = "bin/ferry" };
        }
        File.Copy(options.SpecPath, Path.Combine(staging, "ferry.yaml"));
        manifest = manifest with { Files = await HashFilesAsync(staging, ct).ConfigureAwait(false) };
        await File.WriteAllTextAsync(Path.Combine(staging, ManifestName), BundleManifestJson.Write(manifest), ct).ConfigureAwait(false);
        var chartLock = plan.Apps.ToDictionary(a => a.Spec.Name, a => a.ChartDigest.Value, StringComparer.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(spec.BaseDirectory, "ferry.lock"), BundleManifestJson.WriteLock(chartLock), ct)
            .ConfigureAwait(false);
        options.Log?.Report($"writing {options.Output}");
        return await BundleArchiveWriter.WriteAsync(staging, images.Remote, client, options.Output, options.Storage, plan.Apps.Count,
            plan.Images.Count, ct).ConfigureAwait(false);
    }

    /// <summary>What the build was made from, secret overrides masked.</summary>
    private static ManifestInputs Inputs(BundleBuildOptions options, BundleSpec spec) => new()
    {
        Ferry = typeof(BundleBuilder).Assembly.GetName().Version?.ToString(3),
        SampleEnv = spec.SampleEnv,
        EnvOverrides = options.EnvOverrides.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(
            kv => kv.Key, kv => (string?)(spec.Env.Any(v => v.Name == kv.Key && v.Secret) ? "(secret)" : kv.Value), StringComparer.Ordinal),
        Since = options.Since is null ? null : Path.GetFileName(options.Since),
    };

    /// <summary>The bundle's images resolved, their manifests stored; blobs the site has are required, the rest streamed later.</summary>
    private sealed record ResolvedImages(List<ManifestImage> Entries, SortedSet<string> Required, Dictionary<string, RemoteBlob> Remote);

    private static async Task<ResolvedImages> ResolveImagesAsync(
        BundlePlan plan, RegistryClient client, List<Platform> platforms, SiteInventory? site, string staging, IProgress<string>? log,
            CancellationToken ct)
    {
        var layout = OciLayout.Open(Path.Combine(staging, "images"), create: true);
        var copier = new ImageCopier(client);
        var result = new ResolvedImages([], new SortedSet<string>(StringComparer.Ordinal), new Dictionary<string,
            RemoteBlob>(StringComparer.Ordinal));
        var ordered = plan.Images.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var resolvedAll = await ResolveAllAsync(ordered, copier, platforms, client.Options.Parallelism, log, ct).ConfigureAwait(false);
        var tags = new List<(Descriptor, string)>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var (image, sources) = ordered[i];
            var (resolved, usedBy) = resolvedAll[i];
            tags.Add((ImageCopier.WriteManifests(resolved, layout), resolved.Image.ToString()));
            foreach (var blob in resolved.Blobs)
            {
                if (site is not null && site.Blobs.Contains(blob.Digest.Value))
                {
                    result.Required.Add(blob.Digest.Value);
                }
                else
                {
                    result.Remote.TryAdd(blob.Digest.Hex, new RemoteBlob(blob, resolved.Image, usedBy));
                }
            }
            result.Entries.Add(new ManifestImage
            {
                Ref = image,
                Digest = resolved.Tagged.Digest.Value,
                MediaType = resolved.Tagged.MediaType,
                Size = resolved.Blobs.Sum(b => b.Size),
                Sources = sources.Select(s => new ManifestImageSource(s.App, s.Template, s.Path)).ToList(),
            });
        }
        layout.Tag(tags);
        return result;
    }

    /// <summary>
    /// Every image's manifests, fetched side by side (each is a few small requests, so their round trips dominate), in
    /// the order given; when some fail, the first of them in that order is the error, whatever finished first.
    /// </summary>
    private static async Task<(ResolvedImage Resolved, string UsedBy)[]> ResolveAllAsync(List<KeyValuePair<string, List<ImageSource>>> images,
        ImageCopier copier, List<Platform> platforms, int parallel, IProgress<string>? log, CancellationToken ct)
    {
        var results = new (ResolvedImage Resolved, string UsedBy)[images.Count];
        var errors = new Exception?[images.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, images.Count), options,
            async (i, token) =>
            {
                var (image, sources) = images[i];
                log?.Report($"resolving {image}");
                var usedBy = string.Join(", ", sources.Select(s => $"{s.App}: {s.Template}").Distinct());
                try
                {
                    results[i] = (await copier.ResolveAsync(ImageReference.Parse(image), platforms, ct: token).ConfigureAwait(false), usedBy);
                }
                catch (OciException e)
                {
                    errors[i] = new BundleException($"image {image} (used by {usedBy}): {e.Message}", e);
                }
            }).ConfigureAwait(false);
        if (errors.FirstOrDefault(e => e is not null) is { } first)
        {
            throw first;
        }
        return results;
    }

    /// <summary>Per-file SHA-256 of everything staged but the image layout (whose blobs are named by their digest).</summary>
    private static async Task<Dictionary<string, string>> HashFilesAsync(string staging, CancellationToken ct)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(staging, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("images/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            await using var fs = File.OpenRead(Path.Combine(staging, f));
            files[f] = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(fs, ct).ConfigureAwait(false));
        }
        return files;
    }

    /// <summary>Copies (or downloads) the k3s artifacts into cluster/k3s/ and describes them for ferry-bundle.json.</summary>
    private static async Task<ManifestCluster> StageClusterAsync(BundleSpec spec, ClusterSpec cluster, string staging, IProgress<string>? log,
        CancellationToken ct)
    {
        var dir = Directory.CreateDirectory(Path.Combine(staging, "cluster", "k3s")).FullName;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        async Task<string?> StageAsync(string? source, string field, string? fixedName = null)
        {
            if (source is null)
            {
                return null;
            }
            var name = fixedName ?? Path.GetFileName(SpecLoader.IsUrl(source) ? new Uri(source).AbsolutePath : source);
            var target = Path.Combine(dir, name);
            if (SpecLoader.IsUrl(source))
            {
                log?.Report($"cluster.k3s.{field}: downloading {source}");
                try
                {
                    using var response = await http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                    await using var file = File.Create(target);
                    await response.Content.CopyToAsync(file, ct).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    throw new BundleException($"{spec.SpecPath}: cluster.k3s.{field}: downloading {source} failed: {e.Message}", e);
                }
            }
            else
            {
                File.Copy(spec.Resolve(source), target);
            }
            return $"cluster/k3s/{name}";
        }
        return new ManifestCluster(
            new ManifestK3s(
                cluster.K3s.Version,
                (await StageAsync(cluster.K3s.Binary, "binary", "k3s").ConfigureAwait(false))!,
                await StageAsync(cluster.K3s.Images, "images").ConfigureAwait(false),
                (await StageAsync(cluster.K3s.InstallScript, "installScript", "install.sh").ConfigureAwait(false))!),
            cluster.StoragePath);
    }

    private static Dictionary<string, string> ReadLock(BundleSpec spec)
    {
        var path = Path.Combine(spec.BaseDirectory, "ferry.lock");
        if (!File.Exists(path))
        {
            return [];
        }
        return BundleManifestJson.ReadLock(File.ReadAllText(path));
    }
}
