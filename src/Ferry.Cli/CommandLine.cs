using System.Reflection;

namespace Ferry.Cli;

/// <summary>Dispatches <c>ferry VERB ...</c> to its command. Exit codes: 0 ok, 1 failure, 2 usage error.</summary>
public static class CommandLine
{
    public const string Usage = """
        ferry — deliver Kubernetes applications to offline sites

        Usage:
          ferry version
          ferry render TEMPLATE [--data FILE.yaml|FILE.json] [--set k=v]... [--set-string k=v]... [--missingkey default|zero|error]
          ferry template [NAME] CHART [--set k=v] [-f values.yaml] [--show-only path] [--include-crds] [--kube-version v]
          ferry show values CHART
          ferry lint CHART [-f values.yaml] [--set k=v]
          ferry images pull REF... --to DIR [--platform os/arch|all] [--insecure] [--ca-file F] [--username U --password-stdin]
          ferry images push DIR --to REGISTRY[/REPO] [--insecure]
          ferry images list|verify DIR      ferry images copy SRC DST   (oci:DIR[:NAME] | docker://REF)
          ferry bundle build ferry.yaml -o NAME.ferry [--env K=V]... [--since site.json|old.ferry] [--compress zstd] [--split 4GiB] [--insecure] [--platform os/arch] [--locked] [--include-ferry [PATH]]
          ferry bundle images ferry.yaml [--env K=V]...   (which image each app uses, and where it was found)
          ferry bundle verify FILE [--key pub.pem] [--site site.json] [--output json]     ferry bundle inspect FILE [--output json]
          ferry bundle sign FILE --key key.pem             ferry keygen -o NAME   (NAME.pem + NAME.pub.pem, ECDSA P-256)
          ferry inventory --registry HOST[:PORT] -o site.json [--insecure]
          ferry deploy BUNDLE --registry HOST[:PORT][/PREFIX] [--insecure|--ca-file F] [--username U --password-stdin] [--key pub.pem] [--env-namespace NS] [--timeout 5m] [--parallel 4] [--force-unlock] [--force-conflicts[=APP,...]] [--kubeconfig F] [--output json]
          ferry plan BUNDLE --registry HOST[:PORT][/PREFIX] [--env-file site.env] [--kubeconfig F] [--output json]
          ferry status [--env-namespace NS] [--kubeconfig F] [--output json]
          ferry env show | set K=V... [--secret K,...] | import FILE.env   [-n NS] [--kubeconfig F] [--context C] [--output json]
          ferry policy show | require-signature VENDOR.pub.pem | allow-unsigned   [-n NS] [--kubeconfig F]
          ferry history RELEASE [-n NS] [--kubeconfig F] [--context C] [--output json]
          ferry rollback RELEASE [REVISION] [-n NS] [--force-conflicts] [--kubeconfig F] [--context C] [--output json]
          ferry uninstall RELEASE [-n NS] [--keep-history] [--kubeconfig F] [--context C] [--output json]
          ferry cluster install BUNDLE [--role server|agent] [--server URL --token T] [--root DIR] [--registry HOST[:PORT]] [--node-name N] [--registry-storage DIR [--registry-tls-cert F --registry-tls-key F] [--registry-htpasswd F]]
          ferry registry serve --storage DIR [--addr 0.0.0.0:5000] [--tls-cert F --tls-key F] [--htpasswd F] [--verbose]
          ferry registry htpasswd USER --password-stdin
          ferry registry-config --registry HOST[:PORT][/PREFIX] [--bundle FILE] [--mirror REG]... [--plain-http] [--ca-file F] [--username U --password-stdin] [-o PATH]
          ferry schema
          ferry conformance PATH... [-v]

        Commands:
          version       print Ferry's version
          render        render a Go text/template file against YAML or JSON data (Sprig + Helm functions)
          template      render a Helm chart (directory or .tgz) natively, exactly as `helm template` prints it
          show values   print a chart's default values
          lint          check a chart: metadata, schema, rendering and YAML validity
          images        move container images between registries and OCI image layouts
          bundle        build, verify and inspect offline bundles (charts + values templates + images)
          keygen        create an ECDSA P-256 key pair for signing bundles
          inventory     record which manifests and blobs a site registry holds (input of delta bundles)
          deploy        verify a bundle, check the site env, push its images, upgrade or install every app in order
          plan, diff    what deploy would do: per app install/upgrade/unchanged with a unified diff (secrets masked), env changes, images; offline with --env-file
          status        every release in the cluster and the last deploy of each product (exit 1 when something needs attention)
          cluster       install k3s from the bundle on this node (airgap images, config.yaml, registries.yaml); --root DIR: dry run
          registry      serve a minimal OCI registry from a folder (push and pull; the site registry, if there is none)
          registry-config  k3s registries.yaml mirroring the product's registries to the site registry
          env           show or change the site settings (ConfigMap/Secret deploy-env, previous content backed up)
          policy        the site's deploy policy: require bundles signed by the vendor's key (ConfigMap ferry-policy)
          history       list a release's revisions (Helm-compatible release records)
          uninstall     delete a release's objects (resource-policy keep respected, delete hooks run) and its records
          rollback      roll a release back to an earlier revision (default: the one before the latest), as a new revision
          schema        print the JSON Schema of ferry.yaml
          conformance   run test vector files (gotemplate, sprig, helm engine formats); prints "<file>: N passed, M failed"

        Exit codes: 0 success; 1 failure (for deploy: any app failed or skipped; for status: something needs attention); 2 usage error.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "version" or "--version" => Version(stdout),
                "render" => RenderCommand.Run(args[1..], stdout, stderr),
                "conformance" => ConformanceCommand.Run(args[1..], stdout, stderr),
                "template" => TemplateCommand.Run(args[1..], stdout, stderr),
                "images" => await ImagesCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "bundle" => await BundleCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "schema" => Schema(stdout),
                "keygen" => BundleCommand.Keygen(args[1..], stdout, stderr),
                "inventory" => await BundleCommand.InventoryAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "env" => await ClusterCommands.EnvAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "policy" => await ClusterCommands.PolicyAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "history" => await ClusterCommands.HistoryAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "deploy" => await DeployCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "cluster" => ClusterCommand.Run(args[1..], stdout, stderr),
                "registry" => await RegistryCommand.RunAsync(args[1..], stdout, stderr, Console.In).ConfigureAwait(false),
                "registry-config" => RegistryConfigCommand.Run(args[1..], stdout, stderr, Console.In),
                "status" => await DeployCommand.StatusAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "plan" or "diff" => await DeployCommand.PlanAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "uninstall" => await ClusterCommands.UninstallAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "rollback" => await ClusterCommands.RollbackAsync(args[1..], stdout, stderr).ConfigureAwait(false),
                "show" => ChartCommands.ShowValues(args[1..], stdout, stderr),
                "lint" => ChartCommands.Lint(args[1..], stdout, stderr),
                _ => UsageError(stderr, $"unknown command \"{args[0]}\"; run 'ferry --help' for the list of commands"),
            };
        }
        catch (UsageException e)
        {
            return UsageError(stderr, e.Message);
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("ferry: cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync(Failure(e)).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>
    /// The one top-level handler's text for an error no command reported itself: <c>ferry: message</c>, and the
    /// .NET details only when FERRY_DEBUG=1 (an unexpected exception type is named as an internal error to report).
    /// </summary>
    internal static string Failure(Exception e)
    {
        if (Environment.GetEnvironmentVariable("FERRY_DEBUG") == "1")
        {
            return $"ferry: {e}";
        }
        if (OperatingSystem.IsLinux() && !File.Exists("/dev/urandom") && Chain(e).Any(x => x is System.Security.Cryptography.CryptographicException))
        {
            // The .NET runtime draws random numbers (GUIDs, hash seeds) from /dev/urandom, which every Linux root has.
            return "ferry: /dev/urandom is missing, so no random numbers can be drawn: run ferry where /dev is mounted (in a chroot: mount --bind /dev ROOT/dev)";
        }
        var expected = e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException
            or FormatException or TimeoutException or System.Net.Http.HttpRequestException or System.Security.Cryptography.CryptographicException
            || e.GetType().Namespace?.StartsWith("Ferry", StringComparison.Ordinal) == true;
        var message = e.Message.Trim();
        return expected
            ? $"ferry: {message}"
            : $"ferry: internal error: {message} (this is a bug in Ferry: please report it with the output of the same command run with FERRY_DEBUG=1)";
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }

    internal static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"ferry: {message}");
        return 2;
    }

    private static int Schema(TextWriter stdout)
    {
        stdout.WriteLine(Ferry.Bundles.SpecSchema.Json);
        return 0;
    }

    private static int Version(TextWriter stdout)
    {
        var v = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = v.IndexOf('+', StringComparison.Ordinal);
        stdout.WriteLine($"ferry {(plus < 0 ? v : v[..plus])}");
        return 0;
    }
}

/// <summary>Bad command-line usage; reported as <c>ferry: message</c> with exit code 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
