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
    /// <summary>The failure as an exception that says why, with the settings that help.</summary>
    public static async Task<RegistryUnreachableException> DescribeAsync(string registry, Uri uri, HttpRequestException e, RegistryOptions options,
        CancellationToken ct)
    {
        var (message, remedies) = await ExplainAsync(registry, uri, e, options, ct).ConfigureAwait(false);
        return new RegistryUnreachableException(message, e) { Remedies = remedies };
    }

    private static async Task<(string, Remedy[])> ExplainAsync(string registry, Uri uri, HttpRequestException e, RegistryOptions options,
        CancellationToken ct)
    {
        var endpoint = $"{uri.Host}:{uri.Port}";
        var where = endpoint == registry ? registry : $"{registry}: {endpoint}";
        switch (e.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return ($"{registry}: the host name {uri.Host} does not resolve (DNS or /etc/hosts): check the registry's name, or " +
                    "give its address", []);
            case HttpRequestError.ConnectionError when e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                return ($"{where}: nothing accepts connections there: is the registry running, and is that its port?", []);
            case HttpRequestError.ConnectionError when e.InnerException is TimeoutException
                or SocketException { SocketErrorCode: SocketError.TimedOut }:
                return ($"{where}: no connection within {options.ConnectTimeout.TotalSeconds:0.#} s: is that the registry's address, and " +
                    "does a firewall let the port through?", []);
            case HttpRequestError.SecureConnectionError when uri.Scheme == "https":
                if (e.InnerException is AuthenticationException && !options.Insecure && options.CaFile is null && SystemCertificates.NoneFound)
                {
                    return ($"{registry}: {Reason(e)}; {SystemCertificates.Describe()}", [Remedy.CaFile]);
                }
                if (e.InnerException is AuthenticationException auth && auth.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
                {
                    return ($"{registry}: its TLS certificate is not trusted ({Reason(e)}): give the CA that signed it, or " +
                        "skip verification", [Remedy.CaFile, Remedy.Insecure]);
                }
                if (await SpeaksPlainHttpAsync(uri, ct).ConfigureAwait(false))
                {
                    return ($"{where} answers plain HTTP, not HTTPS: allow plain HTTP with this registry", [Remedy.Insecure]);
                }
                return ($"{registry}: the TLS handshake with {endpoint} failed ({Reason(e)})", []);
            default:
                return options.Insecure
                    ? ($"{registry}: {Reason(e)}", [])
                    : ($"{registry}: {Reason(e)}; a plain-HTTP or self-signed registry needs plain HTTP allowed " +
                        "or its CA given", [Remedy.Insecure, Remedy.CaFile]);
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
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /v2/ HTTP/1.0\r\nHost: {uri.Authority}\r\n\r\n"), timeout.Token)
                .ConfigureAwait(false);
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
