using OciLayoutStore = Ferry.Oci.OciLayout;
using OciTypes = Ferry.Oci.MediaTypes;
using Ferry.Cli;

namespace Ferry.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void TransferBar_DrawsABarOnATerminal_AndNothingWhenRedirected()
    {
        Assert.Equal("[############------------]  50% site/acme/shop:2.3 (3 / 6 MiB)", TransferBar.Line(new Oci.TransferProgress("site/acme/shop:2.3", 3 << 20, 6 << 20)));
        Assert.Equal("[------------------------]   0% x (0 / 0 MiB)", TransferBar.Line(new Oci.TransferProgress("x", 0, 1)));
        var terminal = new StringWriter();
        var bar = new TransferBar(terminal, tty: true);
        bar.Report(new Oci.TransferProgress("img", 1, 4));
        bar.Report(new Oci.TransferProgress("img", 2, 4)); // within 200 ms of the last redraw: skipped
        bar.Report(new Oci.TransferProgress("img", 4, 4)); // done: its own line, and nothing left in flight
        var overall = TransferBar.Line(new("0/1 images", 1, 4));
        var finished = TransferBar.Line(new("img", 4, 4));
        Assert.Equal("\r" + overall + "\r" + finished + new string(' ', overall.Length - finished.Length) + Environment.NewLine, terminal.ToString());

        // Two images at once: each finished image gets a line; the overall line below sums what is still moving.
        terminal = new StringWriter();
        bar = new TransferBar(terminal, tty: true);
        bar.Report(new Oci.TransferProgress("a", 0, 4 << 20)); // sizes announced: nothing drawn yet
        bar.Report(new Oci.TransferProgress("b", 0, 2 << 20));
        bar.Report(new Oci.TransferProgress("a", 1 << 20, 4 << 20));
        bar.Report(new Oci.TransferProgress("b", 2 << 20, 2 << 20));
        bar.Report(new Oci.TransferProgress("a", 4 << 20, 4 << 20));
        static string Over(string text, string previous) => text + new string(' ', Math.Max(0, previous.Length - text.Length));
        var first = TransferBar.Line(new("0/2 images", 1 << 20, 6 << 20));
        var rest = TransferBar.Line(new("1/2 images", 3 << 20, 6 << 20));
        Assert.Equal(
            "\r" + first
            + "\r" + Over(TransferBar.Line(new("b", 2 << 20, 2 << 20)), first) + Environment.NewLine
            + "\r" + rest
            + "\r" + Over(TransferBar.Line(new("a", 4 << 20, 4 << 20)), rest) + Environment.NewLine,
            terminal.ToString());
        // the overall line counts what the copier says the whole transfer is (a shared layer once), not the images' sum
        terminal = new StringWriter();
        bar = new TransferBar(terminal, tty: true);
        bar.Report(new Oci.TransferProgress("a", 0, 4 << 20, 0, 5 << 20));
        bar.Report(new Oci.TransferProgress("b", 0, 4 << 20, 0, 5 << 20));
        bar.Report(new Oci.TransferProgress("a", 2 << 20, 4 << 20, 2 << 20, 5 << 20));
        Assert.Equal("\r" + TransferBar.Line(new("0/2 images", 2 << 20, 5 << 20)), terminal.ToString());
        Assert.Equal("", TransferBar.Rate(1 << 20, 10 << 20, 100)); // too early to tell a rate
        Assert.Equal(", 2.0 MiB/s, 4s left", TransferBar.Rate(2 << 20, 10 << 20, 1000));
        Assert.Equal(", 0.1 MiB/s, 2m40s left", TransferBar.Rate(1 << 20, 17 << 20, 10_000));
        Assert.Equal(", 0.0 MiB/s, 2h33m left", TransferBar.Rate(1 << 10, 9 << 20, 1000));
        var redirected = new StringWriter();
        new TransferBar(redirected, tty: false).Report(new Oci.TransferProgress("img", 4, 4));
        Assert.Equal("", redirected.ToString());
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var (code, output, _) = await Ferry("version");
        Assert.Equal(0, code);
        Assert.Matches(@"^ferry \d+\.\d+\.\d+", output);
    }

    [Fact]
    public async Task Render_RendersDefineTemplateRangePrintfFromYaml()
    {
        var tpl = Write("t.tmpl", """
            {{- define "row" }}{{ printf "%-6s %3.0f" .name .port }}{{ end -}}
            {{ range .services }}{{ template "row" . }}
            {{ end }}{{ .title }}
            """);
        var data = Write("v.yaml", "title: done\nservices:\n  - {name: web, port: 80}\n  - {name: db, port: 5432}\n");
        var (code, output, err) = await Ferry("render", tpl, "--data", data, "--set", "title=overridden");
        Assert.True(code == 0, err);
        Assert.Equal("web     80\ndb     5432\noverridden", output);
    }

    [Fact]
    public async Task Render_JsonData()
    {
        var tpl = Write("j.tmpl", "{{ .a.b }}-{{ len .list }}");
        var data = Write("d.json", """{"a": {"b": "x"}, "list": [1, 2, 3]}""");
        var (code, output, _) = await Ferry("render", tpl, "--data", data);
        Assert.Equal(0, code);
        Assert.Equal("x-3", output);
    }

    [Fact]
    public async Task Render_TemplateErrorReportsNameLineColumnAndFails()
    {
        var tpl = Write("bad.tmpl", "ok\n{{ index .list 3 }}");
        var data = Write("d.yaml", "list: [1]");
        var (code, output, err) = await Ferry("render", tpl, "--data", data);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains($"{tpl}:2:3: executing", err, StringComparison.Ordinal);
        Assert.Contains("index out of range: 3", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ParseErrorReportsLineAndFails()
    {
        var tpl = Write("bad2.tmpl", "a\n\n{{ if .x }}unclosed");
        var (code, _, err) = await Ferry("render", tpl);
        Assert.Equal(1, code);
        Assert.Contains($"{tpl}:3: unexpected EOF", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BadYamlNamesFileLineAndColumn()
    {
        var tpl = Write("ok.tmpl", "x");
        var data = Write("bad.yaml", "a: [1, 2\n");
        var (code, _, err) = await Ferry("render", tpl, "--data", data);
        Assert.Equal(1, code);
        Assert.Contains($"{data}:", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conformance_PrintsOneSummaryLinePerFileAndFailsOnFailures()
    {
        var good = Write("good.json", """{ "cases": [ { "name": "a", "template": "{{1}}", "data": null, "expected": "1" } ] }""");
        var bad = Write("bad.json", """{ "cases": [ { "name": "b", "template": "{{1}}", "data": null, "expected": "2" } ] }""");
        var (code, output, _) = await Ferry("conformance", good);
        Assert.Equal(0, code);
        Assert.Equal($"{good}: 1 passed, 0 failed\n", output.Replace("\r", "", StringComparison.Ordinal));

        (code, output, _) = await Ferry("conformance", bad, "-v");
        Assert.Equal(1, code);
        Assert.Contains($"{bad}: 0 passed, 1 failed", output, StringComparison.Ordinal);
        Assert.Contains("FAIL b", output, StringComparison.Ordinal);
        Assert.Contains("expected: \"2\"", output, StringComparison.Ordinal);
        Assert.Contains("got:      \"1\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conformance_MissingPathIsAClearError()
    {
        var (code, _, err) = await Ferry("conformance", Path.Combine(_dir, "nope"));
        Assert.Equal(1, code);
        Assert.Contains("no such file or folder", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageError()
    {
        var (code, _, err) = await Ferry("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("unknown command", err, StringComparison.Ordinal);
    }
}

public sealed class CliChartTests
{
    private static string Examples() => Path.Combine(CliRunner.Examples, "charts");

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    [Fact]
    public async Task Template_PrintsHelmFormattedManifests()
    {
        var (code, output, err) = await Ferry("template", "prod", Path.Combine(Examples(), "gateway"), "--set", "host=prod.example.com");
        Assert.True(code == 0, err);
        Assert.StartsWith("---\n# Source: gateway/templates/ingress.yaml\napiVersion: networking.k8s.io/v1\n", output, StringComparison.Ordinal);
        Assert.Contains("name: prod-gateway", output, StringComparison.Ordinal);
        Assert.Contains("- host: prod.example.com", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_ErrorsGoToStderrWithExitCode1()
    {
        var (code, _, err) = await Ferry("template", Path.Combine(Examples(), "worker"));
        Assert.Equal(1, code);
        Assert.StartsWith("Error: execution error at (worker/templates/secret.yaml:8:15): credentials.password is required", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowValuesAndLint()
    {
        var (code, output, _) = await Ferry("show", "values", Path.Combine(Examples(), "worker"));
        Assert.Equal(0, code);
        Assert.StartsWith("schedule: \"*/15 * * * *\"\n", output, StringComparison.Ordinal);
        (code, output, _) = await Ferry("lint", Path.Combine(Examples(), "shop"));
        Assert.Equal(0, code);
        Assert.EndsWith("1 chart(s) linted, 0 chart(s) failed\n", output, StringComparison.Ordinal);
    }
}

public sealed class CliImagesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-cli-img-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Err)> Ferry(params string[] args) => CliRunner.RunAsync(args);

    [Fact]
    public async Task ListAndVerify_ReportTheLayout()
    {
        var layout = OciLayoutStore.Open(Path.Combine(_dir, "l"), create: true);
        var blob = layout.WriteBlob("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"u8.ToArray(), OciTypes.OciConfig);
        var manifest = $"{{\"schemaVersion\":2,\"mediaType\":\"{OciTypes.OciManifest}\",\"config\":{{\"mediaType\":\"{OciTypes.OciConfig}\",\"digest\":\"{blob.Digest}\",\"size\":{blob.Size}}},\"layers\":[]}}";
        var m = layout.WriteBlob(System.Text.Encoding.UTF8.GetBytes(manifest), OciTypes.OciManifest);
        layout.Tag(m, "docker.io/acme/app:1.0");
        var (code, output, _) = await Ferry("images", "list", Path.Combine(_dir, "l"));
        Assert.Equal(0, code);
        Assert.Equal($"docker.io/acme/app:1.0\t{m.Digest}\t{OciTypes.OciManifest}\n", output.Replace("\r", "", StringComparison.Ordinal));
        (code, output, _) = await Ferry("images", "verify", Path.Combine(_dir, "l"));
        Assert.Equal(0, code);
        File.WriteAllText(layout.BlobPath(blob.Digest), "corrupt");
        string err;
        (code, _, err) = await Ferry("images", "verify", Path.Combine(_dir, "l"));
        Assert.Equal(1, code);
        Assert.Contains($"blob {blob.Digest} is corrupt", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_BadReferenceIsAUsefulError()
    {
        var (code, _, err) = await Ferry("images", "pull", "Not/Valid:tag", "--to", Path.Combine(_dir, "x"));
        Assert.Equal(1, code);
        Assert.Contains("invalid image reference \"Not/Valid:tag\"", err, StringComparison.Ordinal);
    }
}
