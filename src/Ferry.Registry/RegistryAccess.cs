using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Ferry.Registry;

/// <summary>
/// Who may use <c>ferry registry serve</c> and how it is reached: HTTP basic authentication against an htpasswd
/// file (every request, <c>/v2/</c> included, as docker-registry does), and TLS with a PEM certificate and key.
/// Without either it is the plain, open registry of a trusted network.
/// </summary>
public sealed class RegistryAccess : IDisposable
{
    public const string Realm = "ferry-registry";

    public RegistryAccess(Htpasswd? users = null, X509Certificate2? certificate = null, LoginThrottle? throttle = null)
    {
        Users = users;
        Certificate = certificate;
        Throttle = throttle ?? new LoginThrottle();
    }

    /// <summary>How failed logins are slowed down, per client address.</summary>
    public LoginThrottle Throttle { get; }

    public Htpasswd? Users { get; }

    public X509Certificate2? Certificate { get; }

    /// <summary>Loads the htpasswd file and the certificate/key pair named on the command line (either may be absent).</summary>
    public static RegistryAccess Load(string? htpasswd, string? certFile, string? keyFile)
    {
        if ((certFile is null) != (keyFile is null))
        {
            throw new DistributionException(500, "UNKNOWN", "TLS needs both the certificate " +
                "and its key (PEM)") { Remedies = [Remedy.TlsCertificate] };
        }
        X509Certificate2? certificate = null;
        if (certFile is not null)
        {
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new DistributionException(500, "UNKNOWN", $"{certFile}, {keyFile}: cannot load the TLS " +
                    $"certificate and key ({e.Message}); give PEM files, the key unencrypted");
            }
        }
        return new RegistryAccess(htpasswd is null ? null : Htpasswd.Load(htpasswd), certificate);
    }

    /// <summary>The user a request authenticates as; null when it must be refused. Anyone, when no users are set.</summary>
    public string? Authenticate(string? authorization)
    {
        if (Users is null)
        {
            return "";
        }
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header) || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Users.Verify(decoded[..colon], decoded[(colon + 1)..]) ? decoded[..colon] : null;
    }

    /// <summary>
    /// <see cref="Authenticate(string?)"/> for a client at <paramref name="address"/>, throttled: while that address
    /// has failed too often, <paramref name="retryAfter"/> says how long to wait and nothing is checked.
    /// </summary>
    public string? Authenticate(IPAddress? address, string? authorization, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        if (Users is null)
        {
            return "";
        }
        if (Throttle.Blocked(address) is { } wait)
        {
            retryAfter = wait;
            return null;
        }
        var user = Authenticate(authorization);
        if (user is not null)
        {
            Throttle.Succeeded(address);
        }
        else if (!string.IsNullOrEmpty(authorization))
        {
            Throttle.Failed(address);
        }
        return user;
    }

    public void Dispose() => Certificate?.Dispose();
}
