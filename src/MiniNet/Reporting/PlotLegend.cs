using System.Text;

namespace MiniNet.Reporting;

/// <summary>
/// A plot's legend: one entry (line sample, marker, name) per named series. It goes in the first corner of the
/// plot area that no line or marker crosses; when every corner is taken, in rows below the plot; and when those
/// rows would take more than a third of the panel, in the corner that covers the least data.
/// </summary>
internal sealed class PlotLegend
{
    public const double FontSize = 12;
    private const double RowHeight = 18, Padding = 6, SampleLength = 22, SampleGap = 6, EntryGap = 18, Inset = 8;

    private readonly List<(int SeriesIndex, string Name, bool Marker, double TextWidth)> _entries = [];

    public PlotLegend(IReadOnlyList<Series> series)
    {
        for (int i = 0; i < series.Count; i++)
            if (series[i].Name.Length > 0)
                _entries.Add((i, series[i].Name, series[i].Count <= LinePlot.MarkerLimit, SvgBuilder.TextWidth(series[i].Name, FontSize)));
    }

    /// <summary>True when no series has a name, so there is nothing to show.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The size of the legend as a box of one entry per row.</summary>
    private (double Width, double Height) StackedSize()
    {
        double widest = 0;
        foreach (var entry in _entries) widest = Math.Max(widest, entry.TextWidth);
        return (Padding + SampleLength + SampleGap + widest + Padding + 2, 2 * Padding + _entries.Count * RowHeight - 4);
    }

    /// <summary>
    /// The corner of <paramref name="area"/> (top right, top left, bottom right, bottom left, in that order of
    /// preference) where the stacked legend covers the fewest line segments and points of <paramref name="lines"/>.
    /// Null when the legend does not fit inside the area, or when every corner covers data and
    /// <paramref name="mayCoverData"/> is false.
    /// </summary>
    public PlotBox? BestCorner(PlotBox area, IReadOnlyList<ProjectedSeries> lines, bool mayCoverData)
    {
        var (width, height) = StackedSize();
        if (width > area.Width - 2 * Inset || height > area.Height - 2 * Inset) return null;
        PlotBox[] corners =
        [
            new(area.Right - Inset - width, area.Y + Inset, width, height),
            new(area.X + Inset, area.Y + Inset, width, height),
            new(area.Right - Inset - width, area.Bottom - Inset - height, width, height),
            new(area.X + Inset, area.Bottom - Inset - height, width, height),
        ];
        PlotBox? best = null;
        int fewest = int.MaxValue;
        foreach (var corner in corners)
        {
            int covered = lines.Sum(line => line.CountTouches(corner.Inflate(4)));
            if (covered < fewest) (best, fewest) = (corner, covered);
        }
        return fewest == 0 || mayCoverData ? best : null;
    }

    /// <summary>The height of the legend laid out in rows across <paramref name="width"/> pixels, below the plot.</summary>
    public double HeightBelow(double width) => RowsBelow(width).Count * RowHeight + 4;

    private List<List<int>> RowsBelow(double width)
    {
        var rows = new List<List<int>> { new() };
        double used = 0;
        for (int e = 0; e < _entries.Count; e++)
        {
            double entryWidth = EntryWidth(e);
            if (rows[^1].Count > 0 && used + entryWidth > width)
            {
                rows.Add([]);
                used = 0;
            }
            rows[^1].Add(e);
            used += entryWidth;
        }
        return rows;
    }

    private double EntryWidth(int entry) => SampleLength + SampleGap + _entries[entry].TextWidth + EntryGap;

    /// <summary>Draws the legend as a framed box of one entry per row at <paramref name="box"/> (from <see cref="BestCorner"/>).</summary>
    public void DrawStacked(SvgBuilder svg, PlotBox box)
    {
        svg.Rect(box.X, box.Y, box.Width, box.Height, "#ffffff", stroke: "#bbbbbb", fillOpacity: 0.9);
        for (int e = 0; e < _entries.Count; e++)
            DrawEntry(svg, e, box.X + Padding, box.Y + Padding + e * RowHeight + RowHeight / 2 - 2);
    }

    /// <summary>Draws the legend in centred rows within <paramref name="width"/> pixels starting at (<paramref name="x"/>, <paramref name="top"/>).</summary>
    public void DrawBelow(SvgBuilder svg, double x, double top, double width)
    {
        var rows = RowsBelow(width);
        for (int r = 0; r < rows.Count; r++)
        {
            double rowWidth = rows[r].Sum(EntryWidth) - EntryGap;
            double left = x + (width - rowWidth) / 2;
            foreach (int e in rows[r])
            {
                DrawEntry(svg, e, left, top + r * RowHeight + RowHeight / 2);
                left += EntryWidth(e);
            }
        }
    }

    private void DrawEntry(SvgBuilder svg, int entry, double x, double middleY)
    {
        var (seriesIndex, name, marker, _) = _entries[entry];
        string colour = Palette.Colour(seriesIndex);
        svg.Line(x, middleY, x + SampleLength, middleY, colour, PlotRenderer.LineWidth);
        if (marker)
        {
            var path = new StringBuilder();
            Palette.AppendMarker(path, seriesIndex, x + SampleLength / 2, middleY, PlotRenderer.MarkerRadius);
            svg.FilledPath(path.ToString(), colour, "#ffffff", 1);
        }
        svg.Text(x + SampleLength + SampleGap, middleY + FontSize * 0.36, name, FontSize);
    }
}
