using System.Collections.Concurrent;
using System.Net;

namespace Ferry.Registry;

/// <summary>
/// Slows password guessing against <c>ferry registry serve --htpasswd</c>: after <c>limit</c> failed logins from one
/// address within <c>window</c>, that address is answered 429 (with Retry-After) until the window has passed,
/// without its password being checked. A success clears its count; requests without credentials (every client's
/// first, to learn the challenge) do not count. At most <see cref="MaxTracked"/> addresses are remembered.
/// </summary>
public sealed class LoginThrottle(int limit = 10, TimeSpan? window = null, TimeProvider? clock = null)
{
    public const int MaxTracked = 10_000;

    private readonly TimeSpan _window = window ?? TimeSpan.FromMinutes(1);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<IPAddress, (int Failures, DateTimeOffset Since)> _failures = new();

    /// <summary>How long <paramref name="address"/> must wait before its next login is checked, or null.</summary>
    public TimeSpan? Blocked(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var entry))
        {
            return null;
        }
        var age = _clock.GetUtcNow() - entry.Since;
        if (age >= _window)
        {
            _failures.TryRemove(address, out _);
            return null;
        }
        return entry.Failures >= limit ? _window - age : null;
    }

    public void Failed(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }
        var now = _clock.GetUtcNow();
        if (_failures.Count >= MaxTracked)
        {
            foreach (var (key, value) in _failures)
            {
                if (now - value.Since >= _window)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
        _failures.AddOrUpdate(address, _ => (1, now), (_, e) => now - e.Since >= _window ? (1, now) : (e.Failures + 1, e.Since));
    }

    public void Succeeded(IPAddress? address)
    {
        if (address is not null)
        {
            _failures.TryRemove(address, out _);
        }
    }
}
