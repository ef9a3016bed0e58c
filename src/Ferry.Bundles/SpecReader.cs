using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Ferry.Bundles;

/// <summary>
/// One reading of a ferry.yaml: each section read by its own method, every problem collected with its file:line:col
/// (all reported at once by <see cref="SpecLoader.Load"/>). The fields each mapping allows come from
/// <see cref="SpecSchema"/>, so the schema <c>ferry schema</c> prints and the reader cannot disagree.
/// </summary>
internal sealed partial class SpecReader(string path, bool checkFiles)
{
    private readonly List<string> _errors = [];

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public BundleSpec Read(YamlMappingNode root)
    {
        Known(root, "");
        if (Str(root, "apiVersion", "", true) is { } api && api != "ferry.dev/v1")
        {
            Error(Get(root, "apiVersion")!, "apiVersion must be ferry.dev/v1");
        }
        if (Str(root, "kind", "", true) is { } kind && kind != "Bundle")
        {
            Error(Get(root, "kind")!, "kind must be Bundle");
        }
        // each section in the file's documented order, so the problems come in that order too
        var (name, version) = Metadata(root);
        var rewrite = Registry(root);
        var env = Env(root);
        var apps = Apps(root);
        var platforms = Platforms(root);
        var sampleEnv = Str(root, "sampleEnv", "");
        var spec = new BundleSpec(name, version, rewrite, env, sampleEnv, apps, platforms, path)
        {
            ImagePaths = ImagePaths(root),
            EnvMigrations = Migrations(root, env),
            Cluster = Cluster(root),
            Kubernetes = Kubernetes(root),
            Requirements = Get(root, "requirements") is { } requirements ? Requirements.Parse(requirements, path, _errors) : Requirements.None,
        };
        if (checkFiles)
        {
            CheckFiles(spec, root);
        }
        return spec;
    }

    private (string Name, string Version) Metadata(YamlMappingNode root)
    {
        if (Get(root, "metadata") is not YamlMappingNode md)
        {
            Error(root, "metadata (name, version) is required");
            return ("", "");
        }
        Known(md, "metadata.");
        var name = Str(md, "name", "metadata.", true) ?? "";
        var version = Str(md, "version", "metadata.", true) ?? "";
        if (name.Length > 0 && !SpecRules.IsDnsLabel(name))
        {
            Error(Get(md, "name")!, $"metadata.name \"{name}\" must be a DNS label (lowercase letters, digits, " +
                $"'-', at most {SpecRules.MaxDnsLabel} characters)");
        }
        if (version.Length > 0 && !SpecRules.IsSemVer(version))
        {
            Error(Get(md, "version")!, $"metadata.version \"{version}\" must be a semantic version such as 2.3.0 or 2.3.0-rc.1");
        }
        return (name, version);
    }

    private bool Registry(YamlMappingNode root)
    {
        switch (Get(root, "registry"))
        {
            case YamlMappingNode reg:
                Known(reg, "registry.");
                return Bool(reg, "rewrite", true, "registry.");
            case { } bad:
                Error(bad, "registry must be a mapping (rewrite: true|false)");
                return true;
            default:
                return true;
        }
    }

    private List<EnvVar> Env(YamlMappingNode root)
    {
        var env = new List<EnvVar>();
        foreach (var e in Get(root, "env") is YamlSequenceNode envs ? envs.Children : [])
        {
            if (e is not YamlMappingNode em)
            {
                Error(e, "each env entry must be a mapping with name");
                continue;
            }
            Known(em, "env[].");
            var name = Str(em, "name", "env[].", true) ?? "";
            if (name.Length > 0 && !EnvName().IsMatch(name))
            {
                Error(Get(em, "name")!, $"env name \"{name}\" must be letters, digits and '_'");
            }
            var pattern = Str(em, "pattern", "env[].");
            if (pattern is not null)
            {
                try
                {
                    _ = new Regex(pattern);
                }
                catch (ArgumentException ex)
                {
                    Error(Get(em, "pattern")!, $"pattern is not a valid regular expression: {ex.Message}");
                }
            }
            if (env.Any(x => x.Name == name))
            {
                Error(em, $"env {name} is declared twice");
            }
            env.Add(new EnvVar(name, Str(em, "description", "env[].") ?? "", Bool(em, "required", false, "env[]."),
                Bool(em, "secret", false, "env[]."), Str(em, "default", "env[]."), pattern));
        }
        return env;
    }

    private List<string> Platforms(YamlMappingNode root)
    {
        var platforms = Strings(root, "platforms", "", ["linux/amd64"]);
        foreach (var p in platforms)
        {
            try
            {
                Oci.Platform.Parse(p);
            }
            catch (Oci.OciException e)
            {
                Error(Get(root, "platforms")!, $"platforms: {e.Message}");
            }
        }
        return platforms;
    }

    private List<ImagePath> ImagePaths(YamlMappingNode root)
    {
        var imagePaths = new List<ImagePath>();
        foreach (var item in Items(root, "imagePaths", "{ kind, path }"))
        {
            if (item is not YamlMappingNode im)
            {
                Error(item, "each imagePaths entry must be a mapping with kind and path");
                continue;
            }
            Known(im, "imagePaths[].");
            var kind = Str(im, "kind", "imagePaths[].", true);
            var jsonPath = Str(im, "path", "imagePaths[].", true);
            if (kind is null || jsonPath is null)
            {
                continue;
            }
            try
            {
                imagePaths.Add(ImagePath.Parse(kind, jsonPath));
            }
            catch (FormatException e)
            {
                Error(Get(im, "path")!, e.Message);
            }
        }
        return imagePaths;
    }

    private List<EnvMigration> Migrations(YamlMappingNode root, List<EnvVar> env)
    {
        var migrations = new List<EnvMigration>();
        foreach (var item in Items(root, "envMigrations", "{ rename: OLD_KEY, to: NEW_KEY }"))
        {
            if (item is not YamlMappingNode mm || Get(mm, "rename") is null)
            {
                Error(item, "each envMigrations entry must be { rename: OLD_KEY, to: NEW_KEY }");
                continue;
            }
            Known(mm, "envMigrations[].");
            var from = Str(mm, "rename", "envMigrations[].", true);
            var to = Str(mm, "to", "envMigrations[].", true);
            if (from is null || to is null)
            {
                continue;
            }
            if (env.All(v => v.Name != to))
            {
                Error(Get(mm, "to")!, $"envMigrations: {to} is not declared in env; declare it, or rename to a declared key");
            }
            if (env.Any(v => v.Name == from))
            {
                Error(Get(mm, "rename")!, $"envMigrations: {from} is still declared in env; remove it from env, since it is renamed to {to}");
            }
            migrations.Add(new EnvMigration(from, to));
        }
        return migrations;
    }

    /// <summary>The entries of the list section <paramref name="key"/> (none when absent); a section that is not a list is reported.</summary>
    private IEnumerable<YamlNode> Items(YamlMappingNode root, string key, string entry)
    {
        switch (Get(root, key))
        {
            case YamlSequenceNode seq:
                return seq.Children;
            case { } bad:
                Error(bad, $"{key} must be a list of {entry}");
                return [];
            default:
                return [];
        }
    }

    private string At(YamlNode n) => $"{path}:{n.Start.Line}:{n.Start.Column}";

    private void Error(YamlNode at, string message) => _errors.Add($"{At(at)}: {message}");

    private static YamlNode? Get(YamlMappingNode m, string key) =>
        m.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private string? Str(YamlMappingNode m, string key, string where, bool required = false)
    {
        switch (Get(m, key))
        {
            case null:
                if (required)
                {
                    Error(m, $"{where}{key} is required");
                }
                return null;
            case YamlScalarNode s:
                return s.Value;
            case var n:
                Error(n, $"{where}{key} must be a string");
                return null;
        }
    }

    private bool Bool(YamlMappingNode m, string key, bool dflt, string where)
    {
        var v = Str(m, key, where);
        if (v is null)
        {
            return dflt;
        }
        if (SpecRules.Boolean(v) is { } b)
        {
            return b;
        }
        Error(Get(m, key)!, $"{where}{key} must be true or false, not \"{v}\"");
        return dflt;
    }

    /// <summary>Reports the keys of <paramref name="m"/> the schema does not allow at <paramref name="where"/>.</summary>
    private void Known(YamlMappingNode m, string where) =>
        _errors.AddRange(SpecRules.UnknownKeys(m, where, SpecSchema.AllowedFields(where)).Select(u => $"{At(u.Key)}: {u.Message}"));

    private List<string> Strings(YamlMappingNode m, string key, string where, List<string> dflt)
    {
        switch (Get(m, key))
        {
            case null:
                return dflt;
            case YamlSequenceNode seq:
                var list = new List<string>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode { Value: { } v })
                    {
                        list.Add(v);
                    }
                    else
                    {
                        Error(item, $"each entry of {where}{key} must be a string");
                    }
                }
                return list;
            case var other:
                Error(other, $"{where}{key} must be a list (write [{(other as YamlScalarNode)?.Value}])");
                return dflt;
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
