namespace Ferry.Cli;

/// <summary>One command (or subcommand) as help shows it: its words, its usage line and what it does.</summary>
internal sealed record CommandInfo(string Path, string Usage, string Summary)
{
    public string[] Words { get; } = Path.Split(' ');
}

/// <summary>
/// Every command and subcommand with its usage and summary: the source of <c>ferry --help</c>, of each command's
/// <c>--help</c>, and of the suggestions for a mistyped command ("did you mean").
/// </summary>
internal static class CommandCatalog
{
    public static readonly IReadOnlyList<CommandInfo> All =
    [
        new("version", "ferry version", "print Ferry's version"),
        new("render", "ferry render TEMPLATE [-d|--data FILE.yaml|FILE.json] [--set k=v]... [--set-string k=v]... [--missingkey " +
            "default|zero|error]", "render a Go text/template file against YAML or JSON data (Sprig + Helm functions)"),
        new("template", "ferry template [NAME] CHART [-f|--values values.yaml]... [--set k=v]... [--set-string k=v] [--set-json k=json] " +
            "[--set-file k=path] [--set-literal k=v] [-n|--namespace NS] [-s|--show-only path] [--include-crds] [--skip-crds] [--skip-tests] " +
                "[--no-hooks] [--is-upgrade] [--skip-schema-validation] [--kube-version v] [-a|--api-versions v] [--name-template T] " +
                    "[-g|--generate-name] [--release-name] [-l|--labels k=v,...] [--hide-notes] [--render-subchart-notes] [--post-renderer NAME " +
                        "[--post-renderer-args A]] [--output-dir DIR] [--validate [--kubeconfig F] " +
                            "[--kube-context C]] [--debug]", "render a Helm chart (directory or .tgz) natively, exactly as `helm " +
                                "template` prints it"),
        new("show values", "ferry show values CHART", "print a chart's default values"),
        new("kustomize", "ferry kustomize DIR [--root DIR]", "render a kustomization natively, as `kubectl kustomize` prints it " +
            "(reading only inside --root)"),
        new("lint", "ferry lint CHART [-f|--values values.yaml]... [--set k=v]... [--set-string k=v] [--set-json k=json] [--set-file k=path] " +
            "[-n|--namespace NS] [--kube-version v] [-a|--api-versions v] " +
                "[--output json|yaml]", "check a chart: metadata, schema, rendering and YAML validity"),
        new("images pull", "ferry images pull REF... --to DIR [--platform os/arch|all] [--insecure] [--ca-file F] [--username U --password-stdin] " +
            "[--parallel N] [--output json|yaml]", "pull images from registries into an OCI image layout"),
        new("images push", "ferry images push DIR --to REGISTRY[/REPO] [--insecure] [--ca-file F] [--username U --password-stdin] [--parallel N] " +
            "[--output json|yaml]", "push an OCI image layout's images to a registry"),
        new("images list", "ferry images list DIR [--output json|yaml]", "list the images of an OCI image layout"),
        new("images verify", "ferry images verify DIR [--output json|yaml]", "check every blob of an OCI image layout against its digest"),
        new("images copy", "ferry images copy SRC DST [--insecure] [--ca-file F] [--username U --password-stdin]   (oci:DIR[:NAME] " +
            "| docker://REF)", "copy one image between layouts and registries"),
        new("bundle build", "ferry bundle build ferry.yaml -o NAME.ferry [--env K=V]... [--since site.json|old.ferry] [--compress zstd] [--split " +
            "4GiB] [--insecure] [--ca-file F] [--platform os/arch] [--locked] " +
                "[--include-ferry [PATH]]", "build an offline bundle: charts, values templates and images, one verifiable archive"),
        new("bundle images", "ferry bundle images ferry.yaml [--env K=V]... [--insecure] [--ca-file F] " +
            "[--output json|yaml]", "which image each app uses, and where it was found"),
        new("bundle verify", "ferry bundle verify FILE [--key pub.pem] [--site site.json] " +
            "[--output json|yaml]", "check a bundle's checksums (and signature)"),
        new("bundle inspect", "ferry bundle inspect FILE [--output json|yaml]", "what a bundle holds: apps, charts, images, env schema"),
        new("bundle sign", "ferry bundle sign FILE --key key.pem", "sign a bundle with the vendor's private key"),
        new("keygen", "ferry keygen -o NAME", "create an ECDSA P-256 key pair for signing bundles (NAME.pem + NAME.pub.pem)"),
        new("inventory", "ferry inventory --registry HOST[:PORT] [-o site.json] [--insecure] [--ca-file F] " +
            "[--output json|yaml]", "record which manifests and blobs a site registry holds (input of delta bundles)"),
        new("deploy", "ferry deploy BUNDLE --registry HOST[:PORT][/PREFIX] [--insecure|--ca-file F] [--username U --password-stdin] [--key " +
            "pub.pem] [--env-namespace NS] [--timeout 5m] [--no-wait] [--no-hooks] [--skip-crds] [--cleanup-on-fail] [--history-max 10] " +
                "[--description TEXT] [--parallel 4] [--force-unlock] [--force-conflicts[=APP,...]] [--skip-preflight] [--kubeconfig F] [--context " +
                    "C] [--output json|yaml]", "verify a bundle, run preflight, push its images, upgrade or install every app in order"),
        new("preflight", "ferry preflight BUNDLE --registry HOST[:PORT][/PREFIX] [--env-file site.env] [--insecure|--ca-file F] [--username U " +
            "--password-stdin] [--key pub.pem] [--env-namespace NS] [--kubeconfig F] [--context C] " +
                "[--output json|yaml]", "whether the site can run the bundle, before any change: Kubernetes, API kinds, nodes, CPU, memory, " +
                    "storage, quotas, pod security, env, registry (exit " +
                    "1 on a failed check)"),
        new("plan", "ferry plan BUNDLE --registry HOST[:PORT][/PREFIX] [--env-file site.env] [--key pub.pem] [--env-namespace NS] [--kubeconfig F] " +
            "[--context C] [--output json|yaml]", "what deploy would do: preflight, per app install/upgrade/unchanged with a unified diff (secrets " +
                "masked), conflicts, env changes, images; offline with --env-file; exit 1 when preflight fails (alias: diff)"),
        new("status", "ferry status [--env-namespace NS] [--kubeconfig F] [--context C] [--output json|yaml]", "every release in the cluster and " +
            "the last deploy of each product (exit 1 when something needs attention)"),
        new("env show", "ferry env show [-n|--namespace NS] [--kubeconfig F] [--context C] " +
            "[--output json|yaml]", "show the site settings (secret values masked)"),
        new("env set", "ferry env set K=V... [--secret K,...] [-n|--namespace NS] [--kubeconfig " +
            "F] [--context C]", "change site settings (previous content backed up in deploy-env-backup)"),
        new("env unset", "ferry env unset K... [-n|--namespace NS] [--kubeconfig " +
            "F] [--context C]", "remove site settings (previous content backed up in deploy-env-backup)"),
        new("env import", "ferry env import FILE.env [--secret K,...] [-n|--namespace NS] [--kubeconfig " +
            "F] [--context C]", "set site settings from a dotenv file"),
        new("policy show", "ferry policy show [-n|--namespace NS] [--kubeconfig F] [--context C] [--output json|yaml]", "the site's deploy policy"),
        new("policy require-signature", "ferry policy require-signature VENDOR.pub.pem [-n|--namespace NS] " +
            "[--kubeconfig F]", "from now on, deploy and plan only bundles signed by this key"),
        new("policy allow-unsigned", "ferry policy allow-unsigned [-n|--namespace NS] [--kubeconfig F]", "accept unsigned bundles again"),
        new("list", "ferry list [-n|--namespace NS | -A|--all-namespaces] [--kubeconfig F] [--context C] " +
            "[--output json|yaml]", "the releases in a namespace (or all: -A), newest revision of each, as helm list -a (alias: ls)"),
        new("get values", "ferry get values RELEASE [-n|--namespace NS] [--revision N] [--env-namespace NS] [--kubeconfig F] [--context C] " +
            "[--output json|yaml]", "a revision's values (the site's secrets masked)"),
        new("get manifest", "ferry get manifest RELEASE [-n|--namespace NS] [--revision N] [--env-namespace NS] [--kubeconfig " +
            "F] [--context C]", "a revision's manifest (Secret data and the site's secrets masked)"),
        new("get notes", "ferry get notes RELEASE [-n|--namespace NS] [--revision N] [--kubeconfig F] [--context C]", "a revision's NOTES.txt"),
        new("get hooks", "ferry get hooks RELEASE [-n|--namespace NS] [--revision N] [--env-namespace NS] [--kubeconfig " +
            "F] [--context C]", "a revision's hooks (secrets masked)"),
        new("history", "ferry history RELEASE [-n|--namespace NS] [--max N] [--kubeconfig F] [--context C] " +
            "[--output json|yaml]", "list a release's revisions (Helm-compatible release records)"),
        new("rollback", "ferry rollback RELEASE [REVISION] [-n|--namespace NS] [--timeout 5m] [--wait[=watcher|legacy|hookOnly]] [--no-hooks] " +
            "[--dry-run] [--cleanup-on-fail] [--history-max 10] [--force-conflicts] [--kubeconfig F] [--context C] " +
                "[--output json|yaml]", "roll a release back to an earlier revision (default: the one before the latest), as a new revision"),
        new("uninstall", "ferry uninstall RELEASE [-n|--namespace NS] [--keep-history] [--dry-run] [--no-hooks] [--wait[=watcher|legacy|hookOnly]] " +
            "[--timeout 5m] [--cascade background|foreground|orphan] [--ignore-not-found] [--kubeconfig F] [--context C] " +
                "[--output json|yaml]", "delete a release's objects (resource-policy keep respected, delete hooks run) and its records"),
        new("support-bundle", "ferry support-bundle [-n|--namespace NS]... [-o FILE] [--tail 200] [--env-namespace NS] [--kubeconfig " +
            "F] [--context C]", "collect what the vendor needs to diagnose the site into one .tar.gz: nodes, pods, logs, events, claims, releases, " +
                "deploys (secrets redacted)"),
        new("support-bundle analyze", "ferry support-bundle analyze FILE [--output json|yaml]", "name the problems a support bundle shows: crash " +
            "loops with their logs, unpullable images, OOMKilled, unschedulable pods, unbound claims, failed releases and deploys, node pressure " +
                "(exit 1 when any)"),
        new("cluster install", "ferry cluster install BUNDLE [--role server|agent] [--server URL --token T] [--root DIR] [--token-file F] " +
            "[--registry HOST[:PORT]] [--ca-file F] [--registry-username U --registry-password-file F] [--node-name N] [--plain-http] [--key " +
                "pub.pem] [--registry-storage DIR [--registry-addr ADDR] [--registry-tls-cert F --registry-tls-key F] " +
                    "[--registry-htpasswd F]]", "install k3s from the bundle on this node (airgap images, config.yaml, registries.yaml); " +
                        "--root DIR: dry run"),
        new("registry serve", "ferry registry serve --storage DIR [--addr 0.0.0.0:5000] [--tls-cert F --tls-key F] " +
            "[--htpasswd F] [--verbose]", "serve a minimal OCI registry from a folder (push and pull; the site registry, if there is none)"),
        new("console", "ferry console --htpasswd F [--addr 127.0.0.1:8080] [--bundles DIR] [--registry HOST[:PORT][/PREFIX]] [--insecure|--ca-file " +
            "F] [--username U --password-stdin] [--key pub.pem] [--timeout 5m] [--tls-cert F --tls-key F] [--kubeconfig F] [--context C] " +
                "[--env-namespace NS]", "the site operator's web console: sign in with an htpasswd user (ferry registry htpasswd); upload, " +
                    "verify and inspect bundles, edit settings, plan, deploy, see every release, roll back"),
        new("registry htpasswd", "ferry registry htpasswd USER --password-stdin", "print an htpasswd line (bcrypt) for registry serve --htpasswd"),
        new("registry-config", "ferry registry-config --registry HOST[:PORT][/PREFIX] [--bundle FILE] [--mirror REG]... [--plain-http] [--ca-file " +
            "F] [--insecure-skip-verify] [--username U --password-stdin] [-o PATH] " +
                "[--output yaml|json]", "k3s registries.yaml mirroring the product's registries to the site registry"),
        new("completion", "ferry completion bash|zsh|fish", "print a shell completion script (bash: source <(ferry completion bash))"),
        new("schema", "ferry schema [bundle|output|journal]", "print the JSON Schema of ferry.yaml; of a bundle's manifest " +
            "(ferry-bundle.json); of each command's --output json; or of the deploy journal's data"),
        new("conformance", "ferry conformance PATH... [-v|--verbose] [--output json|yaml]", "run test vector files (gotemplate, sprig, helm engine " +
            "formats, real charts); prints \"<file>: N passed, M failed\""),
    ];

    /// <summary>"usage: " and the usage line of the command at <paramref name="path"/> (or of every subcommand of a group).</summary>
    public static string UsageOf(string path)
    {
        var lines = All.Where(c => c.Path == path || c.Words[0] == path).Select(c => c.Usage).ToList();
        return "usage: " + string.Join("\n       ", lines);
    }

    /// <summary>Command words that are other words for one in the catalog.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal) { ["diff"] = "plan", ["ls"] = "list" };

    /// <summary>The first words of every command (groups such as <c>bundle</c> once).</summary>
    public static IEnumerable<string> TopWords => All.Select(c => c.Words[0]).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Help for the command <paramref name="args"/> start with (a group lists its subcommands), or null when the first
    /// word is no command.
    /// </summary>
    public static string? Help(IReadOnlyList<string> args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).Take(2).Select(w => Aliases.GetValueOrDefault(w, w)).ToList();
        if (words.Count == 0)
        {
            return null;
        }
        var exact = words.Count == 2 ? All.FirstOrDefault(c => c.Words.Length == 2 && c.Words[0] == words[0] && c.Words[1] == words[1]) : null;
        var matches = exact is not null ? [exact] : All.Where(c => c.Words[0] == words[0]).ToList();
        if (matches.Count == 0)
        {
            return null;
        }
        var sb = new System.Text.StringBuilder("Usage:\n");
        foreach (var c in matches)
        {
            sb.Append("  ").Append(c.Usage).Append('\n');
        }
        sb.Append('\n');
        foreach (var c in matches)
        {
            sb.Append(matches.Count == 1 ? c.Summary : $"  {c.Path,-26} {c.Summary}").Append('\n');
        }
        sb.Append("\nExit codes: 0 success; 1 failure; 2 usage error. Every command: -h, --help.");
        return sb.ToString();
    }

    /// <summary>Why <paramref name="args"/> name no command (with a suggestion), or null when they name one.</summary>
    public static string? Unknown(IReadOnlyList<string> args)
    {
        var first = args[0];
        if (!TopWords.Contains(first, StringComparer.Ordinal) && !Aliases.ContainsKey(first))
        {
            return $"unknown command \"{first}\"{DidYouMean(first, TopWords.Concat(Aliases.Keys))}; run 'ferry --help' for the list of commands";
        }
        var subcommands = All.Where(c => c.Words.Length == 2 && c.Words[0] == first).Select(c => c.Words[1]).ToList();
        if (subcommands.Count == 0)
        {
            return null;
        }
        var alsoACommand = All.Any(c => c.Path == first);
        if (args.Count < 2 || args[1].StartsWith('-'))
        {
            return alsoACommand ? null : $"{first} needs a subcommand: {string.Join(", ", subcommands)}; run 'ferry {first} --help'";
        }
        return subcommands.Contains(args[1], StringComparer.Ordinal)
            ? null
            : $"unknown command \"{first} {args[1]}\"{DidYouMean(args[1], subcommands)}; run 'ferry {first} --help'";
    }

    /// <summary>
    /// The first <c>--flag</c> in <paramref name="args"/> that the command's usage does not list, as an error with the
    /// closest flag it does list; null when every flag is listed (or the command is unknown). Checked before any
    /// command runs: the usage lines are the one list of what each command takes.
    /// </summary>
    public static string? UnknownFlag(IReadOnlyList<string> args)
    {
        var command = Find(args);
        if (command is null)
        {
            return null;
        }
        var known = CommandArgs.Specs(command).Select(s => s.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Append("--help")
            .ToHashSet(StringComparer.Ordinal);
        foreach (var arg in args.TakeWhile(a => a != "--").Where(a => a.StartsWith("--", StringComparison.Ordinal)))
        {
            var flag = arg.Split('=')[0];
            if (!known.Contains(flag))
            {
                return $"unknown flag \"{flag}\" for ferry {command.Path}{DidYouMean(flag, known)}; run 'ferry {command.Path} --help'";
            }
        }
        return null;
    }

    /// <summary>
    /// For <c>--output yaml</c> on a command that reports JSON: the same arguments asking for JSON (the caller prints
    /// it as YAML); null otherwise (a command whose own format is YAML, such as registry-config, handles it itself).
    /// </summary>
    public static string[]? AsksForYaml(string[] args)
    {
        if (Find(args) is not { } command || !command.Usage.Contains("[--output json|yaml]", StringComparison.Ordinal))
        {
            return null;
        }
        for (var i = 0; i < args.Length && args[i] != "--"; i++)
        {
            if (args[i] == "--output=yaml" || (args[i] == "--output" && i + 1 < args.Length && args[i + 1] == "yaml"))
            {
                var copy = (string[])args.Clone();
                copy[args[i] == "--output" ? i + 1 : i] = args[i] == "--output" ? "json" : "--output=json";
                return copy;
            }
        }
        return null;
    }

    /// <summary>The catalog entry <paramref name="args"/> name (a group's subcommand, or a single command), or null.</summary>
    private static CommandInfo? Find(IReadOnlyList<string> args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).Take(2).Select(w => Aliases.GetValueOrDefault(w, w)).ToList();
        // the longest match: "support-bundle analyze" before "support-bundle", which is a command of its own
        return All.OrderByDescending(c => c.Words.Length)
            .FirstOrDefault(c => c.Words.Length <= words.Count && c.Words.SequenceEqual(words.Take(c.Words.Length))
            && (c.Words.Length == 2 || words.Count == 1 || !All.Any(o => o.Words.Length == 2 && o.Words[0] == c.Words[0])));
    }

    /// <summary>" (did you mean X?)" for the closest candidate (edit distance at most 2, or a prefix), else "".</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: c.StartsWith(word, StringComparison.Ordinal) && word.Length >= 3 ? 1 : Distance(word, c)))
            .Where(x => x.Distance <= Math.Min(2, Math.Max(1, word.Length / 3)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Candidate is null ? "" : $" (did you mean \"{best.Candidate}\"?)";
    }

    /// <summary>Damerau–Levenshtein distance (optimal string alignment): a swap of two letters counts once.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
