using System.Globalization;

namespace Ferry.Benchmarks;

/// <summary>
/// <c>plot CSV PNG TITLE XLABEL YLABEL</c>: one line per column of a benchmark CSV (the first column is x), as a PNG
/// (ScottPlot). Empty cells are points not measured. The curves are drawn on linear axes, so a cost that grows faster
/// than the work shows as a bend.
/// </summary>
public static class Plotter
{
    public static void Plot(string csv, string png, string title, string xLabel, string yLabel)
    {
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var plot = new ScottPlot.Plot();
        for (var column = 1; column < header.Length; column++)
        {
            var points = rows.Where(r => r.Length > column && r[column].Length > 0)
                .Select(r => (X: double.Parse(r[0], CultureInfo.InvariantCulture), Y: double.Parse(r[column], CultureInfo.InvariantCulture)))
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            line.LegendText = header[column];
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.Axes.Margins(bottom: 0, left: 0.02);
        plot.SavePng(png, 900, 540);
        Console.WriteLine($"plotted {csv} to {png}");
    }
}
