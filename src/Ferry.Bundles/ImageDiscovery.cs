using System.Collections;
using Ferry.Charts;
using Ferry.Oci;
using Ferry.Templates.Values;

namespace Ferry.Bundles;

/// <summary>Where an image was found: app, template and the path inside the manifest.</summary>
public sealed record ImageSource(string App, string Template, string Path);

/// <summary>
/// Finds every container image a rendered chart uses: containers, init and ephemeral containers of every
/// pod-bearing kind (CronJob included) in manifests and hooks, any <c>containers</c>-shaped list in custom
/// resources, and the <c>helm.sh/images</c> / <c>artifacthub.io/images</c> annotations.
/// </summary>
public static class ImageDiscovery
{
    private static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    public static void Discover(string app, IEnumerable<Manifest> manifests, Dictionary<string, List<ImageSource>> found,
        IReadOnlyList<ImagePath>? imagePaths = null)
    {
        foreach (var m in manifests)
        {
            object? doc;
            try
            {
                doc = DataReader.FromYaml(m.Content, NumberMode.Float64, m.Name);
            }
            catch (FormatException e)
            {
                throw new BundleException($"app {app}: {m.Name}: {e.Message}", e);
            }
            Walk(doc, $"{m.Kind}/{m.MetadataName}", (image, path) => Add(found, image, new ImageSource(app, m.Name, path)));
            foreach (var ip in imagePaths ?? [])
            {
                if (ip.AppliesTo(m.Kind))
                {
                    foreach (var (image, location) in ip.Select(doc))
                    {
                        Add(found, image, new ImageSource(app, m.Name, $"{m.Kind}/{m.MetadataName}{location}"));
                    }
                }
            }
            if (doc is Dictionary<string, object?> root && root.GetValueOrDefault("metadata") is Dictionary<string, object?> md
                && md.GetValueOrDefault("annotations") is Dictionary<string, object?> ann)
            {
                foreach (var key in new[] { "helm.sh/images", "artifacthub.io/images" })
                {
                    if (ann.GetValueOrDefault(key) is string listing && DataReader.FromYaml(listing) is IList items)
                    {
                        foreach (var item in items)
                        {
                            if (item is Dictionary<string, object?> entry && entry.GetValueOrDefault("image") is string img)
                            {
                                Add(found, img, new ImageSource(app, m.Name, $"metadata.annotations[{key}]"));
                            }
                        }
                    }
                }
            }
        }
    }

    public static void Add(Dictionary<string, List<ImageSource>> found, string image, ImageSource source)
    {
        if (!ImageReference.TryParse(image.Trim(), out var reference, out var why))
        {
            throw new BundleException($"app {source.App}: {source.Template} ({source.Path}): image \"{image}\" is not a valid reference: {why}");
        }
        var key = reference!.ToString();
        if (!found.TryGetValue(key, out var list))
        {
            found[key] = list = [];
        }
        list.Add(source);
    }

    private static void Walk(object? node, string path, Action<string, string> onImage)
    {
        switch (node)
        {
            case Dictionary<string, object?> map:
                foreach (var (k, v) in map)
                {
                    if (ContainerLists.Contains(k) && v is IList containers)
                    {
                        for (var i = 0; i < containers.Count; i++)
                        {
                            if (containers[i] is Dictionary<string, object?> c && c.GetValueOrDefault("image") is string image && image.Length > 0)
                            {
                                onImage(image, $"{path}.{k}[{i}].image");
                            }
                        }
                    }
                    Walk(v, $"{path}.{k}", onImage);
                }
                break;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                {
                    Walk(list[i], $"{path}[{i}]", onImage);
                }
                break;
        }
    }
}
