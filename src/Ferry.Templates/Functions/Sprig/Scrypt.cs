using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>scrypt (RFC 7914) for Sprig's derivePassword: PBKDF2-HMAC-SHA256 around ROMix with Salsa20/8.</summary>
internal static class Scrypt
{
    public static byte[] DeriveKey(byte[] password, byte[] salt, int n, int r, int p, int keyLength)
    {
        if (n < 2 || !BitOperations.IsPow2(n))
        {
            throw new ArgumentException("scrypt: N must be > 1 and a power of 2", nameof(n));
        }
        var blockSize = 128 * r;
        var b = Rfc2898DeriveBytes.Pbkdf2(password, salt, 1, HashAlgorithmName.SHA256, p * blockSize);
        var words = blockSize / 4;
        var x = new uint[words];
        var y = new uint[words];
        var v = new uint[words * n];
        for (var i = 0; i < p; i++)
        {
            var chunk = b.AsSpan(i * blockSize, blockSize);
            for (var k = 0; k < words; k++)
            {
                x[k] = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(k * 4)..]);
            }
            for (var k = 0; k < n; k++)
            {
                x.CopyTo(v, k * words);
                BlockMix(x, y, r);
            }
            for (var k = 0; k < n; k++)
            {
                var j = (int)(x[(2 * r - 1) * 16] & (uint)(n - 1));
                for (var w = 0; w < words; w++)
                {
                    x[w] ^= v[(j * words) + w];
                }
                BlockMix(x, y, r);
            }
            for (var k = 0; k < words; k++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(chunk[(k * 4)..], x[k]);
            }
        }
        return Rfc2898DeriveBytes.Pbkdf2(password, b, 1, HashAlgorithmName.SHA256, keyLength);
    }

    private static void BlockMix(uint[] b, uint[] y, int r)
    {
        Span<uint> x = stackalloc uint[16];
        b.AsSpan((2 * r - 1) * 16, 16).CopyTo(x);
        for (var i = 0; i < 2 * r; i++)
        {
            for (var k = 0; k < 16; k++)
            {
                x[k] ^= b[(i * 16) + k];
            }
            Salsa208(x);
            var dest = ((i & 1) == 0 ? i / 2 : r + (i / 2)) * 16;
            x.CopyTo(y.AsSpan(dest, 16));
        }
        y.CopyTo(b, 0);
    }

    private static void Salsa208(Span<uint> b)
    {
        Span<uint> x = stackalloc uint[16];
        b.CopyTo(x);
        for (var i = 0; i < 8; i += 2)
        {
            x[4] ^= BitOperations.RotateLeft(x[0] + x[12], 7); x[8] ^= BitOperations.RotateLeft(x[4] + x[0], 9);
            x[12] ^= BitOperations.RotateLeft(x[8] + x[4], 13); x[0] ^= BitOperations.RotateLeft(x[12] + x[8], 18);
            x[9] ^= BitOperations.RotateLeft(x[5] + x[1], 7); x[13] ^= BitOperations.RotateLeft(x[9] + x[5], 9);
            x[1] ^= BitOperations.RotateLeft(x[13] + x[9], 13); x[5] ^= BitOperations.RotateLeft(x[1] + x[13], 18);
            x[14] ^= BitOperations.RotateLeft(x[10] + x[6], 7); x[2] ^= BitOperations.RotateLeft(x[14] + x[10], 9);
            x[6] ^= BitOperations.RotateLeft(x[2] + x[14], 13); x[10] ^= BitOperations.RotateLeft(x[6] + x[2], 18);
            x[3] ^= BitOperations.RotateLeft(x[15] + x[11], 7); x[7] ^= BitOperations.RotateLeft(x[3] + x[15], 9);
            x[11] ^= BitOperations.RotateLeft(x[7] + x[3], 13); x[15] ^= BitOperations.RotateLeft(x[11] + x[7], 18);
            x[1] ^= BitOperations.RotateLeft(x[0] + x[3], 7); x[2] ^= BitOperations.RotateLeft(x[1] + x[0], 9);
            x[3] ^= BitOperations.RotateLeft(x[2] + x[1], 13); x[0] ^= BitOperations.RotateLeft(x[3] + x[2], 18);
            x[6] ^= BitOperations.RotateLeft(x[5] + x[4], 7); x[7] ^= BitOperations.RotateLeft(x[6] + x[5], 9);
            x[4] ^= BitOperations.RotateLeft(x[7] + x[6], 13); x[5] ^= BitOperations.RotateLeft(x[4] + x[7], 18);
            x[11] ^= BitOperations.RotateLeft(x[10] + x[9], 7); x[8] ^= BitOperations.RotateLeft(x[11] + x[10], 9);
            x[9] ^= BitOperations.RotateLeft(x[8] + x[11], 13); x[10] ^= BitOperations.RotateLeft(x[9] + x[8], 18);
            x[12] ^= BitOperations.RotateLeft(x[15] + x[14], 7); x[13] ^= BitOperations.RotateLeft(x[12] + x[15], 9);
            x[14] ^= BitOperations.RotateLeft(x[13] + x[12], 13); x[15] ^= BitOperations.RotateLeft(x[14] + x[13], 18);
        }
        for (var i = 0; i < 16; i++)
        {
            b[i] += x[i];
        }
    }
}
