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

    /// <summary>
    /// Runs every vector of <paramref name="vectors"/> (named by its <c>name</c>, after <paramref name="prefix"/>),
    /// except those this list skips, which give a skipped result with the reason.
    /// </summary>
    public IEnumerable<CaseResult> RunEach(string corpus, JsonElement vectors, Func<string, JsonElement, CaseResult> run, string prefix = "")
    {
        foreach (var v in vectors.EnumerateArray())
        {
            var name = prefix + (v.GetProperty("name").GetString() ?? "");
            var reason = ReasonFor(corpus, name);
            yield return reason is not null ? new CaseResult(name, CaseOutcome.Skipped, Note: reason) : run(name, v);
        }
    }

    /// <summary>The vectors a corpus says upstream itself skips (its <c>skipped</c> array: name or test, and reason).</summary>
    public static IEnumerable<CaseResult> Upstream(JsonElement root)
    {
        if (!root.TryGetProperty("skipped", out var skipped))
        {
            yield break;
        }
        foreach (var s in skipped.EnumerateArray())
        {
            var name = s.TryGetProperty("test", out var t) ? t.GetString() ?? "" : s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            yield return new CaseResult(name, CaseOutcome.Skipped, Note: "upstream: " + (s.TryGetProperty("reason", out var r) ? r.GetString() : ""));
        }
    }
}
