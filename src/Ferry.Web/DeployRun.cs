using Ferry.Bundles;
using Ferry.Oci;

namespace Ferry.Web;

/// <summary>
/// A deploy the console started: it runs <see cref="Deployer.DeployAsync"/> (what <c>ferry deploy</c> runs, with the
/// same journal and lock) on the server's lifetime, not a request's, so a browser that goes away does not stop it. The
/// deploy page shows its progress: each step line as the deployer reports it, and each image's bytes pushed.
/// </summary>
public sealed class DeployRun(string bundle, string user, DateTimeOffset started) : IProgress<string>, IProgress<TransferProgress>
{
    private const int MaxLines = 2000;
    private readonly List<string> _lines = [];
    private readonly Dictionary<string, (long Done, long Total)> _images = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Bundle { get; } = bundle;

    public string User { get; } = user;

    public DateTimeOffset Started { get; } = started;

    /// <summary>Each app's outcome once the deploy finished; empty while it runs or when it stopped before any app.</summary>
    public IReadOnlyList<AppOutcome> Outcomes { get; private set; } = [];

    /// <summary>Why the deploy stopped before deploying (verification, settings, preflight, the lock), or null.</summary>
    public string? Refusal { get; private set; }

    public bool Running => !_finished.Task.IsCompleted;

    public bool Succeeded => !Running && Refusal is null && Outcomes.All(o => !o.Failed);

    public Task Finished => _finished.Task;

    /// <summary>A one-line result for the audit log and the page.</summary>
    public string Summary => Running ? "running"
        : Refusal is not null ? "refused: " + Refusal.Split('\n')[0]
        : string.Join(", ", Outcomes.Select(o => $"{o.App} {o.ResultName}"));

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Each image's bytes pushed of its total, in the order they started.</summary>
    public IReadOnlyList<(string Image, long Done, long Total)> Images
    {
        get
        {
            lock (_images)
            {
                return [.. _images.Select(kv => (kv.Key, kv.Value.Done, kv.Value.Total))];
            }
        }
    }

    public void Report(string value)
    {
        lock (_lines)
        {
            if (_lines.Count < MaxLines)
            {
                _lines.Add(value);
            }
        }
    }

    public void Report(TransferProgress value)
    {
        lock (_images)
        {
            _images[value.Image] = (value.BytesDone, value.BytesTotal);
        }
    }

    /// <summary>Runs the deploy to its end; failures become the run's result, never an exception.</summary>
    public async Task RunAsync(Func<DeployRun, Task<IReadOnlyList<AppOutcome>>> deploy)
    {
        try
        {
            Outcomes = await deploy(this).ConfigureAwait(false);
        }
        catch (FerryException e)
        {
            Refusal = e.Message;
        }
        catch (OperationCanceledException)
        {
            Refusal = "the console stopped during the deploy; run the deploy again to resume it";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the page must say it stopped (the deployer wraps what it foresees; this is the rest)
            Refusal = $"the deploy stopped on an unexpected error ({e.GetType().Name}: {e.Message}); see 'ferry status' and run it again";
        }
        finally
        {
            _finished.TrySetResult();
        }
    }
}
