namespace Ferry.Cli;

/// <summary>Progress messages as plain lines (stderr), written as they come.</summary>
internal sealed class LineProgress(TextWriter writer) : IProgress<string>
{
    public void Report(string value) => writer.WriteLine(value);
}
