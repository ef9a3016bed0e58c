using System.Diagnostics;
using System.Globalization;
using Ferry.Bundles;
using Ferry.Kube;
using Ferry.Kube.Tests;

namespace Ferry.Benchmarks;

/// <summary>
/// <c>deploy-noop N</c>: a product of N trivial apps (chains of five, three objects each), installed once on the
/// API simulator, then deployed again unchanged — in process and as <c>ferry deploy</c> (a child process,
/// startup included). The goal for 50 apps is under 5 s.
/// </summary>
internal static class DeployNoOp
{
    public static async Task RunAsync(int apps)
    {
        var dir = Directory.CreateTempSubdirectory("ferry-bench-noop-").FullName;
        try
        {
            var chart = Directory.CreateDirectory(Path.Combine(dir, "charts", "app", "templates")).Parent!.FullName;
            File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n");
            File.WriteAllText(Path.Combine(chart, "values.yaml"), "message: hello\nport: 80\n");
            File.WriteAllText(Path.Combine(chart, "templates", "objects.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}-config
                data:
                  message: {{ .Values.message | quote }}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ .Release.Name }}
                spec:
                  ports:
                    - port: {{ .Values.port }}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: {{ .Release.Name }}
                """);
            File.WriteAllText(Path.Combine(dir, "values.yaml.tmpl"), "message: {{ .Env.MESSAGE | quote }}\n");
            var spec = new System.Text.StringBuilder("""
                apiVersion: ferry.dev/v1
                kind: Bundle
                metadata: { name: noop, version: 1.0.0 }
                env:
                  - { name: MESSAGE, required: true }
                apps:

                """);
            for (var i = 0; i < apps; i++)
            {
                spec.Append(CultureInfo.InvariantCulture, $"  - {{ name: app-{i:000}, namespace: ns-{i % 5}, chart: {{ path: charts/app }}, values: values.yaml.tmpl{(i % 5 == 0 ? "" : $", dependsOn: [app-{i - 1:000}]")} }}\n");
            }
            File.WriteAllText(Path.Combine(dir, "ferry.yaml"), spec.ToString());
            var bundle = Path.Combine(dir, "noop.ferry");
            await BundleBuilder.BuildAsync(new BundleBuildOptions { SpecPath = Path.Combine(dir, "ferry.yaml"), Output = bundle, EnvOverrides = new Dictionary<string, string> { ["MESSAGE"] = "hi" } });

            using var api = new ApiSimulator();
            using var client = KubeConnection.ForUrl(api.Url);
            await new DeployEnv(client).SetAsync(new Dictionary<string, string> { ["MESSAGE"] = "hello from the site" }, new HashSet<string>());
            var request = new DeployRequest { Bundle = bundle, SiteRegistry = "registry.site:5000" };
            var sw = Stopwatch.StartNew();
            var first = await new Deployer(client).DeployAsync(request);
            Console.WriteLine($"install of {apps} apps:                {sw.Elapsed.TotalSeconds:0.00} s ({first.Count(o => o.Result == AppResult.Installed)} installed)");
            for (var run = 1; run <= 3; run++)
            {
                sw.Restart();
                var again = await new Deployer(client).DeployAsync(request);
                Console.WriteLine($"no-op redeploy, in process (run {run}):  {sw.Elapsed.TotalSeconds:0.00} s ({again.Count(o => o.Result == AppResult.Unchanged)} unchanged)");
            }
            for (var run = 1; run <= 3; run++)
            {
                // what `ferry plan` does against the cluster: verify, render every app, compare with each deployed release
                sw.Restart();
                var env = await new DeployEnv(client).ReadAsync();
                var plan = await Planner.PlanAsync(bundle, "registry.site:5000", env, client);
                Console.WriteLine($"plan, in process (run {run}):            {sw.Elapsed.TotalSeconds:0.00} s ({plan.Apps.Count(a => a.Action == PlanAction.Unchanged)} unchanged)");
            }
            var kubeconfig = api.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
            for (var run = 1; run <= 3; run++)
            {
                sw.Restart();
                // the native executable a site runs (FERRY_NATIVE, as bench/scale.sh passes it), else the managed build
                string[] deploy = ["deploy", bundle, "--registry", "registry.site:5000", "--kubeconfig", kubeconfig];
                var native = Environment.GetEnvironmentVariable("FERRY_NATIVE");
                var psi = new ProcessStartInfo(native ?? "dotnet", native is not null ? deploy : [Path.Combine(AppContext.BaseDirectory, "ferry.dll"), .. deploy])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                using var p = Process.Start(psi)!;
                var output = await p.StandardOutput.ReadToEndAsync();
                await p.StandardError.ReadToEndAsync();
                await p.WaitForExitAsync();
                Console.WriteLine($"no-op redeploy, ferry deploy (run {run}): {sw.Elapsed.TotalSeconds:0.00} s (exit {p.ExitCode}, {output.Split('\n').Count(l => l.Contains(" unchanged ", StringComparison.Ordinal))} unchanged)");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
