using System.Formats.Tar;
using System.Text.Json;

namespace Ferry.Bundles.Tests;

/// <summary>A bundle's ferry-bundle.json as raw JSON, read from the archive without Ferry's model: tests check the file format itself.</summary>
internal static class ManifestFile
{
    public static JsonDocument Read(string bundle)
    {
        using var fs = BundleFile.OpenRead(bundle);
        using var tar = new TarReader(fs);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name == "ferry-bundle.json")
            {
                using var ms = new MemoryStream();
                entry.DataStream!.CopyTo(ms);
                return JsonDocument.Parse(ms.ToArray());
            }
        }
        throw new InvalidOperationException($"{bundle} has no ferry-bundle.json");
    }
}
