using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's crypto, random and certificate functions.</summary>
internal static class CryptoFunctions
{
    private const string MasterPasswordSeed = "com.lyndir.masterpassword";

    private static readonly Dictionary<char, string> TemplateCharacters = new()
    {
        ['V'] = "AEIOU",
        ['C'] = "BCDFGHJKLMNPQRSTVWXYZ",
        ['v'] = "aeiou",
        ['c'] = "bcdfghjklmnpqrstvwxyz",
        ['A'] = "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        ['a'] = "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        ['n'] = "0123456789",
        ['o'] = "@&%?,=[]_:-+*$#!'^~;()/.",
        ['x'] = "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    };

    private static readonly Dictionary<string, string[]> PasswordTypes = new(StringComparer.Ordinal)
    {
        ["maximum"] = ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        ["long"] =
        [
            "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
            "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        ["medium"] = ["CvcnoCvc", "CvcCvcno"],
        ["short"] = ["Cvcn"],
        ["basic"] = ["aaanaaan", "aannaaan", "aaannaaa"],
        ["pin"] = ["nnnn"],
    };

    public static void Register(FunctionRegistry r)
    {
        r.Add(TemplateFunction.Fixed("encryptAES", 2, a => EncryptAes(AsString(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("decryptAES", 2, a => DecryptAes(AsString(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("derivePassword", 5, a =>
            DerivePassword((uint)ToInt64(a[0]), AsString(a[1]), AsString(a[2]), AsString(a[3]), AsString(a[4]))));
        r.Add(TemplateFunction.Fixed("genPrivateKey", 1, a => GenPrivateKey(AsString(a[0]))));
        r.Add(TemplateFunction.Fixed("uuidv4", 0, _ => Guid.NewGuid().ToString()));
        r.Add(TemplateFunction.Fixed("randAlphaNum", 1, a => Random(AsInt(a[0]), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")));
        r.Add(TemplateFunction.Fixed("randAlpha", 1, a => Random(AsInt(a[0]), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")));
        r.Add(TemplateFunction.Fixed("randNumeric", 1, a => Random(AsInt(a[0]), "0123456789")));
        r.Add(TemplateFunction.Fixed("randAscii", 1, a => Random(AsInt(a[0]), new string(Enumerable.Range(32, 95).Select(c => (char)c).ToArray()))));
        r.Add(TemplateFunction.Fixed("randInt", 2, a => (long)RandomNumberGenerator.GetInt32((int)ToInt64(a[0]), (int)ToInt64(a[1]))));
        r.Add(TemplateFunction.Fixed("randBytes", 1, a => Convert.ToBase64String(RandomNumberGenerator.GetBytes(AsInt(a[0])))));
        r.Add(TemplateFunction.Fixed("shuffle", 1, a =>
            new string(AsString(a[0]).OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).ToArray())));
        r.Add(TemplateFunction.Fixed("htpasswd", 2, a => AsString(a[0]) + ":"
            + BCrypt.Net.BCrypt.HashPassword(AsString(a[1]), BCrypt.Net.BCrypt.GenerateSalt(10, 'a'))));
        r.Add(TemplateFunction.Fixed("bcrypt", 1, a => BCrypt.Net.BCrypt.HashPassword(AsString(a[0]), BCrypt.Net.BCrypt.GenerateSalt(10, 'a'))));
        r.Add(TemplateFunction.Fixed("buildCustomCert", 2, a => Certificates.BuildCustom(AsString(a[0]), AsString(a[1]))));
        r.Add(TemplateFunction.Fixed("genCA", 2, a => Certificates.GenerateCa(AsString(a[0]), AsInt(a[1]), null)));
        r.Add(TemplateFunction.Fixed("genCAWithKey", 3, a => Certificates.GenerateCa(AsString(a[0]), AsInt(a[1]), AsString(a[2]))));
        r.Add(TemplateFunction.Fixed("genSelfSignedCert", 4, a => Certificates.Generate(AsString(a[0]), a[1], a[2], AsInt(a[3]), null, null)));
        r.Add(TemplateFunction.Fixed("genSelfSignedCertWithKey", 5, a =>
            Certificates.Generate(AsString(a[0]), a[1], a[2], AsInt(a[3]), null, AsString(a[4]))));
        r.Add(TemplateFunction.Fixed("genSignedCert", 5, a =>
            Certificates.Generate(AsString(a[0]), a[1], a[2], AsInt(a[3]), Certificates.AsCert(a[4]), null)));
        r.Add(TemplateFunction.Fixed("genSignedCertWithKey", 6, a =>
            Certificates.Generate(AsString(a[0]), a[1], a[2], AsInt(a[3]), Certificates.AsCert(a[4]), AsString(a[5]))));
    }

    private static string Random(int count, string chars)
    {
        if (count is < 0 or > 10_000_000)
        {
            throw new TemplateFunctionException($"invalid length {count}");
        }
        var sb = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            sb.Append(chars[RandomNumberGenerator.GetInt32(chars.Length)]);
        }
        return sb.ToString();
    }

    private static byte[] AesKey(string password)
    {
        var key = new byte[32];
        var p = Encoding.UTF8.GetBytes(password);
        Array.Copy(p, key, Math.Min(p.Length, 32));
        return key;
    }

    private static string EncryptAes(string password, string plaintext)
    {
        if (plaintext.Length == 0)
        {
            return "";
        }
        using var aes = Aes.Create();
        aes.Key = AesKey(password);
        var iv = RandomNumberGenerator.GetBytes(16);
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), iv, PaddingMode.PKCS7);
        return Convert.ToBase64String([.. iv, .. cipher]);
    }

    private static string DecryptAes(string password, string crypt64)
    {
        if (crypt64.Length == 0)
        {
            return "";
        }
        var data = Convert.FromBase64String(crypt64);
        if (data.Length < 16 || data.Length % 16 != 0)
        {
            throw new TemplateFunctionException("ciphertext too short");
        }
        using var aes = Aes.Create();
        aes.Key = AesKey(password);
        return GoString.FromBytes(aes.DecryptCbc(data.AsSpan(16), data.AsSpan(0, 16), PaddingMode.PKCS7));
    }

    /// <summary>The Master Password algorithm (scrypt N=32768, r=8, p=2) as Sprig implements it.</summary>
    private static string DerivePassword(uint counter, string passwordType, string password, string user, string site)
    {
        if (!PasswordTypes.TryGetValue(passwordType, out var templates))
        {
            return $"cannot find password template {passwordType}";
        }
        var seed = Encoding.UTF8.GetBytes(MasterPasswordSeed);
        var userBytes = Encoding.UTF8.GetBytes(user);
        var salt = new byte[seed.Length + 4 + userBytes.Length];
        seed.CopyTo(salt, 0);
        BinaryPrimitives.WriteUInt32BigEndian(salt.AsSpan(seed.Length), (uint)userBytes.Length);
        userBytes.CopyTo(salt, seed.Length + 4);
        var key = Scrypt.DeriveKey(Encoding.UTF8.GetBytes(password), salt, 32768, 8, 2, 64);
        var siteBytes = Encoding.UTF8.GetBytes(site);
        var msg = new byte[seed.Length + 4 + siteBytes.Length + 4];
        seed.CopyTo(msg, 0);
        BinaryPrimitives.WriteUInt32BigEndian(msg.AsSpan(seed.Length), (uint)siteBytes.Length);
        siteBytes.CopyTo(msg, seed.Length + 4);
        BinaryPrimitives.WriteUInt32BigEndian(msg.AsSpan(seed.Length + 4 + siteBytes.Length), counter);
        var digest = HMACSHA256.HashData(key, msg);
        var temp = templates[digest[0] % templates.Length];
        var sb = new StringBuilder(temp.Length);
        for (var i = 0; i < temp.Length; i++)
        {
            var chars = TemplateCharacters[temp[i]];
            sb.Append(chars[digest[i + 1] % chars.Length]);
        }
        return sb.ToString();
    }

    private static string GenPrivateKey(string type)
    {
        switch (type)
        {
            case "rsa":
                using (var rsa = KeyGenerator.Rsa(4096))
                {
                    return rsa.ExportRSAPrivateKeyPem() + "\n";
                }
            case "ecdsa":
                using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return ec.ExportECPrivateKeyPem() + "\n";
                }
            case "dsa" or "ed25519":
                throw new TemplateFunctionException($"genPrivateKey: {type} keys are not supported by Ferry; use \"rsa\" or \"ecdsa\"");
            default:
                return $"Unknown type {type}";
        }
    }

    internal static IPAddress ParseIp(object? v) => IPAddress.TryParse(Str(v), out var ip)
        ? ip
        : throw new TemplateFunctionException($"error parsing ip: {Str(v)}");
}
