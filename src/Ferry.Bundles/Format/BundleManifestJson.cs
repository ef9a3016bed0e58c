using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Bundles.Format;

/// <summary>Source-generated (AOT-safe) JSON for Ferry's own files: the bundle manifest, ferry.lock and site inventories.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BundleManifest))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SiteInventoryFile))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;

/// <summary>Writes and reads ferry-bundle.json; reading checks the shape and says where it is wrong.</summary>
public static class BundleManifestJson
{
    /// <summary>The manifest as the bundle stores it: indented, one trailing newline.</summary>
    public static string Write(BundleManifest manifest) =>
        JsonSerializer.Serialize(manifest, BundleJsonContext.Default.BundleManifest) + "\n";

    /// <summary>ferry.lock: each app's chart digest by app name.</summary>
    internal static string WriteLock(Dictionary<string, string> digests) =>
        JsonSerializer.Serialize(digests, BundleJsonContext.Default.DictionaryStringString) + "\n";

    internal static Dictionary<string, string> ReadLock(string text) =>
        JsonSerializer.Deserialize(text, BundleJsonContext.Default.DictionaryStringString) ?? [];

    /// <summary>
    /// Reads a manifest from <paramref name="bundle"/>: not JSON, a value of the wrong type, or a missing app,
    /// chart or image field is a <see cref="BundleException"/> naming the place (<c>app web chart has no file</c>).
    /// </summary>
    public static BundleManifest Read(ReadOnlySpan<byte> bytes, string bundle)
    {
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(bytes, BundleJsonContext.Default.BundleManifest);
        }
        catch (JsonException e) when (IsJson(bytes))
        {
            throw Damaged(bundle, e.Path is { Length: > 1 } path ? $"{Where(bytes, path)} has no {Key(path)}" : "is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new BundleException($"{bundle}: {BundleBuilder.ManifestName} is not valid JSON ({e.Message}); the bundle is damaged: get a fresh " +
                "copy from the vendor", e);
        }
        if (manifest?.Apps is null)
        {
            throw Damaged(bundle, "has no apps list");
        }
        for (var i = 0; i < manifest.Apps.Count; i++)
        {
            var app = manifest.Apps[i];
            var at = string.IsNullOrEmpty(app.Name) ? throw Damaged(bundle, $"apps[{i}] has no name") : $"app {app.Name}";
            _ = app.Chart ?? throw Damaged(bundle, $"{at} has no chart");
            foreach (var (field, value) in new[] { ("file", app.Chart.File), ("digest", app.Chart.Digest) })
            {
                _ = string.IsNullOrEmpty(value) ? throw Damaged(bundle, $"{at} chart has no {field}") : value;
            }
        }
        return manifest;
    }

    internal static BundleException Damaged(string bundle, string what) =>
        new($"{bundle}: {BundleBuilder.ManifestName}: {what}; the bundle is damaged: get a fresh copy from the vendor");

    private static readonly HashSet<string> Lists = new(StringComparer.Ordinal)
    {
        "apps", "images", "env", "platforms", "dependsOn", "sources", "requires",
    };

    private static bool IsJson(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes.ToArray());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The last property name of a JSON path such as <c>$.apps[0].chart.file</c>, "list" added for lists.</summary>
    private static string Key(string path)
    {
        var last = path[(path.LastIndexOf('.') + 1)..];
        last = last.IndexOf('[', StringComparison.Ordinal) is var b and >= 0 ? last[..b] : last;
        return Lists.Contains(last) ? last + " list" : last;
    }

    /// <summary>The object a JSON path's last property belongs to, for people: <c>app web chart</c>, <c>image nginx:1</c>.</summary>
    private static string Where(ReadOnlySpan<byte> bytes, string path)
    {
        using var doc = JsonDocument.Parse(bytes.ToArray());
        var node = doc.RootElement;
        var words = new List<string>();
        var segments = path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments[..^1])
        {
            var open = segment.IndexOf('[', StringComparison.Ordinal);
            var name = open < 0 ? segment : segment[..open];
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
            {
                break;
            }
            if (open < 0)
            {
                words.Add(name);
                continue;
            }
            var index = int.Parse(segment.AsSpan(open + 1, segment.Length - open - 2), System.Globalization.CultureInfo.InvariantCulture);
            if (node.ValueKind != JsonValueKind.Array || index >= node.GetArrayLength())
            {
                break;
            }
            node = node[index];
            words.Add(Label(name, index, node));
        }
        return words.Count == 0 ? "the manifest" : string.Join(' ', words);
    }

    private static string Label(string list, int index, JsonElement item)
    {
        var key = list switch { "apps" => "name", "images" => "ref", "env" => "name", _ => null };
        return key is not null && item.ValueKind == JsonValueKind.Object && item.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? $"{(list == "env" ? "env" : list.TrimEnd('s'))} {v.GetString()}"
            : $"{list}[{index}]";
    }
}
