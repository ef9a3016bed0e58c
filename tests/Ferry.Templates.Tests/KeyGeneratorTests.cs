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
}
