namespace Ferry.Charts.Tests;

/// <summary>Go's path/filepath.Match, on Go's own test table (match_test.go), as .helmignore uses it.</summary>
public sealed class GoPathMatchTests
{
    public static TheoryData<string, string, bool?> GoVectors() => new()
    {
        { "abc", "abc", true }, { "*", "abc", true }, { "*c", "abc", true }, { "a*", "a", true }, { "a*", "abc", true },
        { "a*", "ab/c", false }, { "a*/b", "abc/b", true }, { "a*/b", "a/c/b", false },
        { "a*b*c*d*e*/f", "axbxcxdxe/f", true }, { "a*b*c*d*e*/f", "axbxcxdxexxx/f", true },
        { "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false }, { "a*b*c*d*e*/f", "axbxcxdxexxx/fff", false },
        { "a*b?c*x", "abxbbxdbxebxczzx", true }, { "a*b?c*x", "abxbbxdbxebxczzy", false },
        { "ab[c]", "abc", true }, { "ab[b-d]", "abc", true }, { "ab[e-g]", "abc", false }, { "ab[^c]", "abc", false },
        { "ab[^b-d]", "abc", false }, { "ab[^e-g]", "abc", true }, { "a\\*b", "a*b", true }, { "a\\*b", "ab", false },
        { "a?b", "a☺b", true }, { "a[^a]b", "a☺b", true }, { "a???b", "a☺b", false }, { "a[^a][^a][^a]b", "a☺b", false },
        { "[a-ζ]*", "α", true }, { "*[a-ζ]", "A", false }, { "a?b", "a/b", false }, { "a*b", "a/b", false },
        { "[\\]a]", "]", true }, { "[\\-]", "-", true }, { "[x\\-]", "x", true }, { "[x\\-]", "-", true },
        { "[x\\-]", "z", false }, { "[\\-x]", "x", true }, { "[\\-x]", "-", true }, { "[\\-x]", "a", false },
        { "[]a]", "]", null }, { "[-]", "-", null }, { "[x-]", "x", null }, { "[x-]", "-", null }, { "[x-]", "z", null },
        { "[-x]", "x", null }, { "[-x]", "-", null }, { "[-x]", "a", null }, { "\\", "a", null }, { "[a-b-c]", "a", null },
        { "[", "a", null }, { "[^", "a", null }, { "[^bc", "a", null }, { "a[", "a", null }, { "a[", "ab", null },
        { "a[", "x", null }, { "a/b[", "x", null }, { "*x", "xxx", true },
    };

    /// <param name="expected">Whether it matches; null where Go answers ErrBadPattern.</param>
    [Theory]
    [MemberData(nameof(GoVectors))]
    public void Match_AgreesWithGo(string pattern, string name, bool? expected)
    {
        if (expected is null)
        {
            var e = Assert.Throws<FormatException>(() => GoPathMatch.Match(pattern, name));
            Assert.Equal("syntax error in pattern", e.Message);
        }
        else
        {
            Assert.Equal(expected.Value, GoPathMatch.Match(pattern, name));
        }
    }
}
