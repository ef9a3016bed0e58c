namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// .helmignore judged by real helm: a chart holding files at several depths and one rule set; a template prints
/// every file name helm (or Ferry) loaded, so both must load exactly the same files, or both refuse the chart.
/// </summary>
public sealed class HelmIgnoreJudgedTests
{
    private static readonly string[] ChartFiles =
    [
        "a.txt", "b.md", "notes.tmp", "docs/guide.md", "docs/img/logo.png", "data/x.json", "data/sub/y.json",
        "ci/values.yaml", ".hidden", "templates/.skipme", "templates/_keep.tpl", "Ab9.txt", "☺.txt",
    ];

    public static TheoryData<string, string> Cases() => new()
    {
        { "plain-globs", "*.tmp\n*.md\ndocs/\n" },
        { "anchored-and-structural", "/a.txt\ndata/*.json\n" },
        { "dir-only-rule-does-not-hit-files", "a.txt/\ndata/\n" },
        { "negation-ignores-non-matches", "!*.txt\n" },
        { "negation-then-rule", "!docs\ndocs/*\n" },
        { "classes-and-question", "[ab].txt\n?b9.txt\n[^x]*.tmp\n" },
        { "unicode-question", "?.txt\n" },
        { "comments-blank-spaces", "# a comment\n\n   *.md   \n" },
        { "escaped-star", "\\*.txt\nci\n" },
        { "double-star-refused", "**/*.json\n" },
        { "bad-pattern-refused", "[a-\n" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void LoadedFiles_MatchHelm(string name, string ignore)
    {
        HelmJudge.Require();
        var dir = Directory.CreateTempSubdirectory("ferry-helmignore-judged-").FullName;
        try
        {
            var chart = Path.Combine(dir, "c");
            Directory.CreateDirectory(Path.Combine(chart, "templates"));
            File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
            File.WriteAllText(Path.Combine(chart, ".helmignore"), ignore);
            foreach (var f in ChartFiles)
            {
                var path = Path.Combine(chart, f);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, f);
            }
            File.WriteAllText(Path.Combine(chart, "templates", "cm.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  files: |\n{{- range $k, $_ := .Files }}\n    {{ $k }}\n{{- end }}\n");
            var helm = HelmJudge.Template(dir, "r", "./c");
            var ferry = HelmTemplate.Run(chart, new HelmTemplateOptions { ReleaseName = "r" });
            Assert.True((helm.ExitCode == 0) == ferry.Succeeded, $"{name}: helm exit {helm.ExitCode} ({helm.Stderr.Trim()}), ferry {(ferry.Succeeded ? "succeeded" : "failed: " + ferry.Error)}");
            if (ferry.Succeeded)
            {
                Assert.Equal(helm.Stdout, ferry.Output);
            }
            else
            {
                Assert.Contains(helm.Stderr.Trim().Replace("Error: ", "", StringComparison.Ordinal).Split(':')[^1].Trim(), ferry.Error, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
