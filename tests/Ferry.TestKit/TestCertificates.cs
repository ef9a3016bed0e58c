using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Oci.Tests;

/// <summary>Self-signed TLS material for loopback registries in tests.</summary>
public static class TestCertificates
{
    /// <summary>
    /// Writes a self-signed certificate (CA:TRUE, its own subject) for 127.0.0.1 and localhost into <paramref name="dir"/>: cert.pem, key.pem
    /// (PKCS#8) and ca/ca.crt (the certificate alone in its folder, as skopeo's --cert-dir wants it).
    /// </summary>
    public static (string Cert, string Key, string CaFile) WriteSelfSigned(string dir)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=127.0.0.1, O=ferry-test-{Guid.NewGuid():N}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        // CA:TRUE, as openssl req -x509 makes it: a trust anchor also when a client trusts it through SSL_CERT_FILE
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var (certFile, keyFile, caFile) = (Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"), Path.Combine(dir, "ca", "ca.crt"));
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        Directory.CreateDirectory(Path.Combine(dir, "ca"));
        File.WriteAllText(caFile, cert.ExportCertificatePem());
        return (certFile, keyFile, caFile);
    }
}
