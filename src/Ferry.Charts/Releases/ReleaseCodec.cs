using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Ferry.Templates.Formatting;

namespace Ferry.Charts.Releases;

/// <summary>
/// Helm's release encoding: JSON in <c>release.Release</c>'s field order (Go's encoding/json rules), gzip, base64.
/// Decoding accepts what any Helm 3 wrote, including un-gzipped legacy payloads.
/// </summary>
public static class ReleaseCodec
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b, 0x08];

    public static string Encode(Release release)
    {
        var json = Encoding.UTF8.GetBytes(ToJson(release));
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(json);
        }
        return Convert.ToBase64String(ms.ToArray());
    }

    public static Release Decode(string encoded)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded.Trim());
        }
        catch (FormatException e)
        {
            throw new ChartException($"release payload is not base64 ({e.Message}); the release record is damaged");
        }
        if (bytes.AsSpan().StartsWith(GzipMagic))
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            bytes = ms.ToArray();
        }
        return FromJson(bytes);
    }

    /// <summary>The release as Helm's JSON (struct field order, omitempty, Go times and escaping).</summary>
    public static string ToJson(Release r)
    {
        var info = new GoStruct
        {
            { "first_deployed", GoTime(r.Info.FirstDeployed) },
            { "last_deployed", GoTime(r.Info.LastDeployed) },
            { "deleted", GoTime(r.Info.Deleted) },
        };
        info.AddOmitEmpty("description", r.Info.Description);
        info.AddOmitEmpty("status", r.Info.Status);
        info.AddOmitEmpty("notes", r.Info.Notes);
        foreach (var (key, raw) in r.Info.OtherFields)
        {
            info.Add(key, new GoRawJson(raw));
        }
        var release = new GoStruct();
        release.AddOmitEmpty("name", r.Name);
        release.Add("info", info);
        release.Add("chart", new GoRawJson(r.ChartJson));
        if (r.ConfigJson.Trim() is not ("{}" or "null" or ""))
        {
            release.Add("config", new GoRawJson(r.ConfigJson));
        }
        release.AddOmitEmpty("manifest", r.Manifest);
        if (r.Hooks.Count > 0)
        {
            release.Add("hooks", r.Hooks.Select(HookJson).Cast<object?>().ToList());
        }
        release.AddOmitEmpty("version", r.Version);
        release.AddOmitEmpty("namespace", r.Namespace);
        release.AddOmitEmpty("apply_method", r.ApplyMethod);
        foreach (var (key, raw) in r.OtherFields)
        {
            release.Add(key, new GoRawJson(raw));
        }
        return GoJson.Marshal(release);
    }

    private static GoStruct HookJson(ReleaseHook h)
    {
        var s = new GoStruct();
        s.AddOmitEmpty("name", h.Name);
        s.AddOmitEmpty("kind", h.Kind);
        s.AddOmitEmpty("path", h.Path);
        s.AddOmitEmpty("manifest", h.Manifest);
        s.AddOmitEmpty("events", h.Events.Select(e => (object?)e.Name).ToList());
        s.Add("last_run", new GoStruct
        {
            { "started_at", GoTime(h.LastRunStarted) },
            { "completed_at", GoTime(h.LastRunCompleted) },
            { "phase", h.LastRunPhase.Name },
        });
        s.AddOmitEmpty("weight", h.Weight);
        s.AddOmitEmpty("delete_policies", h.DeletePolicies.Select(p => (object?)p.Name).ToList());
        return s;
    }

    /// <summary>Go's time.Time JSON: RFC 3339 with trimmed nanoseconds; the zero time is 0001-01-01T00:00:00Z.</summary>
    public static string GoTime(DateTimeOffset t)
    {
        if (t == DateTimeOffset.MinValue)
        {
            return "0001-01-01T00:00:00Z";
        }
        var frac = t.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        var stamp = t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (frac.Length > 0 ? "." + frac : "");
        return stamp + (t.Offset == TimeSpan.Zero ? "Z" : t.ToString("zzz", CultureInfo.InvariantCulture));
    }

    private static DateTimeOffset ParseTime(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
        {
            return DateTimeOffset.MinValue;
        }
        var s = v.GetString()!;
        if (s.Length == 0 || s.StartsWith("0001-01-01T00:00:00", StringComparison.Ordinal))
        {
            return DateTimeOffset.MinValue;
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t
            : throw new ChartException($"release payload: {name} \"{s}\" is not an RFC 3339 time; the release record is damaged");
    }

    private static readonly string[] KnownReleaseFields =
        ["name", "info", "chart", "config", "manifest", "hooks", "version", "namespace", "apply_method"];
    private static readonly string[] KnownInfoFields = ["first_deployed", "last_deployed", "deleted", "description", "status", "notes"];

    // fields a newer Helm writes that Ferry does not model: kept so that rewriting a record (superseding it) loses nothing
    private static List<KeyValuePair<string, string>> Others(JsonElement obj, string[] known) =>
        [.. obj.EnumerateObject().Where(p => Array.IndexOf(known, p.Name) < 0).Select(p => KeyValuePair.Create(p.Name, p.Value.GetRawText()))];

    public static Release FromJson(byte[] json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ChartException($"release payload is not JSON ({e.Message}); the release record is damaged");
        }
        using (doc)
        {
            var root = doc.RootElement;
            string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            var r = new Release
            {
                Name = Str(root, "name"),
                Namespace = Str(root, "namespace"),
                Version = root.TryGetProperty("version", out var ver) && ver.ValueKind == JsonValueKind.Number ? ver.GetInt32() : 0,
                Manifest = Str(root, "manifest"),
                ChartJson = root.TryGetProperty("chart", out var chart) ? chart.GetRawText() : "null",
                ConfigJson = root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object ? config.GetRawText() : "{}",
                ApplyMethod = Str(root, "apply_method"),
                OtherFields = Others(root, KnownReleaseFields),
            };
            if (root.TryGetProperty("info", out var info) && info.ValueKind == JsonValueKind.Object)
            {
                r.Info = new ReleaseInfo
                {
                    FirstDeployed = ParseTime(info, "first_deployed"),
                    LastDeployed = ParseTime(info, "last_deployed"),
                    Deleted = ParseTime(info, "deleted"),
                    Description = Str(info, "description"),
                    Status = Str(info, "status"),
                    Notes = Str(info, "notes"),
                    OtherFields = Others(info, KnownInfoFields),
                };
            }
            if (chart.ValueKind == JsonValueKind.Object && chart.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
            {
                r.ChartName = Str(md, "name");
                r.ChartVersion = Str(md, "version");
                r.AppVersion = Str(md, "appVersion");
            }
            if (root.TryGetProperty("hooks", out var hooks) && hooks.ValueKind == JsonValueKind.Array)
            {
                foreach (var h in hooks.EnumerateArray())
                {
                    var hook = new ReleaseHook
                    {
                        Name = Str(h, "name"),
                        Kind = Str(h, "kind"),
                        Path = Str(h, "path"),
                        Manifest = Str(h, "manifest"),
                        Weight = h.TryGetProperty("weight", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetInt32() : 0,
                        Events = h.TryGetProperty("events", out var ev) && ev.ValueKind == JsonValueKind.Array ? ev.EnumerateArray()
                            .Select(x => new HookEvent(x.GetString() ?? "")).ToList() : [],
                        DeletePolicies = h.TryGetProperty("delete_policies", out var dp) && dp.ValueKind == JsonValueKind.Array
                            ? dp.EnumerateArray().Select(x => new HookDeletePolicy(x.GetString() ?? "")).ToList() : [],
                    };
                    if (h.TryGetProperty("last_run", out var lr) && lr.ValueKind == JsonValueKind.Object)
                    {
                        hook.LastRunStarted = ParseTime(lr, "started_at");
                        hook.LastRunCompleted = ParseTime(lr, "completed_at");
                        hook.LastRunPhase = new HookPhase(Str(lr, "phase"));
                    }
                    r.Hooks.Add(hook);
                }
            }
            return r;
        }
    }
}
