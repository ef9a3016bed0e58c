namespace Ferry.Templates.Yaml;

internal enum YamlNodeKind
{
    Scalar,
    Mapping,
    Sequence,
    Alias,
}

/// <summary>A node of a YAML document; mappings hold keys and values alternately.</summary>
internal sealed class YamlNode(YamlNodeKind kind, YamlMark start)
{
    public YamlNodeKind Kind { get; } = kind;

    public YamlMark Start { get; } = start;

    public string Tag { get; init; } = "";

    public string Value { get; init; } = "";

    public YamlScalarStyle Style { get; init; }

    /// <summary>A plain scalar without a specific tag.</summary>
    public bool Implicit { get; init; }

    /// <summary>A collection's nodes; scalars and aliases share one empty list (only the composer adds, to collections).</summary>
    public List<YamlNode> Children { get; } = kind is YamlNodeKind.Mapping or YamlNodeKind.Sequence ? [] : NoChildren;

    private static readonly List<YamlNode> NoChildren = [];

    /// <summary>For an alias: the anchored node it refers to.</summary>
    public YamlNode? Target { get; init; }
}

/// <summary>
/// Builds node trees from parser events, one document at a time, resolving aliases to their anchored nodes as
/// go-yaml v2 does (an alias must follow its anchor; a later anchor of the same name replaces it).
/// </summary>
internal sealed partial class YamlComposer(string input)
{
    private readonly YamlParser _parser = new(input);
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private YamlEvent? _peeked;
    private bool _started;

    private YamlEvent NextEvent()
    {
        if (_peeked is { } e)
        {
            _peeked = null;
            return e;
        }
        return _parser.Next() ?? throw YamlException.Decode("attempted to go past the end of stream; corrupted value?");
    }

    private YamlEvent PeekEvent() => _peeked ??= NextEvent();

    /// <summary>The next document's root node; null when the stream has no more documents.</summary>
    public YamlNode? NextDocument()
    {
        if (!_started)
        {
            NextEvent(); // stream start
            _started = true;
        }
        var e = PeekEvent();
        if (e.Type == YamlEventType.StreamEnd)
        {
            return null;
        }
        NextEvent(); // document start
        var root = Compose();
        NextEvent(); // document end
        return root;
    }

    /// <summary>Composes one node; collections are built with an explicit stack (deep nesting cannot overflow).</summary>
    private YamlNode Compose()
    {
        var stack = new Stack<YamlNode>();
        YamlNode? result = null;
        while (true)
        {
            var e = NextEvent();
            YamlNode? done = null;
            switch (e.Type)
            {
                case YamlEventType.Scalar:
                    done = new YamlNode(YamlNodeKind.Scalar, e.Start) { Tag = e.Tag, Value = e.Value, Style = e.Style, Implicit = e.Implicit };
                    Anchor(e.Anchor, done);
                    break;
                case YamlEventType.Alias:
                    _sawAnchorOrAlias = true;
                    if (!_anchors.TryGetValue(e.Anchor!, out var target))
                    {
                        throw YamlException.Decode($"unknown anchor '{e.Anchor}' referenced");
                    }
                    done = new YamlNode(YamlNodeKind.Alias, e.Start) { Value = e.Anchor!, Target = target };
                    break;
                case YamlEventType.SequenceStart:
                case YamlEventType.MappingStart:
                    var collection = new YamlNode(e.Type == YamlEventType.SequenceStart ? YamlNodeKind.Sequence : YamlNodeKind.Mapping,
                        e.Start) { Tag = e.Tag };
                    Anchor(e.Anchor, collection);
                    stack.Push(collection);
                    continue;
                case YamlEventType.SequenceEnd:
                case YamlEventType.MappingEnd:
                    done = stack.Pop();
                    break;
                default:
                    throw YamlException.Decode($"unexpected {e.Type} event");
            }
            if (stack.Count == 0)
            {
                result = done;
                break;
            }
            stack.Peek().Children.Add(done!);
        }
        return result!;
    }

    private void Anchor(string? name, YamlNode node)
    {
        if (name is not null)
        {
            _sawAnchorOrAlias = true;
            _anchors[name] = node;
        }
    }
}
