using Ferry.Bundles;

namespace Ferry.Cli;

/// <summary><c>ferry registry-config</c>: k3s's registries.yaml mirroring the product's registries to the site registry.</summary>
internal static class RegistryConfigCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var a = CommandArgs.Parse("registry-config", args);
        a.Arguments(0, 0);
        var registry = a.Required("--registry");
        var (bundle, caFile, username, output) = (a.Value("--bundle"), a.Value("--ca-file"), a.Value("--username"), a.Value("-o"));
        var (plainHttp, skipVerify) = (a.Has("--plain-http"), a.Has("--insecure-skip-verify"));
        var json = a.Choice("--output", "yaml", "yaml", "json") == "json";
        var mirrors = a.Values("--mirror").ToList();
        var password = a.Has("--password-stdin") ? stdin.ReadToEnd().TrimEnd('\n', '\r') : null;
        if (password is not null && username is null)
        {
            throw new UsageException("--password-stdin needs --username");
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
                stdout.Write(json ? Ferry.Templates.Formatting.GoJson.Marshal(Ferry.Templates.Values.DataReader.FromYaml(yaml), indent: "  ") + "\n"
                    : yaml);
                return 0;
            }
            // Atomically, and readable by root only when it holds credentials.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            var temp = output + ".tmp";
            File.WriteAllText(temp, "");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, username is null
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead
                        : UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            File.WriteAllText(temp, yaml);
            File.Move(temp, output, overwrite: true);
            var count = (mirrors.Count == 0 ? K3sRegistries.CommonRegistries : mirrors).Distinct(StringComparer.Ordinal).Count();
            stdout.WriteLine(json
                ? CliJson.Text(new RegistriesWrittenJson(output, count, registry))
                : $"wrote {output}: {count} registries mirrored to {registry}; restart k3s to apply");
            return 0;
        }
        catch (Exception e) when (e is BundleException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine(CommandLine.Failure(e));
            return 1;
        }
    }
}
