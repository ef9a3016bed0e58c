using System.Diagnostics;
using Ferry.Bundles;
using Ferry.Bundles.Tests;
using Ferry.Cli;
using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Oci;
using Ferry.Oci.Tests;
using k8s;

namespace Ferry.EndToEnd.Tests;

/// <summary>
/// The whole story on loopback: the vendor's registry and the example charts (<see cref="ProductSources"/>), two
/// bundles of a four-app product built from them (v2 changes the worker's image and drops one of its CronJobs),
/// a site registry, the API simulator and a kubeconfig for it. Ferry runs through its command line, in process or
/// as a real child process (<see cref="StartFerry"/>) that tests can kill.
/// </summary>
public sealed class Site : IDisposable
{
    public Site()
    {
        Product = new ProductSources();
        var bundleDir = Path.Combine(Product.Dir, "examples", "bundle");

        // v2's worker: a new image in the vendor registry, a chart without the cleanup CronJob.
        var layout = OciLayout.Open(Path.Combine(Product.Dir, "seed"));
        TestImages.Image(layout, "acme/worker:1.5.0", [TestImages.Layer(layout, 64 * 1024, 1), TestImages.Layer(layout, 32 * 1024, 99)]);
        using (var client = new RegistryClient(new RegistryOptions { Insecure = true }))
        {
            new ImageCopier(client).PushAsync(layout, layout.Resolve("acme/worker:1.5.0"), ImageReference.Parse($"{Product.Registry.Address}/acme/worker:1.5.0")).GetAwaiter().GetResult();
        }
        var worker2 = Path.Combine(Product.Dir, "examples", "charts", "worker-v2");
        ProductSources.Copy(Product.Chart("worker"), worker2);
        var values = File.ReadAllText(Path.Combine(worker2, "values.yaml"));
        File.WriteAllText(Path.Combine(worker2, "values.yaml"), values[..values.IndexOf("  - name: cleanup", StringComparison.Ordinal)] + values[values.IndexOf("credentials:", StringComparison.Ordinal)..]);
        File.WriteAllText(Path.Combine(worker2, "Chart.yaml"), File.ReadAllText(Path.Combine(worker2, "Chart.yaml")).Replace("1.4.2", "1.5.0", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(bundleDir, "apps", "worker", "values-v2.yaml.tmpl"),
            File.ReadAllText(Path.Combine(bundleDir, "apps", "worker", "values.yaml.tmpl")).Replace("worker:1.4.2", "worker:1.5.0", StringComparison.Ordinal));

        Spec("v1.yaml", "../charts/worker", "apps/worker/values.yaml.tmpl");
        Spec("v2.yaml", "../charts/worker-v2", "apps/worker/values-v2.yaml.tmpl");
        V1 = Build("v1.yaml");
        V2 = Build("v2.yaml");

        SiteRegistry = Oci.Tests.Registry.Start();
        Api = new ApiSimulator();
        Kubeconfig = Api.WriteKubeconfig(Path.Combine(Product.Dir, "kubeconfig"));
        Client = KubeConnection.ForUrl(Api.Url);
    }

    public ProductSources Product { get; }

    public string V1 { get; }

    public string V2 { get; }

    public Oci.Tests.Registry SiteRegistry { get; }

    public ApiSimulator Api { get; }

    public string Kubeconfig { get; }

    public IKubernetes Client { get; }

    public string[] DeployArgs(string bundle, params string[] more) =>
        ["deploy", bundle, "--registry", SiteRegistry.Address, "--insecure", "--kubeconfig", Kubeconfig, "--timeout", "3s", .. more];

    /// <summary>Runs ferry in process.</summary>
    public static async Task<(int Code, string Out, string Err)> Ferry(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts ferry as a child process (the ferry.dll built beside the tests), output captured.</summary>
    public static Process StartFerry(string[] args, Action<string>? stderr = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ferry.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr?.Invoke(e.Data);
            }
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public async Task SetEnvAsync(params (string Key, string Value)[] values) =>
        await new DeployEnv(Client).SetAsync(values.ToDictionary(v => v.Key, v => v.Value), new HashSet<string> { "WORKER_PASSWORD" });

    public void Dispose()
    {
        Client.Dispose();
        Api.Dispose();
        SiteRegistry.Dispose();
        Product.Dispose();
    }

    private void Spec(string file, string workerChart, string workerValues) =>
        File.WriteAllText(Path.Combine(Product.Dir, "examples", "bundle", file), $"""
            apiVersion: ferry.dev/v1
            kind: Bundle
            metadata: {"{"} name: acme-suite, version: 2.3.0 {"}"}
            env:
              - {"{"} name: IMAGE_SOURCE, default: "{Product.Registry.Address}/acme" {"}"}
              - {"{"} name: DOMAIN, required: true, pattern: "^[a-z0-9.-]+$" {"}"}
              - {"{"} name: SHOP_REPLICAS, default: "2", pattern: "^[0-9]+$" {"}"}
              - {"{"} name: WORKER_PASSWORD, secret: true, required: true {"}"}
              - {"{"} name: TLS, default: "false" {"}"}
            sampleEnv: env/sample.env
            apps:
              - {"{"} name: shop, namespace: acme, chart: {"{"} path: ../charts/shop {"}"}, values: apps/shop/values.yaml.tmpl {"}"}
              - {"{"} name: worker, namespace: acme, chart: {"{"} path: {workerChart} {"}"}, values: {workerValues}, dependsOn: [shop] {"}"}
              - {"{"} name: gateway, namespace: edge, chart: {"{"} path: ../charts/gateway {"}"}, values: apps/gateway/values.yaml.tmpl, dependsOn: [worker] {"}"}
              - {"{"} name: status, namespace: status, chart: {"{"} path: ../charts/gateway {"}"}, values: apps/gateway/values.yaml.tmpl {"}"}
            platforms: [linux/amd64]
            """);

    private string Build(string spec)
    {
        var output = Path.Combine(Product.Dir, Path.ChangeExtension(spec, ".ferry"));
        BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = Path.Combine(Product.Dir, "examples", "bundle", spec),
            Output = output,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
        }).GetAwaiter().GetResult();
        return output;
    }
}
