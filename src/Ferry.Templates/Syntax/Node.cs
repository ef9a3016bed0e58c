using System.Text;

namespace Ferry.Templates.Syntax;

/// <summary>A node of a parsed template. Every node knows its source offset and its tree, for error locations.</summary>
public abstract class Node
{
    protected Node(Tree tree, int pos)
    {
        Tree = tree;
        Pos = pos;
    }

    /// <summary>The tree this node belongs to (whose source text locates it).</summary>
    public Tree Tree { get; }

    /// <summary>Offset in the source text.</summary>
    public int Pos { get; }

    /// <summary>Writes the node back as template text, as Go's <c>Node.String()</c> does.</summary>
    public abstract void WriteTo(StringBuilder sb, bool quoteText);

    public override string ToString()
    {
        var sb = new StringBuilder();
        WriteTo(sb, false);
        return sb.ToString();
    }
}
