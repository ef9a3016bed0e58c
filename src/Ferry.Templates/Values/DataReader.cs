using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Templates.Values;

/// <summary>How decoded numbers are represented.</summary>
public enum NumberMode
{
    /// <summary>Every number is a float64 (Go's encoding/json into interface{}, and Helm's values).</summary>
    Float64,

    /// <summary>Integral numbers are Go ints (int64); others float64.</summary>
    IntWhenIntegral,
}

/// <summary>Decodes JSON and YAML documents into the template value model (maps, lists, scalars).</summary>
public static class DataReader
{
    public static object? FromJson(string json, NumberMode numbers = NumberMode.Float64)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        return FromJson(doc.RootElement, numbers);
    }

    public static object? FromJson(JsonElement e, NumberMode numbers = NumberMode.Float64)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    map[p.Name] = FromJson(p.Value, numbers);
                }
                return map;
            case JsonValueKind.Array:
                var list = new List<object?>();
                foreach (var item in e.EnumerateArray())
                {
                    list.Add(FromJson(item, numbers));
                }
                return list;
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                if (numbers == NumberMode.IntWhenIntegral && e.TryGetInt64(out var l))
                {
                    return l;
                }
                return e.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>
    /// Decodes a YAML document the way Helm reads values (YAML 1.1 scalars via JSON): numbers become float64
    /// unless <paramref name="numbers"/> says otherwise. Errors carry the line and column.
    /// </summary>
    public static object? FromYaml(string yaml, NumberMode numbers = NumberMode.Float64, string? fileName = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"{fileName ?? "yaml"}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (stream.Documents.Count == 0)
        {
            return null;
        }
        return Convert(stream.Documents[0].RootNode, numbers, fileName);
    }

    private static object? Convert(YamlNode node, NumberMode numbers, string? fileName)
    {
        switch (node)
        {
            case YamlMappingNode m:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in m.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : throw new FormatException($"{fileName ?? "yaml"}:{k.Start.Line}:{k.Start.Column}: mapping keys must be scalars");
                    if (key == "<<" && v is YamlMappingNode merge)
                    {
                        foreach (var (mk, mv) in (Dictionary<string, object?>)Convert(merge, numbers, fileName)!)
                        {
                            map.TryAdd(mk, mv);
                        }
                        continue;
                    }
                    map[key] = Convert(v, numbers, fileName);
                }
                return map;
            case YamlSequenceNode s:
                return s.Children.Select(c => Convert(c, numbers, fileName)).ToList();
            case YamlScalarNode sc:
                return ResolveScalar(sc, numbers);
            default:
                return null;
        }
    }

    private static object? ResolveScalar(YamlScalarNode sc, NumberMode numbers)
    {
        var v = sc.Value ?? "";
        if (sc.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return v;
        }
        if (!sc.Tag.IsEmpty && !sc.Tag.IsNonSpecific && sc.Tag.Value is "tag:yaml.org,2002:str")
        {
            return v;
        }
        return ResolvePlain(v, numbers);
    }

    /// <summary>YAML 1.1 plain-scalar resolution as go-yaml v2 does it (bools include yes/no/on/off).</summary>
    public static object? ResolvePlain(string v, NumberMode numbers)
    {
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return true;
            case "false" or "False" or "FALSE" or "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return false;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF":
                return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN":
                return double.NaN;
        }
        var c = v[0];
        if (!(c is (>= '0' and <= '9') or '-' or '+' or '.'))
        {
            return v;
        }
        var plain = v.Replace("_", "", StringComparison.Ordinal);
        if (TryParseYamlInt(plain, out var l))
        {
            return numbers == NumberMode.IntWhenIntegral && Math.Abs(l) < 9.007199254740992e15 ? (long)l : l;
        }
        if (double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && IsYamlFloat(plain))
        {
            return d;
        }
        return v;
    }

    private static bool IsYamlFloat(string s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-')
        {
            i++;
        }
        var digits = false;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits = true;
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                digits = true;
            }
        }
        if (!digits)
        {
            return false;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }
            var exp = false;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                exp = true;
            }
            if (!exp)
            {
                return false;
            }
        }
        return i == s.Length;
    }

    private static bool TryParseYamlInt(string s, out double value)
    {
        value = 0;
        var neg = false;
        var body = s;
        if (body.Length > 0 && body[0] is '+' or '-')
        {
            neg = body[0] == '-';
            body = body[1..];
        }
        if (body.Length == 0)
        {
            return false;
        }
        System.Numerics.BigInteger mag;
        if (body.StartsWith("0x", StringComparison.Ordinal))
        {
            if (!System.Numerics.BigInteger.TryParse("0" + body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mag) || body.Length == 2)
            {
                return false;
            }
        }
        else if (body.StartsWith("0b", StringComparison.Ordinal))
        {
            mag = 0;
            if (body.Length == 2)
            {
                return false;
            }
            foreach (var ch in body[2..])
            {
                if (ch is not ('0' or '1'))
                {
                    return false;
                }
                mag = (mag * 2) + (ch - '0');
            }
        }
        else if (body.Length > 1 && body[0] == '0' && body.All(ch => ch is >= '0' and <= '7'))
        {
            mag = 0;
            foreach (var ch in body[1..])
            {
                mag = (mag * 8) + (ch - '0');
            }
        }
        else
        {
            if (!body.All(char.IsAsciiDigit))
            {
                return false;
            }
            mag = System.Numerics.BigInteger.Parse(body, CultureInfo.InvariantCulture);
        }
        value = (double)(neg ? -mag : mag);
        return true;
    }
}
