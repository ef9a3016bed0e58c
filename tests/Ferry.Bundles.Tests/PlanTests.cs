using System.Diagnostics;
using System.Text;
using Ferry.Kube;

namespace Ferry.Bundles.Tests;

/// <summary>The pieces of <c>ferry plan</c>: unified diffs (checked against GNU diff), secret masking, env migrations.</summary>
public sealed class PlanTests
{
    /// <summary>Applies a unified diff to the old lines, checking every context and removed line matches.</summary>
    private static List<string> Apply(IReadOnlyList<string> old, string diff)
    {
        var result = new List<string>();
        var at = 0;
        var lines = diff.Split('\n')[2..^1];
        for (var i = 0; i < lines.Length; i++)
        {
            var header = System.Text.RegularExpressions.Regex.Match(lines[i], @"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$");
            Assert.True(header.Success, lines[i]);
            var start = int.Parse(header.Groups[1].Value) - (header.Groups[2].Value == "0" ? 0 : 1);
            while (at < start)
            {
                result.Add(old[at++]);
            }
            for (i++; i < lines.Length && !lines[i].StartsWith("@@", StringComparison.Ordinal); i++)
            {
                switch (lines[i][0])
                {
                    case ' ':
                        Assert.Equal(old[at++], lines[i][1..]);
                        result.Add(lines[i][1..]);
                        break;
                    case '-':
                        Assert.Equal(old[at++], lines[i][1..]);
                        break;
                    default:
                        result.Add(lines[i][1..]);
                        break;
                }
            }
            i--;
        }
        result.AddRange(old.Skip(at));
        return result;
    }

    private static string GnuDiff(string dir, string a, string b)
    {
        File.WriteAllText(Path.Combine(dir, "a"), a);
        File.WriteAllText(Path.Combine(dir, "b"), b);
        var psi = new ProcessStartInfo("diff", ["--minimal", "-u", "a", "b"]) { WorkingDirectory = dir, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    [Fact]
    public void UnifiedDiff_AppliesAndIsAsSmallAsGnuDiffMinimal()
    {
        var dir = Directory.CreateTempSubdirectory("ferry-diff-").FullName;
        try
        {
            var random = new Random(7);
            for (var n = 0; n < 60; n++)
            {
                // Few distinct lines, so there are many matches and many equally short edit scripts.
                var old = Enumerable.Range(0, random.Next(0, 40)).Select(_ => "line " + (char)('a' + random.Next(6))).ToList();
                var @new = old.Where(_ => random.Next(5) > 0).ToList();
                for (var k = random.Next(0, 6); k > 0; k--)
                {
                    @new.Insert(random.Next(@new.Count + 1), "line " + (char)('a' + random.Next(8)));
                }
                string Text(List<string> lines) => lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
                var diff = UnifiedDiff.Create(Text(old), Text(@new), "a", "b");
                if (Text(old) == Text(@new))
                {
                    Assert.Equal("", diff);
                    continue;
                }
                Assert.Equal(@new, Apply(old, diff));
                var gnu = GnuDiff(dir, Text(old), Text(@new));
                int Changes(string d) => d.Split('\n').Skip(2).Count(l => l.StartsWith('+') || l.StartsWith('-'));
                Assert.Equal(Changes(gnu), Changes(diff));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void UnifiedDiff_MatchesGnuDiffOnAnUnambiguousChange()
    {
        var dir = Directory.CreateTempSubdirectory("ferry-diff-").FullName;
        try
        {
            var old = string.Concat(Enumerable.Range(1, 30).Select(i => $"line {i}\n"));
            var @new = old.Replace("line 5\n", "line five\n", StringComparison.Ordinal).Replace("line 25\n", "", StringComparison.Ordinal) + "line 31\n";
            var gnu = GnuDiff(dir, old, @new);
            var ours = UnifiedDiff.Create(old, @new, "a", "b");
            // GNU diff puts a timestamp after the file names; the hunks must be identical.
            Assert.Equal(gnu[gnu.IndexOf("@@", StringComparison.Ordinal)..], ours[ours.IndexOf("@@", StringComparison.Ordinal)..]);
            Assert.StartsWith("--- a\n+++ b\n@@ -2,7 +2,7 @@\n", ours, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PlanDiffs_IncludeHooks()
    {
        const string Manifest = "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n";
        const string Hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n        - name: run\n          image: acme/tool:1.0\n";
        var before = Ferry.Kube.ReleaseManager.WithHooks(Manifest, [("web/templates/migrate.yaml", Hook)]);
        var after = Ferry.Kube.ReleaseManager.WithHooks(Manifest, [("web/templates/migrate.yaml", Hook.Replace("tool:1.0", "tool:1.1", StringComparison.Ordinal))]);
        Assert.Contains("# Source: web/templates/migrate.yaml (hook)\n", before, StringComparison.Ordinal);
        var diff = UnifiedDiff.Create(before, after, "a", "b");
        Assert.Contains("\n-          image: acme/tool:1.0\n+          image: acme/tool:1.1\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_HidesSecretDataAndSecretValues_Only()
    {
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("hunter22"));
        var manifest = $"""
            ---
            # Source: app/templates/secret.yaml
            apiVersion: v1
            kind: Secret
            metadata:
              name: app
            data:
              password: "{b64}"
              user: "d29ya2Vy"
            type: Opaque
            ---
            # Source: app/templates/cm.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app
            data:
              url: "postgres://app:hunter22@db"
              mode: fast

            """;
        var masked = Planner.Mask(manifest, ["hunter22"]);
        Assert.Contains("  password: <masked>\n  user: <masked>\ntype: Opaque\n", masked, StringComparison.Ordinal);
        Assert.Contains("  url: \"postgres://app:<masked>@db\"\n  mode: fast\n", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", masked, StringComparison.Ordinal);
        Assert.DoesNotContain(b64, masked, StringComparison.Ordinal);
        Assert.Contains("kind: ConfigMap\nmetadata:\n  name: app\n", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_ASecretChangedSinceTheDeploy_ShowsNeitherValue()
    {
        // the deployed manifest holds the old secret, which the site's env no longer has: it is masked by its place
        var before = "env:\n- {name: PASSWORD, value: \"old-pw-1\"}\n- {name: TOKEN, value: \"same\"}\nurl: db://u:old-pw-1@h\nmode: a\n";
        var after = "env:\n- {name: PASSWORD, value: \"new-pw-2\"}\n- {name: TOKEN, value: \"same\"}\nurl: db://u:new-pw-2@h\nmode: b\n";
        string[] secrets = ["new-pw-2", "same"];
        var maskedAfter = Planner.Mask(after, secrets);
        var maskedBefore = Planner.MaskLike(Planner.Mask(before, secrets), maskedAfter);
        Assert.DoesNotContain("old-pw-1", maskedBefore, StringComparison.Ordinal);
        Assert.DoesNotContain("new-pw-2", maskedAfter, StringComparison.Ordinal);
        Assert.Contains("- {name: PASSWORD, value: \"<masked, changed>\"}\n", maskedBefore, StringComparison.Ordinal);
        Assert.Contains("- {name: TOKEN, value: \"<masked>\"}\n", maskedBefore, StringComparison.Ordinal);
        Assert.Contains("url: db://u:<masked, changed>@h\nmode: a\n", maskedBefore, StringComparison.Ordinal);
        Assert.Contains("mode: b\n", maskedAfter, StringComparison.Ordinal);
        var diff = UnifiedDiff.Create(maskedBefore, maskedAfter, "deployed", "bundle");
        Assert.Contains("-- {name: PASSWORD, value: \"<masked, changed>\"}", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("- {name: TOKEN", diff.Split('\n').Where(l => l.StartsWith('-') || l.StartsWith('+')).Aggregate("", (a, l) => a + l + "\n"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void EnvMigrations_RenameKeepSecrecy_AndWarnWhenBothAreSet()
    {
        var dir = Directory.CreateTempSubdirectory("ferry-migrate-").FullName;
        try
        {
            var path = Path.Combine(dir, "ferry.yaml");
            File.WriteAllText(path, """
                apiVersion: ferry.dev/v1
                kind: Bundle
                metadata: { name: p, version: "1.0.0" }
                env:
                  - { name: DB_HOST, required: true }
                  - { name: DB_PASS, secret: true }
                  - { name: REPLICAS }
                envMigrations:
                  - { rename: DATABASE_HOST, to: DB_HOST }
                  - { rename: DATABASE_PASSWORD, to: DB_PASS }
                  - { rename: PODS, to: REPLICAS }
                apps:
                  - { name: a, chart: { path: . } }
                """);
            var spec = SpecLoader.Load(path, checkFiles: false);
            var site = new SiteEnv(
                new Dictionary<string, string> { ["DATABASE_HOST"] = "db", ["DATABASE_PASSWORD"] = "pw", ["PODS"] = "2", ["REPLICAS"] = "3" },
                new HashSet<string>());
            var (env, renames, warnings) = EnvCheck.Migrate(spec, site);
            Assert.Equal([new EnvRename("DATABASE_HOST", "DB_HOST", false), new EnvRename("DATABASE_PASSWORD", "DB_PASS", true)], renames);
            Assert.Equal("db", env.Values["DB_HOST"]);
            Assert.Contains("DB_PASS", env.SecretKeys);
            Assert.False(env.Values.ContainsKey("DATABASE_HOST"));
            Assert.Equal("3", env.Values["REPLICAS"]);
            Assert.Contains("deploy-env has both PODS and REPLICAS", Assert.Single(warnings), StringComparison.Ordinal);

            File.WriteAllText(path, File.ReadAllText(path).Replace("to: REPLICAS }", "to: PODS_COUNT }", StringComparison.Ordinal).Replace("rename: DATABASE_HOST", "rename: DB_PASS", StringComparison.Ordinal));
            var e = Assert.Throws<BundleException>(() => SpecLoader.Load(path, checkFiles: false));
            Assert.Contains("ferry.yaml:11:25: envMigrations: PODS_COUNT is not declared in env", e.Message, StringComparison.Ordinal);
            Assert.Contains("ferry.yaml:9:15: envMigrations: DB_PASS is still declared in env", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void K3sRegistries_MirrorsWithPrefixRewriteAuthAndTls()
    {
        var yaml = K3sRegistries.Render(["docker.io", "quay.io", "docker.io", "site.local:5000"],
            new SiteRegistryAccess("site.local:5000/vendor", CaFile: "/etc/ssl/site \"ca\".pem", Username: "puller", Password: "p@ss:w\"rd"));
        var doc = (Dictionary<string, object?>)Ferry.Templates.Values.DataReader.FromYaml(yaml)!;
        var mirrors = (Dictionary<string, object?>)doc["mirrors"]!;
        Assert.Equal(["docker.io", "quay.io"], mirrors.Keys); // the site registry itself is not mirrored
        var docker = (Dictionary<string, object?>)mirrors["docker.io"]!;
        Assert.Equal(["https://site.local:5000"], ((List<object?>)docker["endpoint"]!).Cast<string>());
        var rewrite = Assert.Single((Dictionary<string, object?>)docker["rewrite"]!);
        // containerd applies the rewrite to the repository path: it must land where ferry deploy pushes.
        var pushed = Ferry.Oci.ImageCopier.PushTarget("docker.io/library/nginx:1.25", "site.local:5000/vendor");
        Assert.Equal(pushed.Repository, System.Text.RegularExpressions.Regex.Replace("library/nginx", rewrite.Key, (string)rewrite.Value!));
        var config = (Dictionary<string, object?>)((Dictionary<string, object?>)doc["configs"]!)["site.local:5000"]!;
        var auth = (Dictionary<string, object?>)config["auth"]!;
        Assert.Equal(("puller", "p@ss:w\"rd"), ((string)auth["username"]!, (string)auth["password"]!));
        Assert.Equal("/etc/ssl/site \"ca\".pem", ((Dictionary<string, object?>)config["tls"]!)["ca_file"]);

        var plain = K3sRegistries.Render(["ghcr.io"], new SiteRegistryAccess("10.0.0.5:5000", PlainHttp: true));
        Assert.Equal("""
            # Written by ferry registry-config: pulls from these registries are served by the site registry 10.0.0.5:5000.
            # k3s reads this file at start: restart k3s (or k3s-agent) after changing it.
            mirrors:
              "ghcr.io":
                endpoint:
                  - "http://10.0.0.5:5000"

            """, plain);
    }
}
