using Ferry.Bundles;
using Ferry.Kube;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Ferry.Web;

/// <summary>The bundle folder's pages: the list, the streamed upload, and one bundle's verification and contents.</summary>
public sealed partial class ConsoleServer
{
    private readonly BundleShelf? _shelf;

    /// <summary>Bundles, settings, plan and deploy; false when <paramref name="path"/> is none of theirs.</summary>
    private async Task<bool> SiteRouteAsync(HttpContext ctx, string path, ConsoleSession session)
    {
        var (get, post) = (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method), HttpMethods.IsPost(ctx.Request.Method));
        switch (path)
        {
            case "/bundles" when get:
                await HtmlAsync(ctx, 200, ConsolePages.Bundles(session, _shelf, null)).ConfigureAwait(false);
                return true;
            case "/bundles" when post:
                await UploadAsync(ctx, session).ConfigureAwait(false);
                return true;
            case "/settings" when get || post:
                await SettingsAsync(ctx, session, post).ConfigureAwait(false);
                return true;
            case "/plan" when get:
                await PlanAsync(ctx, session).ConfigureAwait(false);
                return true;
            case "/deploy" when get || post:
                await DeployAsync(ctx, session, post).ConfigureAwait(false);
                return true;
        }
        if (get && path.StartsWith("/bundles/", StringComparison.Ordinal) && _shelf?.Find(path["/bundles/".Length..]) is not null)
        {
            await BundleAsync(ctx, session, path["/bundles/".Length..]).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    /// <summary>The site policy's public key (PEM) when the site requires signed bundles; null without a cluster.</summary>
    private async Task<string?> PolicyKeyAsync(CancellationToken ct) => _options.Cluster is { } cluster
        ? await new SitePolicy(cluster, _options.EnvNamespace).PublicKeyAsync(ct).ConfigureAwait(false) : null;

    private async Task BundleAsync(HttpContext ctx, ConsoleSession session, string name)
    {
        var check = _shelf!.Check(name, await PolicyKeyAsync(ctx.RequestAborted).ConfigureAwait(false));
        var manifest = check.Verified ? BundleReader.ReadManifest(_shelf.Find(name)!) : null;
        await HtmlAsync(ctx, 200, ConsolePages.Bundle(session, name, check, manifest, _options.SiteRegistry is not null)).ConfigureAwait(false);
    }

    /// <summary>
    /// A bundle uploaded from the browser (multipart: the CSRF token first, then the file), streamed to the folder — never
    /// held in memory, with no size limit — and verified before it is listed.
    /// </summary>
    private async Task UploadAsync(HttpContext ctx, ConsoleSession session)
    {
        var ct = ctx.RequestAborted;
        if (_shelf is null)
        {
            await HtmlAsync(ctx, 404, ConsolePages.Bundles(session, null, null)).ConfigureAwait(false);
            return;
        }
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // a bundle is many GB; only a signed-in session gets this far
        }
        if (!MediaTypeHeaderValue.TryParse(ctx.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data",
            StringComparison.OrdinalIgnoreCase) || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            await TextAsync(ctx, 403, "this request lacks the page's CSRF token: reload the page and try again").ConfigureAwait(false);
            return;
        }
        var reader = new MultipartReader(boundary, ctx.Request.Body) { HeadersLengthLimit = 8 * 1024 };
        try
        {
            var first = await reader.ReadNextSectionAsync(ct).ConfigureAwait(false);
            var token = first is null || FieldName(first) != "_csrf" ? null : await SmallFieldAsync(first, ct).ConfigureAwait(false);
            if (!ConsoleSessions.CsrfMatches(session, token))
            {
                await TextAsync(ctx, 403, "this request lacks the page's CSRF token: reload the page and try again").ConfigureAwait(false);
                return;
            }
            var file = await reader.ReadNextSectionAsync(ct).ConfigureAwait(false);
            if (file?.AsFileSection() is not { } upload || upload.FileName.Length == 0)
            {
                await HtmlAsync(ctx, 400, ConsolePages.Bundles(session, _shelf, ["Choose a bundle file to upload."])).ConfigureAwait(false);
                return;
            }
            var name = Path.GetFileName(upload.FileName);
            var problems = await _shelf.SaveAsync(name, upload.FileStream!, await PolicyKeyAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            var (action, detail) = problems.Count == 0 ? ("upload", name) : ("upload refused", $"{name}: {problems[0]}");
            await AuditAsync(session.User, action, detail, ct).ConfigureAwait(false);
            if (problems.Count > 0)
            {
                await HtmlAsync(ctx, 422, ConsolePages.Bundles(session, _shelf, [$"{name} was not kept:", .. problems])).ConfigureAwait(false);
                return;
            }
            Redirect(ctx, "/bundles/" + Uri.EscapeDataString(name));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            var why = $"The upload broke off ({e.Message}); nothing was kept: upload it again.";
            await HtmlAsync(ctx, 400, ConsolePages.Bundles(session, _shelf, [why])).ConfigureAwait(false);
        }
    }

    private static string? FieldName(MultipartSection section) =>
        ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var d) ? HeaderUtilities.RemoveQuotes(d.Name).Value : null;

    private static async Task<string?> SmallFieldAsync(MultipartSection section, CancellationToken ct)
    {
        var buffer = new byte[256];
        var length = 0;
        int read;
        while ((read = await section.Body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                return null; // no token is this long
            }
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }
}
