using Ferry.Templates.Formatting;
using Ferry.Templates.Values;
using Ferry.Templates.Yaml;

namespace Ferry.Templates.Tests;

/// <summary>
/// <see cref="YamlReader.ReadKeys"/> (a rendered manifest's head, the rest checked but not built) against
/// <see cref="YamlReader.Read"/>: the same values for the keys read, and the same error — or none — for every document.
/// </summary>
public sealed class YamlReadKeysTests
{
    private static readonly HashSet<string> Head = new(StringComparer.Ordinal) { "apiVersion", "kind", "metadata" };

    public static TheoryData<string> Documents() =>
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {x: y}\ndata:\n  k: v\n",
        "kind: A\nkind: B\nmetadata: {name: first}\nmetadata: {name: second}\n",            // duplicates: the last wins
        "apiVersion: v1\nkind: X\nspec:\n  ratio: .nan\n",                                   // NaN has no JSON form
        "apiVersion: v1\nkind: X\nspec:\n  ? [a, b]\n  : 1\n",                                 // a sequence as a key
        "apiVersion: v1\nkind: X\nspec:\n  n: !!int abc\n",                                   // a tag that does not fit
        "apiVersion: v1\nkind: X\nspec:\n  b: !!binary '%%%'\n",                              // bad base64
        "apiVersion: v1\nkind: X\nbase: &b {a: 1}\nspec:\n  <<: *b\n  c: 2\n",                // a merge below the top
        "base: &b {kind: Merged, apiVersion: v9}\n<<: *b\nmetadata: {name: m}\n",           // a merge at the top: read whole
        "apiVersion: v1\nkind: X\nspec:\n  <<: [1, 2]\n",                                       // a bad merge
        "apiVersion: v1\nkind: X\nspec: &a [*a]\n",                                            // an alias of itself
        "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nkind: Bomb\n",
        "- a\n- b\n",                                                                          // not a mapping
        "apiVersion: 1.0\nkind: true\nmetadata: null\n",
        "kind: X\nspec:\n  1.5: a\n  true: b\n  0x1F: c\n",
        "kind: X\nspec: [" + string.Concat(Enumerable.Repeat("[", 3000)) + string.Concat(Enumerable.Repeat("]", 3000)) + "]\n",
        "",
        "# only a comment\n",
        "kind: X\nspec:\n  items:\n  - a: 1\n    b: [1, {c: d}, [e]]\n  - - f\n    - g\n  -\n  x:\nmetadata: {name: late}\n",
        "kind: X\nspec: {a: [1, 2], b: {c: [d, {e: f}]}, g: h}\napiVersion: v1\n",
        "kind: X\nspec:\n  !!str 1: !!float 2\n  ~: null-key\n",                         // a null key is an error
        "kind: X\nspec:\n  18446744073709551615: big\n",                                    // a uint64 key is an error
        "kind: X\nmetadata: &m {name: a}\nspec: *m\n",                                     // an anchor in the head
        "kind: X\nspec: &s {a: 1}\nmetadata: *s\n",                                        // an alias in the head
        "!!map {kind: X, metadata: {name: tagged}}\n",
        "kind: X\nmetadata: {name: a}\n---\nkind: Second\n",                                 // the first document only
        "kind: X\nmetadata: {name: a}\n] trailing\n",                                      // an error after the head
        "kind: X\nspec: |\n  text\n  more\nstatus: >-\n  folded\n  line\nmetadata: {name: after-blocks}\n",
        "kind: X\nspec: [" + string.Concat(Enumerable.Repeat("{a: [", 600)) + string.Concat(Enumerable.Repeat("]}", 600)) + "]\nmetadata: {name: deep}\n",
    ];

    /// <summary>Plain documents (no anchors, merges or errors) the quick path must answer itself, as the exact path would.</summary>
    public static TheoryData<string> PlainDocuments() =>
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {x: y}\ndata:\n  k: v\n",
        "kind: X\nspec:\n  items:\n  - a: 1\n    b: [1, {c: d}, [e]]\n  - - f\n    - g\n  -\n  x:\nmetadata: {name: late}\n",
        "kind: X\nspec: {a: [1, 2], b: {c: [d, {e: f}]}, g: h}\napiVersion: v1\n",
        "kind: X\nspec:\n  1.5: a\n  true: b\n  0x1F: c\n  ? complex\n  : value\nmetadata: {labels: {a: b}}\n",
        "kind: X\nspec: |\n  text\nstatus: >-\n  folded\nmetadata: {name: after-blocks}\n",
        "kind: X\nspec: [" + string.Concat(Enumerable.Repeat("{a: [", 400)) + string.Concat(Enumerable.Repeat("]}", 400)) + "]\nmetadata: {name: deep}\n",
        "",
    ];

    [Theory]
    [MemberData(nameof(PlainDocuments))]
    public void QuickPath_AnswersPlainDocuments_AsTheExactPath(string document)
    {
        var answered = new YamlComposer(document).TryReadKeys(Head, new YamlDecoder(NumberMode.Float64), out var quick);
        Assert.True(answered, "the quick path gave up on a plain document");
        var whole = YamlReader.Read(document);
        var expected = whole is Dictionary<string, object?> map ? map.Where(kv => Head.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value) : whole;
        Assert.Equal(GoJson.Marshal(expected), GoJson.Marshal(quick));
    }

    /// <summary>The whole-document quick path, for every document above: it answers plain ones, and any answer is the exact path's.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void QuickRead_IsTheExactRead_WheneverItAnswers(string document)
    {
        string? exact;
        try
        {
            var composer = new YamlComposer(document);
            exact = composer.NextDocument() is { } root ? GoJson.Marshal(new YamlDecoder(NumberMode.Float64).Decode(root)) : GoJson.Marshal(null);
        }
        catch (YamlException)
        {
            exact = null;
        }
        var answered = new YamlComposer(document).TryRead(new YamlDecoder(NumberMode.Float64), out var quick);
        if (exact is null)
        {
            Assert.False(answered, "the quick path answered a document the exact path refuses");
            return;
        }
        var plain = !document.Contains('&') && !document.Contains('*') && !document.Contains("<<", StringComparison.Ordinal) && !document.Contains("[[[[", StringComparison.Ordinal)
            && !document.Contains("!!map", StringComparison.Ordinal) && document.Length < 4000; // the 1,200-deep one is past MaxSkipDepth
        Assert.True(answered || !plain, "the quick path gave up on a plain document");
        if (answered)
        {
            Assert.Equal(exact, GoJson.Marshal(quick));
        }
    }

    [Theory]
    [InlineData("kind: X\nmetadata: &m {name: a}\n")]
    [InlineData("kind: X\nspec:\n  a: &x 1\n  b: *x\n")]
    [InlineData("kind: X\nspec:\n  <<: {a: 1}\n")]
    [InlineData("kind: X\nspec:\n  ? [a]\n  : 1\n")]
    [InlineData("kind: X\nspec: {a: .nan}\n")]
    [InlineData("kind: X\nspec: [a\n")]
    public void QuickPath_LeavesTheRestToTheExactPath(string document) =>
        Assert.False(new YamlComposer(document).TryReadKeys(Head, new YamlDecoder(NumberMode.Float64), out _));

    [Theory]
    [MemberData(nameof(Documents))]
    public void ReadKeys_IsRead_RestrictedToTheKeys(string document)
    {
        (string? Value, string? Error) Outcome(Func<object?> read)
        {
            try
            {
                return (GoJson.Marshal(read()), null);
            }
            catch (YamlException e)
            {
                return (null, e.Message);
            }
        }
        var full = Outcome(() => YamlReader.Read(document));
        var head = Outcome(() => YamlReader.ReadKeys(document, Head));
        Assert.Equal(full.Error, head.Error);
        if (full.Error is null)
        {
            var whole = YamlReader.Read(document);
            var expected = whole is Dictionary<string, object?> map && !document.Contains("<<: *b\nmetadata", StringComparison.Ordinal)
                ? map.Where(kv => Head.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value)
                : whole;
            Assert.Equal(GoJson.Marshal(expected), head.Value);
        }
    }
}
