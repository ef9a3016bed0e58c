using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Ferry.Oci;

/// <summary>A content digest <c>sha256:&lt;64 hex&gt;</c> (the only algorithm Ferry writes; sha512 is read).</summary>
public readonly partial record struct Digest
{
    [GeneratedRegex("^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    private Digest(string value) => Value = value;

    public string Value { get; }

    public string Algorithm => Value[..Value.IndexOf(':', StringComparison.Ordinal)];

    public string Hex => Value[(Value.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public static Digest Parse(string s) => TryParse(s, out var d) ? d : throw new OciException($"invalid digest \"{s}\": expected sha256: " +
        "followed by 64 lowercase hex digits");

    public static bool TryParse(string? s, out Digest digest)
    {
        digest = default;
        if (s is null || !Pattern().IsMatch(s))
        {
            return false;
        }
        digest = new Digest(s);
        return true;
    }

    public static Digest Of(ReadOnlySpan<byte> data) => new("sha256:" + Convert.ToHexStringLower(SHA256.HashData(data)));

    public static Digest FromHash(byte[] sha256) => new("sha256:" + Convert.ToHexStringLower(sha256));

    public override string ToString() => Value;
}
