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
            throw new UsageException("usage: ferry bundle build|images|verify|sign|inspect ...");
        }
        try
        {
            switch (args[0])
            {
                case "build":
                    return await BuildAsync(args[1..], stdout, stderr, imagesOnly: false).ConfigureAwait(false);
                case "images":
                    return await BuildAsync(args[1..], stdout, stderr, imagesOnly: true).ConfigureAwait(false);
                case "verify":
                    {
                        const string VerifyUsage = "usage: ferry bundle verify FILE [--key pub.pem] [--site site.json] [--output json]";
                        string? site = null, key = null, file = null;
                        var json = false;
                        for (var i = 1; i < args.Length; i++)
                        {
                            switch (args[i])
                            {
                                case "--site" when i + 1 < args.Length: site = args[++i]; break;
                                case "--key" when i + 1 < args.Length: key = args[++i]; break;
                                case "--output" when i + 1 < args.Length:
                                    json = args[++i] switch { "json" => true, "text" => false, var o => throw new UsageException($"--output {o}: use json or text") };
                                    break;
                                default:
                                    file = file is null && !args[i].StartsWith('-') ? args[i] : throw new UsageException(VerifyUsage);
                                    break;
                            }
                        }
                        if (file is null)
                        {
                            throw new UsageException(VerifyUsage);
                        }
                        var problems = BundleReader.Verify(file, key);
                        if (site is not null)
                        {
                            var missing = BundleReader.MissingOnSite(file, SiteInventory.Load(site));
                            problems.AddRange(missing.Select(d => $"{d}: required by this delta bundle but not on the site ({site}); build a full bundle or one --since a newer inventory"));
                        }
                        if (json)
                        {
                            stdout.WriteLine(new System.Text.Json.Nodes.JsonObject
                            {
                                ["bundle"] = file, ["verified"] = problems.Count == 0, ["signatureChecked"] = key is not null,
                                ["problems"] = new System.Text.Json.Nodes.JsonArray([.. problems.Select(p => (System.Text.Json.Nodes.JsonNode)p)]),
                            }.ToJsonString(DeployCommand.Indented));
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
                        if (args.Length != 4 || args[2] != "--key")
                        {
                            throw new UsageException("usage: ferry bundle sign FILE --key key.pem");
                        }
                        BundleSigner.SignBundle(args[1], args[3]);
                        stdout.WriteLine($"signed {args[1]} ({BundleSigner.SignatureName}, ECDSA P-256)");
                        return 0;
                    }
                case "inspect":
                    {
                        var json = args.Contains("--output") && args.SkipWhile(a => a != "--output").Skip(1).FirstOrDefault() == "json";
                        var file = args.Skip(1).FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && a != "json")
                            ?? throw new UsageException("usage: ferry bundle inspect FILE [--output json]");
                        if (json)
                        {
                            using var doc = BundleReader.ReadManifest(file);
                            stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(doc.RootElement, CliJson.Default.JsonElement));
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
        catch (BundleException e)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> BuildAsync(string[] args, TextWriter stdout, TextWriter stderr, bool imagesOnly)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        string? since = null;
        var zstd = false;
        long? split = null;
        string? spec = null;
        string? output = null;
        var registry = new RegistryOptions();
        List<string>? platforms = null;
        var locked = false;
        string? includeFerry = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "-o" or "--output": output = Value(); break;
                case "--insecure": registry.Insecure = true; break;
                case "--ca-file": registry.CaFile = Value(); break;
                case "--platform": (platforms ??= []).AddRange(Value().Split(',')); break;
                case "--locked": locked = true; break;
                case "--since": since = Value(); break;
                case "--env":
                    var kv = Value();
                    var eq = kv.IndexOf('=', StringComparison.Ordinal);
                    env[eq > 0 ? kv[..eq] : throw new UsageException($"--env {kv}: expected KEY=VALUE")] = kv[(eq + 1)..];
                    break;
                case "--compress":
                    zstd = Value() switch
                    {
                        "zstd" => true,
                        "none" => false,
                        var c => throw new UsageException($"--compress {c}: expected zstd or none (layers are already compressed; zstd mostly shrinks charts and configs)"),
                    };
                    break;
                case "--split": split = BundleFile.ParseSize(Value()); break;
                case "--include-ferry":
                    // --include-ferry [PATH]: the given executable, else this one when it is the native binary.
                    includeFerry = i + 1 < args.Length && !args[i + 1].StartsWith('-') && !args[i + 1].EndsWith(".yaml", StringComparison.Ordinal) ? args[++i]
                        : Environment.ProcessPath is { } self && Path.GetFileName(self) == "ferry" ? self
                        : throw new UsageException("--include-ferry: this ferry runs on the .NET runtime; give the native binary: --include-ferry out/linux-x64/ferry (./build.sh publish)");
                    break;
                default:
                    if (args[i].StartsWith('-'))
                    {
                        throw new UsageException($"bundle build: unknown flag {args[i]}");
                    }
                    spec = spec is null ? args[i] : throw new UsageException("bundle build: give one ferry.yaml");
                    break;
            }
        }
        if (spec is null)
        {
            throw new UsageException("usage: ferry bundle build|images ferry.yaml [-o NAME.ferry] [--env KEY=VALUE] [--compress zstd|none] [--split 4GiB] [--insecure] [--platform os/arch] [--locked] [--include-ferry [PATH]]");
        }
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
            if (output is not (null or "text" or "json"))
            {
                throw new UsageException($"--output {output}: use json or text");
            }
            var staging = Directory.CreateTempSubdirectory("ferry-images-").FullName;
            try
            {
                var plan = await BundleBuilder.DiscoverAsync(options, staging).ConfigureAwait(false);
                if (output is "json")
                {
                    // for bundle images, --output is the format (there is no archive to write)
                    stdout.WriteLine(new System.Text.Json.Nodes.JsonArray([.. plan.Images.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
                    {
                        ["image"] = kv.Key,
                        ["sources"] = new System.Text.Json.Nodes.JsonArray([.. kv.Value.Select(s => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["app"] = s.App, ["template"] = s.Template, ["path"] = s.Path })]),
                    })]).ToJsonString(DeployCommand.Indented));
                    return 0;
                }
                foreach (var (image, sources) in plan.Images.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    stdout.WriteLine(image);
                    foreach (var s in sources)
                    {
                        stdout.WriteLine($"    {s.App}: {s.Template} {s.Path}");
                    }
                }
            }
            finally
            {
                Directory.Delete(staging, recursive: true);
            }
            return 0;
        }
        var result = await BundleBuilder.BuildAsync(options).ConfigureAwait(false);
        stdout.WriteLine($"wrote {result.Path}: {result.Apps} apps, {result.Images} images, {result.Bytes} bytes, id {result.Id} (digest of its SHA256SUMS)");
        return 0;
    }

    public static int Keygen(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 2 || args[0] is not ("-o" or "--output"))
        {
            throw new UsageException("usage: ferry keygen -o NAME   (writes NAME.pem, the private key, and NAME.pub.pem)");
        }
        var priv = args[1] + ".pem";
        var pub = args[1] + ".pub.pem";
        if (File.Exists(priv))
        {
            stderr.WriteLine($"ferry: {priv} exists; refusing to overwrite a key (remove it first)");
            return 1;
        }
        BundleSigner.GenerateKey(priv, pub);
        stdout.WriteLine($"wrote {priv} (private, keep it secret) and {pub} (give it to sites: ferry bundle verify FILE --key {Path.GetFileName(pub)})");
        return 0;
    }

    public static async Task<int> InventoryAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? registry = null;
        string? output = null;
        var json = false;
        var options = new RegistryOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--registry": registry = Value(); break;
                case "-o": output = Value(); break;
                case "--output":
                    json = Value() switch { "json" => true, "text" => false, var o => throw new UsageException($"--output {o}: use json or text (-o PATH writes the file)") };
                    break;
                case "--insecure": options.Insecure = true; break;
                case "--ca-file": options.CaFile = Value(); break;
                default: throw new UsageException($"inventory: unknown argument {args[i]}");
            }
        }
        if (registry is null)
        {
            throw new UsageException("usage: " + CommandCatalog.All.First(c => c.Path == "inventory").Usage);
        }
        try
        {
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
                    ? new System.Text.Json.Nodes.JsonObject { ["wrote"] = output, ["manifests"] = inventory.Manifests.Count, ["blobs"] = inventory.Blobs.Count }.ToJsonString(DeployCommand.Indented)
                    : $"wrote {output}: {inventory.Manifests.Count} manifests, {inventory.Blobs.Count} blobs");
            }
            return 0;
        }
        catch (BundleException e)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }
}
