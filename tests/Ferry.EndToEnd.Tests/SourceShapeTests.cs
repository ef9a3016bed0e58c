using Ferry.Charts.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ferry.EndToEnd.Tests;

/// <summary>
/// The shape of src/: no line over 150 characters, no method (constructor, accessor, local function) over 80 lines.
/// </summary>
public sealed class SourceShapeTests
{
    private const int MaxLine = 150;
    private const int MaxMethod = 80;

    private static string Source { get; } = Path.GetFullPath(Path.Combine(TestPaths.Examples, "..", "src"));

    private static IEnumerable<string> Files() => Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void NoLine_IsOver150Characters()
    {
        var files = Files().ToList();
        Assert.True(files.Count > 100, $"found only {files.Count} source files under {Source}");
        var over = files.SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, i, line.Length)))
            .Where(x => x.Length > MaxLine)
            .Select(x => $"{Path.GetRelativePath(Source, x.f)}:{x.i + 1}: {x.Length} characters")
            .ToList();
        Assert.True(over.Count == 0, string.Join("\n", over));
    }

    [Fact]
    public void NoMethod_IsOver80Lines()
    {
        var over = Methods().Where(m => m.Lines > MaxMethod).Select(m => $"{m.Key}: {m.Lines} lines (limit {MaxMethod}): split it").ToList();
        Assert.True(over.Count == 0, string.Join("\n", over));
    }

    [Fact]
    public void TheMeasure_CountsEveryKindOfBody()
    {
        var tree = CSharpSyntaxTree.ParseText("""
            class C
            {
                C() { }
                int P { get { return 1; } }
                void M()
                {
                    void Local()
                    {
                    }
                }
            }
            """);
        var names = Measure(tree, "c.cs").Select(m => (m.Key, m.Lines)).ToList();
        Assert.Equal([("c.cs C..ctor", 1), ("c.cs C.P.get", 1), ("c.cs C.M", 6), ("c.cs C.M.Local", 3)], names);
    }

    private static IEnumerable<(string Key, int Lines)> Methods() =>
        Files().SelectMany(f => Measure(CSharpSyntaxTree.ParseText(File.ReadAllText(f)), Path.GetRelativePath(Source, f).Replace('\\', '/')));

    private static IEnumerable<(string Key, int Lines)> Measure(SyntaxTree tree, string file)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var body = node switch
            {
                BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                LocalFunctionStatementSyntax l => (SyntaxNode?)l.Body ?? l.ExpressionBody,
                AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                _ => null,
            };
            if (body is null)
            {
                continue;
            }
            var span = node.GetLocation().GetLineSpan();
            yield return ($"{file} {Name(node)}", span.EndLinePosition.Line - span.StartLinePosition.Line + 1);
        }
    }

    /// <summary>Type.Method, Type..ctor, Type.Property.get, Type.Method.Local.</summary>
    private static string Name(SyntaxNode node)
    {
        var parts = new List<string>();
        for (var n = node; n is not null; n = n.Parent)
        {
            switch (n)
            {
                case BaseTypeDeclarationSyntax t:
                    parts.Add(t.Identifier.Text);
                    break;
                case MethodDeclarationSyntax m:
                    parts.Add(m.Identifier.Text);
                    break;
                case ConstructorDeclarationSyntax:
                    parts.Add(".ctor");
                    break;
                case LocalFunctionStatementSyntax l:
                    parts.Add(l.Identifier.Text);
                    break;
                case AccessorDeclarationSyntax a:
                    parts.Add(a.Keyword.Text);
                    break;
                case PropertyDeclarationSyntax p:
                    parts.Add(p.Identifier.Text);
                    break;
                case IndexerDeclarationSyntax:
                    parts.Add("this[]");
                    break;
                case OperatorDeclarationSyntax o:
                    parts.Add("operator " + o.OperatorToken.Text);
                    break;
                case ConversionOperatorDeclarationSyntax c:
                    parts.Add("operator " + c.Type);
                    break;
            }
        }
        parts.Reverse();
        return string.Join('.', parts);
    }
}
