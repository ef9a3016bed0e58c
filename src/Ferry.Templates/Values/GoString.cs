using System.Text;

namespace Ferry.Templates.Values;

/// <summary>
/// Go strings are byte strings; .NET strings are UTF-16. Bytes that are not valid UTF-8 (a binary file read with
/// <c>.Files.Get</c>, say) are kept as lone low surrogates U+DC80–U+DCFF, one per byte, and turned back into the
/// same bytes when a function needs the string's bytes (<c>b64enc</c>, <c>sha256sum</c>, <c>len</c>…), so
/// <c>.Files.Get "x.gz" | b64enc</c> gives what Go gives. Valid UTF-8 is ordinary text.
/// </summary>
public static class GoString
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The string Go would hold for these bytes.</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return DecodeEscaping(bytes);
        }
    }

    /// <summary>The bytes of a Go string (UTF-8, with escaped bytes restored).</summary>
    public static byte[] ToBytes(string s)
    {
        if (!HasEscapes(s))
        {
            return Encoding.UTF8.GetBytes(s);
        }
        var output = new List<byte>(s.Length + 16);
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '\uDC80' and <= '\uDCFF' && !(i > 0 && char.IsHighSurrogate(s[i - 1])))
            {
                output.Add((byte)(c - 0xDC00));
                continue;
            }
            var rune = Rune.TryGetRuneAt(s, i, out var r) ? r : Rune.ReplacementChar;
            var n = rune.EncodeToUtf8(buffer);
            for (var k = 0; k < n; k++)
            {
                output.Add(buffer[k]);
            }
            if (rune.IsBmp is false)
            {
                i++;
            }
        }
        return [.. output];
    }

    /// <summary>
    /// Go's <c>s[start:end]</c> on the string's bytes (<paramref name="end"/> null for <c>s[start:]</c>, <paramref name="start"/>
    /// null for <c>s[:end]</c>), with Go's runtime error when the bounds are out of range.
    /// </summary>
    public static string Slice(string s, int? start, int? end)
    {
        var ascii = System.Text.Ascii.IsValid(s);
        var length = ascii ? s.Length : ByteCount(s);
        var from = start ?? 0;
        if (end is int e && (e < 0 || e > length))
        {
            throw new TemplateFunctionException(e < 0
                ? $"runtime error: slice bounds out of range [:{e}]"
                : $"runtime error: slice bounds out of range [:{e}] with length {length}");
        }
        var to = end ?? length;
        if (from < 0 || from > to)
        {
            throw new TemplateFunctionException(from < 0
                ? $"runtime error: slice bounds out of range [{from}:]"
                : $"runtime error: slice bounds out of range [{from}:{to}]");
        }
        return ascii ? s[from..to] : FromBytes(ToBytes(s).AsSpan(from, to - from));
    }

    /// <summary>
    /// The string as Go's rune loops rebuild it (<c>strings.Map</c>, <c>for _, r := range s</c>): each byte of invalid
    /// UTF-8 becomes U+FFFD.
    /// </summary>
    public static string ReplaceInvalid(string s)
    {
        if (!HasEscapes(s))
        {
            return s;
        }
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= '\uDC80' and <= '\uDCFF' && !(i > 0 && char.IsHighSurrogate(chars[i - 1])))
            {
                chars[i] = '\uFFFD';
            }
        }
        return new string(chars);
    }

    /// <summary><c>len</c> of a Go string: its byte count.</summary>
    public static int ByteCount(string s) => HasEscapes(s) ? ToBytes(s).Length : Encoding.UTF8.GetByteCount(s);

    private static bool HasEscapes(string s)
    {
        foreach (var c in s)
        {
            if (c is >= '\uDC80' and <= '\uDCFF')
            {
                return true;
            }
        }
        return false;
    }

    private static string DecodeEscaping(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        var i = 0;
        while (i < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[i..], out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                sb.Append(rune.ToString());
                i += consumed;
            }
            else
            {
                sb.Append((char)(0xDC00 + bytes[i]));
                i++;
            }
        }
        return sb.ToString();
    }
}
