using System.Globalization;
using System.Text.RegularExpressions;

namespace Ferry.Cli;

/// <summary>One flag a command takes, read from its usage line: its names, and whether (and how) it takes a value.</summary>
internal sealed record FlagSpec(string Name, string? Short, FlagValue Value, string Placeholder);

/// <summary>How a flag takes its value: none (a switch), the next argument, optionally the next, or only as <c>--flag=value</c>.</summary>
internal enum FlagValue
{
    None,
    Required,
    OptionalNext,
    OptionalInline,
}

/// <summary>
/// The one parser every command uses: a command's flags come from its usage line in <see cref="CommandCatalog"/>
/// (the same line help prints, so help and parsing cannot disagree). It reads <c>--flag value</c>,
/// <c>--flag=value</c>, short aliases (<c>-n</c> for <c>--namespace</c>), repeated flags and <c>--</c>; anything
/// else is a usage error naming the flag and what it needs.
/// </summary>
internal sealed partial class CommandArgs
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Value)> _inOrder = [];
    private readonly CommandInfo _command;

    private CommandArgs(CommandInfo command) => _command = command;

    /// <summary>Arguments that are not flags, in order.</summary>
    public List<string> Positional { get; } = [];

    /// <summary>--output json (text by default; --output yaml arrives here as json, see CommandLine).</summary>
    public bool Json => Choice("--output", "text", _command.Usage.Contains("json|yaml", StringComparison.Ordinal) ? ["json", "yaml", "text"]
        : ["json", "text"]) == "json";

    /// <summary>Parses <paramref name="args"/> (the words after the command's own) against the command at <paramref name="path"/>.</summary>
    public static CommandArgs Parse(string path, IReadOnlyList<string> args)
    {
        var command = CommandCatalog.All.First(c => c.Path == path);
        var specs = Specs(command);
        var parsed = new CommandArgs(command);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                parsed.Positional.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                parsed.Positional.Add(arg);
                continue;
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            var spec = specs.FirstOrDefault(s => s.Name == name || s.Short == name)
                ?? throw new UsageException($"unknown flag \"{name}\" for ferry {path}{CommandCatalog.DidYouMean(name, specs.Select(s => s.Name))}" +
                    $"; run 'ferry {path} --help'");
            string value;
            switch (spec.Value)
            {
                case FlagValue.None when eq > 0:
                    value = arg[(eq + 1)..] switch
                    {
                        "true" => "true",
                        "false" => "false",
                        var other => throw new UsageException($"{spec.Name} takes no value (got \"{other}\")"),
                    };
                    break;
                case FlagValue.None:
                case FlagValue.OptionalInline when eq < 0:
                    value = "true";
                    break;
                case FlagValue.OptionalNext when eq < 0:
                    value = i + 1 < args.Count && !args[i + 1].StartsWith('-') ? args[++i] : "";
                    break;
                case FlagValue.Required when eq < 0:
                    value = i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value: {spec.Name} {spec.Placeholder}");
                    break;
                default:
                    value = arg[(eq + 1)..];
                    break;
            }
            if (!parsed._values.TryGetValue(spec.Name, out var list))
            {
                parsed._values[spec.Name] = list = [];
            }
            list.Add(value);
            parsed._inOrder.Add((spec.Name, value));
        }
        return parsed;
    }

    /// <summary>Whether the flag was given (a switch given as <c>--flag=false</c> counts as not given).</summary>
    /// <summary>
    /// How to reach registries, from the flags every registry command shares: --insecure, --ca-file and, where the command
    /// takes them, --username and --password-stdin (the password read from <paramref name="stdin"/>).
    /// </summary>
    public Ferry.Oci.RegistryOptions Registry(TextReader? stdin, int? parallelism = null)
    {
        var defaults = new Ferry.Oci.RegistryOptions();
        return new Ferry.Oci.RegistryOptions
        {
            Insecure = Has("--insecure"),
            CaFile = Value("--ca-file"),
            Username = stdin is null ? null : Value("--username"),
            Password = stdin is not null && Has("--password-stdin") ? stdin.ReadToEnd().TrimEnd('\n', '\r') : null,
            Parallelism = parallelism ?? defaults.Parallelism,
        };
    }

    public bool Has(string name) => Known(name) is { } known && _values.TryGetValue(known, out var v) && v[^1] != "false";

    /// <summary>The flag's last value, or null (also for a flag this command does not take).</summary>
    public string? Value(string name) => Known(name) is { } known && _values.TryGetValue(known, out var v) ? v[^1] : null;

    /// <summary>Every value of a repeated flag, in order.</summary>
    public IReadOnlyList<string> Values(string name) => Known(name) is { } known && _values.TryGetValue(known, out var v) ? v : [];

    /// <summary>The values of several flags in command-line order (for flags whose order matters, such as --set and --set-string).</summary>
    public IEnumerable<(string Name, string Value)> InOrder(params string[] names) =>
        _inOrder.Where(x => names.Any(n => Known(n) == x.Name));

    /// <summary>The flag's value; a usage error naming it (and the usage) when it is missing.</summary>
    public string Required(string name) => Value(name) ?? throw new UsageException($"{_command.Path} needs {name}; usage: {_command.Usage}");

    /// <summary>A whole number at least <paramref name="min"/>, or <paramref name="fallback"/> when the flag is absent.</summary>
    public int Int(string name, int fallback, int min = 1) => Value(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min ? n
        : throw new UsageException($"{name} needs a {(min == 0 ? "number (0: no limit)" : min == 1 ? "positive number" : $"number from {min}")}" +
            $", not \"{text}\"");

    /// <summary>A whole number at least <paramref name="min"/>, or null when the flag is absent.</summary>
    public int? IntOrNull(string name, int min = 1) => Value(name) is null ? null : Int(name, 0, min);

    /// <summary>A Go duration (<c>90s</c>, <c>1m30s</c>), or <paramref name="fallback"/> when the flag is absent.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback) => Value(name) is { } text ? ParseDuration(text) : fallback;

    /// <summary>Go's durations (time.ParseDuration, as helm's and kubectl's --timeout): 90s, 5m, 1h30m, 1.5h, 500ms; a plain number is
    /// seconds.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        var failure = new UsageException($"--timeout {text}: expected a duration such as 90s, 5m, 1h30m or 500ms");
        if (double.TryParse(text, NumberStyles.None | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds > 0 && seconds < 1e9 ? TimeSpan.FromSeconds(seconds) : throw failure;
        }
        var total = Ferry.Templates.Time.GoDuration.TryParse(text, out var nanoseconds) ? TimeSpan.FromTicks(nanoseconds / 100) : TimeSpan.Zero;
        return total > TimeSpan.Zero && total < TimeSpan.FromDays(365) ? total : throw failure;
    }

    /// <summary>One of <paramref name="allowed"/> (the first is the default); a usage error listing them otherwise.</summary>
    public string Choice(string name, string fallback, params string[] allowed)
    {
        var value = Value(name);
        if (value is null || allowed.Length == 0)
        {
            return value ?? fallback;
        }
        var choices = allowed.Length == 1 ? allowed[0] : string.Join(", ", allowed[..^1]) + " or " + allowed[^1];
        return allowed.Contains(value, StringComparer.Ordinal) ? value : throw new UsageException($"{name} {value}: use {choices}");
    }

    /// <summary>At least <paramref name="min"/> and at most <paramref name="max"/> positional arguments, or the usage.</summary>
    public List<string> Arguments(int min, int max = int.MaxValue) =>
        Positional.Count >= min && Positional.Count <= max ? Positional : throw new UsageException($"usage: {_command.Usage}");

    /// <summary>The flag's name as the usage lists it (long when it has one), or null when this command does not take it.</summary>
    private string? Known(string name) => Specs(_command).FirstOrDefault(s => s.Name == name || s.Short == name)?.Name;

    private static readonly Dictionary<string, IReadOnlyList<FlagSpec>> Cache = new(StringComparer.Ordinal);

    /// <summary>The flags a usage line lists: <c>[-n|--namespace NS]</c>, <c>[--insecure|--ca-file F]</c> (two flags),
    /// <c>[--wait[=strategy]]</c> (value only inline), <c>[--include-ferry [PATH]]</c> (value optional).</summary>
    internal static IReadOnlyList<FlagSpec> Specs(CommandInfo command)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(command.Path, out var specs))
            {
                specs = [.. FlagPattern().Matches(command.Usage).Select(m =>
                {
                    var shortName = m.Groups["short"].Success ? m.Groups["short"].Value : null;
                    var value = m.Groups["inline"].Success ? FlagValue.OptionalInline
                        : m.Groups["optional"].Success ? FlagValue.OptionalNext
                        : m.Groups["value"].Success ? FlagValue.Required
                        : FlagValue.None;
                    var placeholder = m.Groups["inline"].Success ? m.Groups["inline"].Value : m.Groups["optional"].Success ? m.Groups["optional"]
                        .Value : m.Groups["value"].Value;
                    return new FlagSpec(m.Groups["name"].Value, shortName, value, placeholder);
                }).DistinctBy(s => s.Name)];
                Cache[command.Path] = specs;
            }
            return specs;
        }
    }

    [GeneratedRegex(@"(?<=[\[\s|])(?:(?<short>-[a-zA-Z])\|)?(?<name>--[a-z][a-z0-9-]*|-[a-zA-Z])"
        + @"(?:\[=(?<inline>[^\]]*)\]| \[(?<optional>[^\]\s-][^\]\s]*)\]| (?<value>[^\s\-\[\]|(][^\s\]]*))?")]
    private static partial Regex FlagPattern();
}
