using System.Reflection;

namespace Ferry.Cli;

/// <summary>Dispatches <c>ferry VERB ...</c> to its command. Exit codes: 0 ok, 1 failure, 2 usage error.</summary>
public static class CommandLine
{
    /// <summary>The full help: every command's usage, then what each does.</summary>
    public static readonly string Usage =
        "ferry — deliver Kubernetes applications to offline sites\n\nUsage:\n"
        + string.Concat(CommandCatalog.All.Select(c => $"  {c.Usage}\n"))
        + "\nCommands:\n"
        + string.Concat(CommandCatalog.All.Select(c => $"  {c.Path,-26} {c.Summary}\n"))
        + "\n'ferry COMMAND --help' shows one command. Exit codes: 0 success; 1 failure (for deploy: any app failed or skipped, or preflight " +
            "failed; for status: something needs attention; for preflight and plan: a preflight check failed; for support-bundle analyze: a " +
                "problem found); 2 usage error.";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" || (args[0] == "help" && args.Length == 1))
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }
        // help for one command: ferry help deploy, ferry deploy --help, ferry bundle build -h
        var asked = args[0] == "help" ? args[1..] : args.TakeWhile(a => a != "--").Any(a => a is "-h" or "--help") ? args : null;
        if (asked is not null && CommandCatalog.Help(asked) is { } help)
        {
            await stdout.WriteLineAsync(help).ConfigureAwait(false);
            return 0;
        }
        if (CommandCatalog.Unknown(asked ?? args) is { } unknown)
        {
            return UsageError(stderr, unknown);
        }
        if (CommandCatalog.UnknownFlag(args) is { } flag)
        {
            return UsageError(stderr, flag);
        }
        if (CommandCatalog.AsksForYaml(args) is { } asJson)
        {
            // --output yaml: the command's JSON, printed as YAML (keys sorted, as kubectl -o yaml prints maps)
            var json = new StringWriter();
            var code = await RunAsync(asJson, json, stderr).ConfigureAwait(false);
            var text = json.ToString();
            if (text.Length > 0)
            {
                await stdout.WriteAsync(
                    Ferry.Templates.Formatting.GoYaml.Marshal(Ferry.Templates.Formatting.GoJsonReader.Read(text, intsWhenIntegral: true)))
                        .ConfigureAwait(false);
            }
            return code;
        }
        try
        {
            return await DispatchAsync(args, stdout, stderr).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            // a mistyped flag is the likeliest cause of a usage error: name it, with the flag meant
            return UsageError(stderr, CommandCatalog.UnknownFlag(args) ?? e.Message);
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException timeout)
        {
            // a client's timeout (HttpClient reports it as a cancellation), not Ctrl-C
            await stderr.WriteLineAsync($"ferry: timed out: {timeout.Message}").ConfigureAwait(false);
            return 1;
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

    /// <summary>Runs the command <paramref name="args"/> names (checked against the catalog before).</summary>
    private static async Task<int> DispatchAsync(string[] args, TextWriter stdout, TextWriter stderr) => args[0] switch
    {
        "version" or "--version" => Version(stdout),
        "render" => RenderCommand.Run(args[1..], stdout, stderr),
        "conformance" => ConformanceCommand.Run(args[1..], stdout, stderr),
        "template" => await TemplateCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "images" => await ImagesCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "bundle" => await BundleCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "schema" => Schema(args[1..], stdout),
        "completion" => CompletionCommand.Run(args[1..], stdout, stderr),
        "keygen" => BundleCommand.Keygen(args[1..], stdout, stderr),
        "inventory" => await BundleCommand.InventoryAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "env" => await ClusterCommands.EnvAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "policy" => await ClusterCommands.PolicyAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "history" => await ClusterCommands.HistoryAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "list" or "ls" => await ClusterCommands.ListAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "get" => await ClusterCommands.GetAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "deploy" => await DeployCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "preflight" => await PreflightCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "support-bundle" => await SupportCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "cluster" => ClusterCommand.Run(args[1..], stdout, stderr),
        "registry" => await RegistryCommand.RunAsync(args[1..], stdout, stderr, Console.In).ConfigureAwait(false),
        "console" => await ConsoleCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "registry-config" => RegistryConfigCommand.Run(args[1..], stdout, stderr, Console.In),
        "status" => await DeployCommand.StatusAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "plan" or "diff" => await DeployCommand.PlanAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "uninstall" => await ClusterCommands.UninstallAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "rollback" => await ClusterCommands.RollbackAsync(args[1..], stdout, stderr).ConfigureAwait(false),
        "show" => ChartCommands.ShowValues(args[1..], stdout, stderr),
        "kustomize" => ChartCommands.Kustomize(args[1..], stdout),
        "lint" => ChartCommands.Lint(args[1..], stdout, stderr),
        _ => UsageError(stderr, $"unknown command \"{args[0]}\"; run 'ferry --help' for the " +
            "list of commands"), // the catalog knows a command this switch does not
    };

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
            return "ferry: /dev/urandom is missing, so no random numbers can be drawn: run ferry where /dev is mounted (in a chroot: mount " +
                "--bind /dev ROOT/dev)";
        }
        var expected = e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException
            or FormatException or TimeoutException or System.Net.Http.HttpRequestException or System.Security.Cryptography.CryptographicException
            || e is FerryException;
        var message = e.Message.Trim() + RemedyFlags.Of(e);
        return expected
            ? $"ferry: {message}"
            : $"ferry: internal error: {message} (this is a bug in Ferry: please report it with the output of the same command run " +
                "with FERRY_DEBUG=1)";
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

    private static int Schema(string[] args, TextWriter stdout)
    {
        switch (args)
        {
            case []:
                stdout.WriteLine(Ferry.Bundles.SpecSchema.Json);
                return 0;
            case ["bundle"]:
                stdout.Write(Ferry.Bundles.Format.FormatSchemas.BundleManifest);
                return 0;
            case ["output"]:
                stdout.Write(OutputSchemas.Json());
                return 0;
            case ["journal"]:
                stdout.WriteLine(Ferry.Kube.DeployJournal.Schema);
                return 0;
            default:
                throw new UsageException(CommandCatalog.UsageOf("schema"));
        }
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
public sealed class UsageException : FerryException
{
    public UsageException()
        : base(FailureKind.Usage, "usage error")
    {
    }

    public UsageException(string message)
        : base(FailureKind.Usage, message)
    {
    }

    public UsageException(string message, Exception inner)
        : base(FailureKind.Usage, message, inner)
    {
    }
}
