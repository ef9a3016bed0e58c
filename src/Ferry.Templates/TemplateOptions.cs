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

/// <summary>Parse and execution options, including the render budget that stops runaway templates.</summary>
public sealed class TemplateOptions
{
    public MissingKeyMode MissingKey { get; set; } = MissingKeyMode.Default;

    public string LeftDelim { get; set; } = "{{";

    public string RightDelim { get; set; } = "}}";

    /// <summary>Maximum nesting of <c>template</c> calls (Go uses 100000; Ferry keeps the stack bounded).</summary>
    public int MaxTemplateDepth { get; set; } = 1000;

    /// <summary>Maximum evaluation steps (actions, commands, range iterations) per execution.</summary>
    public long MaxSteps { get; set; } = 50_000_000;

    /// <summary>Maximum output size in characters per execution.</summary>
    public long MaxOutputChars { get; set; } = 256L * 1024 * 1024;

    /// <summary>Applies a Go option string such as <c>missingkey=error</c>.</summary>
    public void Apply(string option)
    {
        var eq = option.IndexOf('=', StringComparison.Ordinal);
        var key = eq < 0 ? option : option[..eq];
        var value = eq < 0 ? "" : option[(eq + 1)..];
        if (key == "missingkey")
        {
            MissingKey = value switch
            {
                "invalid" or "default" => MissingKeyMode.Default,
                "zero" => MissingKeyMode.Zero,
                "error" => MissingKeyMode.Error,
                _ => throw new ArgumentException($"unrecognized option: {option}", nameof(option)),
            };
            return;
        }
        throw new ArgumentException($"unrecognized option: {option}", nameof(option));
    }

    public TemplateOptions Clone() => (TemplateOptions)MemberwiseClone();
}
