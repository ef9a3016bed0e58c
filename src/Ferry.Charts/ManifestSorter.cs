using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>One YAML document of a rendered template, with the head fields Helm reads.</summary>
public sealed record Manifest(string Name, string Content, string Kind, string ApiVersion, string MetadataName);

/// <summary>A hook document: its events (pre-install, test, ...), weight and delete policies.</summary>
public sealed record Hook(string Name, string Kind, string Path, string Manifest, IReadOnlyList<HookEvent> Events, int Weight,
    IReadOnlyList<HookDeletePolicy> DeletePolicies);

/// <summary>
/// Helm's manifest sorting (pkg/release/util): templates split into YAML documents, hooks (by the
/// <c>helm.sh/hook</c> annotation) kept apart, and both sorted by Helm's install order of kinds.
/// </summary>
public static class ManifestSorter
{
    public const string HookAnnotation = "helm.sh/hook";
    public const string HookWeightAnnotation = "helm.sh/hook-weight";
    public const string HookDeleteAnnotation = "helm.sh/hook-delete-policy";

    public static readonly IReadOnlyList<string> InstallOrder =
    [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
        "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
        "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet",
        "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ];

    /// <summary>
    /// SplitManifests: documents in file order, split at <c>---</c> at the start of the text or of a line (the
    /// whitespace after the marker is dropped, the whitespace before it stays with the previous document, as
    /// Helm's output shows), leading whitespace trimmed.
    /// </summary>
    public static List<string> SplitManifests(string bigFile)
    {
        // indices into the file, so each document is copied once at most (a file holding one document not at all)
        var text = bigFile;
        var first = SkipSpace(0, text.Length);
        var docs = new List<string>();
        var start = first;
        var i = first;
        while (i <= text.Length - 3)
        {
            if ((i == first || text[i - 1] == '\n') && string.CompareOrdinal(text, i, "---", 0, 3) == 0)
            {
                Add(start, i);
                i += 3;
                while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\f' or '\r')
                {
                    i++;
                }
                start = i;
                continue;
            }
            i++;
        }
        Add(start, text.Length);
        return docs;

        int SkipSpace(int from, int to)
        {
            while (from < to && char.IsWhiteSpace(text[from]))
            {
                from++;
            }
            return from;
        }

        void Add(int from, int to)
        {
            from = SkipSpace(from, to);
            if (from < to)
            {
                docs.Add(from == 0 && to == text.Length ? text : text[from..to]);
            }
        }
    }

    public static (List<Hook> Hooks, List<Manifest> Manifests) Sort(IReadOnlyDictionary<string, string> files, RenderLog? log = null)
    {
        var hooks = new List<Hook>();
        var generic = new List<Manifest>();
        foreach (var path in files.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var content = files[path];
            if (System.IO.Path.GetFileName(path).StartsWith('_') || string.IsNullOrWhiteSpace(content))
            {
                continue;
            }
            foreach (var doc in SplitManifests(content))
            {
                var head = ParseHead(doc, path);
                var annotations = head.Annotations;
                if (annotations is null || annotations.Count == 0 || !annotations.TryGetValue(HookAnnotation, out var hookTypes))
                {
                    generic.Add(new Manifest(path, doc, head.Kind, head.ApiVersion, head.Name));
                    continue;
                }
                var weight = int.TryParse(annotations.GetValueOrDefault(HookWeightAnnotation), System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : 0;
                var events = new List<HookEvent>();
                var unknown = false;
                foreach (var t in hookTypes.Split(','))
                {
                    var e = t.Trim().ToLowerInvariant();
                    if (e == "test-success")
                    {
                        e = "test";
                    }
                    if (!HookEvent.All.Contains(new HookEvent(e)))
                    {
                        unknown = true;
                        break;
                    }
                    events.Add(new HookEvent(e));
                }
                if (unknown)
                {
                    log?.Info("skipping unknown hooks", ("hookTypes", hookTypes));
                    continue;
                }
                var policies = annotations.TryGetValue(HookDeleteAnnotation, out var dp)
                    ? dp.Split(',').Select(p => new HookDeletePolicy(p.Trim().ToLowerInvariant())).ToList()
                    : [];
                hooks.Add(new Hook(head.Name, head.Kind, path, doc, events, weight, policies));
            }
        }
        return (StableSortByKind(hooks, h => h.Kind), StableSortByKind(generic, m => m.Kind));
    }

    private static List<T> StableSortByKind<T>(List<T> items, Func<T, string> kind)
    {
        var order = InstallOrder.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i, StringComparer.Ordinal);
        return items.Select((item, index) => (item, index))
            .OrderBy(x => x, Comparer<(T item, int index)>.Create((a, b) =>
            {
                var ka = kind(a.item);
                var kb = kind(b.item);
                var aok = order.TryGetValue(ka, out var oa);
                var bok = order.TryGetValue(kb, out var ob);
                int c;
                if (!aok && !bok)
                {
                    c = string.CompareOrdinal(ka, kb);
                }
                else if (!aok)
                {
                    c = 1;
                }
                else if (!bok)
                {
                    c = -1;
                }
                else
                {
                    c = oa.CompareTo(ob);
                }
                return c != 0 ? c : a.index.CompareTo(b.index);
            }))
            .Select(x => x.item)
            .ToList();
    }

    private sealed record Head(string Kind, string ApiVersion, string Name, Dictionary<string, string>? Annotations);

    private const string MetadataType = "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }";

    /// <summary>
    /// Reads a document into Helm's <c>SimpleHead</c> as sigs.k8s.io/yaml does: a number or bool where a string
    /// belongs becomes its text, a map or list there is an error (the first in JSON's sorted key order, as
    /// encoding/json reports it).
    /// </summary>
    private static readonly HashSet<string> HeadKeys = new(StringComparer.Ordinal) { "apiVersion", "kind", "metadata" };

    private static Head ParseHead(string doc, string path)
    {
        object? parsed;
        try
        {
            // only the head is built; the rest is checked as helm's full parse checks it (same errors)
            parsed = Ferry.Templates.Yaml.YamlReader.ReadKeys(doc, HeadKeys, NumberMode.Float64);
        }
        catch (Exception e) when (e is FormatException or Ferry.Templates.Yaml.YamlException)
        {
            throw new ChartException($"YAML parse error on {path}: error converting YAML to JSON: {e.Message}", e);
        }
        string? failure = null;
        var head = ReadHead(parsed, ref failure);
        if (failure is not null)
        {
            throw new ChartException($"YAML parse error on {path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {failure}");
        }
        return head;
    }

    private static Head ReadHead(object? parsed, ref string? failure)
    {
        if (parsed is null)
        {
            return new Head("", "", "", null);
        }
        if (parsed is not Dictionary<string, object?> map)
        {
            failure = $"{JsonKind(parsed)} into Go value of type util.SimpleHead";
            return new Head("", "", "", null);
        }
        var api = Text(map.GetValueOrDefault("apiVersion"), "SimpleHead.apiVersion", ref failure);
        var kind = Text(map.GetValueOrDefault("kind"), "SimpleHead.kind", ref failure);
        var name = "";
        Dictionary<string, string>? annotations = null;
        switch (map.GetValueOrDefault("metadata"))
        {
            case null:
                break;
            case Dictionary<string, object?> md:
                switch (md.GetValueOrDefault("annotations"))
                {
                    case null:
                        break;
                    case Dictionary<string, object?> ann:
                        annotations = new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (var k in GoValue.SortedKeys(ann))
                        {
                            annotations[k] = Text(ann[k], ".metadata.annotations", ref failure);
                        }
                        break;
                    case var other:
                        failure ??= $"{JsonKind(other)} into Go struct field .metadata.annotations of type map[string]string";
                        break;
                }
                name = Text(md.GetValueOrDefault("name"), ".metadata.name", ref failure);
                break;
            case var other:
                failure ??= $"{JsonKind(other)} into Go struct field SimpleHead.metadata of type {MetadataType}";
                break;
        }
        return new Head(kind, api, name, annotations);
    }

    private static string Text(object? v, string field, ref string? failure)
    {
        switch (v)
        {
            case null:
                return "";
            case string s:
                return s;
            case bool b:
                return b ? "true" : "false";
            case double d:
                return Ferry.Templates.Formatting.GoFloat.Format(d, 'g', -1);
            case IDictionary<string, object?> or System.Collections.IList:
                failure ??= $"{JsonKind(v)} into Go struct field {field} of type string";
                return "";
            default:
                return Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }
    }

    private static string JsonKind(object? v) => v switch
    {
        IDictionary<string, object?> => "object",
        System.Collections.IList => "array",
        string => "string",
        bool => "bool",
        _ => "number",
    };
}
