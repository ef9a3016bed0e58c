using Ferry.Oci;

namespace Ferry.Cli;

/// <summary><c>ferry images pull|push|list|copy|verify</c>: moving images between registries and OCI layouts.</summary>
internal static class ImagesCommand
{
    private sealed class Flags
    {
        public List<string> Positional { get; } = [];

        public string? To { get; set; }

        public List<Platform> Platforms { get; } = [];

        public bool AllPlatforms { get; set; }

        public bool Json { get; set; }

        public RegistryOptions Registry { get; set; } = new();
    }

    private static Flags Parse(string path, string[] args, TextReader stdin)
    {
        var a = CommandArgs.Parse(path, args);
        var f = new Flags { To = a.Value("--to"), Json = a.Json };
        foreach (var p in a.Values("--platform").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (p == "all")
            {
                f.AllPlatforms = true;
            }
            else
            {
                f.Platforms.Add(Platform.Parse(p));
            }
        }
        f.Registry = a.Registry(stdin, parallelism: a.Int("--parallel", new RegistryOptions().Parallelism));
        f.Positional.AddRange(a.Positional);
        return f;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            throw new UsageException(CommandCatalog.UsageOf("images"));
        }
        var f = Parse("images " + args[0], args[1..], Console.In);
        return args[0] switch
        {
            "pull" => await PullAsync(f, stdout, stderr).ConfigureAwait(false),
            "push" => await PushAsync(f, stdout, stderr).ConfigureAwait(false),
            "copy" => await CopyAsync(f, stdout, stderr).ConfigureAwait(false),
            "list" => List(f, stdout),
            "verify" => Verify(f, stdout, stderr),
            _ => throw new UsageException($"images: unknown command {args[0]} (pull, push, list, copy, verify)"),
        };
    }

    private static TransferBar Reporter(TextWriter stderr) => new(stderr);

    private static async Task<int> PullAsync(Flags f, TextWriter stdout, TextWriter stderr)
    {
        if (f.Positional.Count == 0 || f.To is null)
        {
            throw new UsageException(CommandCatalog.UsageOf("images pull"));
        }
        var refs = f.Positional.Select(ImageReference.Parse).ToList();
        var layout = OciLayout.Open(f.To, create: true);
        using var client = new RegistryClient(f.Registry);
        var copier = new ImageCopier(client, Reporter(stderr));
        var results = await copier.PullAllAsync(refs, layout, f.Platforms, f.AllPlatforms).ConfigureAwait(false);
        Print(stdout, results, "pulled", f.Json);
        return 0;
    }

    private static async Task<int> PushAsync(Flags f, TextWriter stdout, TextWriter stderr)
    {
        if (f.Positional.Count != 1 || f.To is null)
        {
            throw new UsageException(CommandCatalog.UsageOf("images push"));
        }
        var layout = OciLayout.Open(f.Positional[0]);
        using var client = new RegistryClient(f.Registry);
        var copier = new ImageCopier(client, Reporter(stderr));
        var images = layout.Manifests().Select(d => (d, ImageCopier.PushTarget(
            OciLayout.RefName(d) ?? throw new OciException($"{layout.Root}: manifest {d.Digest} has no {Descriptor.RefNameAnnotation}; tag " +
                "it before pushing"), f.To))).ToList();
        var results = await copier.PushAllAsync(layout, images).ConfigureAwait(false);
        Print(stdout, results, "pushed", f.Json);
        return 0;
    }

    /// <summary>SRC and DST are <c>oci:DIR[:NAME]</c> or <c>docker://REF</c>.</summary>
    private static async Task<int> CopyAsync(Flags f, TextWriter stdout, TextWriter stderr)
    {
        if (f.Positional.Count != 2)
        {
            throw new UsageException(CommandCatalog.UsageOf("images copy"));
        }
        var (src, dst) = (f.Positional[0], f.Positional[1]);
        if (!ImageLocation.TryParse(src, out var source, out var why) || !ImageLocation.TryParse(dst, out var destination, out why))
        {
            throw new UsageException($"copy: {why}; SRC and DST are oci:DIR[:NAME] or docker://REF");
        }
        if (source!.IsLayout && destination!.IsLayout)
        {
            throw new UsageException("copy: SRC and DST are both layouts; at least one must be docker://REF (copy layouts with cp -r)");
        }
        using var client = new RegistryClient(f.Registry);
        var result = await new ImageCopier(client, Reporter(stderr)).CopyAsync(source, destination!, f.Platforms, f.AllPlatforms)
            .ConfigureAwait(false);
        Print(stdout, [result], "copied", f.Json);
        return 0;
    }

    private static int List(Flags f, TextWriter stdout)
    {
        if (f.Positional.Count != 1)
        {
            throw new UsageException(CommandCatalog.UsageOf("images list"));
        }
        var layout = OciLayout.Open(f.Positional[0]);
        var entries = layout.Manifests();
        if (f.Json)
        {
            stdout.WriteLine(CliJson.Text(entries.Select(d => new LayoutEntryJson(OciLayout.RefName(d), d.Digest.Value, d.MediaType, d.Size))
                .ToList()));
            return 0;
        }
        foreach (var d in entries)
        {
            stdout.WriteLine($"{OciLayout.RefName(d) ?? "<untagged>"}\t{d.Digest}\t{d.MediaType}");
        }
        return 0;
    }

    private static int Verify(Flags f, TextWriter stdout, TextWriter stderr)
    {
        if (f.Positional.Count != 1)
        {
            throw new UsageException(CommandCatalog.UsageOf("images verify"));
        }
        var layout = OciLayout.Open(f.Positional[0]);
        var problems = layout.Verify();
        if (f.Json)
        {
            stdout.WriteLine(CliJson.Text(new LayoutVerifyJson(layout.Root, layout.Manifests().Count, problems.Count == 0, problems)));
            return problems.Count == 0 ? 0 : 1;
        }
        foreach (var p in problems)
        {
            stderr.WriteLine($"ferry: {layout.Root}: {p}");
        }
        stdout.WriteLine(problems.Count == 0 ? $"{layout.Root}: {layout.Manifests().Count}" +
            " images verified" : $"{layout.Root}: {problems.Count} problems");
        return problems.Count == 0 ? 0 : 1;
    }

    private static void Print(TextWriter stdout, IReadOnlyList<TransferResult> results, string verb, bool json)
    {
        if (json)
        {
            stdout.WriteLine(CliJson.Text(results.Select(r => new TransferJson(r.Image, r.ManifestDigest.Value, r.MediaType, r.Blobs,
                r.BlobsSkipped, r.Bytes)).ToList()));
            return;
        }
        foreach (var r in results)
        {
            stdout.WriteLine($"{verb} {r.Image}@{r.ManifestDigest} ({r.Blobs} blobs, {r.BlobsSkipped} already present, {r.Bytes} bytes)");
        }
    }
}
