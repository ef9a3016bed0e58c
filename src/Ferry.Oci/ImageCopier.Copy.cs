namespace Ferry.Oci;

/// <summary>Where an image is: an OCI image layout (<c>oci:DIR[:NAME]</c>) or a registry (<c>docker://REF</c>), as skopeo names them.</summary>
public sealed record ImageLocation(string? LayoutDir, string? LayoutName, ImageReference? Registry)
{
    public bool IsLayout => LayoutDir is not null;

    /// <summary>Reads <c>oci:DIR[:NAME]</c> or <c>docker://REF</c>; false with why otherwise.</summary>
    public static bool TryParse(string text, out ImageLocation? location, out string why)
    {
        location = null;
        if (text.StartsWith("docker://", StringComparison.Ordinal))
        {
            if (!ImageReference.TryParse(text["docker://".Length..], out var reference, out why))
            {
                return false;
            }
            location = new ImageLocation(null, null, reference);
            return true;
        }
        if (text.StartsWith("oci:", StringComparison.Ordinal) && text.Length > "oci:".Length)
        {
            var rest = text["oci:".Length..];
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            location = colon < 0 ? new ImageLocation(rest, null, null) : new ImageLocation(rest[..colon], rest[(colon + 1)..], null);
            why = "";
            return true;
        }
        why = $"\"{text}\" is neither oci:DIR[:NAME] nor docker://REF";
        return false;
    }

    public override string ToString() => IsLayout ? $"oci:{LayoutDir}{(LayoutName is null ? "" : ":" + LayoutName)}" : $"docker://{Registry}";
}

/// <summary>
/// Copies between a registry and a layout or between two registries (through a temporary layout, removed after), as
/// <c>skopeo copy</c> does; layout to layout is <c>cp -r</c>'s job, not a registry client's.
/// </summary>
public sealed partial class ImageCopier
{
    public async Task<TransferResult> CopyAsync(ImageLocation source, ImageLocation destination, IReadOnlyList<Platform>? platforms,
        bool allPlatforms = false, CancellationToken ct = default)
    {
        switch (source, destination)
        {
            case ({ Registry: { } image }, { LayoutDir: { } dir }):
            {
                var layout = OciLayout.Open(dir, create: true);
                var result = await PullAsync(image, layout, platforms, allPlatforms, ct: ct).ConfigureAwait(false);
                if (destination.LayoutName is { } name)
                {
                    layout.Tag(layout.Resolve(image.ToString()), name);
                }
                return result;
            }
            case ({ LayoutDir: { } dir }, { Registry: { } target }):
            {
                var layout = OciLayout.Open(dir);
                return await PushAsync(layout, layout.Resolve(source.LayoutName), target, ct: ct).ConfigureAwait(false);
            }
            case ({ Registry: { } image }, { Registry: { } target }):
            {
                var temp = Directory.CreateTempSubdirectory("ferry-copy-").FullName;
                try
                {
                    var layout = OciLayout.Open(temp, create: true);
                    await PullAsync(image, layout, platforms, allPlatforms, ct: ct).ConfigureAwait(false);
                    return await PushAsync(layout, layout.Resolve(image.ToString()), target, ct: ct).ConfigureAwait(false);
                }
                finally
                {
                    Directory.Delete(temp, recursive: true);
                }
            }
            default:
                throw new OciException($"copy {source} to {destination}: one side must be a registry (docker://REF); copy layouts with cp -r");
        }
    }
}
