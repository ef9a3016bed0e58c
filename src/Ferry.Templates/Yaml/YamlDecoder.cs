using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;


namespace Ferry.Templates.Yaml;

/// <summary>
/// Turns a YAML node into template values exactly as Helm reads YAML (sigs.k8s.io/yaml: go-yaml v2 into
/// <c>interface{}</c>, then JSON): YAML 1.1 scalars (<c>yes</c>/<c>off</c> are booleans, <c>0x1F</c> and <c>017</c>
/// numbers, timestamps stay text), merge keys with go-yaml's precedence, duplicate keys (the last wins), keys made
/// strings as JSON needs (<c>1</c>, <c>true</c>, <c>1.5</c>), and go-yaml's defence against alias bombs.
/// </summary>
internal sealed partial class YamlDecoder(NumberMode numbers)
{
    private const string StrTag = "tag:yaml.org,2002:str";
    private const string IntTag = "tag:yaml.org,2002:int";
    private const string FloatTag = "tag:yaml.org,2002:float";
    private const string BoolTag = "tag:yaml.org,2002:bool";
    private const string NullTag = "tag:yaml.org,2002:null";
    private const string BinaryTag = "tag:yaml.org,2002:binary";
    private const string TimestampTag = "tag:yaml.org,2002:timestamp";
    private const string MergeTag = "tag:yaml.org,2002:merge";

    /// <summary>A merge key (<c>&lt;&lt;</c>, plain or tagged !!merge) as go-yaml recognises it.</summary>
    public static bool IsMergeKey(string tag, string value, bool isImplicit) => value == "<<" && (isImplicit || tag == MergeTag);

    /// <summary>
    /// YAML 1.2's core schema as go-yaml v3 resolves plain scalars (kustomize's reader): only true and false are
    /// booleans, so y, yes, on, n, no and off stay strings.
    /// </summary>
    public bool Yaml12 { get; init; }

    private readonly HashSet<YamlNode> _activeAliases = [];
    private int _decodeCount;
    private int _aliasCount;
    private int _aliasDepth;

    public object? Decode(YamlNode node)
    {
        Enter();
        switch (node.Kind)
        {
            case YamlNodeKind.Alias:
                return ThroughAlias(node, Decode);
            case YamlNodeKind.Scalar:
                return ToJsonValue(Scalar(node).Value);
            case YamlNodeKind.Sequence:
                var list = new List<object?>(node.Children.Count);
                foreach (var child in node.Children)
                {
                    list.Add(Decode(child));
                }
                return list;
            default:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                DecodeMapping(node, map);
                return map;
        }
    }

    /// <summary>
    /// Checks <paramref name="node"/> exactly as <see cref="Decode"/> would — the same errors, in the same order, and
    /// the same counts for the alias limit — without building the value (for parts of a document nobody reads, such
    /// as everything of a rendered manifest but its head).
    /// </summary>
    public void Check(YamlNode node)
    {
        Enter();
        switch (node.Kind)
        {
            case YamlNodeKind.Alias:
                ThroughAlias(node, target =>
                {
                    Check(target);
                    return (object?)null;
                });
                break;
            case YamlNodeKind.Scalar:
                ToJsonValue(Scalar(node).Value);
                break;
            case YamlNodeKind.Sequence:
                foreach (var child in node.Children)
                {
                    Check(child);
                }
                break;
            default:
                var children = node.Children;
                for (var i = 0; i + 1 < children.Count; i += 2)
                {
                    var keyNode = children[i];
                    if (keyNode.Kind == YamlNodeKind.Scalar && keyNode.Value == "<<" && (keyNode.Implicit || keyNode.Tag == MergeTag))
                    {
                        Merge(children[i + 1], new Dictionary<string, object?>(StringComparer.Ordinal)); // rare: decoded as Decode does
                        continue;
                    }
                    _decodeCount++;
                    KeyString(keyNode, children[i + 1]);
                    Check(children[i + 1]);
                }
                break;
        }
    }

    /// <summary>
    /// A top-level mapping (without merge keys) as <see cref="Decode"/> returns it, holding only <paramref name="keys"/>;
    /// the other values are checked in place, in document order, so errors and limits are Decode's.
    /// </summary>
    public Dictionary<string, object?> DecodeKeys(YamlNode mapping, IReadOnlySet<string> keys)
    {
        _decodeCount++;
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        var children = mapping.Children;
        for (var i = 0; i + 1 < children.Count; i += 2)
        {
            _decodeCount++;
            var key = KeyString(children[i], children[i + 1]);
            if (keys.Contains(key))
            {
                map[key] = Decode(children[i + 1]);
            }
            else
            {
                Check(children[i + 1]);
            }
        }
        return map;
    }

    /// <summary>Counts a node as go-yaml does and enforces its limits: aliasing (see <see cref="AllowedAliasRatio"/>) and depth.</summary>
    private void Enter()
    {
        _decodeCount++;
        if (_aliasDepth > 0)
        {
            _aliasCount++;
        }
        if (_aliasCount > 100 && _decodeCount > 1000 && (double)_aliasCount / _decodeCount > AllowedAliasRatio(_decodeCount))
        {
            throw YamlException.Decode("document contains excessive aliasing");
        }
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw YamlException.Decode("exceeded max depth of 10000");
        }
    }

    /// <summary>Visits an alias's target, refusing an anchor that contains itself, counted as aliased.</summary>
    private object? ThroughAlias(YamlNode alias, Func<YamlNode, object?> visit)
    {
        if (!_activeAliases.Add(alias))
        {
            throw YamlException.Decode($"anchor '{alias.Value}' value contains itself");
        }
        _aliasDepth++;
        try
        {
            return visit(alias.Target!);
        }
        finally
        {
            _aliasDepth--;
            _activeAliases.Remove(alias);
        }
    }

    /// <summary>go-yaml's limit: a small document may come 99% from aliases, a large one only 10%.</summary>
    private static double AllowedAliasRatio(int decodeCount) => decodeCount switch
    {
        <= 400_000 => 0.99,
        >= 4_000_000 => 0.10,
        _ => 0.99 - (0.89 * ((decodeCount - 400_000) / 3_600_000.0)),
    };

    private void DecodeMapping(YamlNode node, Dictionary<string, object?> into)
    {
        var children = node.Children;
        for (var i = 0; i + 1 < children.Count; i += 2)
        {
            var keyNode = children[i];
            if (keyNode.Kind == YamlNodeKind.Scalar && keyNode.Value == "<<" && (keyNode.Implicit || keyNode.Tag == MergeTag))
            {
                Merge(children[i + 1], into);
                continue;
            }
            _decodeCount++;
            var key = KeyString(keyNode, children[i + 1]);
            into[key] = Decode(children[i + 1]);
        }
    }

    /// <summary>A merge key: a map, an alias of one, or a sequence of them (earlier ones win), written into the map.</summary>
    private void Merge(YamlNode value, Dictionary<string, object?> into)
    {
        switch (value.Kind)
        {
            case YamlNodeKind.Mapping:
                MergeOne(value, into);
                break;
            case YamlNodeKind.Alias when value.Target!.Kind == YamlNodeKind.Mapping:
                MergeOne(value, into);
                break;
            case YamlNodeKind.Sequence:
                for (var i = value.Children.Count - 1; i >= 0; i--)
                {
                    var item = value.Children[i];
                    var mapping = item.Kind == YamlNodeKind.Mapping || (item.Kind == YamlNodeKind.Alias && item.Target!.Kind == YamlNodeKind.Mapping);
                    if (!mapping)
                    {
                        throw YamlException.Decode("map merge requires map or sequence of maps as the value");
                    }
                    MergeOne(item, into);
                }
                break;
            default:
                throw YamlException.Decode("map merge requires map or sequence of maps as the value");
        }
    }

    private void MergeOne(YamlNode source, Dictionary<string, object?> into)
    {
        if (Decode(source) is Dictionary<string, object?> merged)
        {
            foreach (var (k, v) in merged)
            {
                into[k] = v;
            }
        }
    }

    /// <summary>A key as sigs.k8s.io/yaml makes it a JSON member name; collections and nulls cannot be keys.</summary>
    private string KeyString(YamlNode keyNode, YamlNode valueNode)
    {
        var target = keyNode;
        while (target.Kind == YamlNodeKind.Alias)
        {
            target = target.Target!;
        }
        if (target.Kind != YamlNodeKind.Scalar)
        {
            throw YamlException.Decode($"invalid map key: {GoSyntax(target, inContainer: false)}");
        }
        var (_, value) = Scalar(target);
        return KeyText(value) ?? throw YamlException.Json(
            $"unsupported map key of type: {(value is null ? "%!s(<nil>)" : "uint64")}, key: {GoSyntax(target, inContainer: false)}" +
                $", value: {GoSyntax(valueNode, inContainer: false)}");
    }

    private static string? KeyText(object? value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatKey(d),
        bool b => b ? "true" : "false",
        _ => null,
    };

    /// <summary>A scalar key (from its event) as <see cref="KeyString"/> makes it; null when it cannot be a key (the exact path then reports
    /// it).</summary>
    public string? ScalarKey(string tag, string value, bool isImplicit)
    {
        _decodeCount++;
        return KeyText(Scalar(tag, value, isImplicit).Value);
    }

    /// <summary>A scalar (from its event) exactly as <see cref="Decode"/> decodes a scalar node.</summary>
    public object? DecodeScalar(string tag, string value, bool isImplicit)
    {
        Enter();
        return ToJsonValue(Scalar(tag, value, isImplicit).Value);
    }

    /// <summary>Counts a collection built from events, as <see cref="Decode"/> counts its node.</summary>
    public void Count() => Enter();

    /// <summary>Checks a scalar (from its event) exactly as <see cref="Check"/> checks a scalar node.</summary>
    public void CheckScalar(string tag, string value, bool isImplicit)
    {
        Enter();
        ToJsonValue(Scalar(tag, value, isImplicit).Value);
    }

    /// <summary>A decoded value as Go's <c>%#v</c> prints it (for go-yaml's and sigs.k8s.io/yaml's messages).</summary>
    private string GoSyntax(YamlNode node, bool inContainer)
    {
        while (node.Kind == YamlNodeKind.Alias)
        {
            node = node.Target!;
        }
        switch (node.Kind)
        {
            case YamlNodeKind.Sequence:
                return "[]interface {}{" + string.Join(", ", node.Children.Select(c => GoSyntax(c, inContainer: true))) + "}";
            case YamlNodeKind.Mapping:
                var entries = new List<(string Key, string Text)>();
                for (var i = 0; i + 1 < node.Children.Count; i += 2)
                {
                    var k = GoSyntax(node.Children[i], inContainer: true);
                    entries.Add((k, k + ":" + GoSyntax(node.Children[i + 1], inContainer: true)));
                }
                entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                return "map[interface {}]interface {}{" + string.Join(", ", entries.Select(e => e.Text)) + "}";
            default:
                return Scalar(node).Value switch
                {
                    null => inContainer ? "interface {}(nil)" : "<nil>",
                    string str => GoQuote.Quote(str),
                    ulong u => "0x" + u.ToString("x", CultureInfo.InvariantCulture),
                    double d => GoFloat.Shortest(d),
                    bool b => b ? "true" : "false",
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
                };
        }
    }

    /// <summary>A float key printed as go-yaml prints floats (32-bit shortest form).</summary>
    private static string FloatKey(double d)
    {
        if (double.IsPositiveInfinity(d))
        {
            return ".inf";
        }
        if (double.IsNegativeInfinity(d))
        {
            return "-.inf";
        }
        if (double.IsNaN(d))
        {
            return ".nan";
        }
        return GoFloat.Format(d, 'g', -1, 32);
    }

    /// <summary>A scalar's tag and Go value per go-yaml v2's resolver (a quoted or block scalar is a string).</summary>
    private (string Tag, object? Value) Scalar(YamlNode n) => Scalar(n.Tag, n.Value, n.Implicit);

    private (string Tag, object? Value) Scalar(string nodeTag, string text, bool isImplicit)
    {
        if (nodeTag.Length == 0 && !isImplicit)
        {
            return (StrTag, text);
        }
        var tag = nodeTag == "!" ? "" : nodeTag;
        var (resolvedTag, value) = Resolve(tag, text, Yaml12);
        if (resolvedTag == BinaryTag)
        {
            try
            {
                return (BinaryTag, GoString.FromBytes(Convert.FromBase64String(text)));
            }
            catch (FormatException)
            {
                throw YamlException.Decode("!!binary value contains invalid base64 data");
            }
        }
        return (resolvedTag, value);
    }

    private static bool Resolvable(string tag) => tag is "" or StrTag or BoolTag or IntTag or FloatTag or TimestampTag or NullTag or BinaryTag;

    private static (string Tag, object? Value) Resolve(string tag, string input, bool yaml12)
    {
        if (!Resolvable(tag))
        {
            return (tag, input);
        }
        var (rtag, value) = ResolvePlain(tag, input, yaml12);
        if (tag.Length == 0 || tag == rtag || tag is StrTag or BinaryTag)
        {
            return (tag is StrTag or BinaryTag ? tag : rtag, tag == StrTag ? input : value);
        }
        if (tag == FloatTag && rtag == IntTag && value is long l)
        {
            return (FloatTag, (double)l);
        }
        throw YamlException.Decode($"cannot decode {ShortTag(rtag)} `{input}` as a {ShortTag(tag)}");
    }

    private static string ShortTag(string tag) => tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) ? "!!" + tag[18..] : tag;

    private static (string Tag, object? Value) ResolvePlain(string tag, string input, bool yaml12)
    {
        if (yaml12 && input is "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON"
            or "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF")
        {
            return (StrTag, input);
        }
        var hint = input.Length == 0 ? 'N' : input[0] switch
        {
            '+' or '-' => 'S',
            >= '0' and <= '9' => 'D',
            'y' or 'Y' or 'n' or 'N' or 't' or 'T' or 'f' or 'F' or 'o' or 'O' or '~' => 'M',
            '.' => '.',
            _ => '\0',
        };
        if (hint == '\0' || tag is StrTag or BinaryTag)
        {
            return (StrTag, input);
        }
        switch (input)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return (NullTag, null);
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE":
                return (BoolTag, true);
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                return (BoolTag, false);
            case ".nan" or ".NaN" or ".NAN":
                return (FloatTag, double.NaN);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return (FloatTag, double.PositiveInfinity);
            case "-.inf" or "-.Inf" or "-.INF":
                return (FloatTag, double.NegativeInfinity);
            case "<<":
                return (MergeTag, "<<");
        }
        if (hint == '.')
        {
            return TryParseFloat(input, out var f) ? (FloatTag, f) : (StrTag, input);
        }
        if (hint is 'D' or 'S')
        {
            var plain = input.Replace("_", "", StringComparison.Ordinal);
            if (GoNumberParser.TryParseInt(plain, out var l))
            {
                return (IntTag, l);
            }
            if (GoNumberParser.TryParseUint(plain, out var u))
            {
                return (IntTag, u);
            }
            if (YamlStyleFloat().IsMatch(plain) && TryParseFloat(plain, out var d))
            {
                return (FloatTag, d);
            }
            if (plain.StartsWith("0b", StringComparison.Ordinal) && TryParseBinary(plain[2..], out var b))
            {
                return b <= long.MaxValue ? (IntTag, (long)b) : (IntTag, b);
            }
            if (plain.StartsWith("-0b", StringComparison.Ordinal) && TryParseBinary(plain[3..], out var nb) && nb <= (ulong)long.MaxValue + 1)
            {
                return (IntTag, nb == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)nb);
            }
        }
        return (StrTag, input);
    }

    /// <summary>strconv.ParseFloat: a number too large for float64 is an error (so the scalar stays a string).</summary>
    private static bool TryParseFloat(string s, out double value) =>
        GoNumberParser.TryParseFloat(s, out value) && !double.IsInfinity(value) && !double.IsNaN(value);

    private static bool TryParseBinary(string digits, out ulong value)
    {
        value = 0;
        if (digits.Length is 0 or > 64)
        {
            return false;
        }
        foreach (var c in digits)
        {
            if (c is not ('0' or '1'))
            {
                return false;
            }
            value = (value << 1) + (c == '1' ? 1UL : 0UL);
        }
        return true;
    }

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlStyleFloat();

    /// <summary>A Go value as it comes back from JSON (<c>encoding/json</c> into <c>interface{}</c>: numbers are float64).</summary>
    private object? ToJsonValue(object? v)
    {
        switch (v)
        {
            case long l:
                return numbers == NumberMode.Float64 ? (double)l : l;
            case ulong u:
                return numbers == NumberMode.Float64 || u > long.MaxValue ? (double)u : (long)u;
            case double d when double.IsNaN(d) || double.IsInfinity(d):
                throw YamlException.Json($"json: unsupported value: {GoFloat.Shortest(d)}");
            default:
                return v;
        }
    }
}
