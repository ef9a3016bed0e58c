using System.Collections;
using System.Globalization;
using System.Text;
using Ferry.Templates.Values;

namespace Ferry.Charts.Schema;

/// <summary>
/// Validates template values (maps, lists, strings, numbers, booleans, null) against a compiled schema with the
/// rules and messages of Helm's validator: a wrong type, const, enum or format ends a schema's checks; before
/// 2019-09 a <c>$ref</c> replaces its siblings; several failures of one schema form a group. Object members are
/// visited in sorted order (Helm's order is Go's random map order).
/// </summary>
internal sealed class SchemaEvaluator
{
    private const int MaxDepth = 10_000;
    private readonly List<(SchemaNode Node, object? Value)> _stack = [];

    /// <summary>Properties and items some schema evaluated, for unevaluatedProperties/unevaluatedItems.</summary>
    private sealed class Evaluated
    {
        public HashSet<string> Properties { get; } = new(StringComparer.Ordinal);

        public HashSet<int> Items { get; } = [];

        public void Merge(Evaluated other)
        {
            Properties.UnionWith(other.Properties);
            Items.UnionWith(other.Items);
        }
    }

    public static SchemaFailure? Validate(SchemaNode schema, object? value) => new SchemaEvaluator().Check(schema, value, [], false, null);

    private SchemaFailure? Check(SchemaNode s, object? v, List<string> loc, bool boolResult, Evaluated? outer)
    {
        if (s.Bool is bool b)
        {
            if (b)
            {
                MarkAll(v, outer);
                return null;
            }
            return Fail(loc, "false schema");
        }
        foreach (var (node, value) in _stack)
        {
            if (ReferenceEquals(node, s) && ReferenceEquals(value, v) && v is not null && (v is IDictionary or IList))
            {
                return Fail(loc, $"{s.Location} refers to itself causing a reference cycle");
            }
        }
        if (_stack.Count >= MaxDepth)
        {
            return Fail(loc, "schema nesting is too deep");
        }
        _stack.Add((s, v));
        try
        {
            return CheckKeywords(s, v, loc, boolResult, outer);
        }
        finally
        {
            _stack.RemoveAt(_stack.Count - 1);
        }
    }

    private SchemaFailure? CheckKeywords(SchemaNode s, object? v, List<string> loc, bool boolResult, Evaluated? outer)
    {
        var t = TypeOf(v);
        if (t == JsonTypes.None)
        {
            return Fail(loc, $"invalid jsonType {GoValue.TypeName(v)}");
        }
        if (s.Types != JsonTypes.None)
        {
            var matched = (s.Types & t) != 0 || ((s.Types & JsonTypes.Integer) != 0 && t == JsonTypes.Number && IsInteger(v));
            if (!matched)
            {
                return Fail(loc, $"got {TypeName(t)}, want {string.Join(" or ", TypeNames(s.Types))}");
            }
        }
        if (s.Const is { } c && !JsonEquals(v, c.Value))
        {
            return Fail(loc, c.IsPrimitive ? $"value must be {c.Display}" : "const failed");
        }
        if (s.Enum is { } e && !e.Any(item => JsonEquals(v, item.Value)))
        {
            return Fail(loc, EnumMessage(e));
        }
        if (s.Format is { } format && SchemaFormats.Check(format, v) is { } formatError)
        {
            return Fail(loc, $"{Display(v)} is not valid {format}: {formatError}");
        }
        var ev = outer is not null || s.TracksEvaluation ? new Evaluated() : null;
        var errors = new List<SchemaFailure>();
        if (s.Ref is { } target)
        {
            var refError = CheckReference(target, v, loc, boolResult, ev);
            if (s.Draft < 2019)
            {
                if (refError is null && ev is not null)
                {
                    outer?.Merge(ev);
                }
                return refError;
            }
            Add(errors, refError);
        }
        switch (v)
        {
            case IDictionary<string, object?> map:
                CheckObject(s, map, loc, boolResult, errors, ev);
                break;
            case IList list:
                CheckArray(s, list, loc, boolResult, errors, ev);
                break;
            case string str:
                CheckString(s, str, loc, errors);
                break;
            case long or nint or double:
                CheckNumber(s, v, loc, errors);
                break;
        }
        if (errors.Count == 0 || !boolResult)
        {
            if (s.DynamicRef is { } dynamicTarget)
            {
                Add(errors, CheckReference(dynamicTarget, v, loc, boolResult, ev));
            }
            CheckConditions(s, v, loc, boolResult, errors, ev);
            CheckUnevaluated(s, v, loc, boolResult, errors, ev);
        }
        if (errors.Count == 0)
        {
            if (ev is not null)
            {
                outer?.Merge(ev);
            }
            return null;
        }
        return errors.Count == 1 ? errors[0] : new SchemaFailure(Copy(loc), FailureKind.Group, "validation failed", errors);
    }

    private SchemaFailure? CheckReference(SchemaNode target, object? v, List<string> loc, bool boolResult, Evaluated? ev)
    {
        var error = Check(target, v, loc, boolResult, ev);
        if (error is null)
        {
            return null;
        }
        var causes = error.Kind == FailureKind.Group ? error.Causes : [error];
        return new SchemaFailure(Copy(loc), FailureKind.Reference, "validation failed", causes);
    }

    private void CheckObject(SchemaNode s, IDictionary<string, object?> obj, List<string> loc, bool boolResult, List<SchemaFailure> errors,
        Evaluated? ev)
    {
        if (s.MinProperties is int minP && obj.Count < minP)
        {
            errors.Add(Fail(loc, $"minProperties: got {SchemaFailure.Number(obj.Count)}, want {SchemaFailure.Number(minP)}"));
        }
        if (s.MaxProperties is int maxP && obj.Count > maxP)
        {
            errors.Add(Fail(loc, $"maxProperties: got {SchemaFailure.Number(obj.Count)}, want {SchemaFailure.Number(maxP)}"));
        }
        if (s.Required is { Count: > 0 } required && Missing(obj, required) is { } missing)
        {
            errors.Add(Fail(loc, missing.Count == 1
                ? $"missing property {SchemaFailure.Quote(missing[0])}" : $"missing properties {JoinQuoted(missing)}"));
        }
        if (boolResult && errors.Count > 0)
        {
            return;
        }
        foreach (var (name, names, schema) in s.Dependencies ?? [])
        {
            if (obj.ContainsKey(name) && names is not null && Missing(obj, names) is { } m)
            {
                errors.Add(Fail(loc, $"properties {JoinQuoted(m)} required, if {SchemaFailure.Quote(name)} exists"));
            }
            else if (obj.ContainsKey(name) && names is null)
            {
                Add(errors, Check(schema!, obj, loc, false, ev));
            }
        }
        if (!CheckProperties(s, obj, loc, boolResult, errors, ev))
        {
            return;
        }
        CheckPropertyNames(s, obj, boolResult, errors);
        foreach (var (name, schema) in s.DependentSchemas ?? [])
        {
            if (obj.ContainsKey(name))
            {
                Add(errors, Check(schema, obj, loc, false, ev));
            }
        }
        foreach (var (name, names) in s.DependentRequired ?? [])
        {
            if (obj.ContainsKey(name) && Missing(obj, names) is { } m)
            {
                errors.Add(Fail(loc, $"properties {JoinQuoted(m)} required, if {SchemaFailure.Quote(name)} exists"));
            }
        }
    }

    /// <summary>
    /// properties, patternProperties and additionalProperties, in key order; false when a boolean-result check stopped at
    /// the first failure.
    /// </summary>
    private bool CheckProperties(SchemaNode s, IDictionary<string, object?> obj, List<string> loc, bool boolResult, List<SchemaFailure> errors,
        Evaluated? ev)
    {
        var additional = new List<string>();
        foreach (var name in GoValue.SortedKeys(obj))
        {
            if (boolResult && errors.Count > 0)
            {
                return false;
            }
            var value = obj[name];
            var evaluated = false;
            if (s.Properties is not null && s.Properties.TryGetValue(name, out var ps))
            {
                evaluated = true;
                Add(errors, Check(ps, value, Child(loc, name), boolResult, null));
            }
            foreach (var (pattern, pps) in s.PatternProperties ?? [])
            {
                if (pattern.IsMatch(name))
                {
                    evaluated = true;
                    Add(errors, Check(pps, value, Child(loc, name), boolResult, null));
                }
            }
            if (!evaluated && s.AdditionalProperties is { } ap)
            {
                evaluated = true;
                if (ap.Bool == false)
                {
                    additional.Add(name);
                }
                else
                {
                    Add(errors, Check(ap, value, Child(loc, name), boolResult, null));
                }
            }
            if (evaluated)
            {
                ev?.Properties.Add(name);
            }
        }
        if (additional.Count > 0)
        {
            errors.Add(Fail(loc, $"additional properties {JoinQuoted(additional)} not allowed"));
        }
        return true;
    }

    private void CheckPropertyNames(SchemaNode s, IDictionary<string, object?> obj, bool boolResult, List<SchemaFailure> errors)
    {
        if (s.PropertyNames is not { } names)
        {
            return;
        }
        foreach (var name in GoValue.SortedKeys(obj))
        {
            // helm's validator checks a name as a document of its own: the failure and its causes are at ''
            if (Check(names, name, [], boolResult, null) is { } nameError)
            {
                var causes = nameError.Kind == FailureKind.Group ? nameError.Causes : [nameError];
                errors.Add(new SchemaFailure([], FailureKind.Message, $"invalid propertyName {SchemaFailure.Quote(name)}", causes));
            }
        }
    }

    private void CheckArray(SchemaNode s, IList arr, List<string> loc, bool boolResult, List<SchemaFailure> errors, Evaluated? ev)
    {
        if (s.MinItems is int min && arr.Count < min)
        {
            errors.Add(Fail(loc, $"minItems: got {SchemaFailure.Number(arr.Count)}, want {SchemaFailure.Number(min)}"));
        }
        if (s.MaxItems is int max && arr.Count > max)
        {
            errors.Add(Fail(loc, $"maxItems: got {SchemaFailure.Number(arr.Count)}, want {SchemaFailure.Number(max)}"));
        }
        if (s.UniqueItems && FirstDuplicate(arr) is { } equal)
        {
            errors.Add(Fail(loc, $"items at {equal.First} and {equal.Duplicate} are equal"));
        }
        var evaluated = CheckItems(s, arr, loc, boolResult, errors);
        for (var i = 0; i < evaluated; i++)
        {
            ev?.Items.Add(i);
        }
        if (s.Contains is { } contains)
        {
            CheckContains(s, contains, arr, loc, boolResult, errors, ev);
        }
    }

    /// <summary>The first pair of equal items, if any.</summary>
    private static (int First, int Duplicate)? FirstDuplicate(IList arr)
    {
        for (var i = 0; i < arr.Count; i++)
        {
            for (var j = i + 1; j < arr.Count; j++)
            {
                if (JsonEquals(arr[i], arr[j]))
                {
                    return (i, j);
                }
            }
        }
        return null;
    }

    /// <summary>prefixItems, then items or additionalItems; returns how many items (from the start) they evaluated.</summary>
    private int CheckItems(SchemaNode s, IList arr, List<string> loc, bool boolResult, List<SchemaFailure> errors)
    {
        var evaluated = 0;
        if (s.PrefixItems is { } prefix)
        {
            evaluated = Math.Min(prefix.Count, arr.Count);
            for (var i = 0; i < evaluated; i++)
            {
                Add(errors, Check(prefix[i], arr[i], Child(loc, Index(i)), boolResult, null));
            }
        }
        // items after prefixItems (and additionalItems) are reported by their position among the rest, as helm does
        if (s.Items is { } items && (s.Draft >= 2020 || s.PrefixItems is null))
        {
            for (var i = evaluated; i < arr.Count; i++)
            {
                Add(errors, Check(items, arr[i], Child(loc, Index(i - evaluated)), boolResult, null));
            }
            evaluated = arr.Count;
        }
        else if (s.AdditionalItems is { } additional && s.PrefixItems is not null)
        {
            if (additional.Bool == false)
            {
                if (evaluated != arr.Count)
                {
                    errors.Add(Fail(loc, $"last {arr.Count - evaluated} additionalItem(s) not allowed"));
                }
            }
            else
            {
                for (var i = evaluated; i < arr.Count; i++)
                {
                    Add(errors, Check(additional, arr[i], Child(loc, Index(i - evaluated)), boolResult, null));
                }
            }
            evaluated = arr.Count;
        }
        return evaluated;
    }

    /// <summary>contains, with minContains and maxContains (items that match count as evaluated).</summary>
    private void CheckContains(SchemaNode s, SchemaNode contains, IList arr, List<string> loc, bool boolResult, List<SchemaFailure> errors,
        Evaluated? ev)
    {
        var failures = new List<SchemaFailure>();
        var matched = new List<int>();
        for (var i = 0; i < arr.Count; i++)
        {
            if (Check(contains, arr[i], Child(loc, Index(i)), boolResult, null) is { } f)
            {
                failures.Add(f);
            }
            else
            {
                matched.Add(i);
                ev?.Items.Add(i);
            }
        }
        if (s.MinContains is int minC)
        {
            if (matched.Count < minC)
            {
                var text = matched.Count == 0
                    ? $"min {minC} items required to match contains schema, but none matched"
                    : $"min {minC} items required to match contains schema, but matched {matched.Count} items at {string.Join(' ', matched)}";
                errors.Add(new SchemaFailure(Copy(loc), FailureKind.Message, text, failures));
            }
        }
        else if (matched.Count == 0)
        {
            errors.Add(new SchemaFailure(Copy(loc), FailureKind.Message, "no items match contains schema", failures));
        }
        if (s.MaxContains is int maxC && matched.Count > maxC)
        {
            errors.Add(Fail(loc, $"max {maxC} items required to match contains schema, " +
                $"but matched {matched.Count} items at {string.Join(' ', matched)}"));
        }
    }

    private static void CheckString(SchemaNode s, string str, List<string> loc, List<SchemaFailure> errors)
    {
        if (s.MinLength is not null || s.MaxLength is not null)
        {
            var length = str.EnumerateRunes().Count();
            if (s.MinLength is int min && length < min)
            {
                errors.Add(Fail(loc, $"minLength: got {SchemaFailure.Number(length)}, want {SchemaFailure.Number(min)}"));
            }
            if (s.MaxLength is int max && length > max)
            {
                errors.Add(Fail(loc, $"maxLength: got {SchemaFailure.Number(length)}, want {SchemaFailure.Number(max)}"));
            }
        }
        if (s.Pattern is { } pattern && !pattern.IsMatch(str))
        {
            errors.Add(Fail(loc, $"{SchemaFailure.Quote(str)} does not match pattern {SchemaFailure.Quote(s.PatternText!)}"));
        }
    }

    private static void CheckNumber(SchemaNode s, object v, List<string> loc, List<SchemaFailure> errors)
    {
        var d = ToDouble(v);
        var got = SchemaFailure.Number(d);
        if (s.Minimum is { } min && d < min.Value)
        {
            errors.Add(Fail(loc, $"minimum: got {got}, want {SchemaFailure.Number(min.Value)}"));
        }
        if (s.Maximum is { } max && d > max.Value)
        {
            errors.Add(Fail(loc, $"maximum: got {got}, want {SchemaFailure.Number(max.Value)}"));
        }
        if (s.ExclusiveMinimum is { } exMin && d <= exMin.Value)
        {
            errors.Add(Fail(loc, $"exclusiveMinimum: got {got}, want {SchemaFailure.Number(exMin.Value)}"));
        }
        if (s.ExclusiveMaximum is { } exMax && d >= exMax.Value)
        {
            errors.Add(Fail(loc, $"exclusiveMaximum: got {got}, want {SchemaFailure.Number(exMax.Value)}"));
        }
        if (s.MultipleOf is { } multiple && !IsMultiple(v, multiple))
        {
            errors.Add(Fail(loc, $"multipleOf: got {got}, want {SchemaFailure.Number(multiple.Value)}"));
        }
    }

    private static bool IsMultiple(object v, SchemaNumber of)
    {
        if (of.Exact is decimal m && m != 0)
        {
            var exact = v is long or nint ? (decimal)ToDouble(v)
                : decimal.TryParse(((double)v).ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture,
                    out var dv) ? dv : (decimal?)null;
            if (exact is decimal x)
            {
                return x % m == 0;
            }
        }
        var q = ToDouble(v) / of.Value;
        return !double.IsInfinity(q) && q == Math.Floor(q);
    }

    private void CheckConditions(SchemaNode s, object? v, List<string> loc, bool boolResult, List<SchemaFailure> errors, Evaluated? ev)
    {
        if (s.Not is { } not && Check(not, v, loc, true, null) is null)
        {
            errors.Add(Fail(loc, "'not' failed"));
        }
        if (s.AllOf is { } allOf)
        {
            var failures = new List<SchemaFailure>();
            foreach (var sub in allOf)
            {
                if (Check(sub, v, loc, boolResult, ev) is { } f)
                {
                    failures.Add(f);
                    if (boolResult)
                    {
                        break;
                    }
                }
            }
            if (failures.Count > 0)
            {
                errors.Add(new SchemaFailure(Copy(loc), FailureKind.Message, "'allOf' failed", failures));
            }
        }
        if (s.AnyOf is { } anyOf)
        {
            CheckAnyOf(anyOf, v, loc, boolResult, errors, ev);
        }
        if (s.OneOf is { } oneOf)
        {
            CheckOneOf(oneOf, v, loc, boolResult, errors, ev);
        }
        if (s.If is { } condition)
        {
            if (Check(condition, v, loc, true, ev) is null)
            {
                if (s.Then is { } then)
                {
                    Add(errors, Check(then, v, loc, boolResult, ev));
                }
            }
            else if (s.Else is { } otherwise)
            {
                Add(errors, Check(otherwise, v, loc, boolResult, ev));
            }
        }
    }

    /// <summary>anyOf: at least one subschema matches (with evaluation tracking every one is tried, for unevaluated*).</summary>
    private void CheckAnyOf(List<SchemaNode> anyOf, object? v, List<string> loc, bool boolResult, List<SchemaFailure> errors, Evaluated? ev)
    {
        var failures = new List<SchemaFailure>();
        var matched = false;
        foreach (var sub in anyOf)
        {
            if (Check(sub, v, loc, boolResult, ev) is { } f)
            {
                failures.Add(f);
            }
            else
            {
                matched = true;
                if (ev is null)
                {
                    break;
                }
            }
        }
        if (!matched)
        {
            errors.Add(new SchemaFailure(Copy(loc), FailureKind.Message, "'anyOf' failed", failures));
        }
    }

    /// <summary>oneOf: exactly one subschema matches.</summary>
    private void CheckOneOf(List<SchemaNode> oneOf, object? v, List<string> loc, bool boolResult, List<SchemaFailure> errors, Evaluated? ev)
    {
        var failures = new List<SchemaFailure>();
        var matched = -1;
        for (var i = 0; i < oneOf.Count; i++)
        {
            if (Check(oneOf[i], v, loc, boolResult || matched != -1, ev) is { } f)
            {
                if (matched == -1)
                {
                    failures.Add(f);
                }
            }
            else if (matched == -1)
            {
                matched = i;
            }
            else
            {
                errors.Add(Fail(loc, $"'oneOf' failed, subschemas {matched}, {i} matched"));
                break;
            }
        }
        if (matched == -1)
        {
            errors.Add(new SchemaFailure(Copy(loc), FailureKind.Message, "'oneOf' failed, none matched", failures));
        }
    }

    private void CheckUnevaluated(SchemaNode s, object? v, List<string> loc, bool boolResult, List<SchemaFailure> errors, Evaluated? ev)
    {
        if (s.UnevaluatedProperties is { } up && v is IDictionary<string, object?> obj && ev is not null)
        {
            var rejected = new List<string>();
            foreach (var name in GoValue.SortedKeys(obj))
            {
                if (ev.Properties.Contains(name))
                {
                    continue;
                }
                if (up.Bool == false)
                {
                    rejected.Add(name);
                }
                else
                {
                    Add(errors, Check(up, obj[name], Child(loc, name), boolResult, null));
                }
                ev.Properties.Add(name);
            }
            foreach (var name in rejected)
            {
                errors.Add(Fail(Child(loc, name), "false schema"));
            }
        }
        if (s.UnevaluatedItems is { } ui && v is IList arr && ev is not null)
        {
            for (var i = 0; i < arr.Count; i++)
            {
                if (ev.Items.Add(i))
                {
                    Add(errors, Check(ui, arr[i], Child(loc, Index(i)), boolResult, null));
                }
            }
        }
    }

    private static void MarkAll(object? v, Evaluated? ev)
    {
        if (ev is null)
        {
            return;
        }
        if (v is IDictionary<string, object?> map)
        {
            ev.Properties.UnionWith(map.Keys);
        }
        else if (v is IList list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                ev.Items.Add(i);
            }
        }
    }

    private static List<string>? Missing(IDictionary<string, object?> obj, List<string> names)
    {
        List<string>? missing = null;
        foreach (var n in names)
        {
            if (!obj.ContainsKey(n))
            {
                (missing ??= []).Add(n);
            }
        }
        return missing;
    }

    private static string EnumMessage(List<SchemaLiteral> values)
    {
        if (values.Any(v => !v.IsPrimitive))
        {
            return "enum failed";
        }
        return values.Count == 1 ? $"value must be {values[0].Display}" : $"value must be one of {string.Join(", ", values.Select(v => v.Display))}";
    }

    private static string Display(object? v) => v switch
    {
        string s => SchemaFailure.Quote(s),
        IDictionary or IList => "value",
        null => "<nil>",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Ferry.Templates.Formatting.GoFloat.Shortest(d),
        _ => v.ToString() ?? "",
    };

    private static void Add(List<SchemaFailure> errors, SchemaFailure? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static SchemaFailure Fail(List<string> loc, string message) => new(Copy(loc), FailureKind.Message, message);

    private static List<string> Copy(List<string> loc) => [.. loc];

    private static List<string> Child(List<string> loc, string token) => [.. loc, token];

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string JoinQuoted(IEnumerable<string> names) => string.Join(", ", names.Select(SchemaFailure.Quote));

    private static JsonTypes TypeOf(object? v) => v switch
    {
        null => JsonTypes.Null,
        bool => JsonTypes.Boolean,
        long or nint or int or double or float => JsonTypes.Number,
        string => JsonTypes.String,
        IDictionary<string, object?> => JsonTypes.Object,
        IList => JsonTypes.Array,
        _ => JsonTypes.None,
    };

    private static bool IsInteger(object? v) => v switch
    {
        long or nint or int => true,
        double d => !double.IsInfinity(d) && d == Math.Floor(d),
        float f => !float.IsInfinity(f) && f == MathF.Floor(f),
        _ => false,
    };

    private static string TypeName(JsonTypes t) => t switch
    {
        JsonTypes.Null => "null",
        JsonTypes.Boolean => "boolean",
        JsonTypes.Number => "number",
        JsonTypes.Integer => "integer",
        JsonTypes.String => "string",
        JsonTypes.Array => "array",
        _ => "object",
    };

    private static IEnumerable<string> TypeNames(JsonTypes types)
    {
        foreach (var t in new[] { JsonTypes.Null, JsonTypes.Boolean, JsonTypes.Number, JsonTypes.Integer, JsonTypes.String, JsonTypes.Array,
            JsonTypes.Object })
        {
            if ((types & t) != 0)
            {
                yield return TypeName(t);
            }
        }
    }

    /// <summary>JSON equality: numbers by value (int or float alike), objects by members, arrays item by item.</summary>
    public static bool JsonEquals(object? a, object? b)
    {
        switch (a)
        {
            case null:
                return b is null;
            case bool ba:
                return b is bool bb && ba == bb;
            case string sa:
                return b is string sb && sa == sb;
            case long or nint or int or double or float:
                return b is long or nint or int or double or float && ToDouble(a) == ToDouble(b);
            case IDictionary<string, object?> ma:
                if (b is not IDictionary<string, object?> mb || ma.Count != mb.Count)
                {
                    return false;
                }
                foreach (var (k, va) in ma)
                {
                    if (!mb.TryGetValue(k, out var vb) || !JsonEquals(va, vb))
                    {
                        return false;
                    }
                }
                return true;
            case IList la:
                if (b is not IList lb || la.Count != lb.Count)
                {
                    return false;
                }
                for (var i = 0; i < la.Count; i++)
                {
                    if (!JsonEquals(la[i], lb[i]))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return Equals(a, b);
        }
    }

    private static double ToDouble(object v) => v switch
    {
        long l => l,
        nint n => n,
        int i => i,
        float f => f,
        _ => (double)v,
    };

    /// <summary>The failure tree as Helm prints it under the chart's name.</summary>
    public static string Describe(SchemaFailure failure)
    {
        var sb = new StringBuilder();
        failure.WriteRoot(sb);
        return sb.ToString();
    }
}
