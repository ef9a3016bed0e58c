using System.Formats.Tar;
using System.Security.Cryptography;

namespace Ferry.Bundles;

/// <summary>
/// ECDSA P-256 signatures over a bundle's <c>SHA256SUMS</c> (which covers every other file). The signature is
/// stored DER-encoded as the <c>SHA256SUMS.sig</c> entry right after it, so
/// <c>openssl dgst -sha256 -verify pub.pem -signature SHA256SUMS.sig SHA256SUMS</c> checks it too.
/// </summary>
public static class BundleSigner
{
    public const string SignatureName = "SHA256SUMS.sig";

    /// <summary>Writes a new key pair: PKCS#8 private key (mode 0600) and SubjectPublicKeyInfo public key, both PEM.</summary>
    public static void GenerateKey(string privatePath, string publicPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(privatePath, key.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
    }

    public static byte[] Sign(byte[] sums, string privateKeyPath)
    {
        using var key = LoadKey(privateKeyPath, isPrivate: true);
        return key.SignData(sums, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public static bool Verify(byte[] sums, byte[] signature, string publicKeyPath)
    {
        using var key = LoadKey(publicKeyPath, isPrivate: false);
        return key.VerifyData(sums, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Signs a bundle in place: streams it into a copy with the signature entry after SHA256SUMS (replacing an old one).</summary>
    public static void SignBundle(string bundlePath, string privateKeyPath)
    {
        var storage = BundleFile.Storage(bundlePath);
        var output = bundlePath.EndsWith(".001", StringComparison.Ordinal) && !File.Exists(bundlePath[..^4]) ? bundlePath[..^4] : bundlePath;
        var signedTemp = output + ".signed";
        using (var input = BundleFile.OpenRead(bundlePath))
        using (var reader = new TarReader(input))
        using (var target = BundleFile.Create(signedTemp, storage))
        {
            var first = reader.GetNextEntry();
            if (first?.Name != BundleBuilder.SumsName)
            {
                throw new BundleException($"{bundlePath}: not a Ferry bundle (the first entry must be {BundleBuilder.SumsName})");
            }
            using var sums = new MemoryStream();
            first.DataStream?.CopyTo(sums);
            var signature = Sign(sums.ToArray(), privateKeyPath);
            var archive = target.Stream;
            ReproducibleTar.WriteEntryAsync(archive, BundleBuilder.SumsName, new MemoryStream(sums.ToArray()), sums.Length, default).GetAwaiter()
                .GetResult();
            ReproducibleTar.WriteEntryAsync(archive, SignatureName, new MemoryStream(signature), signature.Length, default).GetAwaiter().GetResult();
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name != SignatureName)
                {
                    ReproducibleTar.WriteEntryAsync(archive, entry.Name, entry.DataStream ?? Stream.Null, entry.Length, default).GetAwaiter()
                        .GetResult();
                }
            }
            ReproducibleTar.WriteEnd(archive);
            target.Commit();
        }
        foreach (var part in BundleFile.Parts(signedTemp))
        {
            File.Move(part, output + part[signedTemp.Length..], overwrite: true);
        }
    }

    private static ECDsa LoadKey(string path, bool isPrivate)
    {
        if (!File.Exists(path))
        {
            var hint = isPrivate ? "create a key pair with 'ferry keygen'" : "give the public key that came with the bundle";
            throw new BundleException($"{path}: no such key file ({hint})");
        }
        var pem = File.ReadAllText(path);
        if (!isPrivate && pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new BundleException($"{path} is a private key: verify with the public key (the .pub.pem that came with the bundle); the private " +
                "key stays with whoever signs bundles and never goes to a site");
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new BundleException($"{path}: not a PEM EC key ({e.Message})", e);
        }
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new BundleException($"{path}: an ECDSA P-256 key is required (this one has {key.KeySize} bits)");
        }
        if (isPrivate)
        {
            try
            {
                key.ExportParameters(includePrivateParameters: true);
            }
            catch (CryptographicException e)
            {
                key.Dispose();
                throw new BundleException($"{path}: a private key is required to sign (this is a public key)", e);
            }
        }
        return key;
    }
}
