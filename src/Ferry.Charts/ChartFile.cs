namespace Ferry.Charts;

/// <summary>A file inside a chart: its path relative to the chart root (forward slashes) and its bytes.</summary>
public sealed record ChartFile(string Name, byte[] Data)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Data);
}
