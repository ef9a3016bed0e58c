using System.Runtime.InteropServices;

namespace Ferry.Oci;

/// <summary>
/// The machine's trusted CA certificates, wherever this Linux distribution keeps them. The site executable is static
/// and carries its own OpenSSL, whose built-in locations are Debian's (/usr/lib/ssl): on RHEL-family, SUSE or
/// Alpine hosts they do not exist. At start-up Ferry looks where Go's crypto/x509 looks (the same list k3s and Zarf
/// use) and points OpenSSL at the first bundle it finds through SSL_CERT_FILE, unless the user set SSL_CERT_FILE or
/// SSL_CERT_DIR. <c>--ca-file</c> adds a CA for one registry on top of these.
/// </summary>
public static class SystemCertificates
{
    /// <summary>CA bundles in the order Go's crypto/x509 tries them on Linux.</summary>
    public static readonly IReadOnlyList<string> Bundles =
    [
        "/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo
        "/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
        "/etc/ssl/ca-bundle.pem",                            // openSUSE
        "/etc/pki/tls/cacert.pem",                           // OpenELEC
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7+, Kylin
        "/etc/ssl/cert.pem",                                 // Alpine
    ];

    /// <summary>The bundle in use: SSL_CERT_FILE when set (and there), else the first of <see cref="Bundles"/> that
    /// exists, else null (only a registry's --ca-file, or SSL_CERT_DIR, can then make a TLS registry trusted).</summary>
    public static string? Bundle { get; private set; }

    /// <summary>Whether no CA certificate can be trusted at all: no bundle, and no SSL_CERT_DIR that exists.</summary>
    public static bool NoneFound => Bundle is null
        && !(Environment.GetEnvironmentVariable("SSL_CERT_DIR") is { Length: > 0 } dir && Directory.Exists(dir));

    /// <summary>Where trust comes from, for messages: the bundle, SSL_CERT_DIR, or why none was found.</summary>
    public static string Describe() =>
        Bundle is not null ? $"CA certificates from {Bundle}"
        : !NoneFound ? $"CA certificates from SSL_CERT_DIR={Environment.GetEnvironmentVariable("SSL_CERT_DIR")}"
        : Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file
            ? $"no CA certificates were found on this machine: SSL_CERT_FILE={file} does not exist; point it at the distribution's CA bundle, " +
                "unset it, or give the registry's CA"
            : $"no CA certificates were found on this machine (looked for {string.Join(", ", Bundles)}); install the distribution's " +
                "ca-certificates package, set SSL_CERT_FILE, or give the registry's CA";

    /// <summary>Finds the machine's CA bundle and hands it to OpenSSL (once, before the first TLS connection).</summary>
    public static void UseHostBundle()
    {
        if (Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } set)
        {
            Bundle = File.Exists(set) ? set : null; // the user's choice stands, also when it is wrong (Go's rule)
            return;
        }
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SSL_CERT_DIR")) || !OperatingSystem.IsLinux())
        {
            return;
        }
        Bundle = Bundles.FirstOrDefault(File.Exists);
        if (Bundle is null)
        {
            return;
        }
        // OpenSSL reads the process environment (getenv), which Environment.SetEnvironmentVariable does not change
        // on Unix: set it in libc as well.
        Environment.SetEnvironmentVariable("SSL_CERT_FILE", Bundle);
        try
        {
            _ = SetEnv("SSL_CERT_FILE", Bundle, 1);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc/musl: OpenSSL's own defaults apply
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value,
        int overwrite);
}
