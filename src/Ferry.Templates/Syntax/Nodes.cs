using System.Text;
using Ferry.Templates.Formatting;

namespace Ferry.Templates.Syntax;

/// <summary>A sequence of nodes.</summary>
public sealed class ListNode(Tree tree, int pos) : Node(tree, pos)
{
    public List<Node> Nodes { get; } = [];

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        foreach (var n in Nodes)
        {
            n.WriteTo(sb, quoteText);
        }
    }
}

/// <summary>Plain text copied to the output.</summary>
public sealed class TextNode(Tree tree, int pos, ReadOnlyMemory<char> text) : Node(tree, pos)
{
    public TextNode(Tree tree, int pos, string text)
        : this(tree, pos, text.AsMemory())
    {
    }

    /// <summary>The text, a slice of the template source.</summary>
    public ReadOnlyMemory<char> Memory { get; } = text;

    public string Text => Memory.ToString();

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append(quoteText ? GoQuote.Quote(Text) : Text);
}

/// <summary>A comment action <c>{{/* ... */}}</c>.</summary>
public sealed class CommentNode(Tree tree, int pos, string text) : Node(tree, pos)
{
    public string Text { get; } = text;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append("{{").Append(Text).Append("}}");
}

/// <summary>An action that prints its pipeline's value unless the pipeline declares variables.</summary>
public sealed class ActionNode(Tree tree, int pos, int line, PipeNode pipe) : Node(tree, pos)
{
    public int Line { get; } = line;

    public PipeNode Pipe { get; } = pipe;

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        sb.Append("{{");
        Pipe.WriteTo(sb, quoteText);
        sb.Append("}}");
    }
}

/// <summary>A pipeline: optional variable declarations and a sequence of commands separated by '|'.</summary>
public sealed class PipeNode(Tree tree, int pos, int line) : Node(tree, pos)
{
    public int Line { get; } = line;

    public bool IsAssign { get; set; }

    public List<VariableNode> Decl { get; } = [];

    public List<CommandNode> Cmds { get; } = [];

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        if (Decl.Count > 0)
        {
            for (var i = 0; i < Decl.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }
                Decl[i].WriteTo(sb, quoteText);
            }
            sb.Append(IsAssign ? " = " : " := ");
        }
        for (var i = 0; i < Cmds.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" | ");
            }
            Cmds[i].WriteTo(sb, quoteText);
        }
    }
}

/// <summary>A command: an operand or a function/method call with arguments.</summary>
public sealed class CommandNode(Tree tree, int pos) : Node(tree, pos)
{
    public List<Node> Args { get; } = [];

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        for (var i = 0; i < Args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            if (Args[i] is PipeNode p)
            {
                sb.Append('(');
                p.WriteTo(sb, quoteText);
                sb.Append(')');
                continue;
            }
            Args[i].WriteTo(sb, quoteText);
        }
    }
}

/// <summary>A function name.</summary>
public sealed class IdentifierNode(Tree tree, int pos, string ident) : Node(tree, pos)
{
    public string Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append(Ident);
}

/// <summary>A variable with optional field chain: <c>$x.A.B</c>.</summary>
public sealed class VariableNode(Tree tree, int pos, string[] ident) : Node(tree, pos)
{
    public VariableNode(Tree tree, int pos, string ident)
        : this(tree, pos, ident.Split('.'))
    {
    }

    public string[] Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.AppendJoin('.', Ident);
}

/// <summary>The cursor, <c>.</c>.</summary>
public sealed class DotNode(Tree tree, int pos) : Node(tree, pos)
{
    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append('.');
}

/// <summary>The untyped <c>nil</c> constant.</summary>
public sealed class NilNode(Tree tree, int pos) : Node(tree, pos)
{
    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append("nil");
}

/// <summary>A field chain on dot: <c>.A.B</c>.</summary>
public sealed class FieldNode(Tree tree, int pos, string[] ident) : Node(tree, pos)
{
    public FieldNode(Tree tree, int pos, string ident)
        : this(tree, pos, ident[1..].Split('.'))
    {
    }

    public string[] Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        foreach (var f in Ident)
        {
            sb.Append('.').Append(f);
        }
    }
}

/// <summary>Field access on a term that is not dot or a variable: <c>(pipeline).A.B</c>.</summary>
public sealed class ChainNode(Tree tree, int pos, Node node) : Node(tree, pos)
{
    public Node Node { get; } = node;

    public List<string> Field { get; } = [];

    public void Add(string field)
    {
        if (field.Length == 0 || field[0] != '.')
        {
            throw new InvalidOperationException("no dot in field");
        }
        field = field[1..];
        if (field.Length == 0)
        {
            throw new InvalidOperationException("empty field");
        }
        Field.Add(field);
    }

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        if (Node is PipeNode p)
        {
            sb.Append('(');
            p.WriteTo(sb, quoteText);
            sb.Append(')');
        }
        else
        {
            Node.WriteTo(sb, quoteText);
        }
        foreach (var f in Field)
        {
            sb.Append('.').Append(f);
        }
    }
}

/// <summary>A boolean constant.</summary>
public sealed class BoolNode(Tree tree, int pos, bool value) : Node(tree, pos)
{
    public bool True { get; } = value;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append(True ? "true" : "false");
}

/// <summary>A string constant; <see cref="Quoted"/> is the source form, <see cref="Text"/> the value.</summary>
public sealed class StringNode(Tree tree, int pos, string quoted, string text) : Node(tree, pos)
{
    public string Quoted { get; } = quoted;

    public string Text { get; } = text;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append(Quoted);
}

/// <summary>A <c>{{break}}</c> inside a range.</summary>
public sealed class BreakNode(Tree tree, int pos, int line) : Node(tree, pos)
{
    public int Line { get; } = line;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append("{{break}}");
}

/// <summary>A <c>{{continue}}</c> inside a range.</summary>
public sealed class ContinueNode(Tree tree, int pos, int line) : Node(tree, pos)
{
    public int Line { get; } = line;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append("{{continue}}");
}

/// <summary>Parser-internal marker for <c>{{end}}</c>.</summary>
internal sealed class EndNode(Tree tree, int pos) : Node(tree, pos)
{
    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append("{{end}}");
}

/// <summary>Parser-internal marker for <c>{{else}}</c>.</summary>
internal sealed class ElseNode(Tree tree, int pos, int line) : Node(tree, pos)
{
    public int Line { get; } = line;

    public override void WriteTo(StringBuilder sb, bool quoteText) => sb.Append("{{else}}");
}

/// <summary>The kinds of branch action.</summary>
public enum BranchKind
{
    If,
    Range,
    With,
}

/// <summary><c>{{if}}</c>, <c>{{range}}</c> or <c>{{with}}</c> with its lists.</summary>
public sealed class BranchNode(Tree tree, BranchKind kind, int pos, int line, PipeNode pipe, ListNode list, ListNode? elseList) : Node(tree, pos)
{
    public BranchKind Kind { get; } = kind;

    public int Line { get; } = line;

    public PipeNode Pipe { get; } = pipe;

    public ListNode List { get; } = list;

    public ListNode? ElseList { get; } = elseList;

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        sb.Append("{{").Append(Kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" }).Append(' ');
        Pipe.WriteTo(sb, quoteText);
        sb.Append("}}");
        List.WriteTo(sb, quoteText);
        if (ElseList is not null)
        {
            sb.Append("{{else}}");
            ElseList.WriteTo(sb, quoteText);
        }
        sb.Append("{{end}}");
    }
}

/// <summary>A <c>{{template "name" pipeline}}</c> invocation.</summary>
public sealed class TemplateNode(Tree tree, int pos, int line, string name, PipeNode? pipe) : Node(tree, pos)
{
    public int Line { get; } = line;

    public string Name { get; } = name;

    public PipeNode? Pipe { get; } = pipe;

    public override void WriteTo(StringBuilder sb, bool quoteText)
    {
        sb.Append("{{template ").Append(GoQuote.Quote(Name));
        if (Pipe is not null)
        {
            sb.Append(' ');
            Pipe.WriteTo(sb, quoteText);
        }
        sb.Append("}}");
    }
}
