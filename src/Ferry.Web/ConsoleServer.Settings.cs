using Ferry.Bundles;
using Ferry.Kube;
using Microsoft.AspNetCore.Http;

namespace Ferry.Web;

/// <summary>A settings change as the operator asked for it: values set, keys removed, a line per change (no secret shown).</summary>
internal sealed record SettingsChange(Dictionary<string, string> Set, List<string> Remove, List<string> Lines);

/// <summary>
/// The settings page: a form from a bundle's env schema, filled from deploy-env, validated as deploy validates (every
/// problem at once) before it is saved through <see cref="DeployEnv.SetAsync"/> (which backs the previous content up, as
/// <c>ferry env set</c> does). Secret values are write-only: the form never carries them back.
/// </summary>
public sealed partial class ConsoleServer
{
    /// <summary>The form field of an env key.</summary>
    internal const string EnvField = "env.";

    private async Task SettingsAsync(HttpContext ctx, ConsoleSession session, bool post)
    {
        var ct = ctx.RequestAborted;
        if (_options.Cluster is not { } cluster)
        {
            await HtmlAsync(ctx, 200, ConsolePages.Problem(session, "No cluster is configured: start the console with the site's kubeconfig."))
                .ConfigureAwait(false);
            return;
        }
        // a POST's form was read (and its token checked) before this page: read once here
        var form = post ? await FormAsync(ctx).ConfigureAwait(false) : null;
        var requested = form is not null ? form["bundle"].ToString() : ctx.Request.Query["bundle"].ToString();
        var bundle = string.IsNullOrEmpty(requested) ? _shelf?.List() is [var newest, ..] ? newest.Name : null : requested;
        var path = _shelf?.Find(bundle);
        var schema = path is null ? [] : BundleReader.ReadManifest(path).Env.Select(v => v.ToEnvVar()).ToList();
        var env = new DeployEnv(cluster, _options.EnvNamespace);
        var site = await env.ReadAsync(ct).ConfigureAwait(false);
        var view = new SettingsView(path is null ? null : bundle, schema, site);
        if (form is null)
        {
            await HtmlAsync(ctx, 200, ConsolePages.Settings(session, view with { Problems = EnvCheck.Problems(schema, site) })).ConfigureAwait(false);
            return;
        }
        var change = Change(schema, site, form);
        var proposed = Apply(site, change);
        var problems = EnvCheck.Problems(schema, proposed);
        if (problems.Count > 0)
        {
            // shown with what was entered (not secrets), nothing saved
            await HtmlAsync(ctx, 422, ConsolePages.Settings(session, view with { Entered = proposed, Problems = problems }))
                .ConfigureAwait(false);
            return;
        }
        if (change.Lines.Count == 0)
        {
            await HtmlAsync(ctx, 200, ConsolePages.Settings(session, view with { Message = ["Nothing changed."] })).ConfigureAwait(false);
            return;
        }
        var secretKeys = site.SecretKeys.Concat(schema.Where(v => v.Secret).Select(v => v.Name)).ToHashSet(StringComparer.Ordinal);
        await env.SetAsync(change.Set, secretKeys, change.Remove, ct: ct).ConfigureAwait(false);
        await AuditAsync(session.User, "settings", string.Join("; ", change.Lines), ct).ConfigureAwait(false);
        var saved = await env.ReadAsync(ct).ConfigureAwait(false);
        await HtmlAsync(ctx, 200, ConsolePages.Settings(session, view with
        {
            Site = saved,
            Message = [$"Saved (the previous settings are kept in {DeployEnv.BackupName}):", .. change.Lines],
        })).ConfigureAwait(false);
    }

    /// <summary>What the form asks to change: a secret field left empty keeps its value; another field left empty removes the key.</summary>
    internal static SettingsChange Change(IReadOnlyList<EnvVar> schema, SiteEnv site, IFormCollection form)
    {
        var change = new SettingsChange(new Dictionary<string, string>(StringComparer.Ordinal), [], []);
        foreach (var v in schema)
        {
            if (!form.TryGetValue(EnvField + v.Name, out var posted))
            {
                continue;
            }
            var value = posted.ToString();
            var secret = v.Secret || site.SecretKeys.Contains(v.Name);
            var had = site.Values.TryGetValue(v.Name, out var current);
            if (secret)
            {
                if (value.Length > 0 && value != current)
                {
                    change.Set[v.Name] = value;
                    change.Lines.Add($"{v.Name}: {(had ? "changed" : "set")} (secret, {value.Length} characters)");
                }
            }
            else if (value.Length == 0 && had)
            {
                change.Remove.Add(v.Name);
                change.Lines.Add($"{v.Name}: removed (was \"{current}\")" + (v.Default is { } d ? $"; the default \"{d}\" applies" : ""));
            }
            else if (value.Length > 0 && value != current)
            {
                change.Set[v.Name] = value;
                change.Lines.Add(had ? $"{v.Name}: \"{current}\" -> \"{value}\"" : $"{v.Name}: set to \"{value}\"");
            }
        }
        return change;
    }

    private static SiteEnv Apply(SiteEnv site, SettingsChange change)
    {
        var values = new Dictionary<string, string>(site.Values, StringComparer.Ordinal);
        foreach (var k in change.Remove)
        {
            values.Remove(k);
        }
        foreach (var (k, v) in change.Set)
        {
            values[k] = v;
        }
        return site with { Values = values };
    }
}

/// <summary>What the settings page shows.</summary>
internal sealed record SettingsView(string? Bundle, IReadOnlyList<EnvVar> Schema, SiteEnv Site)
{
    public IReadOnlyList<string> Problems { get; init; } = [];

    public IReadOnlyList<string> Message { get; init; } = [];

    /// <summary>What the operator entered when it was refused (secret values are not shown again: they must be re-entered).</summary>
    public SiteEnv? Entered { get; init; }
}
