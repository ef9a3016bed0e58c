namespace Ferry.Templates;

/// <summary>What a map lookup of a missing key yields (Go's <c>missingkey=</c> option).</summary>
public enum MissingKeyMode
{
    /// <summary>Go's default: the missing value prints as <c>&lt;no value&gt;</c>.</summary>
    Default,

    /// <summary>The zero value of the map's element type (nil for interface maps).</summary>
    Zero,

    /// <summary>Execution stops with an error.</summary>
    Error,
}

/// <summary>
/// Parse and execution options, including the render budget that stops runaway templates. Immutable: derive changed
/// options with <c>with</c> or <see cref="With(string)"/>.
/// </summary>
public sealed record TemplateOptions
{
    public MissingKeyMode MissingKey { get; init; } = MissingKeyMode.Default;

    public string LeftDelim { get; init; } = "{{";

    public string RightDelim { get; init; } = "}}";

    /// <summary>Maximum nesting of <c>template</c> calls (Go uses 100000; Ferry keeps the stack bounded).</summary>
    public int MaxTemplateDepth { get; init; } = 1000;

    /// <summary>Maximum evaluation steps (actions, commands, range iterations) per execution.</summary>
    public long MaxSteps { get; init; } = 50_000_000;

    /// <summary>Maximum output size in characters per execution.</summary>
    public long MaxOutputChars { get; init; } = 256L * 1024 * 1024;

    /// <summary>These options with a Go option string such as <c>missingkey=error</c> applied (Go's <c>t.Option</c>).</summary>
    public TemplateOptions With(string option)
    {
        var eq = option.IndexOf('=', StringComparison.Ordinal);
        var key = eq < 0 ? option : option[..eq];
        var value = eq < 0 ? "" : option[(eq + 1)..];
        if (key == "missingkey")
        {
            return this with
            {
                MissingKey = value switch
                {
                    "invalid" or "default" => MissingKeyMode.Default,
                    "zero" => MissingKeyMode.Zero,
                    "error" => MissingKeyMode.Error,
                    _ => throw new ArgumentException($"unrecognized option: {option}", nameof(option)),
                },
            };
        }
        throw new ArgumentException($"unrecognized option: {option}", nameof(option));
    }
}
