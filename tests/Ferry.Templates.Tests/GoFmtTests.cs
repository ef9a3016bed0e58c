using System.Numerics;
using Ferry.Templates.Formatting;

namespace Ferry.Templates.Tests;

public class GoFmtTests
{
    [Theory]
    [InlineData(1000000.0, "1e+06")]
    [InlineData(123456.0, "123456")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(3.0, "3")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0, "0")]
    public void FloatsPrintLikeGo(double value, string expected) => Assert.Equal(expected, GoFmt.Sprint([value]));

    [Theory]
    [InlineData("%5.2f", 3.14159, " 3.14")]
    [InlineData("%-8.3e|", 1234.5678, "1.235e+03|")]
    [InlineData("%g", 100000000.0, "1e+08")]
    [InlineData("%.3g", 1234.0, "1.23e+03")]
    [InlineData("%08.3f", -3.5, "-003.500")]
    [InlineData("%+d", 5L, "+5")]
    [InlineData("%x", 255L, "ff")]
    [InlineData("%#X", 255L, "0XFF")]
    [InlineData("%o", 8L, "10")]
    [InlineData("%b", 5L, "101")]
    [InlineData("%c", 65L, "A")]
    [InlineData("%U", 0x1F600L, "U+1F600")]
    [InlineData("%q", "a\"b\n", "\"a\\\"b\\n\"")]
    [InlineData("%x", "hi", "6869")]
    [InlineData("%6s|", "ab", "    ab|")]
    [InlineData("%.1s", "xyz", "x")]
    [InlineData("%t", true, "true")]
    [InlineData("%T", 1L, "int")]
    [InlineData("%T", 1.5, "float64")]
    [InlineData("%d", 17.0, "%!d(float64=17)")]
    [InlineData("%s", 5L, "%!s(int=5)")]
    public void PrintfVerbs(string format, object arg, string expected) => Assert.Equal(expected, GoFmt.Sprintf(format, [arg]));

    [Fact]
    public void MissingAndExtraArguments()
    {
        Assert.Equal("%!d(MISSING)", GoFmt.Sprintf("%d", []));
        Assert.Equal("x%!(EXTRA int=1, string=y)", GoFmt.Sprintf("x", [1L, "y"]));
        Assert.Equal("%!(NOVERB)", GoFmt.Sprintf("%", []));
    }

    [Fact]
    public void CollectionsPrintLikeGo()
    {
        var map = new Dictionary<string, object?> { ["b"] = 2.0, ["a"] = new List<object?> { 1L, "x", null } };
        Assert.Equal("map[a:[1 x <nil>] b:2]", GoFmt.Sprint([map]));
        Assert.Equal("[\"a\" \"b\"]", GoFmt.Sprintf("%q", [new List<object?> { "a", "b" }]));
        Assert.Equal("(1+2i)", GoFmt.Sprint([new Complex(1, 2)]));
    }

    [Fact]
    public void SprintAddsSpacesOnlyBetweenNonStrings()
    {
        Assert.Equal("1 2x3", GoFmt.Sprint([1L, 2L, "x", 3L]));
        Assert.Equal("1 2 x 3\n", GoFmt.Sprintln([1L, 2L, "x", 3L]));
    }
}
