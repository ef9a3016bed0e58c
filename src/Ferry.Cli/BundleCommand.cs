using Ferry.Bundles;
using Ferry.Oci;

namespace Ferry.Cli;

/// <summary><c>ferry bundle build|verify|inspect</c> and <c>ferry schema</c>.</summary>
internal static class BundleCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            throw new UsageException(CommandCatalog.UsageOf("bundle"));
        }
        switch (args[0])
        {
            case "build":
                return await BuildAsync(args[1..], stdout, stderr, imagesOnly: false).ConfigureAwait(false);
            case "images":
                return await BuildAsync(args[1..], stdout, stderr, imagesOnly: true).ConfigureAwait(false);
            case "verify":
                {
                    var a = CommandArgs.Parse("bundle verify", args[1..]);
                    var file = a.Arguments(1, 1)[0];
                    var (site, key, json) = (a.Value("--site"), a.Value("--key"), a.Json);
                    var problems = BundleReader.Verify(file, key, site);
                    if (json)
                    {
                        stdout.WriteLine(CliJson.Text(new BundleVerifyJson(file, problems.Count == 0, key is not null, problems)));
                        return problems.Count == 0 ? 0 : 1;
                    }
                    foreach (var p in problems)
                    {
                        stderr.WriteLine($"ferry: {file}: {p}");
                    }
                    stdout.WriteLine(problems.Count == 0 ? $"{file}: verified" : $"{file}: {problems.Count} problem(s)");
                    return problems.Count == 0 ? 0 : 1;
                }
            case "sign":
                {
                    var a = CommandArgs.Parse("bundle sign", args[1..]);
                    var file = a.Arguments(1, 1)[0];
                    BundleSigner.SignBundle(file, a.Required("--key"));
                    stdout.WriteLine($"signed {file} ({BundleSigner.SignatureName}, ECDSA P-256)");
                    return 0;
                }
            case "inspect":
                {
                    var a = CommandArgs.Parse("bundle inspect", args[1..]);
                    var file = a.Arguments(1, 1)[0];
                    var json = a.Json;
                    if (json)
                    {
                        stdout.Write(Bundles.Format.BundleManifestJson.Write(BundleReader.ReadManifest(file)));
                    }
                    else
                    {
                        stdout.Write(BundleReader.Inspect(file));
                    }
                    return 0;
                }
            default:
                throw new UsageException($"bundle: unknown command {args[0]} (build, images, verify, sign, inspect)");
        }
    }

    private static async Task<int> BuildAsync(string[] args, TextWriter stdout, TextWriter stderr, bool imagesOnly)
    {
        var a = CommandArgs.Parse(imagesOnly ? "bundle images" : "bundle build", args);
        var env = EnvOverrides(a);
        var since = a.Value("--since");
        var zstd = a.Choice("--compress", "none", "zstd", "none") == "zstd"; // layers are already compressed; zstd mostly shrinks charts and configs
        long? split = a.Value("--split") is { } size ? BundleFile.ParseSize(size) : null;
        var positional = a.Positional;
        var output = imagesOnly ? null : a.Value("-o");
        var registry = a.Registry(stdin: null);
        var locked = a.Has("--locked");
        var includeFerry = IncludeFerry(a, positional);
        var spec = a.Arguments(1, 1)[0];
        var platforms = Platforms(a);
        // the output's folder must exist before anything is fetched (a build can take long)
        var outputDir = Path.GetDirectoryName(Path.GetFullPath(output ?? "bundle.ferry"))!;
        if (!imagesOnly && !Directory.Exists(outputDir))
        {
            throw new UsageException($"-o {output}: the folder {outputDir} does not exist; create it first");
        }
        var options = new BundleBuildOptions
        {
            SpecPath = spec,
            Output = output ?? "bundle.ferry",
            Registry = registry,
            Platforms = platforms,
            Locked = locked,
            EnvOverrides = env,
            Since = since,
            Storage = new BundleStorage(zstd, split),
            IncludeFerry = includeFerry,
            Log = new LineProgress(stderr),
        };
        if (imagesOnly)
        {
            PrintImages(await BundleBuilder.ImagesAsync(options).ConfigureAwait(false), a.Json, stdout);
            return 0;
        }
        var result = await BundleBuilder.BuildAsync(options).ConfigureAwait(false);
        stdout.WriteLine($"wrote {result.Path}: {result.Apps} apps, {result.Images} images, {result.Bytes} bytes, id {result.Id} (digest of " +
            "its SHA256SUMS)");
        return 0;
    }

    /// <summary>--env KEY=VALUE, each.</summary>
    private static Dictionary<string, string> EnvOverrides(CommandArgs a)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in a.Values("--env"))
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            env[eq > 0 ? kv[..eq] : throw new UsageException($"--env {kv}: expected KEY=VALUE")] = kv[(eq + 1)..];
        }
        return env;
    }

    /// <summary>--platform os/arch[/variant], repeated or comma-separated, each checked; null when not given.</summary>
    private static List<string>? Platforms(CommandArgs a)
    {
        List<string>? platforms = a.Values("--platform").Count == 0 ? null : [.. a.Values("--platform").SelectMany(v => v.Split(','))];
        foreach (var p in platforms ?? [])
        {
            try
            {
                Oci.Platform.Parse(p);
            }
            catch (Oci.OciException e)
            {
                throw new UsageException($"--platform {p}: {e.Message}");
            }
        }
        return platforms;
    }

    /// <summary>
    /// --include-ferry [PATH]: the given executable, else this one when it is the native binary (a spec path after the
    /// flag is put back among the positional arguments).
    /// </summary>
    private static string? IncludeFerry(CommandArgs a, List<string> positional)
    {
        if (a.Value("--include-ferry") is not { } include)
        {
            return null;
        }
        if (include.EndsWith(".yaml", StringComparison.Ordinal))
        {
            positional.Insert(0, include); // --include-ferry ferry.yaml: the spec, not an executable
            include = "";
        }
        return include.Length > 0 ? include
            : Environment.ProcessPath is { } self && Path.GetFileName(self) == "ferry" ? self
            : throw new UsageException("--include-ferry: this ferry runs on the .NET runtime; give the native binary: --include-ferry " +
                "out/linux-x64/ferry (./build.sh publish)");
    }

    /// <summary>Each image and where it was found (app, values template, path in the values).</summary>
    private static void PrintImages(IReadOnlyList<(string Image, IReadOnlyList<ImageSource> Sources)> images, bool json, TextWriter stdout)
    {
        if (json)
        {
            stdout.WriteLine(CliJson.Text(images.Select(i => new BundleImageJson(i.Image,
                [.. i.Sources.Select(s => new ImageSourceJson(s.App, s.Template, s.Path))])).ToList()));
            return;
        }
        foreach (var (image, sources) in images)
        {
            stdout.WriteLine(image);
            foreach (var s in sources)
            {
                stdout.WriteLine($"    {s.App}: {s.Template} {s.Path}");
            }
        }
    }

    public static int Keygen(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse("keygen", args);
        a.Arguments(0, 0);
        var name = a.Required("-o");
        var priv = name + ".pem";
        var pub = name + ".pub.pem";
        if (File.Exists(priv))
        {
            stderr.WriteLine($"ferry: {priv} exists; refusing to overwrite a key (remove it first)");
            return 1;
        }
        BundleSigner.GenerateKey(priv, pub);
        stdout.WriteLine($"wrote {priv} (private, keep it secret) and {pub} (give it to sites: ferry bundle " +
            $"verify FILE --key {Path.GetFileName(pub)})");
        return 0;
    }

    public static async Task<int> InventoryAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse("inventory", args);
        a.Arguments(0, 0);
        var registry = a.Required("--registry");
        var output = a.Value("-o");
        var json = a.Json;
        var options = a.Registry(stdin: null);
        using var client = new RegistryClient(options);
        var inventory = await SiteInventory.TakeAsync(client, registry, new LineProgress(stderr)).ConfigureAwait(false);
        if (output is null)
        {
            stdout.Write(inventory.ToJson());
        }
        else
        {
            await File.WriteAllTextAsync(output, inventory.ToJson()).ConfigureAwait(false);
            stdout.WriteLine(json
                ? CliJson.Text(new InventoryWrittenJson(output, inventory.Manifests.Count, inventory.Blobs.Count))
                : $"wrote {output}: {inventory.Manifests.Count} manifests, {inventory.Blobs.Count} blobs");
        }
        return 0;
    }
}
