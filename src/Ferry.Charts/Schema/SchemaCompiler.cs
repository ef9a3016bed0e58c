using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Templates.Values;

namespace Ferry.Charts.Schema;

/// <summary>
/// Compiles a values.schema.json into <see cref="SchemaNode"/>s the way Helm's validator (santhosh-tekuri/jsonschema
/// v6) reads it: the draft from <c>$schema</c> (draft 4, 6, 7, 2019-09, 2020-12; <c>…/schema#</c> is the latest,
/// http and https alike; none means 2020-12), <c>$ref</c> to JSON pointers, <c>$id</c>s and anchors inside the
/// document. Nothing is fetched: a reference outside the document is reported, since sites are offline.
/// </summary>
internal sealed class SchemaCompiler
{
    private const string RootUri = "file:///values.schema.json";
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (JsonElement Element, string Pointer, int Draft)> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (JsonElement Element, string Pointer, int Draft)> _anchors = new(StringComparer.Ordinal);
    private readonly List<(SchemaNode Node, string Reference, string BaseUri, bool Dynamic)> _pendingRefs = [];

    public static SchemaNode Compile(JsonElement root)
    {
        var compiler = new SchemaCompiler();
        var draft = DraftOf(root, 2020);
        compiler.Register(root, "", RootUri, draft);
        var node = compiler.CompileAt(root, "", RootUri, draft);
        compiler.ResolveReferences();
        return node;
    }

    /// <summary>The draft a <c>$schema</c> URL names, as v6 maps them; an unknown one is an error (it would be fetched).</summary>
    public static int DraftOf(JsonElement schema, int inherited)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("$schema", out var s) || s.ValueKind != JsonValueKind.String)
        {
            return inherited;
        }
        var url = s.GetString()!;
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0 && hash != url.Length - 1)
        {
            throw new SchemaCompileException($"$schema {Quote(url)} is not a known JSON Schema draft");
        }
        var u = hash >= 0 ? url[..hash] : url;
        u = u.StartsWith("http://", StringComparison.Ordinal) ? u[7..] : u.StartsWith("https://", StringComparison.Ordinal) ? u[8..] : u;
        return u switch
        {
            "json-schema.org/schema" => 2020,
            "json-schema.org/draft/2020-12/schema" => 2020,
            "json-schema.org/draft/2019-09/schema" => 2019,
            "json-schema.org/draft-07/schema" => 7,
            "json-schema.org/draft-06/schema" => 6,
            "json-schema.org/draft-04/schema" => 4,
            _ => throw new SchemaCompileException(
                $"$schema {Quote(url)} is not a known JSON Schema draft (draft-04, -06, -07, 2019-09 or 2020-12); Ferry validates offline and does " +
                    "not fetch meta-schemas"),
        };
    }

    private static string Quote(string s) => SchemaFailure.Quote(s);

    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "definitions", "$defs", "dependentSchemas", "dependencies"];

    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];

    private static readonly string[] SchemaValues =
    [
        "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains", "propertyNames",
        "unevaluatedProperties", "unevaluatedItems", "items", "contentSchema",
    ];

    /// <summary>Records every resource (<c>$id</c>) and anchor of the document, with its pointer from the root.</summary>
    private void Register(JsonElement e, string pointer, string baseUri, int draft)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        draft = pointer.Length == 0 ? draft : DraftOf(e, draft);
        var idKey = draft == 4 ? "id" : "$id";
        if (e.TryGetProperty(idKey, out var id) && id.ValueKind == JsonValueKind.String)
        {
            var idText = id.GetString()!;
            if (idText.StartsWith('#') && draft < 2019)
            {
                _anchors[StripFragment(baseUri) + idText] = (e, pointer, draft);
            }
            else
            {
                baseUri = Resolve(baseUri, idText);
                _resources[StripFragment(baseUri)] = (e, pointer, draft);
            }
        }
        if (pointer.Length == 0)
        {
            _resources[RootUri] = (e, pointer, draft);
        }
        foreach (var anchorKey in draft >= 2019 ? new[] { "$anchor", "$dynamicAnchor" } : [])
        {
            if (e.TryGetProperty(anchorKey, out var a) && a.ValueKind == JsonValueKind.String)
            {
                _anchors[StripFragment(baseUri) + "#" + a.GetString()] = (e, pointer, draft);
            }
        }
        foreach (var p in e.EnumerateObject())
        {
            var name = p.Name;
            if (Array.IndexOf(SchemaMaps, name) >= 0 && p.Value.ValueKind == JsonValueKind.Object)
            {
                var child = pointer + "/" + Escape(name);
                foreach (var m in p.Value.EnumerateObject())
                {
                    Register(m.Value, child + "/" + Escape(m.Name), baseUri, draft);
                }
            }
            else if (Array.IndexOf(SchemaLists, name) >= 0 && p.Value.ValueKind == JsonValueKind.Array)
            {
                var child = pointer + "/" + Escape(name);
                var i = 0;
                foreach (var item in p.Value.EnumerateArray())
                {
                    Register(item, child + "/" + i.ToString(CultureInfo.InvariantCulture), baseUri, draft);
                    i++;
                }
            }
            else if (Array.IndexOf(SchemaValues, name) >= 0)
            {
                Register(p.Value, pointer + "/" + Escape(name), baseUri, draft);
            }
        }
    }

    private SchemaNode CompileAt(JsonElement e, string pointer, string baseUri, int draft)
    {
        if (_nodes.TryGetValue(pointer, out var existing))
        {
            return existing;
        }
        if (e.ValueKind == JsonValueKind.Object)
        {
            draft = DraftOf(e, draft);
            var idKey = draft == 4 ? "id" : "$id";
            if (e.TryGetProperty(idKey, out var id) && id.ValueKind == JsonValueKind.String && !(id.GetString()!.StartsWith('#') && draft < 2019))
            {
                baseUri = Resolve(baseUri, id.GetString()!);
            }
        }
        var node = new SchemaNode { Location = "#" + pointer, Draft = draft };
        _nodes[pointer] = node;
        switch (e.ValueKind)
        {
            case JsonValueKind.True:
                node.Bool = true;
                return node;
            case JsonValueKind.False:
                node.Bool = false;
                return node;
            case JsonValueKind.Object:
                Fill(node, e, pointer, baseUri, draft);
                return node;
            default:
                throw new SchemaCompileException($"at '{pointer}': a schema must be an object or a boolean");
        }
    }

    private static readonly string[] DynamicRefKeys = ["$dynamicRef", "$recursiveRef"];

    private void Fill(SchemaNode n, JsonElement e, string pointer, string baseUri, int draft)
    {
        if (e.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            _pendingRefs.Add((n, reference.GetString()!, baseUri, false));
            if (draft < 2019)
            {
                return; // before 2019-09, $ref replaces every keyword beside it
            }
        }
        foreach (var dynamicKey in DynamicRefKeys)
        {
            if (draft >= 2019 && e.TryGetProperty(dynamicKey, out var dyn) && dyn.ValueKind == JsonValueKind.String)
            {
                _pendingRefs.Add((n, dyn.GetString()!, baseUri, true));
            }
        }
        foreach (var p in e.EnumerateObject())
        {
            _ = FillAssertion(n, p.Name, p.Value, pointer, baseUri, draft) || FillObjectKeyword(n, p.Name, p.Value, pointer, baseUri, draft)
                || FillApplicator(n, p.Name, p.Value, pointer, baseUri, draft);
        }
        if (draft == 4)
        {
            // draft 4: exclusiveMinimum/exclusiveMaximum are booleans that make minimum/maximum exclusive
            if (e.TryGetProperty("exclusiveMinimum", out var exMin) && exMin.ValueKind == JsonValueKind.True)
            {
                (n.ExclusiveMinimum, n.Minimum) = (n.Minimum, null);
            }
            if (e.TryGetProperty("exclusiveMaximum", out var exMax) && exMax.ValueKind == JsonValueKind.True)
            {
                (n.ExclusiveMaximum, n.Maximum) = (n.Maximum, null);
            }
        }
    }

    /// <summary>Keywords that check the value itself (type, const, enum, bounds, pattern, required).</summary>
    private bool FillAssertion(SchemaNode n, string name, JsonElement v, string pointer, string baseUri, int draft)
    {
        string Here() => pointer + "/" + Escape(name); // only keywords that compile or fail need it
        switch (name)
        {
            case "type":
                n.Types = ParseTypes(v, Here());
                return true;
            case "const" when draft >= 6:
                n.Const = Literal(v);
                return true;
            case "enum" when v.ValueKind == JsonValueKind.Array:
                n.Enum = v.EnumerateArray().Select(Literal).ToList();
                return true;
            case "format" when v.ValueKind == JsonValueKind.String && draft < 2019:
                n.Format = v.GetString();
                return true;
            case "minProperties": n.MinProperties = Int(v, Here()); return true;
            case "maxProperties": n.MaxProperties = Int(v, Here()); return true;
            case "minItems": n.MinItems = Int(v, Here()); return true;
            case "maxItems": n.MaxItems = Int(v, Here()); return true;
            case "minLength": n.MinLength = Int(v, Here()); return true;
            case "maxLength": n.MaxLength = Int(v, Here()); return true;
            case "minContains" when draft >= 2019: n.MinContains = Int(v, Here()); return true;
            case "maxContains" when draft >= 2019: n.MaxContains = Int(v, Here()); return true;
            case "uniqueItems": n.UniqueItems = v.ValueKind == JsonValueKind.True; return true;
            case "required" when v.ValueKind == JsonValueKind.Array:
                n.Required = v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList();
                return true;
            case "pattern" when v.ValueKind == JsonValueKind.String:
                n.PatternText = v.GetString();
                n.Pattern = Regex(n.PatternText!, Here());
                return true;
            case "minimum": n.Minimum = Number(v, Here()); return true;
            case "maximum": n.Maximum = Number(v, Here()); return true;
            case "exclusiveMinimum" when draft >= 6: n.ExclusiveMinimum = Number(v, Here()); return true;
            case "exclusiveMaximum" when draft >= 6: n.ExclusiveMaximum = Number(v, Here()); return true;
            case "multipleOf": n.MultipleOf = Number(v, Here()); return true;
        }
        return false;
    }

    /// <summary>Keywords that apply schemas to an object's properties.</summary>
    private bool FillObjectKeyword(SchemaNode n, string name, JsonElement v, string pointer, string baseUri, int draft)
    {
        string Here() => pointer + "/" + Escape(name); // only keywords that compile or fail need it
        switch (name)
        {
            case "properties" when v.ValueKind == JsonValueKind.Object:
                n.Properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
                foreach (var prop in v.EnumerateObject())
                {
                    n.Properties[prop.Name] = CompileAt(prop.Value, Here() + "/" + Escape(prop.Name), baseUri, draft);
                }
                return true;
            case "patternProperties" when v.ValueKind == JsonValueKind.Object:
                n.PatternProperties = v.EnumerateObject()
                    .Select(prop => (Regex(prop.Name, Here()), CompileAt(prop.Value, Here() + "/" + Escape(prop.Name), baseUri, draft)))
                    .ToList();
                return true;
            case "additionalProperties": n.AdditionalProperties = CompileAt(v, Here(), baseUri, draft); return true;
            case "propertyNames" when draft >= 6: n.PropertyNames = CompileAt(v, Here(), baseUri, draft); return true;
            case "unevaluatedProperties" when draft >= 2019: n.UnevaluatedProperties = CompileAt(v, Here(), baseUri, draft); return true;
            case "unevaluatedItems" when draft >= 2019: n.UnevaluatedItems = CompileAt(v, Here(), baseUri, draft); return true;
            case "dependencies" when v.ValueKind == JsonValueKind.Object && draft < 2019:
                n.Dependencies = v.EnumerateObject().Select(d => d.Value.ValueKind == JsonValueKind.Array
                    ? (d.Name, (List<string>?)d.Value.EnumerateArray().Select(x => x.GetString() ?? "").ToList(), (SchemaNode?)null)
                    : (d.Name, null, CompileAt(d.Value, Here() + "/" + Escape(d.Name), baseUri, draft))).ToList();
                return true;
            case "dependentRequired" when v.ValueKind == JsonValueKind.Object && draft >= 2019:
                n.DependentRequired = v.EnumerateObject()
                    .Select(d => (d.Name, d.Value.EnumerateArray().Select(x => x.GetString() ?? "").ToList())).ToList();
                return true;
            case "dependentSchemas" when v.ValueKind == JsonValueKind.Object && draft >= 2019:
                n.DependentSchemas = v.EnumerateObject()
                    .Select(d => (d.Name, CompileAt(d.Value, Here() + "/" + Escape(d.Name), baseUri, draft))).ToList();
                return true;
        }
        return false;
    }

    /// <summary>Keywords that apply schemas to array items, or combine schemas (not, allOf, anyOf, oneOf, if/then/else).</summary>
    private bool FillApplicator(SchemaNode n, string name, JsonElement v, string pointer, string baseUri, int draft)
    {
        string Here() => pointer + "/" + Escape(name); // only keywords that compile or fail need it
        switch (name)
        {
            case "items" when v.ValueKind == JsonValueKind.Array && draft < 2020:
                n.PrefixItems = List(v, Here(), baseUri, draft);
                return true;
            case "items":
                n.Items = CompileAt(v, Here(), baseUri, draft);
                return true;
            case "prefixItems" when v.ValueKind == JsonValueKind.Array && draft >= 2020:
                n.PrefixItems = List(v, Here(), baseUri, draft);
                return true;
            case "additionalItems" when draft < 2020: n.AdditionalItems = CompileAt(v, Here(), baseUri, draft); return true;
            case "contains" when draft >= 6: n.Contains = CompileAt(v, Here(), baseUri, draft); return true;
            case "not": n.Not = CompileAt(v, Here(), baseUri, draft); return true;
            case "allOf" when v.ValueKind == JsonValueKind.Array: n.AllOf = List(v, Here(), baseUri, draft); return true;
            case "anyOf" when v.ValueKind == JsonValueKind.Array: n.AnyOf = List(v, Here(), baseUri, draft); return true;
            case "oneOf" when v.ValueKind == JsonValueKind.Array: n.OneOf = List(v, Here(), baseUri, draft); return true;
            case "if" when draft >= 7: n.If = CompileAt(v, Here(), baseUri, draft); return true;
            case "then" when draft >= 7: n.Then = CompileAt(v, Here(), baseUri, draft); return true;
            case "else" when draft >= 7: n.Else = CompileAt(v, Here(), baseUri, draft); return true;
        }
        return false;
    }

    private List<SchemaNode> List(JsonElement array, string pointer, string baseUri, int draft)
    {
        var list = new List<SchemaNode>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            list.Add(CompileAt(item, pointer + "/" + i.ToString(CultureInfo.InvariantCulture), baseUri, draft));
            i++;
        }
        return list;
    }

    private void ResolveReferences()
    {
        for (var i = 0; i < _pendingRefs.Count; i++)
        {
            var (node, reference, baseUri, dynamic) = _pendingRefs[i];
            var target = ResolveReference(reference, baseUri, node.Location);
            if (dynamic)
            {
                node.DynamicRef = target;
            }
            else
            {
                node.Ref = target;
            }
        }
    }

    private SchemaNode ResolveReference(string reference, string baseUri, string from)
    {
        var absolute = Resolve(baseUri, reference);
        var hash = absolute.IndexOf('#', StringComparison.Ordinal);
        var resourceUri = hash >= 0 ? absolute[..hash] : absolute;
        var fragment = hash >= 0 ? Uri.UnescapeDataString(absolute[(hash + 1)..]) : "";
        if (!_resources.TryGetValue(resourceUri, out var resource))
        {
            throw new SchemaCompileException(
                $"at '{from[1..]}': $ref {Quote(reference)} points outside values.schema.json; Ferry validates offline and does not fetch schemas");
        }
        if (fragment.Length > 0 && !fragment.StartsWith('/'))
        {
            if (!_anchors.TryGetValue(resourceUri + "#" + fragment, out var anchor))
            {
                throw new SchemaCompileException($"at '{from[1..]}': $ref {Quote(reference)}: no anchor {Quote(fragment)} in the schema");
            }
            return CompileAt(anchor.Element, anchor.Pointer, resourceUri, anchor.Draft);
        }
        var element = resource.Element;
        var pointer = resource.Pointer;
        foreach (var raw in fragment.Split('/').Skip(1))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(token, out var next))
            {
                element = next;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                throw new SchemaCompileException($"at '{from[1..]}': $ref {Quote(reference)} points to nothing in the schema");
            }
            pointer += "/" + Escape(token);
        }
        return CompileAt(element, pointer, resourceUri, DraftAt(resource.Draft, element));
    }

    private static int DraftAt(int draft, JsonElement e) => DraftOf(e, draft);

    private static string Resolve(string baseUri, string reference)
    {
        if (reference.StartsWith('#'))
        {
            return StripFragment(baseUri) + reference;
        }
        try
        {
            return new Uri(new Uri(baseUri), reference).ToString();
        }
        catch (UriFormatException)
        {
            throw new SchemaCompileException($"{Quote(reference)} is not a valid URI reference");
        }
    }

    private static string StripFragment(string uri)
    {
        var hash = uri.IndexOf('#', StringComparison.Ordinal);
        return hash >= 0 ? uri[..hash] : uri;
    }

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonTypes ParseTypes(JsonElement v, string at)
    {
        var names = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString()).ToList() : [v.GetString()];
        var types = JsonTypes.None;
        foreach (var name in names)
        {
            types |= name switch
            {
                "null" => JsonTypes.Null,
                "boolean" => JsonTypes.Boolean,
                "number" => JsonTypes.Number,
                "integer" => JsonTypes.Integer,
                "string" => JsonTypes.String,
                "array" => JsonTypes.Array,
                "object" => JsonTypes.Object,
                _ => throw new SchemaCompileException($"at '{at}': unknown type {Quote(name ?? "")}"),
            };
        }
        return types;
    }

    private static int Int(JsonElement v, string at) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d >= 0 && d == Math.Floor(d) && d <= int.MaxValue
            ? (int)d
            : throw new SchemaCompileException($"at '{at}': must be a non-negative integer");

    private static SchemaNumber Number(JsonElement v, string at)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw new SchemaCompileException($"at '{at}': must be a number");
        }
        var raw = v.GetRawText();
        decimal? exact = decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null;
        return new SchemaNumber(v.GetDouble(), exact);
    }

    private static Regex Regex(string pattern, string at)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
        }
        catch (ArgumentException e)
        {
            throw new SchemaCompileException($"at '{at}': invalid regular expression {Quote(pattern)}: {e.Message}");
        }
    }

    private static SchemaLiteral Literal(JsonElement v)
    {
        var value = DataReader.FromJson(v);
        var display = v.ValueKind switch
        {
            JsonValueKind.String => Quote(v.GetString()!),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "<nil>",
            _ => "value",
        };
        return new SchemaLiteral(value, display, v.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object));
    }
}

/// <summary>values.schema.json cannot be used as a schema.</summary>
internal sealed class SchemaCompileException(string message) : FerryException(Ferry.FailureKind.Input, message);
