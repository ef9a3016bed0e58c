using System.Globalization;
using System.Text;
using Ferry.Bundles;

namespace Ferry.Web;

/// <summary>The plan (what a deploy would do, with diffs) and the deploy's progress.</summary>
internal static partial class ConsolePages
{
    public static string Plan(ConsoleSession session, string name, DeployPlan plan, bool deployRunning)
    {
        var body = new StringBuilder($"<h1>Plan: {E(plan.Bundle)}</h1>\n");
        var notPassed = plan.Preflight.Where(c => c.Status is PreflightCheck.Warn or PreflightCheck.Fail).ToList();
        body.Append(notPassed.Count == 0
            ? $"<p class=\"ok\">Preflight: {plan.Preflight.Count(c => c.Status == PreflightCheck.Pass)} checks passed.</p>\n"
            : "<h2>Preflight</h2>\n<ul id=\"preflight\">" + string.Concat(notPassed.Select(c =>
                $"<li class=\"{(c.Status == PreflightCheck.Fail ? "bad" : "")}\">{E(c.Status)}: {E(c.ToString())}</li>")) + "</ul>\n");
        body.Append("<h2>Apps</h2>\n<table id=\"plan\"><tr><th>App</th><th>Namespace</th><th>Action</th><th>Chart</th><th>Objects</th>" +
            "<th>Hooks</th><th>Deployed revision</th></tr>\n");
        foreach (var p in plan.Apps)
        {
            var css = p.Action == PlanAction.Unchanged ? "" : "bad";
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(p.App)}</td><td>{E(p.Namespace)}</td><td class=\"{css}\">{E(p.ActionName)}</td>" +
                $"<td>{E(p.Chart)}</td><td>{p.Objects}</td><td>{p.Hooks}</td><td>{p.DeployedRevision}</td></tr>\n");
        }
        body.Append("</table>\n<h2>Settings changes since the last deploy</h2>\n");
        List(body, plan.EnvChanges, "none", "env-changes");
        body.Append(CultureInfo.InvariantCulture, $"<h2>Images ({plan.Images.Count}, pushed to the site registry; blobs it has are skipped)</h2>\n");
        List(body, plan.Images, "none", "images");
        foreach (var p in plan.Apps.Where(p => p.Conflicts.Count > 0))
        {
            body.Append($"<h2>Conflicts in {E(p.App)}</h2>\n<p>Changed outside ferry; the deploy stops here " +
                "(the CLI's --force-conflicts takes these fields over).</p>\n");
            List(body, p.Conflicts, "", $"conflicts-{p.App}");
        }
        body.Append("<h2>Changes</h2>\n");
        foreach (var p in plan.Apps)
        {
            body.Append(CultureInfo.InvariantCulture, $"<h3>{E(p.App)}: {E(p.ActionName)}</h3>\n");
            body.Append(p.Note.Length > 0 ? $"<p>{E(p.Note)}.</p>\n" : p.Diff.Length == 0 ? "<p>No change.</p>\n"
                : $"<pre class=\"diff\" id=\"diff-{E(p.App)}\">{Diff(p.Diff)}</pre>\n");
        }
        body.Append(deployRunning
            ? "<p id=\"deploy\">A deploy is running: follow it on the <a href=\"/deploy\">Deploy</a> page.</p>\n"
            : $"""
                <form id="deploy" method="post" action="/deploy"><input type="hidden" name="_csrf" value="{E(session.CsrfToken)}">
                <input type="hidden" name="bundle" value="{E(name)}">
                <label><input type="checkbox" name="confirm" value="yes"> I have read the plan: deploy {E(plan.Bundle)} now</label>
                <button type="submit">Deploy</button></form>

                """);
        return Document($"Plan {name}", body.ToString(), session);
    }

    /// <summary>Why the bundle cannot be deployed with the site as it is (settings, preflight, signature).</summary>
    public static string PlanRefused(ConsoleSession session, string name, string why)
    {
        var body = new StringBuilder($"<h1>Plan: {E(name)}</h1>\n");
        var lines = why.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Alert(body, lines);
        body.Append($"<p>Fix the <a href=\"/settings?bundle={E(Uri.EscapeDataString(name))}\">settings</a> " +
            "or the site, then plan again.</p>\n");
        return Document($"Plan {name}", body.ToString(), session);
    }

    /// <summary>The deploy started here: its steps and image pushes while it runs (the page reloads itself), then each app's outcome.</summary>
    public static string Deploy(ConsoleSession session, DeployRun? run)
    {
        var body = new StringBuilder("<h1>Deploy</h1>\n");
        if (run is null)
        {
            body.Append("<p>No deploy was started from this console since it started. Pick a bundle on the <a href=\"/bundles\">Bundles</a> page, " +
                "plan it and deploy; the <a href=\"/\">overview</a> shows every product's last deploy.</p>\n");
            return Document("Deploy", body.ToString(), session);
        }
        var state = run.Running ? "running" : run.Succeeded ? "succeeded" : "failed";
        body.Append(CultureInfo.InvariantCulture, $"<p id=\"state\" class=\"{(run.Running ? "" : run.Succeeded ? "ok" : "bad")}\">{E(run.Bundle)}: " +
            $"{state} (started by {E(run.User)} at {run.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)</p>\n");
        if (run.Refusal is { } refusal)
        {
            Alert(body, refusal.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
        if (run.Outcomes.Count > 0)
        {
            body.Append("<table id=\"outcomes\"><tr><th>App</th><th>Result</th><th>Revision</th><th>Detail</th></tr>\n");
            foreach (var o in run.Outcomes)
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(o.App)}</td><td class=\"{(o.Failed ? "bad" : "ok")}\">{E(o.ResultName)}</td>" +
                    $"<td>{o.Revision}</td><td>{E(o.Detail)}</td></tr>\n");
            }
            body.Append("</table>\n");
        }
        var images = run.Images;
        if (images.Count > 0)
        {
            body.Append("<h2>Images</h2>\n<table id=\"pushes\">\n");
            foreach (var (image, done, total) in images)
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(image)}</td><td><progress value=\"{done}\" max=\"{Math.Max(total, 1)}\">" +
                    $"</progress></td><td>{Size(done)} of {Size(total)}</td></tr>\n");
            }
            body.Append("</table>\n");
        }
        body.Append("<h2>Steps</h2>\n<pre id=\"log\">").Append(E(string.Join("\n", run.Lines))).Append("</pre>\n");
        if (run.Running)
        {
            body.Append("<p><small>This page reloads every second while the deploy runs; closing it does not stop the deploy.</small></p>\n");
        }
        return Document("Deploy", body.ToString(), session, refreshSeconds: run.Running ? 1 : 0);
    }

    private static void List(StringBuilder body, IReadOnlyList<string> items, string none, string id)
    {
        body.Append(items.Count == 0 ? $"<p>{E(none)}</p>\n"
            : $"<ul id=\"{E(id)}\">" + string.Concat(items.Select(i => $"<li>{E(i)}</li>")) + "</ul>\n");
    }

    /// <summary>A unified diff, escaped, with added, removed and hunk lines marked.</summary>
    private static string Diff(string diff) => string.Join("\n", diff.TrimEnd('\n').Split('\n').Select(line => line switch
    {
        ['+', '+', '+', ..] or ['-', '-', '-', ..] => $"<b>{E(line)}</b>",
        ['+', ..] => $"<span class=\"add\">{E(line)}</span>",
        ['-', ..] => $"<span class=\"del\">{E(line)}</span>",
        ['@', '@', ..] => $"<span class=\"hunk\">{E(line)}</span>",
        _ => E(line),
    }));
}
