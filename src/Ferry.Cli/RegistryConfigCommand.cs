using Ferry.Bundles;

namespace Ferry.Cli;

/// <summary><c>ferry registry-config</c>: k3s's registries.yaml mirroring the product's registries to the site registry.</summary>
internal static class RegistryConfigCommand
{
    private static readonly string Usage = "usage: " + CommandCatalog.All.First(c => c.Path == "registry-config").Usage;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        string? registry = null, bundle = null, caFile = null, username = null, password = null, output = null;
        bool plainHttp = false, skipVerify = false, json = false;
        var mirrors = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--registry": registry = Value(); break;
                case "--bundle": bundle = Value(); break;
                case "--mirror": mirrors.Add(Value()); break;
                case "--plain-http": plainHttp = true; break;
                case "--ca-file": caFile = Value(); break;
                case "--insecure-skip-verify": skipVerify = true; break;
                case "--username": username = Value(); break;
                case "--password-stdin": password = stdin.ReadToEnd().TrimEnd('\n', '\r'); break;
                case "-o": output = Value(); break;
                case "--output":
                    json = Value() switch { "json" => true, "yaml" or "text" => false, var o => throw new UsageException($"--output {o}: use yaml or json (-o PATH writes the file)") };
                    break;
                default: throw new UsageException(Usage);
            }
        }
        if (registry is null || (password is not null && username is null))
        {
            throw new UsageException(Usage);
        }
        try
        {
            if (bundle is not null)
            {
                using var opened = OpenedBundle.Open(bundle, null);
                mirrors.InsertRange(0, K3sRegistries.RegistriesOf(opened));
            }
            var yaml = K3sRegistries.Render(mirrors, new SiteRegistryAccess(registry, plainHttp, caFile, skipVerify, username, password));
            if (output is null)
            {
                stdout.Write(json ? Ferry.Templates.Formatting.GoJson.Marshal(Ferry.Templates.Values.DataReader.FromYaml(yaml), indent: "  ") + "\n" : yaml);
                return 0;
            }
            // Atomically, and readable by root only when it holds credentials.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            var temp = output + ".tmp";
            File.WriteAllText(temp, "");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, username is null ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead : UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            File.WriteAllText(temp, yaml);
            File.Move(temp, output, overwrite: true);
            var count = (mirrors.Count == 0 ? K3sRegistries.CommonRegistries : mirrors).Distinct(StringComparer.Ordinal).Count();
            stdout.WriteLine(json
                ? new System.Text.Json.Nodes.JsonObject { ["wrote"] = output, ["mirrored"] = count, ["registry"] = registry }.ToJsonString(DeployCommand.Indented)
                : $"wrote {output}: {count} registries mirrored to {registry}; restart k3s to apply");
            return 0;
        }
        catch (Exception e) when (e is BundleException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ferry: {e.Message}");
            return 1;
        }
    }
}
