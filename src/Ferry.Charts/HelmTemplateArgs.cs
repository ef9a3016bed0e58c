namespace Ferry.Charts;

/// <summary>Parses <c>helm template</c>-style arguments (<c>[NAME] CHART --set ... -f ...</c>), shared by the CLI and the conformance
/// runner.</summary>
public static class HelmTemplateArgs
{
    /// <summary>Returns the chart path and options; throws <see cref="ArgumentException"/> on bad usage.</summary>
    public static (string Chart, HelmTemplateOptions Options) Parse(IReadOnlyList<string> args, string? baseDirectory = null)
    {
        var o = baseDirectory is null ? new HelmTemplateOptions() : new HelmTemplateOptions { BaseDirectory = baseDirectory };
        var positional = new List<string>();
        var generateName = false;
        var flags = new FlagReader(args);
        while (flags.Next() is { } a)
        {
            if (a is "-g" or "--generate-name")
            {
                generateName = true;
            }
            else if (a.StartsWith('-') && a.Length > 1)
            {
                o = ValueFlag(o, a, flags) ?? RenderFlag(o, a, flags) ?? throw new ArgumentException($"unknown flag {a}");
            }
            else
            {
                positional.Add(a);
            }
        }
        if (generateName && positional.Count == 2)
        {
            throw new ArgumentException("cannot set --generate-name and also specify a name");
        }
        return positional.Count switch
        {
            1 => (positional[0], o),
            2 => (positional[1], WithName(o, positional[0])),
            _ => throw new ArgumentException("expected [NAME] CHART"),
        };
    }

    /// <summary>The flags that give values (--set and its kinds, -f) and those taken but printing nothing different; null for others.</summary>
    private static HelmTemplateOptions? ValueFlag(HelmTemplateOptions o, string flag, FlagReader flags)
    {
        switch (flag)
        {
            case "--set": o.Sets.Add(new ValueSet(SetKind.Set, flags.Value())); break;
            case "--set-string": o.Sets.Add(new ValueSet(SetKind.String, flags.Value())); break;
            case "--set-json": o.Sets.Add(new ValueSet(SetKind.Json, flags.Value())); break;
            case "--set-file": o.Sets.Add(new ValueSet(SetKind.File, flags.Value())); break;
            case "--set-literal": o.Sets.Add(new ValueSet(SetKind.Literal, flags.Value())); break;
            case "-f" or "--values": o.ValuesFiles.AddRange(flags.Value().Split(',')); break;
            case "-a" or "--api-versions": o.ApiVersions.Add(flags.Value()); break;
            case "-s" or "--show-only": o.ShowOnly.Add(flags.Value()); break;
            // install flags helm template takes that change nothing it prints (CRDs come only with --include-crds;
            // notes and labels belong to the release record, which template does not write)
            case "--skip-crds" or "--hide-notes" or "--render-subchart-notes": break;
            // helm 4's post-renderers are plugins, and Ferry runs none: every name is one helm would not find either
            case "--post-renderer":
                var renderer = flags.Value();
                throw new ArgumentException($"invalid argument \"{renderer}\" for \"--post-renderer\" flag: " +
                    $"plugin: {{Name:{renderer} Type:postrenderer/v1}} not found");
            case "--post-renderer-args": _ = flags.Value(); break;
            case "-l" or "--labels":
                var labels = flags.Value();
                if (labels.Split(',').FirstOrDefault(pair => !pair.Contains('=', StringComparison.Ordinal)) is { } bad)
                {
                    throw new ArgumentException($"invalid argument \"{labels}\" for \"-l, --labels\" flag: {bad} must be formatted as key=value");
                }
                break;
            default: return null;
        }
        return o;
    }

    /// <summary>The flags that change how the release renders and prints; null for others.</summary>
    private static HelmTemplateOptions? RenderFlag(HelmTemplateOptions o, string flag, FlagReader flags) => flag switch
    {
        "--validate" => o with { Validate = true },
        // lint's report format (template prints manifests, as helm template does)
        "--output" => o with
        {
            OutputFormat = flags.Value() switch
            {
                "json" => "json",
                "text" => "text",
                var f => throw new ArgumentException($"--output {f}: use json or text"),
            },
        },
        "--kubeconfig" => o with { Kubeconfig = flags.Value() },
        "--kube-context" => o with { KubeContext = flags.Value() },
        "--name-template" => o with { NameTemplate = flags.Value() },
        "-n" or "--namespace" => o with { Namespace = flags.Value() },
        "--kube-version" => o with { KubeVersion = flags.Value() },
        "--include-crds" => o with { IncludeCrds = true },
        "--skip-tests" => o with { SkipTests = true },
        "--no-hooks" => o with { NoHooks = true },
        "--is-upgrade" => o with { IsUpgrade = true },
        "--skip-schema-validation" => o with { SkipSchemaValidation = true },
        "--debug" => o with { Debug = true },
        // a boolean, as helm's: --output-dir DIR writes into DIR/NAME
        "--release-name" => o with
        {
            UseReleaseName = flags.Inline is not { } inline || (bool.TryParse(inline, out var use) ? use
                : throw new ArgumentException($"invalid argument \"{inline}\" for \"--release-name\" flag: strconv.ParseBool: parsing " +
                    $"\"{inline}\": invalid syntax")),
        },
        "--output-dir" => o with { OutputDir = flags.Value() },
        _ => null,
    };

    /// <summary>Walks the arguments: each flag's name (a <c>--flag=value</c> split at the '=') and, when asked, its value.</summary>
    private sealed class FlagReader(IReadOnlyList<string> args)
    {
        private int _next;
        private string _name = "";

        /// <summary>The value given after '=' in the current argument, if any.</summary>
        public string? Inline { get; private set; }

        public string? Next()
        {
            if (_next >= args.Count)
            {
                return null;
            }
            var a = args[_next++];
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            (_name, Inline) = a.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (a[..eq], a[(eq + 1)..]) : (a, null);
            return _name;
        }

        public string Value() => Inline ?? (_next < args.Count ? args[_next++] : throw new ArgumentException($"flag {_name} needs a value"));
    }

    private static HelmTemplateOptions WithName(HelmTemplateOptions o, string name) => o with { ReleaseName = name };
}
