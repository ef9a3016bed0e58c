using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Ferry.Kube;

/// <summary>What the journal says about one product's last deploy.</summary>
public sealed record JournalRecord(
    string Product,
    string Bundle,
    string Digest,
    string State,
    string Holder,
    DateTimeOffset Started,
    DateTimeOffset Heartbeat,
    DateTimeOffset? Finished,
    IReadOnlyDictionary<string, string> Steps,
    string Summary);

/// <summary>
/// The deploy journal: a ConfigMap <c>ferry-deploy-&lt;product&gt;</c> in the env namespace recording which bundle is
/// being deployed, by whom (host/pid, with a heartbeat), and which steps are done. It is also the product's lock:
/// a second <c>ferry deploy</c> of the same product stops while the holder is alive. A holder that died (a killed
/// process on this host, or a heartbeat older than the lease) leaves a stale journal; the next deploy takes it
/// over and, for the same bundle, resumes from the steps it recorded. Every write is conditional on the
/// resourceVersion read, so two deploys never both believe they hold the journal.
/// </summary>
public sealed partial class DeployJournal : IAsyncDisposable
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>The step recording the env a deploy used (its non-secret values; Ferry.Bundles' EnvCheck writes and reads it).</summary>
    public const string EnvStep = "env";

    private readonly IKubernetes _client;
    private readonly string _ns;
    private readonly string _name;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Timer _heartbeat;
    private readonly Dictionary<string, string> _steps;
    private V1ConfigMap _map;
    private long _recorded; // steps recorded so far (each step's ticket)
    private long _writing;  // the steps the write in flight carries
    private long _written;  // the steps a successful write carried

    private DeployJournal(IKubernetes client, string ns, V1ConfigMap map, Dictionary<string, string> steps, JournalRecord? resumed, TimeSpan lease)
    {
        _client = client;
        _ns = ns;
        _map = map;
        _name = map.Metadata.Name;
        _steps = steps;
        Resumed = resumed;
        var beat = lease / 3;
        _heartbeat = new Timer(_ => _ = BeatAsync(), null, beat, beat);
    }

    /// <summary>The interrupted run of the same bundle this one continues, or null.</summary>
    public JournalRecord? Resumed { get; }

    /// <summary>Steps done (by this run, or by the interrupted run it resumed).</summary>
    public IReadOnlyDictionary<string, string> Steps
    {
        get
        {
            lock (_steps)
            {
                return new Dictionary<string, string>(_steps, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>This process, as journals name holders: host/pid/start time (unix ms).</summary>
    public static string CurrentHolder { get; } = HolderOf(Environment.ProcessId);

    public static string ObjectName(string product) => "ferry-deploy-" + Sanitize().Replace(product.ToLowerInvariant(), "-").Trim('-');

    /// <summary>Takes the product's journal for a deploy of <paramref name="bundle"/> (digest <paramref name="digest"/>).</summary>
    public static async Task<DeployJournal> BeginAsync(IKubernetes client, string ns, string product, string bundle, string digest, TimeSpan lease,
        bool forceUnlock, CancellationToken ct = default)
    {
        var name = ObjectName(product);
        await KubeConnection.EnsureNamespaceAsync(client, ns, ct).ConfigureAwait(false);
        var existing = await KubeConnection.FindAsync($"read deploy journal {ns}/{name}",
            () => client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct)).ConfigureAwait(false);
        JournalRecord? resumed = null;
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        if (existing is not null)
        {
            if (existing.Data is { } data && data.TryGetValue("format", out var format) && format != Format)
            {
                throw new KubeException($"deploy journal {ns}/{name} is in format {format}, written by another version of ferry (this one " +
                    $"writes {Format}): finish or resume that deploy with the ferry that started it");
            }
            var record = Parse(existing);
            if (record.State == Running && !forceUnlock && IsAlive(record, lease, DateTimeOffset.UtcNow))
            {
                throw new KubeException(
                    $"another ferry deploy of {product} is running ({record.Bundle}, holder {record.Holder}, started {Stamp(record.Started)}" +
                        $", last heartbeat {Stamp(record.Heartbeat)}); " +
                    $"wait for it to finish, or if it was killed on another machine wait until " +
                        $"its lease of {lease.TotalSeconds:0}s expires, or take the journal over")
                {
                    Remedies = [Remedy.ForceUnlock],
                };
            }
            if (record.State == Running && record.Digest == digest)
            {
                resumed = record;
                foreach (var (k, v) in record.Steps)
                {
                    steps[k] = v;
                }
            }
        }
        var now = DateTimeOffset.UtcNow;
        var map = KubeConnection.FerryConfigMap(ns, name, new Dictionary<string, string>
        {
            ["format"] = Format,
            ["product"] = product,
            ["bundle"] = bundle,
            ["digest"] = digest,
            ["state"] = Running,
            ["holder"] = CurrentHolder,
            ["started"] = Stamp(resumed?.Started ?? now),
            ["heartbeat"] = Stamp(now),
            ["steps"] = StepsJson(steps),
            ["summary"] = resumed is null ? "" : $"resumed by {CurrentHolder} at {Stamp(now)} after holder {resumed.Holder} stopped",
        }, ("ferry.dev/journal", "deploy"));
        try
        {
            map = await KubeConnection.UpsertConfigMapAsync(client, map, existing, ct).ConfigureAwait(false);
        }
        catch (KubeException e) when (KubeConnection.IsConflict(e))
        {
            throw new KubeException($"another ferry deploy of {product} took the deploy journal {ns}/{name} at the same moment; wait " +
                "for it to finish", e);
        }
        return new DeployJournal(client, ns, map, steps, resumed, lease);
    }

    /// <summary>Records a finished step (for example <c>images</c> or <c>app/shop</c>).</summary>
    /// <remarks>
    /// Steps recorded while a write is in flight go out together in the next write (a group commit): each call still
    /// returns only once a write that started after its step was recorded has succeeded, but apps finishing side by side
    /// cost one journal write, not one each.
    /// </remarks>
    public async Task StepAsync(string step, string result, CancellationToken ct = default)
    {
        long ticket;
        lock (_steps)
        {
            _steps[step] = result;
            ticket = ++_recorded;
        }
        await WriteAsync(d =>
        {
            if (Interlocked.Read(ref _written) >= ticket)
            {
                return false; // a write that started after this step was recorded already carried it
            }
            lock (_steps)
            {
                d["steps"] = StepsJson(_steps);
                _writing = _recorded;
            }
            return true;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Marks the deploy finished (succeeded or failed); the journal stays as the record of the last deploy.</summary>
    public async Task FinishAsync(string state, string summary, CancellationToken ct = default)
    {
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        await WriteAsync(d =>
        {
            d["state"] = state;
            d["finished"] = Stamp(DateTimeOffset.UtcNow);
            d["summary"] = summary;
            lock (_steps)
            {
                d["steps"] = StepsJson(_steps);
                _writing = _recorded;
            }
            return true;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The last deploy of every product in <paramref name="ns"/> (for <c>ferry status</c>).</summary>
    public static async Task<IReadOnlyList<JournalRecord>> ListAsync(IKubernetes client, string ns, CancellationToken ct = default)
    {
        var list = await KubeConnection.CallAsync($"list deploy journals in namespace {ns}",
            () => client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "ferry.dev/journal=deploy", cancellationToken: ct))
                .ConfigureAwait(false);
        return [.. list.Items.Select(Parse).OrderBy(r => r.Product, StringComparer.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        _write.Dispose();
    }

    private async Task BeatAsync()
    {
        try
        {
            await WriteAsync(d =>
            {
                d["heartbeat"] = Stamp(DateTimeOffset.UtcNow);
                return true;
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (KubeException)
        {
            // A missed heartbeat only shortens the lease; the next step's write reports a real problem.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Writes the journal after <paramref name="change"/> (which returns false when there is nothing to write).</summary>
    private async Task WriteAsync(Func<IDictionary<string, string>, bool> change, CancellationToken ct)
    {
        await _write.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!change(_map.Data))
            {
                return;
            }
            _map.Data["heartbeat"] = Stamp(DateTimeOffset.UtcNow);
            var map = _map;
            var carried = Interlocked.Read(ref _writing);
            try
            {
                _map = await KubeConnection.CallAsync($"update deploy journal {_ns}/{_name}",
                    () => _client.CoreV1.ReplaceNamespacedConfigMapAsync(map, _name, _ns, cancellationToken: ct)).ConfigureAwait(false);
                Interlocked.Exchange(ref _written, Math.Max(Interlocked.Read(ref _written), carried));
            }
            catch (KubeException e) when (KubeConnection.IsConflict(e))
            {
                throw new KubeException($"the deploy journal {_ns}/{_name} was taken over by another ferry deploy (forced " +
                    "unlock?); this one stops", e);
            }
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>The journal's format, in its <c>format</c> key (journals without one were written before it was added: the same format).</summary>
    public const string Format = "ferry.dev/v1";

    /// <summary>The JSON Schema of the journal ConfigMap's <c>data</c> (<c>ferry schema journal</c>); tested against journals written.</summary>
    public static string Schema { get; } = $$"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://ferry.dev/schemas/deploy-journal.v1.json",
          "title": "Ferry deploy journal (data of ConfigMap ferry-deploy-PRODUCT in the env namespace)",
          "type": "object",
          "required": ["format", "product", "bundle", "digest", "state", "holder", "started", "heartbeat", "steps"],
          "additionalProperties": false,
          "properties": {
            "format": { "const": "{{Format}}" },
            "product": { "type": "string", "minLength": 1 },
            "bundle": { "type": "string", "description": "the bundle's name and version" },
            "digest": { "type": "string", "pattern": "^sha256:[0-9a-f]{64}$", "description": "the bundle's id" },
            "state": { "enum": ["{{Running}}", "{{Succeeded}}", "{{Failed}}"] },
            "holder": { "type": "string", "description": "host/pid of the ferry that holds (or last held) the journal" },
            "started": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" },
            "heartbeat": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" },
            "finished": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" },
            "steps": { "type": "string", "description": "a JSON object: each step done, by name, with what it recorded" },
            "summary": { "type": "string" }
          }
        }
        """;

    private static JournalRecord Parse(V1ConfigMap map)
    {
        var d = map.Data ?? new Dictionary<string, string>();
        string Get(string key) => d.TryGetValue(key, out var v) ? v : "";
        DateTimeOffset Time(string key) =>
            DateTimeOffset.TryParse(Get(key), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.MinValue;
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get("steps").Length > 0)
        {
            try
            {
                foreach (var (k, v) in JsonSerializer.Deserialize(Get("steps"), JournalJson.Default.DictionaryStringString) ?? [])
                {
                    steps[k] = v ?? "";
                }
            }
            catch (JsonException)
            {
                // A hand-edited journal loses its steps, not the deploy: every step is idempotent.
            }
        }
        return new JournalRecord(Get("product"), Get("bundle"), Get("digest"), Get("state"), Get("holder"), Time("started"), Time("heartbeat"),
            Get("finished").Length > 0 ? Time("finished") : null, steps, Get("summary"));
    }

    /// <summary>How long a deploy on another host may go without a heartbeat before it counts as stopped.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(60);

    /// <summary>A deploy recorded as running whose holder is gone (its process ended, or its heartbeat stopped).</summary>
    public static bool IsStalled(JournalRecord record, DateTimeOffset now) => record.State == Running && !IsAlive(record, DefaultLease, now);

    /// <summary>Whether the holder may still be working: on this host its process must exist; elsewhere, its lease must hold.</summary>
    internal static bool IsAlive(JournalRecord record, TimeSpan lease, DateTimeOffset now)
    {
        var parts = record.Holder.Split('/');
        if (parts.Length == 3 && parts[0] == Environment.MachineName && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            return HolderOf(pid) == record.Holder;
        }
        return now - record.Heartbeat < lease;
    }

    private static string HolderOf(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return $"{Environment.MachineName}/{pid}/{new DateTimeOffset(p.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000}";
        }
        catch (ArgumentException)
        {
            return "";
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private static string StepsJson(IReadOnlyDictionary<string, string> steps) => JsonSerializer.Serialize(
        steps.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        JournalJson.Default.DictionaryStringString);

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex Sanitize();
}

/// <summary>The journal's <c>steps</c> entry (step name to result, ordinal order), as source-generated JSON.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class JournalJson : JsonSerializerContext;
