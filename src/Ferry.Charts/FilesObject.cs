using System.Text;
using System.Text.RegularExpressions;
using Ferry.Templates.Formatting;
using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>
/// <c>.Files</c>: a chart's non-template files. Like Helm's <c>Files</c> (a <c>map[string][]byte</c> with methods) it is
/// a map — <c>range</c>, <c>index</c>, <c>len</c> and <c>.Files.name</c> see file names and bytes — with Get, GetBytes,
/// Glob (another Files), Lines, AsConfig and AsSecrets.
/// </summary>
internal sealed class FilesObject(ChartFileMap files) : ITemplateObject, IDictionary<string, object?>
{
    public string GoTypeName => "engine.files";

    public static FilesObject From(IEnumerable<ChartFile> files) => new(ChartFileMap.From(files));

    public int Count => files.Count;

    public bool IsReadOnly => true;

    public ICollection<string> Keys => files.Keys.ToList();

    public ICollection<object?> Values => files.Values.Cast<object?>().ToList();

    public object? this[string key]
    {
        get => files[key];
        set => throw new NotSupportedException("a chart's files cannot be changed");
    }

    public bool ContainsKey(string key) => files.ContainsKey(key);

    public bool TryGetValue(string key, out object? value)
    {
        var found = files.TryGetValue(key, out var data);
        value = data;
        return found;
    }

    public bool Contains(KeyValuePair<string, object?> item) => files.ContainsKey(item.Key);

    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex)
    {
        foreach (var kv in this)
        {
            array[arrayIndex++] = kv;
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        files.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(string key, object? value) => throw new NotSupportedException("a chart's files cannot be changed");

    public void Add(KeyValuePair<string, object?> item) => throw new NotSupportedException("a chart's files cannot be changed");

    public bool Remove(string key) => throw new NotSupportedException("a chart's files cannot be changed");

    public bool Remove(KeyValuePair<string, object?> item) => throw new NotSupportedException("a chart's files cannot be changed");

    public void Clear() => throw new NotSupportedException("a chart's files cannot be changed");

    /// <summary>Go's Files is a map of name to bytes, so <c>.Files.name</c> reads a file's bytes.</summary>
    public bool TryGetField(string name, out object? value)
    {
        value = files.TryGetValue(name, out var d) ? d : null;
        return true;
    }

    public bool TryGetMethod(string name, out TemplateFunction? method)
    {
        method = name switch
        {
            "Get" => TemplateFunction.Fixed(name, 1, a => files.TryGetValue(Builtins(a[0]), out var d) ? GoString.FromBytes(d) : ""),
            "GetBytes" => TemplateFunction.Fixed(name, 1, a => files.TryGetValue(Builtins(a[0]), out var d) ? d : Array.Empty<byte>()),
            "Glob" => TemplateFunction.Fixed(name, 1, a => Glob(Builtins(a[0]))),
            "Lines" => TemplateFunction.Fixed(name, 1, a => Lines(Builtins(a[0]))),
            "AsConfig" => TemplateFunction.Fixed(name, 0, _ => AsMap(encode: false)),
            "AsSecrets" => TemplateFunction.Fixed(name, 0, _ => AsMap(encode: true)),
            _ => null,
        };
        return method is not null;
    }

    private static string Builtins(object? v) => Ferry.Templates.Functions.Builtins.ExpectString(v);

    private FilesObject Glob(string pattern)
    {
        var re = new Regex("^" + GlobRegex(pattern) + "$", RegexOptions.CultureInvariant);
        return new FilesObject(files.Where(re.IsMatch));
    }

    /// <summary>gobwas/glob with '/' as separator: <c>**</c> crosses directories, <c>*</c> and <c>?</c> do not.</summary>
    private static string GlobRegex(string glob)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
            }
            else if (c == '*')
            {
                sb.Append("[^/]*");
            }
            else if (c == '?')
            {
                sb.Append("[^/]");
            }
            else if (c == '{')
            {
                var close = glob.IndexOf('}', i);
                if (close > i)
                {
                    sb.Append('(').Append(string.Join('|', glob[(i + 1)..close].Split(',').Select(Regex.Escape))).Append(')');
                    i = close;
                }
                else
                {
                    sb.Append("\\{");
                }
            }
            else if (c == '[')
            {
                var close = glob.IndexOf(']', i);
                if (close > i)
                {
                    var cls = glob[(i + 1)..close];
                    sb.Append('[').Append(cls.StartsWith('!') ? "^" + cls[1..] : cls).Append(']');
                    i = close;
                }
                else
                {
                    sb.Append("\\[");
                }
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }
        return sb.ToString();
    }

    private List<object?> Lines(string path)
    {
        if (!files.TryGetValue(path, out var d) || d.Length == 0)
        {
            return [];
        }
        var s = Encoding.UTF8.GetString(d);
        if (s.EndsWith('\n'))
        {
            s = s[..^1];
        }
        return s.Split('\n').Cast<object?>().ToList();
    }

    private string AsMap(bool encode)
    {
        if (files.Count == 0)
        {
            return "";
        }
        var m = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in files)
        {
            m[k[(k.LastIndexOf('/') + 1)..]] = encode ? Convert.ToBase64String(v) : Encoding.UTF8.GetString(v);
        }
        return GoYaml.Marshal(m).TrimEnd('\n');
    }
}
