namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// YAML read exactly as helm reads it, judged by real helm: each document below goes through <c>fromYaml</c> and
/// <c>fromYamlArray</c> (Helm's sigs.k8s.io/yaml path: go-yaml v2, then JSON) in one chart rendered by both helm and
/// Ferry; the outputs, errors included, must be byte-identical. The documents cover block scalars (the indentation
/// rules with whitespace-only first lines), folding and chomping, escapes, YAML 1.1 booleans and numbers, keys that
/// JSON turns into text, duplicate and merge keys, anchors and aliases, tags, documents, and syntax errors.
/// </summary>
public sealed class YamlJudgedTests
{
    private static readonly string[] Documents =
    [
        "a: 1\nb: 2\n",
        "a: |\n    \n  {}\n",
        "a: |\n  \n  {}\n",
        "a: |\n    \n    x\n",
        "a: |\n      \n    x\n",
        "a: >\n  folded\n  text\n\n  more\n",
        "a: |-\n  x\n\n",
        "a: |+\n  x\n\n",
        "a: >2\n   indented\n  x\n",
        "a: 'it''s'\nb: \"tab\\there \\u00e9 \\x41 \\N\"\n",
        "a: \"line1\n  line2\n\n  line3\"\n",
        "a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: True\nh: FALSE\n",
        "a: 0x1F\nb: 017\nc: 0o17\nd: 1_000\ne: 1e3\nf: .5\ng: -.5\nh: +1\ni: 0b101\nj: 09\nk: 1.\nl: 6.02e+23\n",
        "a: .inf\n",
        "a: .nan\n",
        "a: 9223372036854775807\nb: 9223372036854775808\nc: 18446744073709551616\nd: -9223372036854775809\n",
        "a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10\n",
        "y: 1\nn: 2\n1: a\n1.5: b\ntrue: c\n0x10: d\n3.14159265: e\n",
        "~: a\n",
        "a: 1\na: 2\n",
        "base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3\n",
        "base: &b\n  x: 1\n  y: 2\nderived:\n  y: 3\n  <<: *b\n",
        "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n",
        "a: &a [1, 2]\nb: *a\n",
        "a: &a [*a]\n",
        "a: *nope\n",
        "a: !!str 123\nb: !!int \"45\"\nc: !!float 1\nd: !custom x\ne: !!binary aGVsbG8=\n",
        "a: !!int abc\n",
        "a: [1, 2, {b: c}]\nb: {x: [y, z], 'q': \"r\"}\n",
        "a: [1, 2\n",
        "a: {b: c\n",
        "a: 'unclosed\n",
        "a:\n  b: c\n d: e\n",
        "a: b: c\n",
        "- a\n- b\nc: d\n",
        "a:\n\t b: c\n",
        "a: b\n  c: d\n",
        "key with spaces: v\n? complex\n: value\n",
        "a: 1 # comment\n# full\nb: \"#notcomment\"\n",
        "a: abc:def#x😀ghi, [x] {y}?z\nb: url://h:1/p?q=1#f\nc: x😀: y\n",
        "a: [ab:c, d😀e, f#g, h?i, j:k: l]\nb: {k:v, 'x': y:z}\n",
        "a: first line\n  continues here\n\n  and after a blank\nb: c😀 d\n   e\n",
        "a: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa😀😀bbbbbbbbbbbbbbbbbbbbb\n  c: d\n",
        "a: plain\tvalue\t\nb:\tx\n",
        "---\na: 1\n---\nb: 2\n",
        "",
        "# just a comment\n",
        "null\n",
        "[1, 2]\n",
        "just a string\n",
        "a: -\n",
        "a: - b\n",
        "a:\n- b\n- c\n",
        "a:\n  - b\n  -\n  - c: d\n    e: f\n",
        "a: \"\\z\"\n",
        "a: \"\\uD800\"\n",
        "a: !<tag:yaml.org,2002:str> 5\n",
        "%YAML 1.1\n---\na: 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "%TAG !e! tag:example.com,2000:\n---\na: !e!foo bar\n",
        "a: b\n...\n",
        "a: @x\n",
        "a: `x\n",
        "a: x:y\nb: x: y\n",
        "{a: 1, b}\n",
        "[a: 1, b]\n",
        "a: 1\n\n\n\nb: [\n",
        "a:\n  b:\n    c:\n      d: [1,\n",
        "a: |\n  x\n b: y\n",
        "a: >-\n\n  x\n\n  y\n\n",
        "a: \"\\x41\\x80\"\n",
        "\"a\": 1\n'b': 2\n",
        "a: 'multi\n  line\n\n  single'\n",
        "a: plain\n  continued\n  more\n",
        "a: 1\n  b: 2\n",
        "? - a\n  - b\n: c\n",
        "? {a: b}\n: c\n",
        "<<: {a: 1}\nb: 2\n",
        "a: {<<: {x: 1}, y: 2}\n",
        "a: [<<, x]\n",
        "\"<<\": {a: 1}\n",
        "a: !!null x\n",
        "a: !!bool yes\nb: !!bool 1\n",
        "a: 0.1\nb: 1e-7\nc: 123456789012\nd: 1.0\ne: -0\nf: 0.0\n",
        "a: 1e400\n",
        "a: +.inf\nb: -.Inf\n",
        "1e3: a\n.inf: b\n",
        "a:\n  # comment\n  b: c\n",
        "a: |\n  x\n  # not a comment\n",
        "a: \"  spaced  \"\nb: '  sp  '\nc:   trailing   \n",
        "a: \"\\\n  continued\"\n",
        "- - a\n  - b\n- - c\n",
        "a: [1, [2, [3, []]], {}]\n",
        "a: !!seq [1]\nb: !!map {x: 1}\n",
        "a: *\n",
        "&anchor a: b\n",
        "a: &x 1\nb: &x 2\nc: *x\n",
    ];

    [SkippableFact]
    public void FromYaml_ReadsEveryDocumentAsHelm()
    {
        HelmJudge.Require();
        var dir = Directory.CreateTempSubdirectory("ferry-yaml-judged-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "c", "templates"));
            Directory.CreateDirectory(Path.Combine(dir, "c", "files"));
            File.WriteAllText(Path.Combine(dir, "c", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
            var template = new System.Text.StringBuilder();
            for (var i = 0; i < Documents.Length; i++)
            {
                var name = $"files/{i:D3}.yaml";
                File.WriteAllText(Path.Combine(dir, "c", name), Documents[i]);
                template.Append($"c{i:D3}: {{{{ .Files.Get \"{name}\" | fromYaml | toJson | quote }}}}\n");
                template.Append($"d{i:D3}: {{{{ .Files.Get \"{name}\" | fromYamlArray | toJson | quote }}}}\n");
            }
            File.WriteAllText(Path.Combine(dir, "c", "templates", "t.yaml"), template.ToString());
            var helm = HelmJudge.Template(dir, "r", "./c");
            Assert.True(helm.ExitCode == 0, helm.Stderr);
            var ferry = HelmTemplate.Run(Path.Combine(dir, "c"), new HelmTemplateOptions { ReleaseName = "r" });
            Assert.True(ferry.Succeeded, ferry.Error);
            var want = helm.Stdout.Split('\n');
            var got = ferry.Output.Split('\n');
            var differences = want.Zip(got).Where(p => p.First != p.Second)
                .Select(p => $"helm:  {p.First}\nferry: {p.Second}").ToList();
            Assert.True(differences.Count == 0 && want.Length == got.Length, string.Join("\n", differences.Take(20)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
