using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using Ferry.Templates.Functions.Sprig;

namespace Ferry.Templates.Tests;

/// <summary>The RSA key pool behind genCA, genPrivateKey and the certificate functions: races generations, never shares a key.</summary>
public sealed class KeyGeneratorTests
{
    [Fact]
    public async Task EveryKey_IsHandedOutOnce_AtTheSizeAskedFor_EvenFromManyThreadsAtOnce()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => KeyGenerator.Rsa(i % 2 == 0 ? 1024 : 2048))));
        var moduli = keys.Select(k => Convert.ToHexString(k.ExportParameters(false).Modulus!)).ToList();
        Assert.Equal(moduli.Count, moduli.Distinct().Count());
        Assert.Equal([1024, 2048, 1024, 2048, 1024, 2048], keys.Select(k => k.KeySize));
        foreach (var key in keys)
        {
            var data = "ferry"u8.ToArray();
            var signature = key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            Assert.True(key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)); // a whole, private key
        }
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(1024)]
    public void GeneratedKey_IsAValidRsaKey_WithIndependentlyCheckedPrimes(int bits)
    {
        using var key = RsaPrimes.TryGenerate(bits);
        Assert.NotNull(key); // libcrypto (OpenSSL 3) is on every machine Ferry's tests run on
        var k = key.ExportParameters(true);
        var n = Big(k.Modulus!);
        var p = Big(k.P!);
        var q = Big(k.Q!);
        var d = Big(k.D!);
        Assert.Equal(bits, (int)n.GetBitLength());
        Assert.Equal(65537, (int)Big(k.Exponent!));
        Assert.Equal(n, p * q);
        Assert.True(BigInteger.Abs(p - q) > BigInteger.One << (bits / 2 - 100));
        var lambda = (p - 1) * (q - 1) / BigInteger.GreatestCommonDivisor(p - 1, q - 1);
        Assert.Equal(BigInteger.One, d * 65537 % lambda);
        Assert.Equal(BigInteger.One, Big(k.InverseQ!) * q % p);
        Assert.Equal(d % (p - 1), Big(k.DP!));
        Assert.True(IndependentlyPrime(p) && IndependentlyPrime(q), "p and q must be prime (checked with .NET's arithmetic, 20 rounds)");
        var data = "ferry"u8.ToArray();
        Assert.True(key.VerifyData(data, key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        var encrypted = key.Encrypt(data, RSAEncryptionPadding.OaepSHA256);
        Assert.Equal(data, key.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA256));
        OpenSslAgrees(key);
    }

    [Theory]
    [InlineData("561")]                   // Carmichael numbers: Fermat's test passes them for every coprime base
    [InlineData("41041")]
    [InlineData("825265")]
    [InlineData("3215031751")]            // a strong pseudoprime to bases 2, 3, 5 and 7
    [InlineData("3825123056546413051")]   // a strong pseudoprime to every prime base up to 23
    [InlineData("318665857834031151167461")] // a strong pseudoprime to every prime base up to 37
    public void MillerRabin_RejectsPseudoprimes(string composite)
    {
        Assert.False(RsaPrimes.IsProbablePrime(BigInteger.Parse(composite, System.Globalization.CultureInfo.InvariantCulture), 20));
    }

    [Fact]
    public void MillerRabin_AcceptsPrimes_AndRejectsAProductOfTwoLargePrimes()
    {
        var m127 = (BigInteger.One << 127) - 1;
        var m521 = (BigInteger.One << 521) - 1;
        Assert.True(RsaPrimes.IsProbablePrime(m127, 20));
        Assert.True(RsaPrimes.IsProbablePrime(m521, 20));
        Assert.True(RsaPrimes.IsProbablePrime(65537, 20));
        Assert.False(RsaPrimes.IsProbablePrime(m127 * m521, 20));
        Assert.False(RsaPrimes.IsProbablePrime((BigInteger.One << 521) + 1, 20));
    }

    [Theory]
    [InlineData(2048, 6)]
    [InlineData(1024, 7)]
    [InlineData(4096, 5)]
    [InlineData(512, 7)]
    public void Rounds_FollowGosTable_PlusTwo(int bits, int rounds) => Assert.Equal(rounds, RsaPrimes.Rounds(bits));

    private static BigInteger Big(byte[] bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    private static bool IndependentlyPrime(BigInteger n)
    {
        var d = n - 1;
        var s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }
        var bytes = new byte[n.GetByteCount() + 1];
        for (var round = 0; round < 20; round++)
        {
            RandomNumberGenerator.Fill(bytes);
            bytes[^1] = 0;
            var a = new BigInteger(bytes) % (n - 3) + 2;
            var y = BigInteger.ModPow(a, d, n);
            if (y.IsOne || y == n - 1)
            {
                continue;
            }
            var passed = false;
            for (var j = 1; j < s && !passed; j++)
            {
                y = BigInteger.ModPow(y, 2, n);
                passed = y == n - 1;
            }
            if (!passed)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>OpenSSL's own consistency check of the key (<c>openssl pkey -check</c>), where the openssl tool is installed.</summary>
    private static void OpenSslAgrees(RSA key)
    {
        var openssl = new[] { "/usr/bin/openssl", "/bin/openssl" }.FirstOrDefault(File.Exists);
        if (openssl is null)
        {
            return;
        }
        var psi = new ProcessStartInfo(openssl, ["pkey", "-check", "-noout"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        process.StandardInput.Write(key.ExportPkcs8PrivateKeyPem());
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && output.Contains("Key is valid", StringComparison.Ordinal), output);
    }
}
