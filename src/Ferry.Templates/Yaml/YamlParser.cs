namespace Ferry.Templates.Yaml;

internal enum YamlEventType
{
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias,
    Scalar,
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
}

internal readonly struct YamlEvent(YamlEventType type, YamlMark start)
{
    public YamlEventType Type { get; } = type;

    public YamlMark Start { get; } = start;

    public string? Anchor { get; init; }

    /// <summary>The resolved tag (handle expanded through %TAG), or empty.</summary>
    public string Tag { get; init; } = "";

    public string Value { get; init; } = "";

    /// <summary>A plain scalar without tag (or with the non-specific '!'): resolved by its text.</summary>
    public bool Implicit { get; init; }

    public YamlScalarStyle Style { get; init; }
}

/// <summary>
/// libyaml's LL(1) parser over <see cref="YamlScanner"/> tokens, as go-yaml v2 runs it: the same grammar, states and
/// error wording. An explicit stack of states, so deep nesting cannot overflow the .NET stack.
/// </summary>
internal sealed class YamlParser(string input)
{
    private enum State
    {
        StreamStart,
        ImplicitDocumentStart,
        DocumentStart,
        DocumentContent,
        DocumentEnd,
        BlockNode,
        BlockNodeOrIndentlessSequence,
        FlowNode,
        BlockSequenceFirstEntry,
        BlockSequenceEntry,
        IndentlessSequenceEntry,
        BlockMappingFirstKey,
        BlockMappingKey,
        BlockMappingValue,
        FlowSequenceFirstEntry,
        FlowSequenceEntry,
        FlowSequenceEntryMappingKey,
        FlowSequenceEntryMappingValue,
        FlowSequenceEntryMappingEnd,
        FlowMappingFirstKey,
        FlowMappingKey,
        FlowMappingValue,
        FlowMappingEmptyValue,
        End,
    }

    private readonly YamlScanner _scanner = new(input);
    private readonly Stack<State> _states = new();
    private readonly Stack<YamlMark> _marks = new();
    private readonly List<(string Handle, string Prefix)> _tagDirectives = [];
    private State _state = State.StreamStart;

    /// <summary>The next event, or null after the end of the stream.</summary>
    public YamlEvent? Next()
    {
        if (_state == State.End)
        {
            return null;
        }
        return _state switch
        {
            State.StreamStart => StreamStart(),
            State.ImplicitDocumentStart => DocumentStart(implicitAllowed: true),
            State.DocumentStart => DocumentStart(implicitAllowed: false),
            State.DocumentContent => DocumentContent(),
            State.DocumentEnd => DocumentEnd(),
            State.BlockNode => Node(block: true, indentlessSequence: false),
            State.BlockNodeOrIndentlessSequence => Node(block: true, indentlessSequence: true),
            State.FlowNode => Node(block: false, indentlessSequence: false),
            State.BlockSequenceFirstEntry => BlockSequenceEntry(first: true),
            State.BlockSequenceEntry => BlockSequenceEntry(first: false),
            State.IndentlessSequenceEntry => IndentlessSequenceEntry(),
            State.BlockMappingFirstKey => BlockMappingKey(first: true),
            State.BlockMappingKey => BlockMappingKey(first: false),
            State.BlockMappingValue => BlockMappingValue(),
            State.FlowSequenceFirstEntry => FlowSequenceEntry(first: true),
            State.FlowSequenceEntry => FlowSequenceEntry(first: false),
            State.FlowSequenceEntryMappingKey => FlowSequenceEntryMappingKey(),
            State.FlowSequenceEntryMappingValue => FlowSequenceEntryMappingValue(),
            State.FlowSequenceEntryMappingEnd => FlowSequenceEntryMappingEnd(),
            State.FlowMappingFirstKey => FlowMappingKey(first: true),
            State.FlowMappingKey => FlowMappingKey(first: false),
            State.FlowMappingValue => FlowMappingValue(empty: false),
            _ => FlowMappingValue(empty: true),
        };
    }

    private YamlToken Peek() => _scanner.Peek();

    private void Skip() => _scanner.Skip();

    private static YamlException Error(string problem, YamlMark problemMark) =>
        YamlException.Syntax(YamlErrorKind.Parser, default, problemMark, problem);

    private static YamlException Error(YamlMark contextMark, string problem, YamlMark problemMark) =>
        YamlException.Syntax(YamlErrorKind.Parser, contextMark, problemMark, problem);

    private State Pop() => _states.Pop();

    private YamlEvent StreamStart()
    {
        var token = Peek();
        if (token.Type != YamlTokenType.StreamStart)
        {
            throw Error("did not find expected <stream-start>", token.Start);
        }
        _state = State.ImplicitDocumentStart;
        Skip();
        return new YamlEvent(YamlEventType.StreamStart, token.Start);
    }

    private YamlEvent DocumentStart(bool implicitAllowed)
    {
        var token = Peek();
        if (!implicitAllowed)
        {
            while (token.Type == YamlTokenType.DocumentEnd)
            {
                Skip();
                token = Peek();
            }
        }
        if (implicitAllowed && token.Type is not (
            YamlTokenType.VersionDirective or YamlTokenType.TagDirective or YamlTokenType.DocumentStart or YamlTokenType.StreamEnd))
        {
            ProcessDirectives();
            _states.Push(State.DocumentEnd);
            _state = State.BlockNode;
            return new YamlEvent(YamlEventType.DocumentStart, token.Start);
        }
        if (token.Type != YamlTokenType.StreamEnd)
        {
            var start = token.Start;
            ProcessDirectives();
            token = Peek();
            if (token.Type != YamlTokenType.DocumentStart)
            {
                throw Error("did not find expected <document start>", token.Start);
            }
            _states.Push(State.DocumentEnd);
            _state = State.DocumentContent;
            Skip();
            return new YamlEvent(YamlEventType.DocumentStart, start);
        }
        _state = State.End;
        Skip();
        return new YamlEvent(YamlEventType.StreamEnd, token.Start);
    }

    private YamlEvent DocumentContent()
    {
        var token = Peek();
        if (token.Type is YamlTokenType.VersionDirective or YamlTokenType.TagDirective
            or YamlTokenType.DocumentStart or YamlTokenType.DocumentEnd or YamlTokenType.StreamEnd)
        {
            _state = Pop();
            return EmptyScalar(token.Start);
        }
        return Node(block: true, indentlessSequence: false);
    }

    private YamlEvent DocumentEnd()
    {
        var token = Peek();
        if (token.Type == YamlTokenType.DocumentEnd)
        {
            Skip();
        }
        _tagDirectives.Clear();
        _state = State.DocumentStart;
        return new YamlEvent(YamlEventType.DocumentEnd, token.Start);
    }

    private void ProcessDirectives()
    {
        var versionSeen = false;
        var token = Peek();
        while (token.Type is YamlTokenType.VersionDirective or YamlTokenType.TagDirective)
        {
            if (token.Type == YamlTokenType.VersionDirective)
            {
                if (versionSeen)
                {
                    throw Error("found duplicate %YAML directive", token.Start);
                }
                if (token.Major != 1 || token.Minor != 1)
                {
                    throw Error("found incompatible YAML document", token.Start);
                }
                versionSeen = true;
            }
            else
            {
                if (_tagDirectives.Any(d => d.Handle == token.Value))
                {
                    throw Error("found duplicate %TAG directive", token.Start);
                }
                _tagDirectives.Add((token.Value, token.Suffix));
            }
            Skip();
            token = Peek();
        }
        foreach (var (handle, prefix) in new[] { ("!", "!"), ("!!", "tag:yaml.org,2002:") })
        {
            if (!_tagDirectives.Any(d => d.Handle == handle))
            {
                _tagDirectives.Add((handle, prefix));
            }
        }
    }

    private YamlEvent Node(bool block, bool indentlessSequence)
    {
        var token = Peek();
        if (token.Type == YamlTokenType.Alias)
        {
            _state = Pop();
            Skip();
            return new YamlEvent(YamlEventType.Alias, token.Start) { Anchor = token.Value };
        }
        var start = token.Start;
        (var anchor, var tag, token) = NodeProperties(token);
        var isImplicit = tag.Length == 0;
        if (indentlessSequence && token.Type == YamlTokenType.BlockEntry)
        {
            _state = State.IndentlessSequenceEntry;
            return new YamlEvent(YamlEventType.SequenceStart, start) { Anchor = anchor, Tag = tag, Implicit = isImplicit };
        }
        if (token.Type == YamlTokenType.Scalar)
        {
            _state = Pop();
            Skip();
            return new YamlEvent(YamlEventType.Scalar, start)
            {
                Anchor = anchor,
                Tag = tag,
                Value = token.Value,
                Implicit = (tag.Length == 0 && token.Style == YamlScalarStyle.Plain) || tag == "!",
                Style = token.Style,
            };
        }
        switch (token.Type)
        {
            case YamlTokenType.FlowSequenceStart:
                _state = State.FlowSequenceFirstEntry;
                return new YamlEvent(YamlEventType.SequenceStart, start) { Anchor = anchor, Tag = tag, Implicit = isImplicit };
            case YamlTokenType.FlowMappingStart:
                _state = State.FlowMappingFirstKey;
                return new YamlEvent(YamlEventType.MappingStart, start) { Anchor = anchor, Tag = tag, Implicit = isImplicit };
            case YamlTokenType.BlockSequenceStart when block:
                _state = State.BlockSequenceFirstEntry;
                return new YamlEvent(YamlEventType.SequenceStart, start) { Anchor = anchor, Tag = tag, Implicit = isImplicit };
            case YamlTokenType.BlockMappingStart when block:
                _state = State.BlockMappingFirstKey;
                return new YamlEvent(YamlEventType.MappingStart, start) { Anchor = anchor, Tag = tag, Implicit = isImplicit };
        }
        if (anchor is not null || tag.Length > 0)
        {
            _state = Pop();
            return new YamlEvent(YamlEventType.Scalar, start) { Anchor = anchor, Tag = tag, Implicit = isImplicit, Style = YamlScalarStyle.Plain };
        }
        throw Error(start, "did not find expected node content", token.Start);
    }

    /// <summary>A node's anchor and tag (in either order, the tag resolved through the %TAG directives), and the token after them.</summary>
    private (string? Anchor, string Tag, YamlToken Next) NodeProperties(YamlToken token)
    {
        var start = token.Start;
        string? anchor = null;
        string? tagHandle = null, tagSuffix = null;
        var tagMark = start;
        if (token.Type == YamlTokenType.Anchor)
        {
            anchor = token.Value;
            Skip();
            token = Peek();
            if (token.Type == YamlTokenType.Tag)
            {
                (tagHandle, tagSuffix, tagMark) = (token.Value, token.Suffix, token.Start);
                Skip();
                token = Peek();
            }
        }
        else if (token.Type == YamlTokenType.Tag)
        {
            (tagHandle, tagSuffix, tagMark) = (token.Value, token.Suffix, token.Start);
            Skip();
            token = Peek();
            if (token.Type == YamlTokenType.Anchor)
            {
                anchor = token.Value;
                Skip();
                token = Peek();
            }
        }
        var tag = "";
        if (tagHandle is not null)
        {
            if (tagHandle.Length == 0)
            {
                tag = tagSuffix!;
            }
            else
            {
                var directive = _tagDirectives.FirstOrDefault(d => d.Handle == tagHandle);
                if (directive.Handle is null)
                {
                    throw Error(start, "found undefined tag handle", tagMark);
                }
                tag = directive.Prefix + tagSuffix;
            }
        }
        return (anchor, tag, token);
    }

    private YamlEvent BlockSequenceEntry(bool first)
    {
        if (first)
        {
            _marks.Push(Peek().Start);
            Skip();
        }
        var token = Peek();
        if (token.Type == YamlTokenType.BlockEntry)
        {
            var mark = token.End;
            Skip();
            token = Peek();
            if (token.Type is not (YamlTokenType.BlockEntry or YamlTokenType.BlockEnd))
            {
                _states.Push(State.BlockSequenceEntry);
                return Node(block: true, indentlessSequence: false);
            }
            _state = State.BlockSequenceEntry;
            return EmptyScalar(mark);
        }
        if (token.Type == YamlTokenType.BlockEnd)
        {
            _state = Pop();
            _marks.Pop();
            Skip();
            return new YamlEvent(YamlEventType.SequenceEnd, token.Start);
        }
        throw Error(_marks.Pop(), "did not find expected '-' indicator", token.Start);
    }

    private YamlEvent IndentlessSequenceEntry()
    {
        var token = Peek();
        if (token.Type == YamlTokenType.BlockEntry)
        {
            var mark = token.End;
            Skip();
            token = Peek();
            if (token.Type is not (YamlTokenType.BlockEntry or YamlTokenType.Key or YamlTokenType.Value or YamlTokenType.BlockEnd))
            {
                _states.Push(State.IndentlessSequenceEntry);
                return Node(block: true, indentlessSequence: false);
            }
            _state = State.IndentlessSequenceEntry;
            return EmptyScalar(mark);
        }
        _state = Pop();
        return new YamlEvent(YamlEventType.SequenceEnd, token.Start);
    }

    private YamlEvent BlockMappingKey(bool first)
    {
        if (first)
        {
            _marks.Push(Peek().Start);
            Skip();
        }
        var token = Peek();
        if (token.Type == YamlTokenType.Key)
        {
            var mark = token.End;
            Skip();
            token = Peek();
            if (token.Type is not (YamlTokenType.Key or YamlTokenType.Value or YamlTokenType.BlockEnd))
            {
                _states.Push(State.BlockMappingValue);
                return Node(block: true, indentlessSequence: true);
            }
            _state = State.BlockMappingValue;
            return EmptyScalar(mark);
        }
        if (token.Type == YamlTokenType.BlockEnd)
        {
            _state = Pop();
            _marks.Pop();
            Skip();
            return new YamlEvent(YamlEventType.MappingEnd, token.Start);
        }
        throw Error(_marks.Pop(), "did not find expected key", token.Start);
    }

    private YamlEvent BlockMappingValue()
    {
        var token = Peek();
        if (token.Type == YamlTokenType.Value)
        {
            var mark = token.End;
            Skip();
            token = Peek();
            if (token.Type is not (YamlTokenType.Key or YamlTokenType.Value or YamlTokenType.BlockEnd))
            {
                _states.Push(State.BlockMappingKey);
                return Node(block: true, indentlessSequence: true);
            }
            _state = State.BlockMappingKey;
            return EmptyScalar(mark);
        }
        _state = State.BlockMappingKey;
        return EmptyScalar(token.Start);
    }

    private YamlEvent FlowSequenceEntry(bool first)
    {
        if (first)
        {
            _marks.Push(Peek().Start);
            Skip();
        }
        var token = Peek();
        if (token.Type != YamlTokenType.FlowSequenceEnd)
        {
            if (!first)
            {
                if (token.Type != YamlTokenType.FlowEntry)
                {
                    throw Error(_marks.Pop(), "did not find expected ',' or ']'", token.Start);
                }
                Skip();
                token = Peek();
            }
            if (token.Type == YamlTokenType.Key)
            {
                _state = State.FlowSequenceEntryMappingKey;
                Skip();
                return new YamlEvent(YamlEventType.MappingStart, token.Start) { Implicit = true };
            }
            if (token.Type != YamlTokenType.FlowSequenceEnd)
            {
                _states.Push(State.FlowSequenceEntry);
                return Node(block: false, indentlessSequence: false);
            }
        }
        _state = Pop();
        _marks.Pop();
        Skip();
        return new YamlEvent(YamlEventType.SequenceEnd, token.Start);
    }

    private YamlEvent FlowSequenceEntryMappingKey()
    {
        var token = Peek();
        if (token.Type is not (YamlTokenType.Value or YamlTokenType.FlowEntry or YamlTokenType.FlowSequenceEnd))
        {
            _states.Push(State.FlowSequenceEntryMappingValue);
            return Node(block: false, indentlessSequence: false);
        }
        var mark = token.End;
        Skip();
        _state = State.FlowSequenceEntryMappingValue;
        return EmptyScalar(mark);
    }

    private YamlEvent FlowSequenceEntryMappingValue()
    {
        var token = Peek();
        if (token.Type == YamlTokenType.Value)
        {
            Skip();
            token = Peek();
            if (token.Type is not (YamlTokenType.FlowEntry or YamlTokenType.FlowSequenceEnd))
            {
                _states.Push(State.FlowSequenceEntryMappingEnd);
                return Node(block: false, indentlessSequence: false);
            }
        }
        _state = State.FlowSequenceEntryMappingEnd;
        return EmptyScalar(token.Start);
    }

    private YamlEvent FlowSequenceEntryMappingEnd()
    {
        _state = State.FlowSequenceEntry;
        return new YamlEvent(YamlEventType.MappingEnd, Peek().Start);
    }

    private YamlEvent FlowMappingKey(bool first)
    {
        if (first)
        {
            _marks.Push(Peek().Start);
            Skip();
        }
        var token = Peek();
        if (token.Type != YamlTokenType.FlowMappingEnd)
        {
            if (!first)
            {
                if (token.Type != YamlTokenType.FlowEntry)
                {
                    throw Error(_marks.Pop(), "did not find expected ',' or '}'", token.Start);
                }
                Skip();
                token = Peek();
            }
            if (token.Type == YamlTokenType.Key)
            {
                Skip();
                token = Peek();
                if (token.Type is not (YamlTokenType.Value or YamlTokenType.FlowEntry or YamlTokenType.FlowMappingEnd))
                {
                    _states.Push(State.FlowMappingValue);
                    return Node(block: false, indentlessSequence: false);
                }
                _state = State.FlowMappingValue;
                return EmptyScalar(token.Start);
            }
            if (token.Type != YamlTokenType.FlowMappingEnd)
            {
                _states.Push(State.FlowMappingEmptyValue);
                return Node(block: false, indentlessSequence: false);
            }
        }
        _state = Pop();
        _marks.Pop();
        Skip();
        return new YamlEvent(YamlEventType.MappingEnd, token.Start);
    }

    private YamlEvent FlowMappingValue(bool empty)
    {
        var token = Peek();
        if (empty)
        {
            _state = State.FlowMappingKey;
            return EmptyScalar(token.Start);
        }
        if (token.Type == YamlTokenType.Value)
        {
            Skip();
            token = Peek();
            if (token.Type is not (YamlTokenType.FlowEntry or YamlTokenType.FlowMappingEnd))
            {
                _states.Push(State.FlowMappingKey);
                return Node(block: false, indentlessSequence: false);
            }
        }
        _state = State.FlowMappingKey;
        return EmptyScalar(token.Start);
    }

    private static YamlEvent EmptyScalar(YamlMark mark) => new(YamlEventType.Scalar, mark) { Implicit = true, Style = YamlScalarStyle.Plain };
}
