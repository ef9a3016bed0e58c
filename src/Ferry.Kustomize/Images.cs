namespace Ferry.Kustomize;

/// <summary>The images transformer: a container image whose name matches gets a new name, tag or digest.</summary>
internal static class Images
{
    public static void Apply(Kustomization k, List<Resource> resources)
    {
        foreach (var entry in k.List("images"))
        {
            if (entry is not Dictionary<string, object?> e || e.GetValueOrDefault("name") is not string { Length: > 0 } name)
            {
                throw new KustomizeException($"{k.At("images")}: every entry of 'images' needs a name");
            }
            var newName = e.GetValueOrDefault("newName") as string;
            var newTag = e.GetValueOrDefault("newTag") is { } t ? Kustomization.Scalar(t, k.At("images")) : null;
            var digest = e.GetValueOrDefault("digest") as string;
            foreach (var r in resources)
            {
                foreach (var container in Containers(r.Object))
                {
                    if (container.GetValueOrDefault("image") is string image && Split(image) is var (n, tag, dig) && n == name)
                    {
                        var suffix = digest is not null ? "@" + digest
                            : newTag is not null ? ":" + newTag
                            : (tag is not null ? ":" + tag : "") + (dig is not null ? "@" + dig : "");
                        container["image"] = (newName ?? n) + suffix;
                    }
                }
            }
        }
    }

    /// <summary>Every container, wherever a containers or initContainers list is in the object (custom kinds too, as kustomize).</summary>
    private static IEnumerable<Dictionary<string, object?>> Containers(object? node)
    {
        switch (node)
        {
            case Dictionary<string, object?> map:
                foreach (var (key, value) in map)
                {
                    if (key is "containers" or "initContainers" && value is List<object?> list)
                    {
                        foreach (var c in list.OfType<Dictionary<string, object?>>())
                        {
                            yield return c;
                        }
                    }
                    else
                    {
                        foreach (var c in Containers(value))
                        {
                            yield return c;
                        }
                    }
                }
                break;
            case List<object?> items:
                foreach (var c in items.SelectMany(Containers))
                {
                    yield return c;
                }
                break;
        }
    }

    /// <summary>An image reference as name, tag and digest (the tag is after the last ':' past the last '/').</summary>
    private static (string Name, string? Tag, string? Digest) Split(string image)
    {
        string? digest = null;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = image[(at + 1)..];
            image = image[..at];
        }
        var colon = image.LastIndexOf(':');
        var slash = image.LastIndexOf('/');
        return colon > slash ? (image[..colon], image[(colon + 1)..], digest) : (image, null, digest);
    }
}
