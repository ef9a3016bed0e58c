using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Ferry.Oci;

/// <summary>
/// Says why a registry could not be reached, in words that lead to the fix: a name that does not resolve, nothing
/// listening, a plain-HTTP registry spoken to over TLS (checked by asking it over plain HTTP), an untrusted certificate.
/// </summary>
internal static class ConnectionFailure
{
    public static async Task<string> DescribeAsync(string registry, Uri uri, HttpRequestException e, RegistryOptions options, CancellationToken ct)
    {
        var endpoint = $"{uri.Host}:{uri.Port}";
        var where = endpoint == registry ? registry : $"{registry}: {endpoint}";
        switch (e.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return $"{registry}: the host name {uri.Host} does not resolve (DNS or /etc/hosts): check the registry's name, or give its address";
            case HttpRequestError.ConnectionError when e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                return $"{where}: nothing accepts connections there: is the registry running, and is that its port?";
            case HttpRequestError.SecureConnectionError when uri.Scheme == "https":
                if (e.InnerException is AuthenticationException && !options.Insecure && options.CaFile is null && SystemCertificates.NoneFound)
                {
                    return $"{registry}: {Reason(e)}; {SystemCertificates.Describe()}";
                }
                if (e.InnerException is AuthenticationException auth && auth.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
                {
                    return $"{registry}: its TLS certificate is not trusted ({Reason(e)}): pass --ca-file with the CA that signed it (or --insecure to skip verification)";
                }
                if (await SpeaksPlainHttpAsync(uri, ct).ConfigureAwait(false))
                {
                    return $"{where} answers plain HTTP, not HTTPS: pass --insecure to use plain HTTP with this registry";
                }
                return $"{registry}: the TLS handshake with {endpoint} failed ({Reason(e)})";
            default:
                return $"{registry}: {Reason(e)}" + (options.Insecure ? "" : "; for a plain-HTTP or self-signed registry use --insecure or --ca-file");
        }
    }

    /// <summary>The innermost message (the outer ones add "see inner exception").</summary>
    private static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return inner.Message.TrimEnd('.');
    }

    /// <summary>Whether the endpoint answers an HTTP/1.0 request in the clear as a registry without TLS does (within a second).</summary>
    private static async Task<bool> SpeaksPlainHttpAsync(Uri uri, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(uri.Host, uri.Port, timeout.Token).ConfigureAwait(false);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /v2/ HTTP/1.0\r\nHost: {uri.Authority}\r\n\r\n"), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            var read = 0;
            try
            {
                while (read < buffer.Length)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }
                    read += n;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // a server that keeps the connection open: judge by what it said within the second
            }
            // a TLS server answers this too, to say it wants TLS ("Client sent an HTTP request to an HTTPS server")
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.StartsWith("HTTP/", StringComparison.Ordinal) && !answer.Contains("HTTPS", StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception x) when (x is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
