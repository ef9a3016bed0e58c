namespace Ferry.Templates.Syntax;

/// <summary>A parsed template: its name, the name of the source it came from, the source text and the root list.</summary>
public sealed class Tree
{
    internal Tree(string name, string parseName, string text)
    {
        Name = name;
        ParseName = parseName;
        Text = text;
    }

    /// <summary>The template's name (a <c>define</c> name, or the name given to Parse).</summary>
    public string Name { get; internal set; }

    /// <summary>The name of the top-level template whose source holds this tree (used in error locations).</summary>
    public string ParseName { get; }

    /// <summary>The full source text this tree was parsed from.</summary>
    public string Text { get; }

    public ListNode Root { get; internal set; } = null!;

    /// <summary>Go's <c>IsEmptyTree</c>: only whitespace text and comments.</summary>
    public static bool IsEmpty(Node? n) => n switch
    {
        null => true,
        CommentNode => true,
        TextNode t => t.Memory.Span.IsWhiteSpace(),
        ListNode l => l.Nodes.All(IsEmpty),
        _ => false,
    };

    /// <summary>Location of a node as Go reports it in execution errors (the column a 0-based byte offset).</summary>
    public static TemplateLocation Location(Node n)
    {
        var text = n.Tree.Text;
        var pos = Math.Min(n.Pos, text.Length);
        var lastNewline = text.LastIndexOf('\n', Math.Max(0, pos - 1));
        if (pos == 0)
        {
            lastNewline = -1;
        }
        // Go's column is a byte offset: count the line's text so far in UTF-8 (é is two)
        var lineStart = lastNewline < 0 ? 0 : lastNewline + 1;
        var col = Values.GoString.ByteCount(text[lineStart..pos]);
        var line = 1;
        for (var i = 0; i < pos; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }
        return new TemplateLocation(n.Tree.ParseName, line, col);
    }
}

/// <summary>Where a node is: the template file, its line (1-based) and column (a 0-based UTF-8 byte offset, as Go counts).</summary>
public readonly record struct TemplateLocation(string Name, int Line, int Column)
{
    /// <summary><c>name:line:col</c>, as Go prints it.</summary>
    public override string ToString() => $"{Name}:{Line}:{Column}";
}
