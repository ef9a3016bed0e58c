using System.Net;
using System.Text.RegularExpressions;
using Ferry.Bundles;
using Ferry.Bundles.Tests;
using Ferry.Kube;
using Ferry.Kube.Tests;
using Ferry.Oci;
using Ferry.Registry;
using k8s;
using k8s.Models;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace Ferry.Web.Tests;

/// <summary>
/// The operator's day in a real browser (Debian's headless chromium, driven over CDP by PuppeteerSharp): sign in,
/// upload a bundle, fix the settings after the validation error, read the plan's diff, deploy with progress, see the
/// apps ready, upgrade to a v2 bundle, roll an app back, see why a broken app is not ready, read the audit log. The
/// site is a real registry (docker-registry) and the API simulator (or a real cluster: FERRY_TEST_KUBECONFIG). Every
/// page is saved as a screenshot under the test output (screenshots/), and every response the browser received is
/// scanned for the secret setting's value.
/// </summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string User = "operator";
    private const string Password = "a long operator passphrase";
    private const string Secret = "w0rker-S3CRET-value";

    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-console-browser-").FullName;
    private readonly List<(string Url, string Body)> _responses = [];
    private readonly string _screenshots = Environment.GetEnvironmentVariable("FERRY_SCREENSHOTS") is { Length: > 0 } s ? s
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    private ProductSources _product = null!;
    private Oci.Tests.Registry _site = null!;
    private KubeTarget _cluster = null!;
    private RegistryAccess _access = null!;
    private ConsoleServer _server = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium) || !Oci.Tests.Registry.Available)
        {
            return;
        }
        _product = new ProductSources();
        _site = Oci.Tests.Registry.Start();
        _cluster = KubeTarget.Create();
        await _cluster.CreateNamespaceAsync();
        var htpasswd = Path.Combine(_dir, "htpasswd");
        await File.WriteAllTextAsync(htpasswd, Htpasswd.Line(User, Password) + "\n");
        _access = new RegistryAccess(Htpasswd.Load(htpasswd));
        Directory.CreateDirectory(Path.Combine(_dir, "bundles"));
        _server = await ConsoleServer.StartAsync(new ConsoleOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Access = _access,
            Cluster = _cluster.Client,
            EnvNamespace = _cluster.Namespace,
            BundlesDir = Path.Combine(_dir, "bundles"),
            SiteRegistry = _site.Address,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            Deploy = _cluster.Deploy,
        });
        Directory.CreateDirectory(_screenshots);
        _browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        _page = await _browser.NewPageAsync();
        _page.DefaultTimeout = 60_000;
        await _page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        _page.Response += async (_, e) =>
        {
            try
            {
                var body = await e.Response.TextAsync();
                lock (_responses)
                {
                    _responses.Add((e.Response.Url, body));
                }
            }
            catch (PuppeteerException)
            {
                // a redirect or a page replaced before its body was read: it has no body to scan
            }
        };
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            _browser.Dispose();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _access?.Dispose();
        _cluster?.Dispose();
        _site?.Dispose();
        _product?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [SkippableFact]
    public async Task AnOperatorUploadsSetsUpPlansDeploysUpgradesAndRollsBack_InARealBrowser()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (./test.sh installs Debian's chromium)");
        Skip.IfNot(Oci.Tests.Registry.Available, "docker-registry is not installed (./test.sh installs it)");
        var v1 = await BuildAsync("acme-suite-2.3.0.ferry", version: null);
        var v2 = await BuildAsync("acme-suite-2.4.0.ferry", version: "2.4.0");

        await GoAsync("/");
        Assert.EndsWith("/login", _page.Url, StringComparison.Ordinal);
        await ShotAsync("01-login");
        await _page.TypeAsync("#user", User);
        await _page.TypeAsync("#password", Password);
        await ClickAndWaitAsync("button[type=submit]");
        var signedIn = await _page.GetContentAsync();
        Assert.True(signedIn.Contains("<h1>Overview</h1>", StringComparison.Ordinal), signedIn);

        // upload: streamed to the folder, verified, then shown with its apps, images and settings
        await UploadAsync(v1);
        var bundlePage = await _page.GetContentAsync();
        Assert.Contains("Verified: every file matches its checksum", bundlePage, StringComparison.Ordinal);
        Assert.Contains("WORKER_PASSWORD", bundlePage, StringComparison.Ordinal);
        Assert.Contains("acme/worker:1.4.2", bundlePage, StringComparison.Ordinal);
        await ShotAsync("02-bundle");

        // settings: a wrong value and a missing required one are refused together; then fixed and saved
        await GoAsync($"/settings?bundle={Path.GetFileName(v1)}");
        Assert.Contains("DOMAIN: required", await _page.GetContentAsync(), StringComparison.Ordinal);
        await _page.TypeAsync("[id='env.DOMAIN']", "Not A Host!");
        await ClickAndWaitAsync("form.settings button[type=submit]");
        var refused = await TextAsync("#problems");
        Assert.Contains("Nothing was saved", refused, StringComparison.Ordinal);
        Assert.Contains("DOMAIN: \"Not A Host!\" does not match", refused, StringComparison.Ordinal);
        Assert.Contains("WORKER_PASSWORD: required", refused, StringComparison.Ordinal);
        Assert.False((await new DeployEnv(_cluster.Client, _cluster.Namespace).ReadAsync()).Values.ContainsKey("DOMAIN"));
        await ShotAsync("03-settings-refused");
        await _page.EvaluateExpressionAsync("document.getElementById('env.DOMAIN').value = ''");
        await _page.TypeAsync("[id='env.DOMAIN']", "shop.site.local");
        await _page.TypeAsync("[id='env.WORKER_PASSWORD']", Secret);
        await ClickAndWaitAsync("form.settings button[type=submit]");
        var saved = await TextAsync("#message");
        Assert.Contains("DOMAIN: set to \"shop.site.local\"", saved, StringComparison.Ordinal);
        Assert.Contains("WORKER_PASSWORD: set (secret, 19 characters)", saved, StringComparison.Ordinal);
        var env = await new DeployEnv(_cluster.Client, _cluster.Namespace).ReadAsync();
        Assert.Equal(Secret, env.Values["WORKER_PASSWORD"]);
        Assert.Contains("WORKER_PASSWORD", env.SecretKeys);
        Assert.Equal("", await _page.EvaluateExpressionAsync<string>("document.getElementById('env.WORKER_PASSWORD').value"));
        await ShotAsync("04-settings-saved");

        // plan: three installs, each with its diff; then deploy, confirmed, with progress until it ends
        await GoAsync($"/plan?bundle={Path.GetFileName(v1)}");
        Assert.Equal(["install", "install", "install"], await ColumnAsync("#plan", 3));
        Assert.Contains("+kind: Deployment", await TextAsync("#diff-shop"), StringComparison.Ordinal);
        await ShotAsync("05-plan");
        await DeployAsync("06-deploy");
        Assert.Equal(["installed", "installed", "installed"], await ColumnAsync("#outcomes", 2));

        // the overview: every release deployed, its pods ready
        await GoAsync("/");
        var overview = await _page.GetContentAsync();
        Assert.DoesNotContain("Needs attention", overview, StringComparison.Ordinal);
        Assert.Equal(["deployed", "deployed", "deployed"], await ColumnAsync("#releases", 4));
        var pods = await ColumnAsync("#releases", 8);
        Assert.Contains(pods, ready => ready.Length > 0);
        Assert.All(pods, ready => Assert.Matches(@"^((\d+)/\2)?$", ready));
        await ShotAsync("07-overview");

        // upgrade to v2: the plan shows the change to shop, the rest unchanged
        await UploadAsync(v2);
        await GoAsync($"/plan?bundle={Path.GetFileName(v2)}");
        Assert.Equal(["upgrade", "unchanged", "unchanged"], await ColumnAsync("#plan", 3));
        Assert.Matches(new Regex(@"^\+.*RELEASE_CHANNEL", RegexOptions.Multiline), await TextAsync("#diff-shop"));
        await ShotAsync("08-plan-v2");
        await DeployAsync("09-deploy-v2");
        Assert.Equal(["upgraded", "unchanged", "unchanged"], await ColumnAsync("#outcomes", 2));

        // roll shop back to revision 1 (confirmed), as ferry rollback does
        await GoAsync("/releases/acme/shop");
        await _page.ClickAsync("form[action='/releases/acme/shop/rollback'] input[name=confirm]");
        await ClickAndWaitAsync("form[action='/releases/acme/shop/rollback'] button");
        Assert.Contains("shop is now revision 3", await TextAsync("#message"), StringComparison.Ordinal);
        await ShotAsync("10-history-rolled-back");
        var shop = await new ReleaseStore(_cluster.Client).DeployedAsync("shop", "acme");
        Assert.Equal(3, shop!.Version);
        Assert.DoesNotContain("RELEASE_CHANNEL", shop.Manifest, StringComparison.Ordinal);

        // an app whose image cannot be pulled: the overview says so, and why
        await BreakShopAsync();
        await PollAsync("/", html => html.Contains("ImagePullBackOff", StringComparison.Ordinal));
        Assert.Contains("Back-off pulling image", await TextAsync("#releases"), StringComparison.Ordinal);
        Assert.Contains("Not every pod is ready in acme/shop", await TextAsync("#attention"), StringComparison.Ordinal);
        await ShotAsync("11-overview-failing");

        await GoAsync("/audit");
        var actions = (await ColumnAsync("#audit", 3)).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["sign-in", "upload", "settings", "deploy started", "deploy", "rollback"]), actions);
        Assert.All(await ColumnAsync("#audit", 2), user => Assert.Equal(User, user));
        await ShotAsync("12-audit");

        // no response the browser received carries the secret value
        lock (_responses)
        {
            Assert.True(_responses.Count >= 15, $"only {_responses.Count} responses were scanned");
            Assert.DoesNotContain(_responses, r => r.Body.Contains(Secret, StringComparison.Ordinal));
            output.WriteLine($"{_responses.Count} responses scanned; screenshots in {_screenshots}");
        }
    }

    private async Task<string> BuildAsync(string name, string? version)
    {
        var spec = _product.ExampleSpec;
        if (version is not null)
        {
            // v2: a new version whose shop gets one more environment variable (its images unchanged)
            var dir = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(spec))!, "bundle-v2");
            CopyDir(Path.GetDirectoryName(spec)!, dir);
            spec = Path.Combine(dir, "ferry.yaml");
            await File.WriteAllTextAsync(spec, (await File.ReadAllTextAsync(spec)).Replace("version: 2.3.0", $"version: {version}", StringComparison.Ordinal));
            var shop = Path.Combine(dir, "apps", "shop", "values.yaml.tmpl");
            await File.WriteAllTextAsync(shop, (await File.ReadAllTextAsync(shop))
                .Replace("tag: {{ .Bundle.Version | quote }}", "tag: \"2.3.0\"", StringComparison.Ordinal) + "  RELEASE_CHANNEL: \"v2\"\n");
        }
        var output = Path.Combine(_dir, name);
        await BundleBuilder.BuildAsync(new BundleBuildOptions
        {
            SpecPath = spec,
            Output = output,
            Registry = new RegistryOptions { Insecure = true, MaxAttempts = 2 },
            EnvOverrides = new Dictionary<string, string> { ["IMAGE_SOURCE"] = $"{_product.Registry.Address}/acme" },
        });
        return output;
    }

    private static void CopyDir(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private async Task UploadAsync(string bundle)
    {
        await GoAsync("/bundles");
        var input = await _page.QuerySelectorAsync("#bundle-file");
        await input.UploadFileAsync(bundle);
        await ClickAndWaitAsync("form[enctype='multipart/form-data'] button[type=submit]");
        Assert.EndsWith("/bundles/" + Path.GetFileName(bundle), _page.Url, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "bundles", Path.GetFileName(bundle))));
    }

    /// <summary>Ticks the plan's confirmation, deploys, watches the progress page until the deploy ends.</summary>
    private async Task DeployAsync(string shot)
    {
        await _page.ClickAsync("#deploy input[name=confirm]");
        await ClickAndWaitAsync("#deploy button[type=submit]");
        Assert.EndsWith("/deploy", _page.Url, StringComparison.Ordinal);
        await PollAsync("/deploy", html => !html.Contains(": running (started by", StringComparison.Ordinal), navigate: false);
        Assert.Contains("succeeded", await TextAsync("#state"), StringComparison.Ordinal);
        Assert.Contains("shop", await TextAsync("#log"), StringComparison.Ordinal);
        await ShotAsync(shot);
    }

    /// <summary>Changes the shop's image to one no node can pull, as a hand edit on the site would.</summary>
    private async Task BreakShopAsync()
    {
        var patch = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"shop\",\"image\":\"" + KubeTarget.UnpullableImage +
            "\"}]}}}}";
        await _cluster.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "apps", "v1",
            "acme", "deployments", "shop-shop");
    }

    private async Task PollAsync(string path, Func<string, bool> done, bool navigate = true)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            if (navigate)
            {
                await GoAsync(path);
            }
            string html;
            try
            {
                html = await _page.GetContentAsync();
            }
            catch (PuppeteerException)
            {
                await Task.Delay(200); // the page reloaded itself while being read
                continue;
            }
            if (done(html))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not reach the expected state:\n{html}");
            await Task.Delay(300);
        }
    }

    private async Task GoAsync(string path)
    {
        var response = await _page.GoToAsync(_server.Url + path, WaitUntilNavigation.Load);
        Assert.True(response.Ok, $"{path}: {(int)response.Status} {await response.TextAsync()}");
    }

    private async Task ClickAndWaitAsync(string selector)
    {
        var navigation = _page.WaitForNavigationAsync(new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
        await _page.ClickAsync(selector);
        await navigation;
    }

    private Task<string> TextAsync(string selector) => _page.QuerySelectorAsync(selector).EvaluateFunctionAsync<string>("e => e.innerText");

    /// <summary>The text of one column (1-based) of a table's rows after its header.</summary>
    private Task<string[]> ColumnAsync(string table, int column) => _page.EvaluateFunctionAsync<string[]>(
        "(t, c) => [...document.querySelectorAll(t + ' tr')].slice(1).map(r => r.cells[c - 1].innerText.trim())", table, column);

    private async Task ShotAsync(string name)
    {
        var file = Path.Combine(_screenshots, name + ".png");
        await _page.ScreenshotAsync(file, new ScreenshotOptions { FullPage = true });
        output.WriteLine($"screenshot {file}");
    }
}
