using System.Text;

namespace Ferry.Cli;

/// <summary>
/// <c>ferry completion bash|zsh|fish</c>: a shell completion script made from the command catalog, so it completes
/// exactly the commands, subcommands and flags help shows (and file names for arguments).
/// </summary>
internal static class CompletionCommand
{
    public const string Shells = "bash, zsh or fish";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        args = [.. CommandArgs.Parse("completion", args).Positional];
        if (args.Length != 1)
        {
            return CommandLine.UsageError(stderr, $"ferry completion needs one shell: {Shells} (e.g. source <(ferry completion bash))");
        }
        var script = args[0] switch
        {
            "bash" => Bash(),
            "zsh" => Zsh(),
            "fish" => Fish(),
            var other => null,
        };
        if (script is null)
        {
            return CommandLine.UsageError(
                stderr, $"ferry completion {args[0]}: no such shell{CommandCatalog.DidYouMean(args[0], ["bash", "zsh", "fish"])}; use {Shells}");
        }
        stdout.Write(script);
        return 0;
    }

    /// <summary>The flags a command takes (short and long names), in the order its usage lists them.</summary>
    internal static IReadOnlyList<string> Flags(CommandInfo command) =>
        CommandArgs.Specs(command).SelectMany(s => s.Short is null ? [s.Name] : new[] { s.Short, s.Name }).Append("--help")
            .Distinct(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> Groups => CommandCatalog.All.Where(c => c.Words.Length == 2).Select(c => c.Words[0])
        .Distinct(StringComparer.Ordinal);

    private static string Bash()
    {
        var sb = new StringBuilder();
        sb.Append("# ferry completion for bash: source <(ferry completion bash), or save it as\n")
          .Append("# /etc/bash_completion.d/ferry (generated from ferry's command catalog)\n")
          .Append("_ferry() {\n")
          .Append("  local cur=${COMP_WORDS[COMP_CWORD]} first=${COMP_WORDS[1]} second=${COMP_WORDS[2]} flags\n")
          .Append("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
          .Append("    COMPREPLY=($(compgen -W \"").Append(string.Join(' ', CommandCatalog.TopWords.Append("help")))
              .Append("\" -- \"$cur\")); return\n")
          .Append("  fi\n")
          .Append("  case $first in\n");
        foreach (var group in Groups)
        {
            var subs = CommandCatalog.All.Where(c => c.Words.Length == 2 && c.Words[0] == group).Select(c => c.Words[1]);
            sb.Append("    ").Append(group).Append(") if [ \"$COMP_CWORD\" -eq 2 ]; then COMPREPLY=($(compgen -W \"")
              .Append(string.Join(' ', subs)).Append("\" -- \"$cur\")); return; fi ;;\n");
        }
        sb.Append("  esac\n")
          .Append("  case \"$first $second\" in\n");
        foreach (var c in CommandCatalog.All)
        {
            var pattern = c.Words.Length == 2 ? $"\"{c.Path}\"" : $"\"{c.Path} \"*";
            sb.Append("    ").Append(pattern).Append(") flags=\"").Append(string.Join(' ', Flags(c))).Append("\" ;;\n");
        }
        sb.Append("  esac\n")
          .Append("  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\")); else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n")
          .Append("}\n")
          .Append("complete -o filenames -F _ferry ferry\n");
        return sb.ToString();
    }

    /// <summary>zsh runs the bash function through its bash-completion emulation (bashcompinit).</summary>
    private static string Zsh() =>
        "#compdef ferry\n# ferry completion for zsh: source <(ferry completion zsh) (uses zsh's bashcompinit)\n"
        + "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
        + string.Join('\n', Bash().Split('\n').Where(l => !l.StartsWith('#')));

    private static string Fish()
    {
        var sb = new StringBuilder("# ferry completion for fish: ferry completion fish > ~/.config/fish/completions/ferry.fish\n");
        sb.Append("complete -c ferry -n '__fish_use_subcommand' -f\n");
        var top = CommandCatalog.TopWords.ToList();
        foreach (var word in top)
        {
            var single = CommandCatalog.All.FirstOrDefault(c => c.Words.Length == 1 && c.Words[0] == word);
            var summary = single?.Summary ?? $"{word} commands";
            sb.Append($"complete -c ferry -n '__fish_use_subcommand' -a {word} -d {FishQuote(summary)}\n");
        }
        foreach (var c in CommandCatalog.All)
        {
            var condition = c.Words.Length == 2
                ? $"__fish_seen_subcommand_from {c.Words[0]}; and __fish_seen_subcommand_from {c.Words[1]}"
                : $"__fish_seen_subcommand_from {c.Words[0]}";
            if (c.Words.Length == 2)
            {
                var others = string.Join(' ', CommandCatalog.All.Where(o => o.Words.Length == 2 && o.Words[0] == c.Words[0]).Select(o => o.Words[1]));
                sb.Append($"complete -c ferry -n '__fish_seen_subcommand_from {c.Words[0]}; and not " +
                        $"__fish_seen_subcommand_from {others}' -a {c.Words[1]} -d {FishQuote(c.Summary)}\n");
            }
            foreach (var flag in Flags(c))
            {
                var option = flag.StartsWith("--", StringComparison.Ordinal) ? $"-l {flag[2..]}" : $"-s {flag[1..]}";
                sb.Append($"complete -c ferry -n '{condition}' {option}\n");
            }
        }
        return sb.ToString();
    }

    private static string FishQuote(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
