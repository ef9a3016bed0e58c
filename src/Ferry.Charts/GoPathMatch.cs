using System.Text;

namespace Ferry.Charts;

/// <summary>
/// Go's <c>path/filepath.Match</c> on '/'-separated paths: <c>*</c> matches any run of non-separators, <c>?</c> one
/// non-separator, <c>[a-z]</c> / <c>[^a-z]</c> one character in (or not in) the ranges, <c>\</c> escapes. A malformed
/// pattern is <see cref="FormatException"/> ("syntax error in pattern", Go's ErrBadPattern). Used for .helmignore.
/// </summary>
public static class GoPathMatch
{
    public const string BadPattern = "syntax error in pattern";

    public static bool Match(string pattern, string name)
    {
        var p = pattern.AsSpan();
        var n = name.AsSpan();
        while (p.Length > 0)
        {
            var star = ScanChunk(ref p, out var chunk);
            if (star && chunk.IsEmpty)
            {
                return !n.Contains('/'); // a trailing * matches the rest of the name unless it holds a separator
            }
            if (MatchChunk(chunk, n, out var rest) && (rest.IsEmpty || p.Length > 0))
            {
                n = rest;
                continue;
            }
            var matched = false;
            if (star)
            {
                // look for a match skipping i+1 characters (never a separator)
                for (var i = 0; i < n.Length && n[i] != '/'; i++)
                {
                    if (MatchChunk(chunk, n[(i + 1)..], out rest))
                    {
                        if (p.Length == 0 && !rest.IsEmpty)
                        {
                            continue; // the last chunk must match the whole rest
                        }
                        n = rest;
                        matched = true;
                        break;
                    }
                }
            }
            if (matched)
            {
                continue;
            }
            // before answering false, the rest of the pattern must still be well formed (as Go checks)
            while (p.Length > 0)
            {
                ScanChunk(ref p, out chunk);
                MatchChunk(chunk, ReadOnlySpan<char>.Empty, out _);
            }
            return false;
        }
        return n.IsEmpty;
    }

    /// <summary>Throws <see cref="FormatException"/> when <paramref name="pattern"/> is malformed.</summary>
    public static void Validate(string pattern) => Match(pattern, "abc");

    private static bool ScanChunk(ref ReadOnlySpan<char> pattern, out ReadOnlySpan<char> chunk)
    {
        var star = false;
        while (pattern.Length > 0 && pattern[0] == '*')
        {
            pattern = pattern[1..];
            star = true;
        }
        var inRange = false;
        var i = 0;
        for (; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 < pattern.Length)
                {
                    i++;
                }
            }
            else if (c == '[')
            {
                inRange = true;
            }
            else if (c == ']')
            {
                inRange = false;
            }
            else if (c == '*' && !inRange)
            {
                break;
            }
        }
        chunk = pattern[..i];
        pattern = pattern[i..];
        return star;
    }

    // Go's matchChunk: whether chunk matches the start of s, and what remains; the whole chunk is always walked so
    // that a malformed pattern fails even when the text has already stopped matching.
    private static bool MatchChunk(scoped ReadOnlySpan<char> chunk, ReadOnlySpan<char> s, out ReadOnlySpan<char> rest)
    {
        var failed = false;
        while (chunk.Length > 0)
        {
            if (!failed && s.IsEmpty)
            {
                failed = true;
            }
            switch (chunk[0])
            {
                case '[':
                    var r = 0;
                    if (!failed)
                    {
                        r = NextRune(ref s);
                    }
                    var (match, negated) = MatchClass(ref chunk, r);
                    if (match == negated)
                    {
                        failed = true;
                    }
                    break;
                case '?':
                    if (!failed)
                    {
                        if (s[0] == '/')
                        {
                            failed = true;
                        }
                        NextRune(ref s);
                    }
                    chunk = chunk[1..];
                    break;
                default:
                    if (chunk[0] == '\\')
                    {
                        chunk = chunk[1..];
                        if (chunk.IsEmpty)
                        {
                            throw new FormatException(BadPattern);
                        }
                    }
                    if (!failed)
                    {
                        if (chunk[0] != s[0])
                        {
                            failed = true;
                        }
                        s = s[1..];
                    }
                    chunk = chunk[1..];
                    break;
            }
        }
        rest = failed ? ReadOnlySpan<char>.Empty : s;
        return !failed;
    }

    /// <summary>
    /// Whether rune <paramref name="r"/> is in the character class at the start of <paramref name="chunk"/> ("[a-z]" or
    /// "[^...]"), and whether the class is negated; <paramref name="chunk"/> moves past the class.
    /// </summary>
    private static (bool Match, bool Negated) MatchClass(scoped ref ReadOnlySpan<char> chunk, int r)
    {
        chunk = chunk[1..];
        var negated = false;
        if (chunk.Length > 0 && chunk[0] == '^')
        {
            negated = true;
            chunk = chunk[1..];
        }
        var match = false;
        var ranges = 0;
        while (true)
        {
            if (chunk.Length > 0 && chunk[0] == ']' && ranges > 0)
            {
                chunk = chunk[1..];
                return (match, negated);
            }
            var lo = Escaped(ref chunk);
            var hi = lo;
            if (chunk[0] == '-')
            {
                chunk = chunk[1..];
                hi = Escaped(ref chunk);
            }
            if (lo <= r && r <= hi)
            {
                match = true;
            }
            ranges++;
        }
    }

    // Go's getEsc: one possibly escaped character of a range; the range must go on after it
    private static int Escaped(ref ReadOnlySpan<char> chunk)
    {
        if (chunk.IsEmpty || chunk[0] == '-' || chunk[0] == ']')
        {
            throw new FormatException(BadPattern);
        }
        if (chunk[0] == '\\')
        {
            chunk = chunk[1..];
            if (chunk.IsEmpty)
            {
                throw new FormatException(BadPattern);
            }
        }
        var status = Rune.DecodeFromUtf16(chunk, out var rune, out var used);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw new FormatException(BadPattern);
        }
        chunk = chunk[used..];
        if (chunk.IsEmpty)
        {
            throw new FormatException(BadPattern);
        }
        return rune.Value;
    }

    private static int NextRune(ref ReadOnlySpan<char> s)
    {
        Rune.DecodeFromUtf16(s, out var rune, out var used);
        s = s[Math.Max(used, 1)..];
        return rune.Value;
    }
}
