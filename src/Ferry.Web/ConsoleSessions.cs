using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Ferry.Web;

/// <summary>A signed-in operator: who, the token every state-changing request must carry back, and until when.</summary>
internal sealed record ConsoleSession(string User, string CsrfToken, DateTimeOffset Expires);

/// <summary>
/// The console's sessions, kept in memory (a restart signs everyone out): a random 256-bit id in an HttpOnly,
/// SameSite=Strict cookie, and a second random token for CSRF. A session ends after <see cref="Idle"/> without use.
/// </summary>
internal sealed class ConsoleSessions(TimeProvider clock)
{
    public const string Cookie = "ferry_session";

    public static readonly TimeSpan Idle = TimeSpan.FromHours(8);

    private const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    public (string Id, ConsoleSession Session) Start(string user)
    {
        var now = clock.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var (id, s) in _sessions.Where(kv => kv.Value.Expires <= now))
            {
                _sessions.TryRemove(id, out _);
            }
        }
        var session = new ConsoleSession(user, NewToken(), now + Idle);
        var sessionId = NewToken();
        _sessions[sessionId] = session;
        return (sessionId, session);
    }

    /// <summary>The live session with this id (its idle time restarted), or null.</summary>
    public ConsoleSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        var now = clock.GetUtcNow();
        if (session.Expires <= now)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        var renewed = session with { Expires = now + Idle };
        _sessions.TryUpdate(id, renewed, session);
        return renewed;
    }

    public void End(string? id)
    {
        if (id is not null)
        {
            _sessions.TryRemove(id, out _);
        }
    }

    /// <summary>Whether <paramref name="given"/> is the session's CSRF token (compared in constant time).</summary>
    public static bool CsrfMatches(ConsoleSession session, string? given) => TokensMatch(session.CsrfToken, given);

    /// <summary>Whether two tokens are equal, compared in constant time (a missing one matches nothing).</summary>
    public static bool TokensMatch(string? expected, string? given) =>
        expected is not null && given is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected),
            System.Text.Encoding.UTF8.GetBytes(given));

    /// <summary>A random 256-bit token, as lowercase hex.</summary>
    public static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
}
