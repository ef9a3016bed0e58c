using System.Text;

namespace Ferry.Kustomize;

/// <summary>
/// The deprecated vars: each names a field of an object (objref, fieldref, default metadata.name), read after every
/// transformation, and <c>$(NAME)</c> in kustomize's var reference fields (container command, args, env values and
/// mount paths, ingress hosts, service ports, label values) becomes its value; <c>$$</c> escapes a dollar sign.
/// </summary>
internal static class Vars
{
    private static readonly (string Kind, string Pod)[] PodKinds =
    [
        ("CronJob", "spec/jobTemplate/spec/template/spec"), ("DaemonSet", "spec/template/spec"), ("Deployment", "spec/template/spec"),
        ("Job", "spec/template/spec"), ("Pod", "spec"), ("ReplicaSet", "spec/template/spec"), ("StatefulSet", "spec/template/spec"),
    ];

    private static readonly FieldSpec[] References =
    [
        .. PodKinds.SelectMany(p => new[] { "containers", "initContainers" }.SelectMany(c =>
            new[] { "args", "command", "env/value", "volumeMounts/mountPath" }.Select(f => new FieldSpec(p.Kind, $"{p.Pod}/{c}/{f}")))),
        new("Ingress", "spec/rules/host"), new("Ingress", "spec/tls/hosts"), new("Ingress", "spec/tls/secretName"),
        new("Service", "spec/ports/port"), new("Service", "spec/ports/targetPort"), new("", "metadata/labels"),
    ];

    /// <summary>A var as a kustomization declares it, with where it was declared.</summary>
    internal sealed record Var(string Name, Dictionary<string, object?> ObjRef, string FieldPath, string Where);

    public static IEnumerable<Var> Read(Kustomization k)
    {
        var where = k.At("vars");
        foreach (var entry in k.List("vars"))
        {
            if (entry is not Dictionary<string, object?> v || v.GetValueOrDefault("name") is not string { Length: > 0 } name
                || v.GetValueOrDefault("objref") is not Dictionary<string, object?> objref)
            {
                throw new KustomizeException($"{where}: every var needs a name and an objref");
            }
            var path = (v.GetValueOrDefault("fieldref") as Dictionary<string, object?>)?.GetValueOrDefault("fieldpath") as string;
            yield return new Var(name, objref, path ?? "metadata.name", where);
        }
    }

    public static void Resolve(IReadOnlyList<Var> vars, List<Resource> resources)
    {
        if (vars.Count == 0)
        {
            return;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in vars)
        {
            if (!values.TryAdd(v.Name, Value(v, resources)))
            {
                throw new KustomizeException($"{v.Where}: var {v.Name} is declared more than once (in a base and here?); rename one");
            }
        }
        foreach (var r in resources)
        {
            foreach (var spec in References)
            {
                spec.Apply(r, value => Substitute(value, values));
            }
        }
    }

    private static string Value(Var v, List<Resource> resources)
    {
        var kind = v.ObjRef.GetValueOrDefault("kind") as string;
        var name = v.ObjRef.GetValueOrDefault("name") as string;
        var apiVersion = v.ObjRef.GetValueOrDefault("apiVersion") as string;
        var ns = v.ObjRef.GetValueOrDefault("namespace") as string;
        var matches = resources.Where(r => (kind is null || r.Kind == kind) && name is not null && r.Names.Contains(name)
            && (apiVersion is null || r.ApiVersion == apiVersion) && (ns is null || r.Namespace == ns)).ToList();
        if (matches.Count != 1)
        {
            throw new KustomizeException($"{v.Where}: var {v.Name} refers to {kind} {name}, which " +
                (matches.Count == 0 ? "is not among the resources" : $"matches {matches.Count} objects (give its namespace)"));
        }
        var found = FieldPath.Get(matches[0].Object, FieldPath.Parse(v.FieldPath));
        if (found.Count == 0 || found[0] is Dictionary<string, object?> or List<object?>)
        {
            throw new KustomizeException($"{v.Where}: var {v.Name}: {kind} {name} has no plain field {v.FieldPath}");
        }
        return Kustomization.Scalar(found[0], v.Where);
    }

    private static object? Substitute(object? value, Dictionary<string, string> values) => value switch
    {
        string s => Expand(s, values),
        List<object?> list => list.Select(item => item is string s ? Expand(s, values) : item).ToList(),
        Dictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => kv.Value is string s ? Expand(s, values) : kv.Value,
            StringComparer.Ordinal),
        _ => value,
    };

    /// <summary>Kubernetes' <c>$(VAR)</c> expansion: known names replaced, <c>$$</c> a literal dollar, anything else kept.</summary>
    internal static string Expand(string input, Dictionary<string, string> values)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }
        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                sb.Append(input[i]);
                continue;
            }
            if (input[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            var close = input[i + 1] == '(' ? input.IndexOf(')', i + 2) : -1;
            if (close > 0 && values.TryGetValue(input[(i + 2)..close], out var v))
            {
                sb.Append(v);
                i = close;
                continue;
            }
            sb.Append('$');
        }
        return sb.ToString();
    }
}
