using System.Collections;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's certificate value: <c>.Cert</c> and <c>.Key</c> as PEM strings.</summary>
public sealed class CertificateValue(string cert, string key) : ITemplateObject
{
    public string Cert { get; } = cert;

    public string Key { get; } = key;

    public string GoTypeName => "sprig.certificate";

    public bool TryGetField(string name, out object? value)
    {
        value = name switch { "Cert" => Cert, "Key" => Key, _ => null };
        return value is not null;
    }

    public bool TryGetMethod(string name, out TemplateFunction? method)
    {
        method = null;
        return false;
    }

    public override string ToString() => $"{{{Cert} {Key}}}";
}

/// <summary>genCA, genSelfSignedCert and genSignedCert: RSA 2048 keys, PEM output, Sprig's key usages.</summary>
internal static class Certificates
{
    public static CertificateValue AsCert(object? v) => v switch
    {
        CertificateValue c => c,
        IDictionary<string, object?> d when d.TryGetValue("Cert", out var c) && d.TryGetValue("Key", out var k) =>
            new CertificateValue(Str(c), Str(k)),
        _ => throw new Functions.ArgumentTypeException($"wrong type for value; expected sprig.certificate; got {GoValue.TypeName(v)}"),
    };

    /// <summary>buildCustomCert: a certificate value from a base64 PEM certificate and a base64 PEM PKCS#1 RSA key, both checked.</summary>
    public static CertificateValue BuildCustom(string b64Cert, string b64Key)
    {
        byte[] cert;
        byte[] key;
        try
        {
            cert = Convert.FromBase64String(b64Cert);
        }
        catch (FormatException)
        {
            throw new TemplateFunctionException("unable to decode base64 certificate");
        }
        try
        {
            key = Convert.FromBase64String(b64Key);
        }
        catch (FormatException)
        {
            throw new TemplateFunctionException("unable to decode base64 private key");
        }
        var certText = System.Text.Encoding.UTF8.GetString(cert);
        var keyText = System.Text.Encoding.UTF8.GetString(key);
        if (!PemEncoding.TryFind(certText, out var certPem))
        {
            throw new TemplateFunctionException("unable to decode certificate");
        }
        try
        {
            using var parsed = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certText[certPem.Base64Data]));
        }
        catch (CryptographicException e)
        {
            throw new TemplateFunctionException($"error parsing certificate: decodedCert.Bytes: {e.Message}");
        }
        if (!PemEncoding.TryFind(keyText, out var keyPem))
        {
            throw new TemplateFunctionException("unable to decode key");
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportRSAPrivateKey(Convert.FromBase64String(keyText[keyPem.Base64Data]), out _);
        }
        catch (CryptographicException e)
        {
            throw new TemplateFunctionException($"error parsing prive key: decodedKey.Bytes: {e.Message}");
        }
        return new CertificateValue(certText, keyText);
    }

    private static RSA LoadOrCreateKey(string? pem)
    {
        if (pem is null)
        {
            return KeyGenerator.Rsa(2048);
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException e)
        {
            rsa.Dispose();
            throw new TemplateFunctionException($"error decoding private key: {e.Message}");
        }
        return rsa;
    }

    public static CertificateValue GenerateCa(string cn, int daysValid, string? keyPem)
    {
        using var key = LoadOrCreateKey(keyPem);
        var req = new CertificateRequest(new X500Name(cn).Value, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var cert = req.CreateSelfSigned(now, now.AddDays(daysValid));
        return new CertificateValue(cert.ExportCertificatePem() + "\n", key.ExportRSAPrivateKeyPem() + "\n");
    }

    public static CertificateValue Generate(string cn, object? ips, object? dnsNames, int daysValid, CertificateValue? ca, string? keyPem)
    {
        using var key = LoadOrCreateKey(keyPem);
        var req = new CertificateRequest(new X500Name(cn).Value, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var ip in Items(ips))
        {
            san.AddIpAddress(CryptoFunctions.ParseIp(ip));
            any = true;
        }
        foreach (var dns in Items(dnsNames))
        {
            san.AddDnsName(Str(dns));
            any = true;
        }
        if (any)
        {
            req.CertificateExtensions.Add(san.Build());
        }
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        if (ca is null)
        {
            using var self = req.CreateSelfSigned(now, now.AddDays(daysValid));
            return new CertificateValue(self.ExportCertificatePem() + "\n", key.ExportRSAPrivateKeyPem() + "\n");
        }
        using var caCert = X509Certificate2.CreateFromPem(ca.Cert, ca.Key);
        var notAfter = now.AddDays(daysValid);
        if (notAfter > caCert.NotAfter)
        {
            notAfter = caCert.NotAfter;
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = req.Create(caCert, now, notAfter, serial);
        return new CertificateValue(signed.ExportCertificatePem() + "\n", key.ExportRSAPrivateKeyPem() + "\n");
    }

    private static IEnumerable<object?> Items(object? v) => v switch
    {
        null => [],
        IList l => l.Cast<object?>(),
        _ => throw new Functions.ArgumentTypeException($"wrong type for value; expected []interface {{}}; got {GoValue.TypeName(v)}"),
    };

    private sealed class X500Name(string cn)
    {
        public X500DistinguishedName Value { get; } = new X500DistinguishedNameBuilder().Also(b => b.AddCommonName(cn)).Build();
    }

    private static X500DistinguishedNameBuilder Also(this X500DistinguishedNameBuilder b, Action<X500DistinguishedNameBuilder> f)
    {
        f(b);
        return b;
    }
}
