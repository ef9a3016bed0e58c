using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Ferry.Templates.Functions.Sprig;

namespace Ferry.Templates.Tests;

/// <summary>The nondeterministic and crypto Sprig functions, checked by properties rather than fixed strings.</summary>
public class SprigPropertyTests
{
    private static string Render(string text, object? data = null, TimeProvider? clock = null) =>
        new Template("t", functions: SprigLibrary.Create(clock ?? TimeProvider.System)).Parse(text).Execute(data);

    [Fact]
    public void RandomStrings_HaveTheRequestedLengthAndAlphabet()
    {
        Assert.Matches("^[A-Za-z0-9]{20}$", Render("{{ randAlphaNum 20 }}"));
        Assert.Matches("^[A-Za-z]{15}$", Render("{{ randAlpha 15 }}"));
        Assert.Matches("^[0-9]{12}$", Render("{{ randNumeric 12 }}"));
        Assert.Matches("^[\\x20-\\x7e]{30}$", Render("{{ randAscii 30 }}"));
        Assert.NotEqual(Render("{{ randAlphaNum 32 }}"), Render("{{ randAlphaNum 32 }}"));
        var n = long.Parse(Render("{{ randInt 5 10 }}"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(n, 5, 9);
    }

    [Fact]
    public void Uuidv4_IsAVersion4Uuid()
    {
        var u = Render("{{ uuidv4 }}");
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", u);
    }

    [Fact]
    public void Shuffle_IsAPermutation()
    {
        var s = Render("{{ shuffle \"abcdefghij\" }}");
        Assert.Equal("abcdefghij", new string(s.Order().ToArray()));
    }

    [Fact]
    public void Htpasswd_VerifiesAsBcrypt()
    {
        var line = Render("{{ htpasswd \"admin\" \"s3cret\" }}");
        var parts = line.Split(':', 2);
        Assert.Equal("admin", parts[0]);
        Assert.StartsWith("$2a$10$", parts[1], StringComparison.Ordinal);
        Assert.True(BCrypt.Net.BCrypt.Verify("s3cret", parts[1]));
        Assert.False(BCrypt.Net.BCrypt.Verify("wrong", parts[1]));
    }

    [Fact]
    public void EncryptAes_RoundTripsAndUsesAFreshIv()
    {
        Assert.Equal("plain text", Render("{{ encryptAES \"k\" \"plain text\" | decryptAES \"k\" }}"));
        Assert.NotEqual(Render("{{ encryptAES \"k\" \"x\" }}"), Render("{{ encryptAES \"k\" \"x\" }}"));
        var data = Convert.FromBase64String(Render("{{ encryptAES \"k\" \"abc\" }}"));
        Assert.Equal(32, data.Length); // 16-byte IV + one padded block
    }

    [Fact]
    public void GenPrivateKey_ProducesImportablePemKeys()
    {
        var rsaPem = Render("{{ genPrivateKey \"rsa\" }}");
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", rsaPem, StringComparison.Ordinal);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(rsaPem);
        Assert.Equal(4096, rsa.KeySize);
        var ecPem = Render("{{ genPrivateKey \"ecdsa\" }}");
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", ecPem, StringComparison.Ordinal);
        using var ec = ECDsa.Create();
        ec.ImportFromPem(ecPem);
        Assert.Equal(256, ec.KeySize);
    }

    [Fact]
    public void KeyGeneration_GivesDistinctWorkingKeysOfTheRequestedSize()
    {
        using var a = Ferry.Templates.Functions.Sprig.KeyGenerator.Rsa(2048);
        using var b = Ferry.Templates.Functions.Sprig.KeyGenerator.Rsa(2048);
        Assert.Equal(2048, a.KeySize);
        Assert.NotEqual(a.ExportParameters(false).Modulus, b.ExportParameters(false).Modulus);
        var data = "ferry"u8.ToArray();
        var signature = a.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var pub = RSA.Create();
        pub.ImportParameters(a.ExportParameters(false));
        Assert.True(pub.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(b.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void GenCA_IsACaCertificateThatDotNetAccepts()
    {
        var pem = Render("{{ $ca := genCA \"ferry-ca\" 365 }}{{ $ca.Cert }}|{{ $ca.Key }}").Split('|');
        using var ca = X509Certificate2.CreateFromPem(pem[0], pem[1]);
        Assert.Equal("CN=ferry-ca", ca.Subject);
        Assert.Equal(ca.Subject, ca.Issuer);
        Assert.True(ca.HasPrivateKey);
        var bc = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(bc.CertificateAuthority);
        Assert.InRange((ca.NotAfter - ca.NotBefore).TotalDays, 364, 366);
    }

    [Fact]
    public void GenSignedCert_ChainsToItsCa_WithTheRequestedNames()
    {
        var text = """
            {{- $ca := genCA "ferry-ca" 30 -}}
            {{- $c := genSignedCert "registry.local" (list "127.0.0.1") (list "registry.local" "alt.local") 10 $ca -}}
            {{ $ca.Cert }}|{{ $c.Cert }}|{{ $c.Key }}
            """;
        var parts = Render(text).Split('|');
        using var ca = X509Certificate2.CreateFromPem(parts[0]);
        using var leaf = X509Certificate2.CreateFromPem(parts[1], parts[2]);
        Assert.Equal("CN=registry.local", leaf.Subject);
        Assert.Equal("CN=ferry-ca", leaf.Issuer);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["registry.local", "alt.local"], san.EnumerateDnsNames().ToArray());
        Assert.Equal("127.0.0.1", san.EnumerateIPAddresses().Single().ToString());
    }

    [Fact]
    public void GenSelfSignedCert_IsSelfSignedWithSans()
    {
        var parts = Render("{{ $c := genSelfSignedCert \"web\" nil (list \"web.local\") 5 }}{{ $c.Cert }}|{{ $c.Key }}").Split('|');
        using var cert = X509Certificate2.CreateFromPem(parts[0], parts[1]);
        Assert.Equal(cert.Subject, cert.Issuer);
        Assert.Equal("web.local", cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().Single());
    }

    [Fact]
    public void DateFunctions_UseTheGivenClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2024, 2, 29, 13, 4, 5, TimeSpan.Zero));
        Assert.Equal("2024-02-29 13:04:05 Thu", Render("{{ dateInZone \"2006-01-02 15:04:05 Mon\" now \"UTC\" }}", clock: clock));
        Assert.Equal("1709211845", Render("{{ now | unixEpoch }}", clock: clock));
        Assert.Equal("2024-02-29T15:04:05Z", Render("{{ dateInZone \"2006-01-02T15:04:05Z07:00\" (now | dateModify \"2h\") \"UTC\" }}", clock: clock));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    [Fact]
    public void ForbiddenFunctions_AreAClearParseError()
    {
        var t = new Template("t", functions: Functions.Helm.HelmLibrary.Create());
        var e = Assert.Throws<TemplateException>(() => t.Parse("{{ env \"HOME\" }}"));
        Assert.Contains("function \"env\" not defined (templates cannot read the process environment", e.Message, StringComparison.Ordinal);
        Assert.Contains("expandenv", Assert.Throws<TemplateException>(() => t.Parse("{{ expandenv \"$HOME\" }}")).Message, StringComparison.Ordinal);
        Assert.Equal("", new Template("u", functions: Functions.Helm.HelmLibrary.Create()).Parse("{{ getHostByName \"example.com\" }}").Execute(null));
    }
}
