namespace Ferry.Templates.Formatting;

/// <summary>A Go struct for <see cref="GoJson"/>: fields in declaration order (maps are written with sorted keys).</summary>
public sealed class GoStruct : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(KeyValuePair.Create(key, value));

    /// <summary>Adds the field unless it is empty, as Go's <c>omitempty</c> does.</summary>
    public void AddOmitEmpty(string key, object? value)
    {
        var empty = value switch
        {
            null => true,
            string s => s.Length == 0,
            bool b => !b,
            int i => i == 0,
            long l => l == 0,
            nint n => n == 0,
            System.Collections.ICollection c => c.Count == 0,
            _ => false,
        };
        if (!empty)
        {
            Add(key, value);
        }
    }
}

/// <summary>JSON text that <see cref="GoJson"/> writes as is.</summary>
public sealed record GoRawJson(string Json);
