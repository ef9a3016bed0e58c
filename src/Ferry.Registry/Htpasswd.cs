using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Registry;

/// <summary>
/// Users and bcrypt password hashes in Apache's htpasswd format (<c>user:$2y$...</c>), the format docker-registry
/// reads: lines written by <c>htpasswd -B</c> or <c>ferry registry htpasswd</c>. Successful checks are remembered
/// (by a SHA-256 of the password), since clients send their credentials with every request and bcrypt is slow on
/// purpose.
/// </summary>
public sealed class Htpasswd
{
    private readonly Dictionary<string, string> _hashes;
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);

    // A hash of a random password with the work factor of the file's own hashes, checked for unknown users.
    private readonly Lazy<string> _decoy;

    private Htpasswd(Dictionary<string, string> hashes)
    {
        _hashes = hashes;
        _decoy = new Lazy<string>(() =>
            BCrypt.Net.BCrypt.HashPassword(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), WorkFactor(hashes.Values.FirstOrDefault())));
    }

    private static int WorkFactor(string? hash) =>
        hash is { Length: > 7 } && hash[0] == '$'
            && int.TryParse(hash.AsSpan(4, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out var cost) ? cost : 10;

    public int Count => _hashes.Count;

    /// <summary>Reads an htpasswd file; a malformed or non-bcrypt line is an error naming its line.</summary>
    public static Htpasswd Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DistributionException(500, "UNKNOWN", $"{path}: cannot read the htpasswd file ({e.Message})");
        }
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new DistributionException(500, "UNKNOWN", $"{path}:{i + 1}:1: expected USER:HASH; make lines with 'ferry registry htpasswd " +
                    "USER' or 'htpasswd -B'");
            }
            var hash = line[(colon + 1)..];
            if (!(hash.StartsWith("$2y$", StringComparison.Ordinal) || hash.StartsWith("$2a$", StringComparison.Ordinal)
                || hash.StartsWith("$2b$", StringComparison.Ordinal)))
            {
                throw new DistributionException(500, "UNKNOWN", $"{path}:{i + 1}:{colon + 2}: user {line[..colon]}: only bcrypt hashes are " +
                    "supported, as in docker-registry; make it with 'ferry registry htpasswd USER' or 'htpasswd -B'");
            }
            hashes[line[..colon]] = hash;
        }
        if (hashes.Count == 0)
        {
            throw new DistributionException(500, "UNKNOWN", $"{path}: no users; add one with 'ferry registry htpasswd USER', " +
                "appending its output to this file");
        }
        return new Htpasswd(hashes);
    }

    /// <summary>An htpasswd line for a user (bcrypt, cost 10, <c>$2y$</c> like <c>htpasswd -B</c>).</summary>
    public static string Line(string user, string password)
    {
        if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"user \"{user}\": a user name is non-empty and has no ':'", nameof(user));
        }
        return $"{user}:{BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(10, 'y'))}";
    }

    /// <summary>True when the user exists and the password matches its hash.</summary>
    public bool Verify(string user, string password)
    {
        if (!_hashes.TryGetValue(user, out var hash))
        {
            // as slow as a wrong password for a real user, so answers do not tell which users exist
            BCrypt.Net.BCrypt.Verify(password, _decoy.Value);
            return false;
        }
        var key = user + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        if (_verified.ContainsKey(key))
        {
            return true;
        }
        var ok = BCrypt.Net.BCrypt.Verify(password, hash);
        if (ok)
        {
            _verified[key] = true;
        }
        return ok;
    }
}
