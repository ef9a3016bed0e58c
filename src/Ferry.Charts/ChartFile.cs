namespace Ferry.Charts;

/// <summary>
/// A file inside a chart: its path relative to the chart root (forward slashes) and its bytes. A file of a chart
/// directory is read when first used: a render touches the templates and values, while CRDs, READMEs and data files
/// (megabytes in charts such as kube-prometheus-stack) are only read when a template or an install needs them.
/// </summary>
public sealed class ChartFile
{
    private readonly Func<byte[]>? _read;
    private byte[]? _data;

    public ChartFile(string name, byte[] data)
    {
        Name = name;
        _data = data;
    }

    /// <summary>A file whose bytes <paramref name="read"/> returns on first use.</summary>
    public ChartFile(string name, Func<byte[]> read)
    {
        Name = name;
        _read = read;
    }

    public string Name { get; }

    public byte[] Data => _data ??= _read!();

    public string Text => System.Text.Encoding.UTF8.GetString(Data);

    /// <summary>The same file under another name (a subchart's file relative to the subchart), read once for both.</summary>
    public ChartFile WithName(string name) => _data is not null ? new ChartFile(name, _data) : new ChartFile(name, () => Data);

    public override string ToString() => Name;
}

/// <summary>A chart's files by name (the last of a name wins, as in Helm), read only when a value is asked for.</summary>
internal sealed class ChartFileMap(Dictionary<string, ChartFile> files) : IReadOnlyDictionary<string, byte[]>
{
    public static ChartFileMap From(IEnumerable<ChartFile> files)
    {
        var map = new Dictionary<string, ChartFile>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            map[f.Name] = f;
        }
        return new ChartFileMap(map);
    }

    public byte[] this[string key] => files[key].Data;

    public IEnumerable<string> Keys => files.Keys;

    public IEnumerable<byte[]> Values => files.Values.Select(f => f.Data);

    public int Count => files.Count;

    public bool ContainsKey(string key) => files.ContainsKey(key);

    public bool TryGetValue(string key, out byte[] value)
    {
        if (files.TryGetValue(key, out var f))
        {
            value = f.Data;
            return true;
        }
        value = [];
        return false;
    }

    /// <summary>The files whose names match, still unread.</summary>
    public ChartFileMap Where(Func<string, bool> match) =>
        new(files.Where(kv => match(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

    public IEnumerator<KeyValuePair<string, byte[]>> GetEnumerator() =>
        files.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.Data)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
