using System.Globalization;
using System.Net;
using System.Text;
using Ferry.Kube;

namespace Ferry.Web;

/// <summary>
/// The console's pages as server-rendered HTML. Every value from the cluster, a bundle or a request goes through
/// <see cref="E"/> (HTML-escaped), so an app named <c>&lt;script&gt;</c> shows as text; no page runs a script.
/// </summary>
internal static partial class ConsolePages
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
        header{background:#1d2733;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
        header a{color:#cfe3ff;text-decoration:none}header form{margin-left:auto}
        main{padding:1.2rem;max-width:72rem}table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e1e6ee}th{background:#eef2f7}
        .attention{background:#fff4e5;border:1px solid #f0b45b;padding:.6rem;margin-bottom:1rem}
        .bad{color:#b3261e;font-weight:600}.ok{color:#1b7f3b}.error{color:#b3261e}
        form.login{background:#fff;padding:1.2rem;max-width:22rem;margin:3rem auto;border:1px solid #e1e6ee}
        form.login label{display:block;margin:.6rem 0 .2rem}form.login input{width:100%;padding:.35rem}
        pre.diff{background:#fff;border:1px solid #e1e6ee;padding:.6rem;overflow:auto;font-size:.85rem}
        .add{color:#1b7f3b}.del{color:#b3261e}.hunk{color:#6b4fbb}
        form.settings label{display:block;font-weight:600;margin-top:.8rem}form.settings input[type=text],
        form.settings input[type=password]{width:28rem;max-width:100%;padding:.3rem}small{color:#56606b}
        progress{width:16rem}section{margin-bottom:1.4rem}
        """;

    /// <summary>HTML-escapes a value (&amp;, &lt;, &gt;, quotes).</summary>
    public static string E(string? value) => WebUtility.HtmlEncode(value ?? "");

    public static string Login(string loginToken, string? error) => Document("Sign in", $"""
        <form class="login" method="post" action="/login">
        <h1>Ferry console</h1>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
        <input type="hidden" name="_csrf" value="{E(loginToken)}">
        <label for="user">User</label><input id="user" name="user" autocomplete="username" required autofocus>
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <p><button type="submit">Sign in</button></p>
        </form>
        """);

    public static string Overview(ConsoleSession session, SiteStatus? status, string? problem,
        IReadOnlyDictionary<string, IReadOnlyList<WorkloadHealth>>? health = null)
    {
        var body = new StringBuilder("<h1>Overview</h1>\n");
        if (problem is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(E(problem)).Append("</p>\n");
        }
        if (status is not null)
        {
            var notReady = (health ?? new Dictionary<string, IReadOnlyList<WorkloadHealth>>())
                .Where(kv => kv.Value.Any(w => w.Problems.Count > 0 || w.Ready < w.Total)).Select(kv => kv.Key)
                .Order(StringComparer.Ordinal).ToList();
            if (status.NeedsAttention || notReady.Count > 0)
            {
                body.Append("<div class=\"attention\" role=\"alert\" id=\"attention\">Needs attention: ")
                    .Append(status.NeedsAttention ? "a release is not deployed, or a deploy failed or stopped before finishing. " : "")
                    .Append(notReady.Count > 0 ? $"Not every pod is ready in {E(string.Join(", ", notReady))} (the reasons are below)." : "")
                    .Append("</div>\n");
            }
            Releases(body, status, health ?? new Dictionary<string, IReadOnlyList<WorkloadHealth>>());
            Deploys(body, status);
        }
        body.Append("<p><small>This page updates every 10 seconds.</small></p>\n");
        return Document("Overview", body.ToString(), session, refreshSeconds: 10);
    }

    private static void Releases(StringBuilder body, SiteStatus status, IReadOnlyDictionary<string, IReadOnlyList<WorkloadHealth>> health)
    {
        body.Append("<h2>Releases</h2>\n<table id=\"releases\"><tr><th>Name</th><th>Namespace</th><th>Revision</th><th>Status</th>" +
            "<th>Chart</th><th>App version</th><th>Updated (UTC)</th><th>Pods ready</th></tr>\n");
        foreach (var r in status.Releases)
        {
            var state = r.Info.Status == Charts.Releases.ReleaseStatus.Deployed ? "ok" : "bad";
            body.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"/releases/{E(Uri.EscapeDataString(r.Namespace))}/" +
                $"{E(Uri.EscapeDataString(r.Name))}\">{E(r.Name)}</a></td><td>{E(r.Namespace)}</td><td>{r.Version}</td>" +
                $"<td class=\"{state}\">{E(r.Info.Status)}</td><td>{E(r.ChartName)}-{E(r.ChartVersion)}</td><td>{E(r.AppVersion)}</td>" +
                $"<td>{r.Info.LastDeployed.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>" +
                $"<td>{Pods(health.GetValueOrDefault($"{r.Namespace}/{r.Name}"))}</td></tr>\n");
        }
        if (status.Releases.Count == 0)
        {
            body.Append("<tr><td colspan=\"8\">No releases yet.</td></tr>\n");
        }
        body.Append("</table>\n");
    }

    /// <summary>Pods ready of all across the release's workloads, and each problem (escaped) of those not ready.</summary>
    private static string Pods(IReadOnlyList<WorkloadHealth>? workloads)
    {
        if (workloads is null || workloads.Count == 0)
        {
            return "";
        }
        var (ready, total) = (workloads.Sum(w => w.Ready), workloads.Sum(w => w.Total));
        var problems = workloads.SelectMany(w => w.Problems).ToList();
        var css = problems.Count == 0 && ready == total ? "ok" : "bad";
        return $"<span class=\"{css}\">{ready}/{total}</span>" + string.Concat(problems.Select(p => $"<br><small>{E(p)}</small>"));
    }

    private static void Deploys(StringBuilder body, SiteStatus status)
    {
        body.Append("<h2>Last deploys</h2>\n<table id=\"deploys\"><tr><th>Product</th><th>Bundle</th><th>State</th><th>Started (UTC)</th>" +
            "<th>Summary</th></tr>\n");
        foreach (var j in status.Deploys)
        {
            var state = status.Stalled.Contains(j.Product) ? "stopped before finishing" : j.State;
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(j.Product)}</td><td>{E(j.Bundle)}</td><td>{E(state)}</td>" +
                $"<td>{j.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td><td>{E(j.Summary)}</td></tr>\n");
        }
        if (status.Deploys.Count == 0)
        {
            body.Append("<tr><td colspan=\"5\">No deploys yet.</td></tr>\n");
        }
        body.Append("</table>\n");
    }

    /// <summary>A release's revisions, newest first, each older one with a confirmed rollback form.</summary>
    public static string History(ConsoleSession session, string ns, string name, IReadOnlyList<Charts.Releases.Release> history, string? message)
    {
        var body = new StringBuilder($"<h1>History of {E(ns)}/{E(name)}</h1>\n");
        if (message is not null)
        {
            body.Append("<p role=\"status\" id=\"message\">").Append(E(message)).Append("</p>\n");
        }
        body.Append("<table id=\"history\"><tr><th>Revision</th><th>Updated (UTC)</th><th>Status</th><th>Chart</th><th>App version</th>" +
            "<th>Description</th><th></th></tr>\n");
        var current = history.Count == 0 ? 0 : history[^1].Version;
        foreach (var r in history.Reverse())
        {
            var rollback = r.Version == current ? "" : $"""
                <form method="post" action="/releases/{E(Uri.EscapeDataString(ns))}/{E(Uri.EscapeDataString(name))}/rollback">
                <input type="hidden" name="_csrf" value="{E(session.CsrfToken)}"><input type="hidden" name="revision" value="{r.Version}">
                <label><input type="checkbox" name="confirm" value="yes"> confirm</label>
                <button type="submit">Roll back to {r.Version}</button></form>
                """;
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.Version}</td><td>{r.Info.LastDeployed.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>" +
                $"<td>{E(r.Info.Status)}</td><td>{E(r.ChartName)}-{E(r.ChartVersion)}</td><td>{E(r.AppVersion)}</td>" +
                $"<td>{E(r.Info.Description)}</td><td>{rollback}</td></tr>\n");
        }
        body.Append("</table>\n<p>Uninstalling is not offered here.</p>\n");
        return Document($"History of {name}", body.ToString(), session);
    }

    /// <summary>The audit log, newest first.</summary>
    public static string Audit(ConsoleSession session, IReadOnlyList<AuditEntry> entries)
    {
        var body = new StringBuilder("<h1>Audit log</h1>\n<table id=\"audit\"><tr><th>Time (UTC)</th><th>User</th><th>Action</th>" +
            "<th>Detail</th></tr>\n");
        foreach (var e in entries.Reverse())
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{e.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td><td>{E(e.User)}</td>" +
                $"<td>{E(e.Action)}</td><td>{E(e.Detail)}</td></tr>\n");
        }
        body.Append("</table>\n");
        return Document("Audit log", body.ToString(), session);
    }

    public static string Problem(ConsoleSession session, string message) =>
        Document("Problem", $"<h1>This page cannot be shown</h1><p class=\"error\" role=\"alert\">{E(message)}</p>", session);

    public static string NotFound(ConsoleSession session) => Document("Not found", "<h1>Not found</h1><p>No such page.</p>", session);

    /// <summary>A whole page; <paramref name="refreshSeconds"/> reloads it (live views, without any script).</summary>
    private static string Document(string title, string body, ConsoleSession? session = null, int refreshSeconds = 0) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{E(title)} · Ferry console</title>{(refreshSeconds > 0
            ? $"<meta http-equiv=\"refresh\" content=\"{refreshSeconds}\">" : "")}
        <meta name="viewport" content="width=device-width, initial-scale=1"><style>{Style}</style></head>
        <body>{(session is null ? "" : Header(session))}<main>
        {body}
        </main></body></html>
        """;

    private static string Header(ConsoleSession session) => $"""
        <header><strong>Ferry</strong><a href="/">Overview</a><a href="/bundles">Bundles</a><a href="/settings">Settings</a>
        <a href="/deploy">Deploy</a><a href="/audit">Audit log</a>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="{E(session.CsrfToken)}">
        <span>{E(session.User)}</span> <button type="submit">Sign out</button></form></header>
        """;
}
