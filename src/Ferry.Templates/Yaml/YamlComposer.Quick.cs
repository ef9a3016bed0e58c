namespace Ferry.Templates.Yaml;

/// <summary>
/// The quick ways to a document's value (<see cref="TryRead"/>: built straight from parser events, no nodes) and to
/// its top-level keys (<see cref="TryReadKeys"/>, a rendered manifest's head: the values nobody asked for are checked
/// event by event, as <see cref="YamlDecoder.Check"/> checks their nodes, but not built). They only answer for plain
/// documents — no anchors, aliases, merge keys, keys that need an error, or nesting deeper than
/// <see cref="MaxSkipDepth"/> — and not for any error; the caller then reads the text the exact way (nodes, then
/// <see cref="YamlDecoder"/>), which reports the same values or the exact error. So an answer, when there is one, is
/// the exact way's.
/// </summary>
internal sealed partial class YamlComposer
{
    private const int MaxSkipDepth = 1000;

    /// <summary>Per open collection while skipping: a mapping waiting for a key, a mapping waiting for a value, a sequence.</summary>
    private enum SkipState : byte
    {
        MappingKey,
        MappingValue,
        Sequence,
    }

    private SkipState[] _skipStates = new SkipState[32];

    /// <summary>An anchor or alias was composed: its limits count the whole document, so only the exact path may answer.</summary>
    private bool _sawAnchorOrAlias;

    /// <summary>
    /// The first document as <c>YamlReader.ReadKeys</c> returns it (null for an empty text), read the quick way;
    /// false when only the exact way may answer. Call on a fresh composer.
    /// </summary>
    public bool TryReadKeys(IReadOnlySet<string> keys, YamlDecoder decoder, out object? result) => Quick(() => ReadHead(keys, decoder), out result);

    /// <summary>Reads the first document with <paramref name="readDocument"/> (which may decline); any error declines too.</summary>
    private bool Quick(Func<(bool Answered, object? Value)> readDocument, out object? result)
    {
        result = null;
        try
        {
            NextEvent(); // stream start
            _started = true;
            if (NextEvent().Type == YamlEventType.StreamEnd)
            {
                return true;
            }
            var (answered, value) = readDocument();
            if (!answered)
            {
                return false;
            }
            NextEvent(); // document end
            result = value;
            return true;
        }
        catch (YamlException)
        {
            return false; // the exact path reports it, in its order
        }
    }

    private (bool Answered, object? Value) ReadHead(IReadOnlySet<string> keys, YamlDecoder decoder)
    {
        var root = NextEvent();
        if (root.Type != YamlEventType.MappingStart || root.Anchor is not null || root.Tag.Length != 0)
        {
            return (false, null);
        }
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var key = NextEvent(); key.Type != YamlEventType.MappingEnd; key = NextEvent())
        {
            if (key.Type != YamlEventType.Scalar || key.Anchor is not null || YamlDecoder.IsMergeKey(key.Tag, key.Value, key.Implicit)
                || decoder.ScalarKey(key.Tag, key.Value, key.Implicit) is not { } name)
            {
                return (false, null);
            }
            if (keys.Contains(name))
            {
                var value = Compose();
                if (_sawAnchorOrAlias)
                {
                    return (false, null);
                }
                map[name] = decoder.Decode(value);
            }
            else if (!SkipValue(decoder))
            {
                return (false, null);
            }
        }
        return (true, map);
    }

    /// <summary>Reads one value's events, checking its scalars and keys; false when it needs the exact path.</summary>
    private bool SkipValue(YamlDecoder decoder)
    {
        var depth = 0;
        do
        {
            var e = NextEvent();
            if (e.Anchor is not null)
            {
                return false;
            }
            var asKey = depth > 0 && _skipStates[depth - 1] == SkipState.MappingKey;
            switch (e.Type)
            {
                case YamlEventType.Scalar when asKey:
                    if (YamlDecoder.IsMergeKey(e.Tag, e.Value, e.Implicit) || decoder.ScalarKey(e.Tag, e.Value, e.Implicit) is null)
                    {
                        return false;
                    }
                    break;
                case YamlEventType.Scalar:
                    decoder.CheckScalar(e.Tag, e.Value, e.Implicit);
                    break;
                case YamlEventType.SequenceStart or YamlEventType.MappingStart when !asKey && depth < MaxSkipDepth:
                    if (depth == _skipStates.Length)
                    {
                        Array.Resize(ref _skipStates, depth * 2);
                    }
                    _skipStates[depth++] = e.Type == YamlEventType.MappingStart ? SkipState.MappingKey : SkipState.Sequence;
                    continue;
                case YamlEventType.SequenceEnd or YamlEventType.MappingEnd:
                    depth--;
                    asKey = false; // a collection is never a key here (see above): it was its parent's value
                    break;
                default:
                    return false; // an alias, a collection as a key, very deep nesting
            }
            // a node is complete: in a mapping, a key is followed by its value and a value by the next key
            if (depth > 0 && _skipStates[depth - 1] != SkipState.Sequence)
            {
                _skipStates[depth - 1] = asKey ? SkipState.MappingValue : SkipState.MappingKey;
            }
        }
        while (depth > 0);
        return true;
    }
    /// <summary>One open collection while building a value from events.</summary>
    private struct Frame
    {
        public Dictionary<string, object?>? Map;
        public List<object?>? List;
        public string? Key;
    }

    /// <summary>
    /// The first document as <c>YamlReader.Read</c> returns it (null for an empty text), built straight from events
    /// without nodes; false when only the exact way may answer (as for <see cref="TryReadKeys"/>). Call on a fresh composer.
    /// </summary>
    public bool TryRead(YamlDecoder decoder, out object? result) =>
        Quick(() => TryBuild(decoder, out var value) ? (true, value) : (false, null), out result);

    private bool TryBuild(YamlDecoder decoder, out object? value)
    {
        value = null;
        var frames = new List<Frame>();
        while (true)
        {
            var e = NextEvent();
            if (e.Anchor is not null)
            {
                return false;
            }
            var asKey = frames.Count > 0 && frames[^1].Map is not null && frames[^1].Key is null;
            object? done;
            switch (e.Type)
            {
                case YamlEventType.Scalar when asKey:
                    if (YamlDecoder.IsMergeKey(e.Tag, e.Value, e.Implicit) || decoder.ScalarKey(e.Tag, e.Value, e.Implicit) is not { } key)
                    {
                        return false;
                    }
                    frames[^1] = frames[^1] with { Key = key };
                    continue;
                case YamlEventType.Scalar:
                    done = decoder.DecodeScalar(e.Tag, e.Value, e.Implicit);
                    break;
                case YamlEventType.MappingStart when !asKey && frames.Count < MaxSkipDepth:
                    decoder.Count();
                    frames.Add(new Frame { Map = new Dictionary<string, object?>(StringComparer.Ordinal) });
                    continue;
                case YamlEventType.SequenceStart when !asKey && frames.Count < MaxSkipDepth:
                    decoder.Count();
                    frames.Add(new Frame { List = [] });
                    continue;
                case YamlEventType.SequenceEnd or YamlEventType.MappingEnd:
                    done = (object?)frames[^1].Map ?? frames[^1].List;
                    frames.RemoveAt(frames.Count - 1);
                    break;
                default:
                    return false; // an alias, a collection as a key, very deep nesting
            }
            if (frames.Count == 0)
            {
                value = done;
                return true;
            }
            var parent = frames[^1];
            if (parent.Map is not null)
            {
                parent.Map[parent.Key!] = done;
                frames[^1] = parent with { Key = null };
            }
            else
            {
                parent.List!.Add(done);
            }
        }
    }
}
