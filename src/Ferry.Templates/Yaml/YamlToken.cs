namespace Ferry.Templates.Yaml;

/// <summary>A position in the input: character index, line and column (both 0-based, columns count code points).</summary>
internal readonly record struct YamlMark(int Index, int Line, int Column);

internal enum YamlTokenType
{
    StreamStart,
    StreamEnd,
    VersionDirective,
    TagDirective,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    Scalar,
}

/// <summary>How a scalar was written; only plain scalars are resolved to numbers, booleans and null.</summary>
internal enum YamlScalarStyle
{
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

internal readonly struct YamlToken(YamlTokenType type, YamlMark start, YamlMark end)
{
    public YamlTokenType Type { get; } = type;

    public YamlMark Start { get; } = start;

    public YamlMark End { get; } = end;

    /// <summary>Scalar text, anchor or alias name, tag handle, or %TAG handle.</summary>
    public string Value { get; init; } = "";

    /// <summary>Tag suffix, or %TAG prefix.</summary>
    public string Suffix { get; init; } = "";

    public YamlScalarStyle Style { get; init; }

    public int Major { get; init; }

    public int Minor { get; init; }
}
