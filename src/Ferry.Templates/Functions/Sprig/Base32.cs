using System.Text;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>RFC 4648 base32 with padding (Go's base32.StdEncoding).</summary>
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(byte[] data)
    {
        var sb = new StringBuilder((data.Length + 4) / 5 * 8);
        for (var i = 0; i < data.Length; i += 5)
        {
            var n = Math.Min(5, data.Length - i);
            ulong buf = 0;
            for (var j = 0; j < 5; j++)
            {
                buf = (buf << 8) | (j < n ? data[i + j] : (byte)0);
            }
            var chars = (n * 8 + 4) / 5;
            for (var j = 0; j < 8; j++)
            {
                sb.Append(j < chars ? Alphabet[(int)((buf >> (35 - (j * 5))) & 31)] : '=');
            }
        }
        return sb.ToString();
    }

    public static bool TryDecode(string s, out byte[] result)
    {
        result = [];
        s = s.TrimEnd('=');
        var bytes = new List<byte>();
        var buf = 0;
        var bits = 0;
        foreach (var c in s)
        {
            var v = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }
            buf = (buf << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buf >> bits));
                buf &= (1 << bits) - 1;
            }
        }
        result = [.. bytes];
        return true;
    }
}
