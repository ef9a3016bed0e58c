using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Ferry.Templates.Values;

/// <summary>
/// A string-keyed map seen under a Go type other than <c>map[string]interface {}</c> (Helm's <c>common.Values</c>,
/// a <c>map[string]string</c>). It is a view: reads and writes go to the wrapped map (as a Go type conversion
/// shares the map), and only <c>%T</c>/<c>typeOf</c> differ.
/// </summary>
public sealed class GoTypedDictionary(string goTypeName, IDictionary<string, object?> inner, bool isNil = false) : IDictionary<string, object?>
{
    /// <summary>A nil Go map (reads as empty, but JSON says <c>null</c>).</summary>
    public bool IsNil { get; } = isNil && inner.Count == 0;

    public string GoTypeName { get; } = goTypeName;

    /// <summary>Whether the Go map's element type is <c>interface {}</c> (as for common.Values), so ranged elements are interface values.</summary>
    public bool HoldsInterfaces => GoTypeName == "common.Values" || GoTypeName.EndsWith("]interface {}", StringComparison.Ordinal);

    /// <summary>The map this view shows.</summary>
    public IDictionary<string, object?> Inner { get; } = inner is GoTypedDictionary view ? view.Inner : inner;

    public object? this[string key]
    {
        get => Inner[key];
        set => Inner[key] = value;
    }

    public ICollection<string> Keys => Inner.Keys;

    public ICollection<object?> Values => Inner.Values;

    public int Count => Inner.Count;

    public bool IsReadOnly => Inner.IsReadOnly;

    public void Add(string key, object? value) => Inner.Add(key, value);

    public void Add(KeyValuePair<string, object?> item) => Inner.Add(item);

    public void Clear() => Inner.Clear();

    public bool Contains(KeyValuePair<string, object?> item) => Inner.Contains(item);

    public bool ContainsKey(string key) => Inner.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) => Inner.CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Inner.GetEnumerator();

    public bool Remove(string key) => Inner.Remove(key);

    public bool Remove(KeyValuePair<string, object?> item) => Inner.Remove(item);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => Inner.TryGetValue(key, out value);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
