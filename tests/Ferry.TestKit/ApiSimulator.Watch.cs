using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Ferry.Kube.Tests;

/// <summary>
/// Watches and dry runs, as kube-apiserver serves them. <c>?watch=true</c> on a list streams one JSON event per line
/// (<c>{"type":"ADDED|MODIFIED|DELETED","object":…}</c>): the objects already there first (when no resourceVersion, or
/// "0", is given; else those changed since it), then every change, until <c>timeoutSeconds</c> or the client leaves.
/// <c>?dryRun=All</c> runs a write through every check and answers what it would store, storing nothing.
/// </summary>
public sealed partial class ApiSimulator
{
    private sealed record Watcher(ApiResource Resource, string Ns, Func<JsonObject, bool> Matches, Channel<string> Events);

    private readonly List<Watcher> _watchers = [];
    private bool _dryRunning;

    /// <summary>Tells the watchers of <paramref name="r"/> about a change (called under the lock).</summary>
    private void Publish(ApiResource r, string ns, string type, JsonObject obj)
    {
        if (_dryRunning)
        {
            return;
        }
        foreach (var w in _watchers)
        {
            if (w.Resource.Group == r.Group && w.Resource.Plural == r.Plural && (w.Ns.Length == 0 || w.Ns == ns) && w.Matches(obj))
            {
                w.Events.Writer.TryWrite(new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString());
            }
        }
    }

    private async Task WatchAsync(HttpContext ctx, Request q, bool table)
    {
        var r = _resources.Find(q.Group, q.Version, q.Plural);
        if (r is null || (q.Ns.Length > 0 && !r.Namespaced))
        {
            await Json(ctx, 404, Failure(404, "NotFound", "the server could not find the requested resource", "", "").Item2);
            return;
        }
        if (Selectors(r, q.Selector, q.FieldSelector, out var error) is not { } matches)
        {
            await Json(ctx, error.Item1, error.Item2);
            return;
        }
        var since = long.TryParse(ctx.Request.Query["resourceVersion"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;
        var timeout = int.TryParse(ctx.Request.Query["timeoutSeconds"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0 ? t : 1800;
        var watcher = new Watcher(r, q.Ns, matches, Channel.CreateUnbounded<string>());
        lock (_lock)
        {
            foreach (var ((g, p, objNs, _), obj) in _objects.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal))
            {
                var version = long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                if (g == r.Group && p == r.Plural && (q.Ns.Length == 0 || objNs == q.Ns) && matches(obj) && (since == 0 || version > since))
                {
                    watcher.Events.Writer.TryWrite(new JsonObject { ["type"] = since == 0 ? "ADDED" : "MODIFIED", ["object"] = obj.DeepClone() }.ToJsonString());
                }
            }
            if (ctx.Request.Query["sendInitialEvents"].ToString() == "true")
            {
                // a watch-list (kubectl wait, informers): the initial events end with a bookmark saying so
                watcher.Events.Writer.TryWrite(new JsonObject
                {
                    ["type"] = "BOOKMARK",
                    ["object"] = new JsonObject
                    {
                        ["kind"] = r.Kind, ["apiVersion"] = r.GroupVersion,
                        ["metadata"] = new JsonObject
                        {
                            ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture),
                            ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" },
                        },
                    },
                }.ToJsonString());
            }
            _watchers.Add(watcher);
        }
        try
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted); // the headers go out now, as kube-apiserver's do, not with the first event
            using var expiry = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
            expiry.CancelAfter(TimeSpan.FromSeconds(timeout));
            var first = true;
            await foreach (var line in watcher.Events.Reader.ReadAllAsync(expiry.Token))
            {
                var text = line;
                if (table && JsonNode.Parse(line) is JsonObject { } e && e["type"]?.GetValue<string>() != "BOOKMARK")
                {
                    e["object"] = ToTable(r.Kind, e["object"]!, withColumns: first);
                    (text, first) = (e.ToJsonString(), false);
                }
                await ctx.Response.WriteAsync(text + "\n", expiry.Token);
                await ctx.Response.Body.FlushAsync(expiry.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // the watch timed out or the client went away: the stream just ends, as kube-apiserver's does
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    /// <summary>A write with every check, answered as if stored, then undone (called under the lock).</summary>
    private (int, JsonNode) DryRun(Request q)
    {
        var objects = _objects.ToDictionary(kv => kv.Key, kv => (JsonObject)kv.Value.DeepClone());
        var owners = _owners.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(o => o.Key, o => new HashSet<string>(o.Value, StringComparer.Ordinal), StringComparer.Ordinal));
        var (version, kinds) = (_version, _resources.All.Count);
        _dryRunning = true;
        try
        {
            return Dispatch(q);
        }
        finally
        {
            _dryRunning = false;
            _objects.Clear();
            foreach (var (k, v) in objects)
            {
                _objects[k] = v;
            }
            _owners.Clear();
            foreach (var (k, v) in owners)
            {
                _owners[k] = v;
            }
            _version = version;
            _resources.Truncate(kinds);
        }
    }
}
