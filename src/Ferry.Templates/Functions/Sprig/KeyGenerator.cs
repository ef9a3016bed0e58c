using System.Security.Cryptography;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>
/// RSA keys for <c>genPrivateKey</c>, <c>genCA</c> and the certificate functions, generated now (a .NET RSA object
/// makes its key lazily, on first use). Generation is a random search for primes: its time varies several-fold from
/// key to key (0.6–2 s for 4096 bits on a CI core), for Ferry (OpenSSL) as for helm (Go).
/// </summary>
internal static class KeyGenerator
{
    public static RSA Rsa(int bits)
    {
        var rsa = RSA.Create(bits);
        rsa.ExportParameters(false);
        return rsa;
    }
}
