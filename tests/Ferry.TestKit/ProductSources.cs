using System.Diagnostics;
using System.Net;
using System.Text;
using Ferry.Charts.Tests;
using Ferry.Oci;
using Ferry.Oci.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.Bundles.Tests;

/// <summary>
/// The vendor's side on loopback: a real registry holding the example images and an OCI chart, a Helm HTTP
/// repository (Kestrel serving index.yaml), a local git repository with a tagged chart, a packaged .tgz, and a
/// copy of examples/ with a ferry.yaml that uses every chart source kind.
/// </summary>
public sealed class ProductSources : IDisposable
{
    public static readonly string[] ImageNames = ["acme/shop:2.3.0", "acme/shop-migrate:2.3.0", "acme/busybox:1.36", "acme/redis:7.2.5", "acme/worker:1.4.2"];

    private readonly WebApplication _helmRepo;

    public ProductSources()
    {
        Dir = Directory.CreateTempSubdirectory("ferry-product-").FullName;
        Registry = Oci.Tests.Registry.Start();
        Copy(TestPaths.Examples, Path.Combine(Dir, "examples"));
        File.Delete(Path.Combine(Dir, "examples", "bundle", "ferry.lock"));
        var layout = OciLayout.Open(Path.Combine(Dir, "seed"), create: true);
        var shared = TestImages.Layer(layout, 64 * 1024, 1);
        for (var i = 0; i < ImageNames.Length; i++)
        {
            TestImages.Image(layout, ImageNames[i], [shared, TestImages.Layer(layout, 32 * 1024, 10 + i)]);
        }
        using (var client = new RegistryClient(new RegistryOptions { Insecure = true }))
        {
            var copier = new ImageCopier(client);
            foreach (var name in ImageNames)
            {
                var pushed = copier.PushAsync(layout, layout.Resolve(name), ImageReference.Parse($"{Registry.Address}/{name}")).GetAwaiter().GetResult();
                ImageDigests[$"{Registry.Address}/{name}"] = pushed.ManifestDigest;
            }
            // gateway as a Helm OCI chart artifact.
            var charts = OciLayout.Open(Path.Combine(Dir, "charts-oci"), create: true);
            var content = charts.WriteBlob(ReproducibleTar.PackageChart(Chart("gateway"), "gateway"), MediaTypes.HelmChartContent);
            var config = charts.WriteBlob("{\"apiVersion\":\"v2\",\"name\":\"gateway\",\"version\":\"0.9.0\"}"u8.ToArray(), MediaTypes.HelmChartConfig);
            var manifest = charts.WriteBlob(Encoding.UTF8.GetBytes(
                $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"config\":{config.ToJson().ToJsonString()},\"layers\":[{content.ToJson().ToJsonString()}]}}"), MediaTypes.OciManifest);
            copier.PushAsync(charts, manifest, ImageReference.Parse($"{Registry.Address}/charts/gateway:0.9.0")).GetAwaiter().GetResult();
        }

        // worker in a Helm HTTP repository.
        var repoDir = Directory.CreateDirectory(Path.Combine(Dir, "helm-repo")).FullName;
        var workerTgz = ReproducibleTar.PackageChart(Chart("worker"), "worker");
        File.WriteAllBytes(Path.Combine(repoDir, "worker-1.4.2.tgz"), workerTgz);
        File.WriteAllText(Path.Combine(repoDir, "index.yaml"), $"""
            apiVersion: v1
            entries:
              worker:
                - name: worker
                  version: 1.4.2
                  digest: {Digest.Of(workerTgz).Hex}
                  urls: [worker-1.4.2.tgz]
                - name: worker
                  version: 1.3.0
                  urls: [worker-1.3.0.tgz]
            """);
        var port = Oci.Tests.Registry.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        _helmRepo = builder.Build();
        _helmRepo.Run(async ctx =>
        {
            var file = Path.Combine(repoDir, Path.GetFileName(ctx.Request.Path.Value ?? ""));
            if (!File.Exists(file))
            {
                ctx.Response.StatusCode = 404;
                return;
            }
            await ctx.Response.SendFileAsync(file);
        });
        _helmRepo.StartAsync().GetAwaiter().GetResult();
        HelmRepoUrl = $"http://127.0.0.1:{port}/charts";

        // shop in a git repository, tagged v2.3.0, at deploy/chart.
        GitRepo = Path.Combine(Dir, "shop.git");
        Copy(Chart("shop"), Path.Combine(GitRepo, "deploy", "chart"));
        Git(GitRepo, "init", "-q");
        Git(GitRepo, "add", "-A");
        Git(GitRepo, "-c", "user.name=ferry", "-c", "user.email=ferry@example.com", "commit", "-q", "-m", "shop 2.3.0");
        Git(GitRepo, "tag", "v2.3.0");

        // gateway once more as a packaged .tgz next to the spec.
        File.WriteAllBytes(Path.Combine(Dir, "examples", "bundle", "gateway-0.9.0.tgz"), ReproducibleTar.PackageChart(Chart("gateway"), "gateway"));

        SpecPath = Path.Combine(Dir, "examples", "bundle", "sources.yaml");
        File.WriteAllText(SpecPath, $"""
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: {"{"} name: acme-suite, version: 2.3.0 {"}"}
            registry: {"{"} rewrite: true {"}"}
            env:
              - {"{"} name: IMAGE_SOURCE, default: "{Registry.Address}/acme" {"}"}
              - {"{"} name: DOMAIN, required: true {"}"}
              - {"{"} name: SHOP_REPLICAS, default: "2", pattern: "^[0-9]+$" {"}"}
              - {"{"} name: WORKER_PASSWORD, secret: true, required: true {"}"}
              - {"{"} name: TLS, default: "false" {"}"}
            sampleEnv: env/sample.env
            apps:
              - name: shop
                namespace: acme
                chart: {"{"} git: "{GitRepo}", ref: v2.3.0, path: deploy/chart {"}"}
                values: apps/shop/values.yaml.tmpl
              - name: worker
                namespace: acme
                chart: {"{"} repo: "{HelmRepoUrl}", name: worker, version: 1.4.2 {"}"}
                values: apps/worker/values.yaml.tmpl
                dependsOn: [shop]
              - name: gateway
                namespace: edge
                chart: {"{"} oci: "oci://{Registry.Address}/charts/gateway", version: 0.9.0 {"}"}
                values: apps/gateway/values.yaml.tmpl
                dependsOn: [shop]
              - name: edge
                chart: {"{"} path: gateway-0.9.0.tgz {"}"}
                images: ["{Registry.Address}/acme/busybox:1.36"]
            platforms: [linux/amd64]
            """);
    }

    public string Dir { get; }

    public Oci.Tests.Registry Registry { get; }

    public string HelmRepoUrl { get; }

    public string GitRepo { get; }

    /// <summary>A ferry.yaml using a git repo, a Helm HTTP repo, an OCI chart and a .tgz.</summary>
    public string SpecPath { get; }

    /// <summary>The example product's own ferry.yaml (path charts), copied.</summary>
    public string ExampleSpec => Path.Combine(Dir, "examples", "bundle", "ferry.yaml");

    public Dictionary<string, Digest> ImageDigests { get; } = new(StringComparer.Ordinal);

    public string Chart(string name) => Path.Combine(Dir, "examples", "charts", name);

    public void Dispose()
    {
        _helmRepo.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_helmRepo).Dispose();
        Registry.Dispose();
        Directory.Delete(Dir, recursive: true);
    }

    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
    }

    public static void Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)}: {err}");
        }
    }
}
