namespace Ferry.Charts;

/// <summary>Parses <c>helm template</c>-style arguments (<c>[NAME] CHART --set ... -f ...</c>), shared by the CLI and the conformance runner.</summary>
public static class HelmTemplateArgs
{
    /// <summary>Returns the chart path and options; throws <see cref="ArgumentException"/> on bad usage.</summary>
    public static (string Chart, HelmTemplateOptions Options) Parse(IReadOnlyList<string> args, string? baseDirectory = null)
    {
        var o = new HelmTemplateOptions();
        if (baseDirectory is not null)
        {
            o.BaseDirectory = baseDirectory;
        }
        var positional = new List<string>();
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
                case "--set": o.Sets.Add(("set", Value())); break;
                case "--set-string": o.Sets.Add(("set-string", Value())); break;
                case "--set-json": o.Sets.Add(("set-json", Value())); break;
                case "--set-file": o.Sets.Add(("set-file", Value())); break;
                case "-f" or "--values": o.ValuesFiles.AddRange(Value().Split(',')); break;
                case "--name-template": o.NameTemplate = Value(); break;
                case "-n" or "--namespace": o.Namespace = Value(); break;
                case "--kube-version": o.KubeVersion = Value(); break;
                case "-a" or "--api-versions": o.ApiVersions.Add(Value()); break;
                case "--include-crds": o.IncludeCrds = true; break;
                case "--skip-tests": o.SkipTests = true; break;
                case "--no-hooks": o.NoHooks = true; break;
                case "--is-upgrade": o.IsUpgrade = true; break;
                case "--skip-schema-validation": o.SkipSchemaValidation = true; break;
                case "--debug": o.Debug = true; break;
                case "-s" or "--show-only": o.ShowOnly.Add(Value()); break;
                case "--release-name": o.ReleaseName = Value(); break;
                case "--output-dir": o.OutputDir = Value(); break;
                default:
                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        throw new ArgumentException($"unknown flag {a}");
                    }
                    positional.Add(a);
                    break;
            }
        }
        return positional.Count switch
        {
            1 => (positional[0], o),
            2 => (positional[1], WithName(o, positional[0])),
            _ => throw new ArgumentException("expected [NAME] CHART"),
        };
    }

    private static HelmTemplateOptions WithName(HelmTemplateOptions o, string name)
    {
        o.ReleaseName = name;
        return o;
    }
}
