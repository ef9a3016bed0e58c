using Ferry.Charts.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ferry.EndToEnd.Tests;

/// <summary>
/// The shape of src/: no line over 150 characters, no method (constructor, accessor, local function) over 80 lines.
/// Methods still over the limit are listed below with their size: the list may only shrink (a listed method that
/// grows, or no longer needs its entry, fails too), so every change leaves the code at least as small as it was.
/// </summary>
public sealed class SourceShapeTests
{
    private const int MaxLine = 150;
    private const int MaxMethod = 80;

    /// <summary>Methods over <see cref="MaxMethod"/> lines today, by file and name, with their length in lines.</summary>
    private static readonly Dictionary<string, int> Oversized = new(StringComparer.Ordinal)
    {
        ["Ferry.Bundles/SpecRequirements.cs Requirements.Parse"] = 93,
        ["Ferry.Charts/GoPathMatch.cs GoPathMatch.MatchChunk"] = 86,
        ["Ferry.Charts/HelmTemplate.cs HelmTemplate.RunCore"] = 104,
        ["Ferry.Charts/HelmTemplateArgs.cs HelmTemplateArgs.Parse"] = 107,
        ["Ferry.Charts/Schema/SchemaCompiler.cs SchemaCompiler.Fill"] = 120,
        ["Ferry.Charts/Schema/SchemaEvaluator.cs SchemaEvaluator.CheckArray"] = 106,
        ["Ferry.Charts/Schema/SchemaEvaluator.cs SchemaEvaluator.CheckConditions"] = 92,
        ["Ferry.Charts/Schema/SchemaEvaluator.cs SchemaEvaluator.CheckObject"] = 108,
        ["Ferry.Cli/BundleCommand.cs BundleCommand.BuildAsync"] = 93,
        ["Ferry.Cli/CommandLine.cs CommandLine.RunAsync"] = 87,
        ["Ferry.Cli/ConformanceCommand.cs ConformanceCommand.RunAll"] = 101,
        ["Ferry.Cli/RegistryCommand.cs RegistryCommand.RunAsync"] = 93,
        ["Ferry.Kube/Applier.cs Applier.ResolveAsync"] = 85,
        ["Ferry.Kube/Readiness.cs Readiness.Evaluate"] = 94,
        ["Ferry.Kube/Support/SupportAnalyzer.cs SupportAnalyzer.Analyze"] = 97,
        ["Ferry.Templates/Formatting/GoFmt.cs GoFmt.Printer.DoPrintf"] = 159,
        ["Ferry.Templates/Formatting/GoFmt.cs GoFmt.Printer.PrintOne"] = 136,
        ["Ferry.Templates/Formatting/GoJson.cs GoJson.Write"] = 105,
        ["Ferry.Templates/Formatting/GoQuote.cs GoQuote.TryUnquoteChar"] = 105,
        ["Ferry.Templates/Formatting/GoToml.cs GoToml.TomlParser.ParseValue"] = 102,
        ["Ferry.Templates/Formatting/GoYaml.Scalars.cs GoYaml.Analyze"] = 134,
        ["Ferry.Templates/Functions/Sprig/CaseFunctions.cs CaseFunctions.NextWord"] = 82,
        ["Ferry.Templates/Functions/Sprig/EncodingFunctions.cs EncodingFunctions.UrlParse"] = 95,
        ["Ferry.Templates/Lexing/Lexer.cs Lexer.LexInsideAction"] = 92,
        ["Ferry.Templates/Syntax/NumberNode.cs NumberNode.Parse"] = 90,
        ["Ferry.Templates/Time/GoLayout.cs GoLayout.Match"] = 85,
        ["Ferry.Templates/Time/GoLayout.cs GoLayout.TryParse"] = 169,
        ["Ferry.Templates/Yaml/YamlParser.cs YamlParser.Node"] = 95,
        ["Ferry.Templates/Yaml/YamlScanner.Scalars.cs YamlScanner.ScanBlockScalar"] = 103,
        ["Ferry.Templates/Yaml/YamlScanner.cs YamlScanner.FetchNextToken"] = 96,
    };

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
    public void NoMethod_IsOver80Lines_BeyondTheShrinkingList()
    {
        var measured = Methods().Where(m => m.Lines > MaxMethod).ToDictionary(m => m.Key, m => m.Lines, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (key, lines) in measured.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!Oversized.TryGetValue(key, out var allowed))
            {
                problems.Add($"{key}: {lines} lines (limit {MaxMethod}): split it");
            }
            else if (lines > allowed)
            {
                problems.Add($"{key}: grew from {allowed} to {lines} lines: split it");
            }
        }
        foreach (var (key, allowed) in Oversized.Where(kv => !measured.ContainsKey(kv.Key)))
        {
            problems.Add($"{key}: now within {MaxMethod} lines (or gone): remove it from {nameof(Oversized)}");
        }
        foreach (var (key, lines) in measured.Where(kv => Oversized.TryGetValue(kv.Key, out var allowed) && kv.Value < allowed))
        {
            problems.Add($"{key}: shrank to {lines} lines: lower its entry in {nameof(Oversized)}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
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
