using Ferry.Templates.Formatting;
using Ferry.Templates.Values;
using Ferry.Templates.Yaml;

namespace Ferry.Kustomize;

/// <summary>
/// Renders a kustomization natively, as <c>kubectl kustomize</c> (kustomize v5) prints it: resources and bases,
/// generators, patches and the built-in transformers, name references, then kustomize's legacy order, each object as
/// sigs.k8s.io/yaml writes it. Every file read stays inside <c>root</c>; what it does not support is refused with the
/// file and line.
/// </summary>
public static class KustomizeRenderer
{
    private const int MaxDepth = 32;

    /// <summary>The names a kustomization file may have (kustomization.yaml, kustomization.yml, Kustomization).</summary>
    public static IReadOnlyList<string> FileNames => Kustomization.FileNames;

    /// <summary>The YAML stream <c>kubectl kustomize DIRECTORY</c> prints.</summary>
    public static string Render(string directory, string? root = null)
    {
        var objects = RenderObjects(directory, root);
        return string.Join("---\n", objects.Select(o => GoYaml.Marshal(o)));
    }

    /// <summary>The objects of the kustomization, in kustomize's output order.</summary>
    public static IReadOnlyList<Dictionary<string, object?>> RenderObjects(string directory, string? root = null)
    {
        var dir = System.IO.Path.GetFullPath(directory);
        var context = new BuildContext(System.IO.Path.GetFullPath(root ?? dir));
        var resources = context.Build(dir, 0);
        foreach (var r in resources.Where(r => r.NeedsHash))
        {
            r.Name = r.Name + "-" + Generators.Hash(r.Object, r.Kind == "Secret");
        }
        NameReferences.Fix(resources);
        Vars.Resolve(context.Vars, resources);
        return LegacyOrder.Sort(resources).Select(r => r.Object).ToList();
    }

    internal sealed class BuildContext(string root)
    {
        /// <summary>The source folder, its links resolved (a checkout under a linked folder is still inside itself).</summary>
        public string Root { get; } = Real(root);

        /// <summary>The vars of every kustomization built, resolved once at the top as kustomize does.</summary>
        public List<Vars.Var> Vars { get; } = [];

        public List<Resource> Build(string directory, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new KustomizeException($"{directory}: kustomizations nest more than {MaxDepth} deep (a base that includes itself?)");
            }
            var k = Kustomization.Load(Contained(directory, directory));
            var resources = new List<Resource>();
            foreach (var entry in k.Strings("bases").Concat(k.Strings("resources")))
            {
                AddResource(k, entry, resources, depth);
            }
            foreach (var component in k.Strings("components"))
            {
                var dir = Contained(System.IO.Path.Combine(k.Directory, component), k.At("components"));
                resources = ApplyComponent(dir, resources, depth);
            }
            Generators.Generate(k, this, resources);
            Transformers.Apply(k, resources, this);
            resources.ForEach(r => r.Lineage.Insert(0, k.Directory));
            Vars.AddRange(Kustomize.Vars.Read(k));
            return resources;
        }

        private List<Resource> ApplyComponent(string dir, List<Resource> resources, int depth)
        {
            var k = Kustomization.Load(dir);
            var kind = k.String("kind");
            if (kind != "Component")
            {
                throw new KustomizeException($"{k.Path}: a component must say 'kind: Component' (found {kind ?? "none"})");
            }
            foreach (var entry in k.Strings("resources"))
            {
                AddResource(k, entry, resources, depth);
            }
            Generators.Generate(k, this, resources);
            Transformers.Apply(k, resources, this);
            return resources;
        }

        private void AddResource(Kustomization k, string entry, List<Resource> into, int depth)
        {
            if (entry.Contains("://", StringComparison.Ordinal) || entry.StartsWith("github.com/", StringComparison.Ordinal))
            {
                throw new KustomizeException($"{k.At("resources")}: remote resource '{entry}' cannot be fetched on an offline " +
                    "site; vendor it into the source folder and list its path");
            }
            var path = Contained(System.IO.Path.Combine(k.Directory, entry), k.At("resources"));
            if (System.IO.Directory.Exists(path))
            {
                into.AddRange(Build(path, depth + 1));
            }
            else if (File.Exists(path))
            {
                into.AddRange(ReadObjects(path));
            }
            else
            {
                throw new KustomizeException($"{k.At("resources")}: '{entry}' does not exist (looked for {path})");
            }
        }

        /// <summary>A full path inside the root, following links; anything else is refused.</summary>
        public string Contained(string path, string where)
        {
            var full = System.IO.Path.GetFullPath(path);
            var real = Real(full);
            var rootWithSlash = Root.EndsWith('/') ? Root : Root + "/";
            if (real != Root && !real.StartsWith(rootWithSlash, StringComparison.Ordinal))
            {
                throw new KustomizeException($"{where}: '{path}' is outside the kustomize source ({Root}); " +
                    "everything a kustomization reads must be inside it");
            }
            return full;
        }

        private static string Real(string full)
        {
            var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var current = "/";
            foreach (var part in parts)
            {
                current = System.IO.Path.Combine(current, part);
                FileSystemInfo info = System.IO.Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (info.Exists && info.LinkTarget is not null)
                {
                    current = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? current;
                }
            }
            return current;
        }

        public string ReadText(string path, string where) => File.ReadAllText(Contained(path, where));

        public IEnumerable<Resource> ReadObjects(string path)
        {
            List<object?> documents;
            try
            {
                documents = YamlReader.ReadAll(File.ReadAllText(path), NumberMode.IntWhenIntegral, yaml12: true);
            }
            catch (YamlException e)
            {
                throw new KustomizeException($"{path}:{e.Line}:{e.Column}: {e.Problem}", e);
            }
            foreach (var doc in documents)
            {
                switch (doc)
                {
                    case null:
                        continue;
                    case Dictionary<string, object?> obj
                        when obj.GetValueOrDefault("kind") is "List" && obj.GetValueOrDefault("items") is List<object?> items:
                        foreach (var item in items.OfType<Dictionary<string, object?>>())
                        {
                            yield return Checked(item, path);
                        }
                        break;
                    case Dictionary<string, object?> obj:
                        yield return Checked(obj, path);
                        break;
                    default:
                        throw new KustomizeException(
                            $"{path}: every document must be a Kubernetes object (a mapping), not {Kustomization.Describe(doc)}");
                }
            }
        }

        private static Resource Checked(Dictionary<string, object?> obj, string path)
        {
            if (obj.GetValueOrDefault("kind") is not string { Length: > 0 } || obj.GetValueOrDefault("apiVersion") is not string { Length: > 0 })
            {
                throw new KustomizeException($"{path}: an object has no kind or apiVersion; every resource must have both");
            }
            var r = new Resource(obj, path);
            if (r.Name.Length == 0)
            {
                throw new KustomizeException($"{path}: a {r.Kind} has no metadata.name; every resource needs one");
            }
            return r;
        }
    }
}
