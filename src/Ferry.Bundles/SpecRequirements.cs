using Ferry.Kube;
using YamlDotNet.RepresentationModel;

namespace Ferry.Bundles;

/// <summary>
/// What the vendor requires of a site (<c>requirements:</c> in ferry.yaml), checked by <c>ferry preflight</c> and
/// before every deploy: a Kubernetes version range (a semver constraint such as <c>&gt;=1.28.0-0</c>), a minimum of ready
/// nodes, allocatable CPU and memory over all nodes (Kubernetes quantities), storage classes that must exist, and node
/// labels (<c>KEY</c> or <c>KEY=VALUE</c>) at least one node must carry.
/// </summary>
public sealed record Requirements(string? Kubernetes, int? Nodes, string? Cpu, string? Memory, IReadOnlyList<string> StorageClasses,
    IReadOnlyList<string> NodeLabels)
{
    public static readonly Requirements None = new(null, null, null, null, [], []);

    /// <summary>Reads <c>requirements:</c>; every problem goes to <paramref name="errors"/> as file:line:col.</summary>
    internal static Requirements Parse(YamlNode node, string path, List<string> errors)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add($"{path}:{node.Start.Line}:{node.Start.Column}: requirements must be a mapping " +
                "{ kubernetes, nodes, cpu, memory, storageClasses, nodeLabels }");
            return None;
        }
        var r = new Reader(map, path, errors);
        errors.AddRange(SpecRules.UnknownKeys(map, "requirements.", SpecSchema.AllowedFields("requirements."))
            .Select(u => $"{r.At(u.Key)}: {u.Message}"));
        var (kubernetes, nodes) = (r.Kubernetes(), r.Nodes());
        var (cpu, memory) = (r.Amount("cpu", "\"4\" or \"3500m\""), r.Amount("memory", "8Gi or 512Mi"));
        var classes = r.List("storageClasses");
        foreach (var c in classes.Where(c => !SpecRules.IsDnsSubdomain(c)))
        {
            errors.Add($"{r.At(r.Get("storageClasses")!)}: requirements.storageClasses: \"{c}\" is not a StorageClass name (lowercase " +
                "letters, digits, '-', '.')");
        }
        var labels = r.List("nodeLabels");
        foreach (var l in labels.Where(l => l.Split('=')[0].Length == 0 || l.Split('=')[0].Contains(' ', StringComparison.Ordinal)))
        {
            errors.Add($"{r.At(r.Get("nodeLabels")!)}: requirements.nodeLabels: \"{l}\" must be KEY or KEY=VALUE");
        }
        return new Requirements(kubernetes, nodes, cpu, memory, classes, labels);
    }

    /// <summary>Reads the fields of a requirements mapping, adding a located error for each bad one.</summary>
    private sealed class Reader(YamlMappingNode map, string path, List<string> errors)
    {
        public string At(YamlNode n) => $"{path}:{n.Start.Line}:{n.Start.Column}";

        public YamlNode? Get(string key) => map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

        public string? Scalar(string key)
        {
            switch (Get(key))
            {
                case null:
                    return null;
                case YamlScalarNode { Value: { } v }:
                    return v;
                case var other:
                    errors.Add($"{At(other)}: requirements.{key} must be a single value");
                    return null;
            }
        }

        public List<string> List(string key)
        {
            switch (Get(key))
            {
                case null:
                    return [];
                case YamlSequenceNode seq:
                    var items = new List<string>();
                    foreach (var item in seq.Children)
                    {
                        if (item is YamlScalarNode { Value: { Length: > 0 } v })
                        {
                            items.Add(v);
                        }
                        else
                        {
                            errors.Add($"{At(item)}: each entry of requirements.{key} must be a string");
                        }
                    }
                    return items;
                case var other:
                    errors.Add($"{At(other)}: requirements.{key} must be a list (write [{(other as YamlScalarNode)?.Value}])");
                    return [];
            }
        }

        public string? Kubernetes()
        {
            var kubernetes = Scalar("kubernetes");
            if (kubernetes is not null && !Ferry.Templates.Semver.SemConstraint.TryParse(kubernetes, out _))
            {
                errors.Add($"{At(Get("kubernetes")!)}: requirements.kubernetes \"{kubernetes}\" is not a version range; write e.g. " +
                    "\">=1.28.0-0\" or \">=1.28.0-0 <1.33.0-0\"");
            }
            return kubernetes;
        }

        public int? Nodes()
        {
            if (Scalar("nodes") is not { } n)
            {
                return null;
            }
            if (int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
                && count > 0)
            {
                return count;
            }
            errors.Add($"{At(Get("nodes")!)}: requirements.nodes \"{n}\" must be a whole number of nodes, at least 1");
            return null;
        }

        public string? Amount(string key, string example)
        {
            var value = Scalar(key);
            if (value is not null && (!Quantity.TryParse(value, out var q) || q <= 0))
            {
                errors.Add($"{At(Get(key)!)}: requirements.{key} \"{value}\" is not a Kubernetes quantity; write e.g. {example}");
                return null;
            }
            return value;
        }
    }
}
