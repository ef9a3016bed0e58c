using System.Reflection;
using System.Text.Json;

namespace Ferry.Templates.Conformance;

/// <summary>
/// Vectors Ferry deliberately does not run, each with its reason. Kept in the repository as
/// <c>src/Ferry.Templates/Conformance/skips.json</c> (embedded) and matched by vector name and corpus file name.
/// </summary>
public sealed class SkipList
{
    private readonly Dictionary<(string Corpus, string Name), string> _reasons = [];

    public static SkipList Embedded()
    {
        var list = new SkipList();
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Ferry.Templates.Conformance.skips.json");
        if (stream is null)
        {
            return list;
        }
        using var doc = JsonDocument.Parse(stream);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            list._reasons[(e.GetProperty("corpus").GetString()!, e.GetProperty("name").GetString()!)] = e.GetProperty("reason").GetString()!;
        }
        return list;
    }

    public IEnumerable<(string Corpus, string Name, string Reason)> Entries => _reasons.Select(kv => (kv.Key.Corpus, kv.Key.Name, kv.Value));

    /// <summary>The reason a vector is skipped, or null. <paramref name="corpus"/> is the vector file's name without extension.</summary>
    public string? ReasonFor(string corpus, string name) => _reasons.GetValueOrDefault((corpus, name));
}
