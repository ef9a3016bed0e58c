using Ferry.Bundles;
using Ferry.Kube;
using Microsoft.AspNetCore.Http;

namespace Ferry.Web;

/// <summary>
/// The plan and deploy pages. Both call what <c>ferry plan</c> and <c>ferry deploy</c> call (<see cref="Planner"/>,
/// <see cref="Deployer"/>); a deploy runs on the server's lifetime and takes the product's deploy lock in the cluster,
/// so it and a deploy from the CLI exclude each other, and closing the browser does not stop it.
/// </summary>
public sealed partial class ConsoleServer
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _runLock = new();
    private DeployRun? _run;

    /// <summary>The deploy started here last (running or finished), or null.</summary>
    internal DeployRun? CurrentDeploy => _run;

    private async Task PlanAsync(HttpContext ctx, ConsoleSession session)
    {
        var ct = ctx.RequestAborted;
        var name = ctx.Request.Query["bundle"].ToString();
        if (Unready(name) is { } why)
        {
            await HtmlAsync(ctx, 409, ConsolePages.Problem(session, why)).ConfigureAwait(false);
            return;
        }
        var cluster = _options.Cluster!;
        var env = await new DeployEnv(cluster, _options.EnvNamespace).ReadAsync(ct).ConfigureAwait(false);
        DeployPlan plan;
        try
        {
            var path = _shelf!.Find(name)!;
            plan = await Planner.PlanAsync(path, _options.SiteRegistry!, env, cluster, _options.PublicKey, _options.EnvNamespace, null, ct)
                .ConfigureAwait(false);
        }
        catch (BundleException e)
        {
            // what keeps this bundle from deploying here (settings, preflight, signature): the page says it and links to settings
            await HtmlAsync(ctx, 422, ConsolePages.PlanRefused(session, name, e.Message)).ConfigureAwait(false);
            return;
        }
        await HtmlAsync(ctx, 200, ConsolePages.Plan(session, name, plan, _run is { Running: true })).ConfigureAwait(false);
    }

    /// <summary>Why bundle <paramref name="name"/> cannot be planned or deployed from this console, or null.</summary>
    private string? Unready(string? name) =>
        _options.Cluster is null ? "No cluster is configured: start the console with the site's kubeconfig."
        : _options.SiteRegistry is null ? "No site registry is configured: start the console with --registry HOST[:PORT][/PREFIX]."
        : _shelf is null ? "No bundle folder is configured: start the console with --bundles DIR."
        : _shelf.Find(name) is null ? $"There is no bundle \"{name}\" in the bundle folder: pick one on the Bundles page."
        : null;

    /// <summary>GET: the deploy started here (progress while it runs). POST: starts one, once confirmed.</summary>
    private async Task DeployAsync(HttpContext ctx, ConsoleSession session, bool post)
    {
        if (!post)
        {
            await HtmlAsync(ctx, 200, ConsolePages.Deploy(session, _run)).ConfigureAwait(false);
            return;
        }
        var form = (await FormAsync(ctx).ConfigureAwait(false))!;
        var name = form["bundle"].ToString();
        if (Unready(name) is { } why)
        {
            await HtmlAsync(ctx, 409, ConsolePages.Problem(session, why)).ConfigureAwait(false);
            return;
        }
        if (form["confirm"] != "yes")
        {
            Redirect(ctx, "/plan?bundle=" + Uri.EscapeDataString(name) + "#deploy");
            return;
        }
        DeployRun run;
        lock (_runLock)
        {
            if (_run is { Running: true })
            {
                Redirect(ctx, "/deploy"); // one at a time: show the one running
                return;
            }
            run = _run = new DeployRun(name, session.User, _options.Clock.GetUtcNow());
        }
        await AuditAsync(session.User, "deploy started", name, ctx.RequestAborted).ConfigureAwait(false);
        _ = Task.Run(() => RunDeployAsync(run, _shelf!.Find(name)!));
        Redirect(ctx, "/deploy");
    }

    private async Task RunDeployAsync(DeployRun run, string path)
    {
        var ct = _stopping.Token;
        await run.RunAsync(r => new Deployer(_options.Cluster!).DeployAsync(new DeployRequest
        {
            Bundle = path,
            SiteRegistry = _options.SiteRegistry!,
            Registry = _options.Registry,
            EnvNamespace = _options.EnvNamespace,
            PublicKey = _options.PublicKey,
            Options = _options.Deploy,
            Log = r,
            ImageProgress = r,
        }, ct)).ConfigureAwait(false);
        await AuditAsync(run.User, run.Succeeded ? "deploy" : "deploy failed", $"{run.Bundle}: {run.Summary}", CancellationToken.None)
            .ConfigureAwait(false);
    }
}
