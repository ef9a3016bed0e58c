using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Ferry.Kube.Tests;
using Ferry.Oci;
using Ferry.Oci.Tests;
using Ferry.Registry;

namespace Ferry.Cli.Tests;

/// <summary>
/// Every command whose usage offers <c>--output json</c> is run with it against real things — a product bundle, an
/// image layout, <c>ferry registry serve</c>, the API simulator (or a real cluster with FERRY_TEST_KUBECONFIG) — and
/// must print one valid JSON document on stdout. A command that gains <c>--output json</c> without a case here fails.
/// </summary>
public sealed class OutputJsonTests : IDisposable
{
    private readonly KubeTarget _target = KubeTarget.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-cli-json-").FullName;

    public void Dispose()
    {
        _target.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Sub(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task EveryReportingCommand_PrintsValidJson()
    {
        await _target.CreateNamespaceAsync();
        var ns = _target.Namespace;
        var kc = _target.Simulator?.WriteKubeconfig(Sub("kubeconfig")) ?? Environment.GetEnvironmentVariable("FERRY_TEST_KUBECONFIG")!;
        await using var registry = await RegistryServer.StartAsync(Sub("registry"), new IPEndPoint(IPAddress.Loopback, FreePort()));
        var reg = registry.Address;
        var layoutDir = Sub("layout");
        var layout = OciLayout.Open(layoutDir, create: true);
        TestImages.Image(layout, "docker.io/acme/app:1.0", [TestImages.Layer(layout, 20_000, 1)]);
        var spec = CliRunner.WriteEdgeSpec(_dir, ns: ns);
        var bundle = Sub("edge.ferry");
        await Ok(0, "bundle", "build", spec, "-o", bundle, "--env", "DOMAIN=sample.example.com");
        await Ok(0, "keygen", "-o", Sub("vendor"));
        await Ok(0, "bundle", "sign", bundle, "--key", Sub("vendor.pem"));
        await Ok(0, "env", "set", "DOMAIN=edge.site.local", "-n", ns, "--kubeconfig", kc);
        string[] cluster = ["--kubeconfig", kc];
        await Ok(0, ["support-bundle", "-n", ns, "--env-namespace", ns, "-o", Sub("support.tar.gz"), .. cluster]);

        var vectors = Sub("vectors.json");
        await File.WriteAllTextAsync(vectors, """{"cases": [{"name": "upper <&+'>", "template": "{{ upper . }}", "data": "ferry", "expected": "FERRY"}]}""");
        var cases = new List<(string Command, int Exit, string[] Args)>
        {
            ("lint", 0, ["lint", Path.Combine(CliRunner.Examples, "charts", "shop")]),
            ("conformance", 0, ["conformance", vectors, "-v"]),
            ("images push", 0, ["images", "push", layoutDir, "--to", reg + "/site", "--insecure"]),
            ("images pull", 0, ["images", "pull", reg + "/site/acme/app:1.0", "--to", Sub("pulled"), "--insecure"]),
            ("images list", 0, ["images", "list", layoutDir]),
            ("images verify", 0, ["images", "verify", layoutDir]),
            ("bundle images", 0, ["bundle", "images", spec, "--env", "DOMAIN=x.example.com"]),
            ("bundle verify", 0, ["bundle", "verify", bundle, "--key", Sub("vendor.pub.pem")]),
            ("bundle inspect", 0, ["bundle", "inspect", bundle]),
            ("inventory", 0, ["inventory", "--registry", reg, "--insecure"]),
            ("registry-config", 0, ["registry-config", "--registry", reg, "--bundle", bundle, "--plain-http"]),
            ("policy show", 0, ["policy", "show", "-n", ns, .. cluster]),
            ("env show", 0, ["env", "show", "-n", ns, .. cluster]),
            ("plan", 0, ["plan", bundle, "--registry", reg, "--env-namespace", ns, .. cluster]),
            ("preflight", 0, ["preflight", bundle, "--registry", reg, "--insecure", "--env-namespace", ns, .. cluster]),
            ("support-bundle analyze", 0, ["support-bundle", "analyze", Sub("support.tar.gz")]),
            ("deploy", 0, ["deploy", bundle, "--registry", reg, "--insecure", "--env-namespace", ns, "--timeout", "30s", .. cluster]),
            ("status", 0, ["status", "--env-namespace", ns, .. cluster]),
            ("list", 0, ["list", "-n", ns, .. cluster]),
            ("get values", 0, ["get", "values", "gateway", "-n", ns, "--env-namespace", ns, .. cluster]),
            ("history", 0, ["history", "gateway", "-n", ns, .. cluster]),
            ("rollback", 0, ["rollback", "gateway", "1", "-n", ns, "--timeout", "30s", .. cluster]),
            ("uninstall", 0, ["uninstall", "gateway", "-n", ns, .. cluster]),
        };
        string[] readOnly = ["lint", "conformance", "images list", "images verify", "bundle images", "bundle verify", "bundle inspect", "policy show", "env show", "plan", "status", "list", "get values", "history", "support-bundle analyze"];
        foreach (var (command, exit, args) in cases)
        {
            var output = await Ok(exit, [.. args, "--output", "json"]);
            if (readOnly.Contains(command))
            {
                // --output yaml: the same document as YAML
                var yaml = await Ok(exit, [.. args, "--output", "yaml"]);
                Assert.Equal(Templates.Formatting.GoJson.Marshal(Templates.Formatting.GoJsonReader.Read(Stable(output))), Templates.Formatting.GoJson.Marshal(Templates.Values.DataReader.FromYaml(Stable(yaml))));
            }
            JsonNode? parsed = null;
            try
            {
                parsed = JsonNode.Parse(output);
            }
            catch (System.Text.Json.JsonException e)
            {
                Assert.Fail($"ferry {command} --output json printed no JSON ({e.Message}): {output}");
            }
            Assert.True(parsed is JsonObject or JsonArray, $"ferry {command} --output json: {output}");
            // text as written: no HTML-safety escapes (\u002B for '+', \u003C for '<') in output meant for terminals and tools
            Assert.DoesNotMatch(@"\\u00(2B|26|3C|3E|27)", output);
            if (command == "conformance")
            {
                Assert.Contains("upper <&+'>", output, StringComparison.Ordinal);
            }
        }

        // the walk covers every command that says it reports JSON
        var (_, help, _) = await CliRunner.RunAsync("--help");
        var reporting = help.Split('\n').Where(l => l.StartsWith("  ferry ", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, @"--output (json|\S*\|json)"))
            .Select(l => string.Join(' ', l.Trim().Split(' ').Skip(1).TakeWhile(w => System.Text.RegularExpressions.Regex.IsMatch(w, "^[a-z][a-z-]*$")).Take(2)))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(reporting.Order(StringComparer.Ordinal), cases.Select(c => c.Command).Order(StringComparer.Ordinal));
    }

    /// <summary>A report without what changes between two runs of a command (times).</summary>
    private static string Stable(string report) => System.Text.RegularExpressions.Regex.Replace(report, @"\d{4}-\d\d-\d\dT[^""'\s]*", "TIME");

    private static async Task<string> Ok(int exit, params string[] args)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.True(code == exit, $"ferry {string.Join(' ', args)}: exit {code}: {stderr}");
        return stdout;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
