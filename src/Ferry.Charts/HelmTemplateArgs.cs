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
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string? inline = null;
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = a[(eq + 1)..];
                a = a[..eq];
            }
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"flag {a} needs a value");
                }
                return args[++i];
            }
            switch (a)
            {
                case "--set": o.Sets.Add(new ValueSet(SetKind.Set, Value())); break;
                case "--set-string": o.Sets.Add(new ValueSet(SetKind.String, Value())); break;
                case "--set-json": o.Sets.Add(new ValueSet(SetKind.Json, Value())); break;
                case "--set-file": o.Sets.Add(new ValueSet(SetKind.File, Value())); break;
                case "--set-literal": o.Sets.Add(new ValueSet(SetKind.Literal, Value())); break;
                case "-g" or "--generate-name": generateName = true; break;
                // install flags helm template takes that change nothing it prints (CRDs come only with --include-crds;
                // notes and labels belong to the release record, which template does not write)
                case "--skip-crds" or "--hide-notes" or "--render-subchart-notes": break;
                // helm 4's post-renderers are plugins, and Ferry runs none: every name is one helm would not find either
                case "--post-renderer":
                    var renderer = Value();
                    throw new ArgumentException($"invalid argument \"{renderer}\" for \"--post-renderer\" flag: " +
                        $"plugin: {{Name:{renderer} Type:postrenderer/v1}} not found");
                case "--post-renderer-args": _ = Value(); break;
                case "--validate": o = o with { Validate = true }; break;
                case "--output":
                    // lint's report format (template prints manifests, as helm template does)
                    o = o with
                    {
                        OutputFormat = Value() switch
                        {
                            "json" => "json",
                            "text" => "text",
                            var f => throw new ArgumentException($"--output {f}: use json or text"),
                        },
                    };
                    break;
                case "--kubeconfig": o = o with { Kubeconfig = Value() }; break;
                case "--kube-context": o = o with { KubeContext = Value() }; break;
                case "-l" or "--labels":
                    var labels = Value();
                    foreach (var pair in labels.Split(','))
                    {
                        if (!pair.Contains('=', StringComparison.Ordinal))
                        {
                            throw new ArgumentException($"invalid argument \"{labels}\" for \"-l, --labels\" flag: {pair} must be " +
                                "formatted as key=value");
                        }
                    }
                    break;
                case "-f" or "--values": o.ValuesFiles.AddRange(Value().Split(',')); break;
                case "--name-template": o = o with { NameTemplate = Value() }; break;
                case "-n" or "--namespace": o = o with { Namespace = Value() }; break;
                case "--kube-version": o = o with { KubeVersion = Value() }; break;
                case "-a" or "--api-versions": o.ApiVersions.Add(Value()); break;
                case "--include-crds": o = o with { IncludeCrds = true }; break;
                case "--skip-tests": o = o with { SkipTests = true }; break;
                case "--no-hooks": o = o with { NoHooks = true }; break;
                case "--is-upgrade": o = o with { IsUpgrade = true }; break;
                case "--skip-schema-validation": o = o with { SkipSchemaValidation = true }; break;
                case "--debug": o = o with { Debug = true }; break;
                case "-s" or "--show-only": o.ShowOnly.Add(Value()); break;
                // a boolean, as helm's: --output-dir DIR writes into DIR/NAME
                case "--release-name": o = o with { UseReleaseName = inline is null
                    || (bool.TryParse(inline, out var use) ? use : throw new ArgumentException($"invalid argument \"{inline}\" for " +
                        $"\"--release-name\" flag: strconv.ParseBool: parsing \"{inline}\": invalid syntax")) }; break;
                case "--output-dir": o = o with { OutputDir = Value() }; break;
                default:
                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        throw new ArgumentException($"unknown flag {a}");
                    }
                    positional.Add(a);
                    break;
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

    private static HelmTemplateOptions WithName(HelmTemplateOptions o, string name) => o with { ReleaseName = name };
}
