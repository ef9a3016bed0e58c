using System.Globalization;
using System.Text;
using Ferry.Bundles.Format;
using Ferry.Kube;

namespace Ferry.Web;

/// <summary>The bundle folder's pages and the settings form.</summary>
internal static partial class ConsolePages
{
    public static string Bundles(ConsoleSession session, BundleShelf? shelf, IReadOnlyList<string>? problems)
    {
        var body = new StringBuilder("<h1>Bundles</h1>\n");
        Alert(body, problems);
        if (shelf is null)
        {
            body.Append("<p>No bundle folder is configured: start the console with --bundles DIR.</p>\n");
            return Document("Bundles", body.ToString(), session);
        }
        body.Append(CultureInfo.InvariantCulture, $"""
            <section><h2>Upload a bundle</h2>
            <form method="post" action="/bundles" enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value="{E(session.CsrfToken)}">
            <input type="file" id="bundle-file" name="bundle" required> <button type="submit">Upload</button></form>
            <p><small>The file streams to {E(shelf.Dir)} and is listed once its checksums verify; an upload that breaks off leaves
            nothing behind: upload it again.</small></p></section>
            <h2>In the folder</h2>
            <table id="bundles"><tr><th>File</th><th>Size</th><th>Modified (UTC)</th></tr>

            """);
        var bundles = shelf.List();
        foreach (var b in bundles)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"/bundles/{E(Uri.EscapeDataString(b.Name))}\">{E(b.Name)}</a></td>" +
                $"<td>{Size(b.Size)}</td><td>{b.Modified.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td></tr>\n");
        }
        if (bundles.Count == 0)
        {
            body.Append("<tr><td colspan=\"3\">No bundles yet.</td></tr>\n");
        }
        body.Append("</table>\n");
        return Document("Bundles", body.ToString(), session);
    }

    /// <summary>One bundle: what verification found and, when verified, its apps, images and env schema.</summary>
    public static string Bundle(ConsoleSession session, string name, ShelfCheck check, BundleManifest? manifest, bool canDeploy)
    {
        var body = new StringBuilder($"<h1>Bundle {E(name)}</h1>\n");
        if (check.Verified)
        {
            body.Append("<p class=\"ok\" id=\"verified\">Verified: every file matches its checksum").Append(check.SignedBy.Length > 0
                ? $", and it is signed by {E(check.SignedBy)}.</p>\n"
                : ". The site's policy accepts unsigned bundles (no key in ConfigMap ferry-policy).</p>\n");
        }
        else
        {
            Alert(body, ["Verification failed: this bundle cannot be deployed. Get a fresh copy from the vendor.", .. check.Problems]);
        }
        if (manifest is null)
        {
            return Document($"Bundle {name}", body.ToString(), session);
        }
        var q = Uri.EscapeDataString(name);
        body.Append($"<p>{E(manifest.Name)} {E(manifest.Version)} · platforms {E(string.Join(", ", manifest.Platforms))}" +
            $" · <a href=\"/settings?bundle={E(q)}\">Settings for this bundle</a>" +
            (canDeploy ? $" · <a href=\"/plan?bundle={E(q)}\">Plan and deploy</a>" : " · plan and deploy need --registry") + "</p>\n");
        body.Append("<h2>Apps</h2>\n<table id=\"apps\"><tr><th>App</th><th>Namespace</th><th>Chart</th><th>Depends on</th><th>Images</th></tr>\n");
        foreach (var a in manifest.Apps ?? [])
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(a.Name)}</td><td>{E(a.Namespace)}</td><td>{E(a.Chart?.Name)} " +
                $"{E(a.Chart?.Version)}</td><td>{E(string.Join(", ", a.DependsOn))}</td><td>{a.Images.Count}</td></tr>\n");
        }
        body.Append("</table>\n<h2>Images</h2>\n<table id=\"images\"><tr><th>Image</th><th>Digest</th><th>Size</th><th>Used by</th></tr>\n");
        foreach (var i in manifest.Images)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(i.Ref)}</td><td><small>{E(i.Digest)}</small></td><td>{Size(i.Size)}</td>" +
                $"<td>{E(string.Join(", ", i.Sources.Select(s => s.App).Distinct()))}</td></tr>\n");
        }
        body.Append(CultureInfo.InvariantCulture, $"<tr><th colspan=\"2\">{manifest.Images.Count} images</th>" +
            $"<th>{Size(manifest.Images.Sum(i => i.Size))}</th><th></th></tr>\n</table>\n");
        body.Append("<h2>Settings it reads</h2>\n<table id=\"env\"><tr><th>Key</th><th>Required</th><th>Secret</th><th>Default</th><th>Pattern</th>" +
            "<th>Description</th></tr>\n");
        foreach (var v in manifest.Env)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(v.Name)}</td><td>{(v.Required ? "yes" : "")}</td>" +
                $"<td>{(v.Secret ? "yes" : "")}</td><td>{E(v.Default)}</td><td><code>{E(v.Pattern)}</code></td><td>{E(v.Description)}</td></tr>\n");
        }
        body.Append("</table>\n");
        return Document($"Bundle {name}", body.ToString(), session);
    }

    /// <summary>The settings form; a secret field is always empty (its value never leaves the cluster).</summary>
    public static string Settings(ConsoleSession session, SettingsView view)
    {
        var body = new StringBuilder("<h1>Settings</h1>\n");
        body.Append(CultureInfo.InvariantCulture, $"<p><small>The site's deploy-env (ConfigMap and Secret); each save first keeps the previous " +
            $"content in {E(DeployEnv.BackupName)}.</small></p>\n");
        if (view.Message.Count > 0)
        {
            body.Append("<ul role=\"status\" id=\"message\">").Append(string.Concat(view.Message.Select(m => $"<li>{E(m)}</li>"))).Append("</ul>\n");
        }
        Alert(body, view.Problems.Count == 0 ? null
            : [view.Entered is null ? "These keep the bundle from deploying:" : "Nothing was saved; fix these and save again:", .. view.Problems]);
        if (view.Bundle is null)
        {
            body.Append("<p>Upload or pick a bundle first: the form shows the settings it declares.</p>\n");
            return Document("Settings", body.ToString(), session);
        }
        body.Append(CultureInfo.InvariantCulture, $"""
            <p>Settings declared by <a href="/bundles/{E(Uri.EscapeDataString(view.Bundle))}">{E(view.Bundle)}</a>.</p>
            <form class="settings" method="post" action="/settings">
            <input type="hidden" name="_csrf" value="{E(session.CsrfToken)}"><input type="hidden" name="bundle" value="{E(view.Bundle)}">

            """);
        foreach (var v in view.Schema)
        {
            Field(body, v, view);
        }
        body.Append("<p><button type=\"submit\">Save settings</button></p></form>\n");
        var others = view.Site.Values.Keys.Where(k => view.Schema.All(v => v.Name != k)).Order(StringComparer.Ordinal).ToList();
        if (others.Count > 0)
        {
            body.Append("<p><small>Also set, not read by this bundle: ").Append(E(string.Join(", ", others))).Append("</small></p>\n");
        }
        return Document("Settings", body.ToString(), session);
    }

    private static void Field(StringBuilder body, Bundles.EnvVar v, SettingsView view)
    {
        var id = E(ConsoleServer.EnvField + v.Name);
        var secret = v.Secret || view.Site.SecretKeys.Contains(v.Name);
        var notes = new List<string>();
        if (v.Description.Length > 0)
        {
            notes.Add(v.Description);
        }
        if (v.Default is { } d)
        {
            notes.Add($"default: {d}");
        }
        if (v.Pattern is { } p)
        {
            notes.Add($"must match {p}");
        }
        var flags = (v.Required && v.Default is null ? " <span class=\"bad\">required</span>" : "") + (secret ? " (secret)" : "");
        body.Append(CultureInfo.InvariantCulture, $"<label for=\"{id}\">{E(v.Name)}{flags}</label>" +
            $"<small>{E(string.Join("; ", notes))}</small><br>\n");
        if (secret)
        {
            var stored = view.Site.Values.TryGetValue(v.Name, out var s) ? $"set ({s.Length} characters): leave empty to keep it" : "not set";
            var again = view.Entered is not null ? "; enter it again" : "";
            body.Append(CultureInfo.InvariantCulture, $"<input type=\"password\" id=\"{id}\" name=\"{id}\" autocomplete=\"new-password\" " +
                $"placeholder=\"{E(stored + again)}\">\n");
            return;
        }
        var value = (view.Entered ?? view.Site).Values.GetValueOrDefault(v.Name);
        body.Append(CultureInfo.InvariantCulture, $"<input type=\"text\" id=\"{id}\" name=\"{id}\" value=\"{E(value)}\"" +
            $"{(v.Default is { } dv ? $" placeholder=\"{E(dv)}\"" : "")}>\n");
    }

    /// <summary>A list of problems (the first line leads), shown as an alert; nothing when there are none.</summary>
    private static void Alert(StringBuilder body, IReadOnlyList<string>? problems)
    {
        if (problems is not { Count: > 0 })
        {
            return;
        }
        body.Append("<div class=\"attention\" role=\"alert\" id=\"problems\"><p>").Append(E(problems[0])).Append("</p><ul>")
            .Append(string.Concat(problems.Skip(1).Select(p => $"<li>{E(p)}</li>"))).Append("</ul></div>\n");
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
