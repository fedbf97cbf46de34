using System.Text;

namespace MiniNet.Reporting;

/// <summary>
/// Draws a <see cref="LinePlot"/> into a box of an SVG: lays out the title, the axes and their tick labels,
/// then the grid, the lines and markers, and the legend.
/// </summary>
internal static class PlotRenderer
{
    public const double LineWidth = 2, MarkerRadius = 3.5;
    private const double Pad = 10, TitleFont = 15, LabelFont = 13, TickFont = 12, TickLength = 5, TickGap = 3;
    private const string Ink = "#222222", AxisColour = "#666666", GridColour = "#e2e2e2", MinorGridColour = "#f1f1f1";

    /// <summary>The plot area (inside the axes) and the two scales that map data into it.</summary>
    private sealed record Layout(PlotBox Area, AxisScale X, AxisScale Y, double XAxisBottom);

    /// <summary>The extent of the drawn data.</summary>
    private readonly record struct DataRange(double XMin, double XMax, double YMin, double YMax, bool IntegerX);

    /// <summary>Draws <paramref name="plot"/> within <paramref name="box"/>; <paramref name="clipId"/> names its clip path (unique per document).</summary>
    public static void Draw(LinePlot plot, SvgBuilder svg, PlotBox box, string clipId)
    {
        CheckLogScale(plot);
        var data = MeasureData(plot);
        var legend = new PlotLegend(plot.Series);

        var layout = Arrange(plot, box, data, legendHeight: 0);
        var lines = Project(plot, layout);
        PlotBox? corner = legend.IsEmpty ? null : legend.BestCorner(layout.Area, lines, mayCoverData: false);
        double legendWidth = box.Width - 2 * Pad;
        if (!legend.IsEmpty && corner is null)
        {
            // Below the plot, unless that would squash it; then over the data where it hides the least.
            double heightBelow = legend.HeightBelow(legendWidth);
            if (heightBelow > box.Height / 3) corner = legend.BestCorner(layout.Area, lines, mayCoverData: true);
            if (corner is null)
            {
                layout = Arrange(plot, box, data, heightBelow);
                lines = Project(plot, layout);
            }
        }

        DrawGridAndAxes(svg, layout);
        var clip = layout.Area.Inflate(LineWidth / 2); // a line along the frame keeps its whole width
        svg.ClipRect(clipId, clip.X, clip.Y, clip.Width, clip.Height);
        foreach (var line in lines) DrawSeries(svg, line, layout.Area, clipId);
        if (corner is PlotBox legendBox) legend.DrawStacked(svg, legendBox);
        else if (!legend.IsEmpty) legend.DrawBelow(svg, box.X + Pad, layout.XAxisBottom + 6, legendWidth);
        DrawLabels(svg, plot, box, layout);
    }

    private static void CheckLogScale(LinePlot plot)
    {
        if (!plot.LogY) return;
        if (plot.YRange is (double min, _) && min <= 0)
            throw new InvalidOperationException($"LinePlot \"{plot.Title}\": a log-scale y axis needs a positive range, but YRange starts at {min}.");
        foreach (var series in plot.Series)
            for (int i = 0; i < series.Count; i++)
                if (series.IsDrawn(i) && series.Y[i] <= 0)
                    throw new InvalidOperationException(
                        $"LinePlot \"{plot.Title}\": a log-scale y axis needs positive values, but series \"{series.Name}\" has y[{i}] = {series.Y[i]}. Use NaN for a gap, or a linear axis.");
    }

    private static DataRange MeasureData(LinePlot plot)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        bool integerX = true;
        foreach (var series in plot.Series)
            for (int i = 0; i < series.Count; i++)
            {
                if (!series.IsDrawn(i)) continue;
                double x = series.X[i], y = series.Y[i];
                (xMin, xMax, yMin, yMax) = (Math.Min(xMin, x), Math.Max(xMax, x), Math.Min(yMin, y), Math.Max(yMax, y));
                integerX &= x == Math.Round(x);
            }
        if (xMin > xMax) return new DataRange(0, 1, plot.LogY ? 1 : 0, plot.LogY ? 10 : 1, IntegerX: false); // nothing to draw yet
        return new DataRange(xMin, xMax, yMin, yMax, integerX);
    }

    /// <summary>Places the plot area: room for the title above, the y tick labels on the left, the x axis and <paramref name="legendHeight"/> below.</summary>
    private static Layout Arrange(LinePlot plot, PlotBox box, DataRange data, double legendHeight)
    {
        double top = box.Y + Pad + (plot.Title.Length > 0 ? TitleFont + 10 : 0) + TickFont / 2;
        double xAxisHeight = TickLength + TickGap + TickFont + (plot.XLabel.Length > 0 ? 8 + LabelFont : 0) + 4;
        double bottom = box.Bottom - Pad - legendHeight - xAxisHeight;
        var yScale = YScale(plot, data, bottom - top);

        double yLabelWidth = yScale.Ticks.Select(t => SvgBuilder.TextWidth(t.Label, TickFont)).DefaultIfEmpty(0).Max();
        double left = box.X + Pad + (plot.YLabel.Length > 0 ? LabelFont + 8 : 0) + yLabelWidth + TickGap + TickLength;
        double right = box.Right - Pad - 8;
        var xScale = XScale(data, right - left);
        // The last x label is centred on the right edge of the axis: leave room for its right half.
        double lastLabelHalf = SvgBuilder.TextWidth(xScale.Ticks[^1].Label, TickFont) / 2;
        if (box.Right - Pad - lastLabelHalf < right)
        {
            right = box.Right - Pad - lastLabelHalf;
            xScale = XScale(data, right - left);
        }
        return new Layout(new PlotBox(left, top, right - left, bottom - top), xScale, yScale, bottom + xAxisHeight);
    }

    private static AxisScale YScale(LinePlot plot, DataRange data, double height)
    {
        int maxIntervals = Math.Clamp((int)(height / 40), 2, 10);
        var (min, max) = plot.YRange ?? (data.YMin, data.YMax);
        bool fixedRange = plot.YRange is not null;
        return plot.LogY
            ? NiceTicks.Log(min, max, maxIntervals, fixedRange, plot.YPercent)
            : NiceTicks.Linear(min, max, maxIntervals, fixedRange, integerStep: false, plot.YPercent);
    }

    /// <summary>The densest x ticks whose labels keep at least 12 pixels apart.</summary>
    private static AxisScale XScale(DataRange data, double width)
    {
        AxisScale scale = null!;
        for (int maxIntervals = Math.Clamp((int)(width / 50), 1, 12); maxIntervals >= 1; maxIntervals--)
        {
            scale = NiceTicks.Linear(data.XMin, data.XMax, maxIntervals, integerStep: data.IntegerX);
            if (scale.Ticks.Count < 2) break;
            double spacing = width * (scale.Fraction(scale.Ticks[1].Value) - scale.Fraction(scale.Ticks[0].Value));
            double widest = scale.Ticks.Max(t => SvgBuilder.TextWidth(t.Label, TickFont));
            if (spacing >= widest + 12) break;
        }
        return scale;
    }

    private static List<ProjectedSeries> Project(LinePlot plot, Layout layout)
    {
        var area = layout.Area;
        var projected = new List<ProjectedSeries>(plot.Series.Count);
        for (int s = 0; s < plot.Series.Count; s++)
        {
            var series = plot.Series[s];
            var x = new double[series.Count];
            var y = new double[series.Count];
            for (int i = 0; i < series.Count; i++)
            {
                bool drawn = series.IsDrawn(i);
                x[i] = drawn ? area.X + layout.X.Fraction(series.X[i]) * area.Width : double.NaN;
                y[i] = drawn ? area.Bottom - layout.Y.Fraction(series.Y[i]) * area.Height : double.NaN;
            }
            projected.Add(new ProjectedSeries(s, x, y, markers: series.Count <= LinePlot.MarkerLimit));
        }
        return projected;
    }

    private static void DrawGridAndAxes(SvgBuilder svg, Layout layout)
    {
        var area = layout.Area;
        foreach (var tick in layout.Y.Ticks)
        {
            double y = area.Bottom - layout.Y.Fraction(tick.Value) * area.Height;
            svg.Line(area.X, y, area.Right, y, tick.IsMajor ? GridColour : MinorGridColour, 1);
            svg.Line(area.X - (tick.IsMajor ? TickLength : TickLength - 2), y, area.X, y, AxisColour, 1);
            if (tick.Label.Length > 0)
                svg.Text(area.X - TickLength - TickGap, y + TickFont * 0.36, tick.Label, TickFont, anchor: "end", fill: Ink);
        }
        foreach (var tick in layout.X.Ticks)
        {
            double x = area.X + layout.X.Fraction(tick.Value) * area.Width;
            svg.Line(x, area.Y, x, area.Bottom, GridColour, 1);
            svg.Line(x, area.Bottom, x, area.Bottom + TickLength, AxisColour, 1);
            svg.Text(x, area.Bottom + TickLength + TickGap + TickFont * 0.8, tick.Label, TickFont, anchor: "middle", fill: Ink);
        }
        svg.Rect(area.X, area.Y, area.Width, area.Height, "none", stroke: AxisColour);
    }

    private static void DrawSeries(SvgBuilder svg, ProjectedSeries line, PlotBox area, string clipId)
    {
        string colour = Palette.Colour(line.Index);
        var path = new StringBuilder();
        for (int i = 0; i < line.X.Length; i++)
        {
            if (!line.IsDrawn(i)) continue;
            path.Append(i > 0 && line.IsDrawn(i - 1) ? 'L' : 'M').Append(SvgBuilder.Number(line.X[i])).Append(' ').Append(SvgBuilder.Number(line.Y[i]));
        }
        if (path.Length > 0) svg.Path(path.ToString(), colour, LineWidth, clipId);

        // Markers at every point of a short series; otherwise a dot where a point stands alone between gaps.
        // Not clipped, so that a point on the frame keeps its whole marker; points outside a fixed range get none.
        var points = new StringBuilder();
        var inside = area.Inflate(0.5);
        for (int i = 0; i < line.X.Length; i++)
        {
            if (!line.IsDrawn(i) || !inside.Contains(line.X[i], line.Y[i])) continue;
            if (line.Markers) Palette.AppendMarker(points, line.Index, line.X[i], line.Y[i], MarkerRadius);
            else if (line.IsIsolated(i)) Palette.AppendMarker(points, 0, line.X[i], line.Y[i], LineWidth);
        }
        if (points.Length > 0) svg.FilledPath(points.ToString(), colour, line.Markers ? "#ffffff" : colour, line.Markers ? 1 : 0);
    }

    private static void DrawLabels(SvgBuilder svg, LinePlot plot, PlotBox box, Layout layout)
    {
        var area = layout.Area;
        double centre = area.X + area.Width / 2;
        if (plot.Title.Length > 0)
            FittedText(svg, plot.Title, centre, box.Y + Pad + TitleFont, TitleFont, box.X + Pad, box.Right - Pad, bold: true);
        if (plot.XLabel.Length > 0)
            FittedText(svg, plot.XLabel, centre, area.Bottom + TickLength + TickGap + TickFont + 8 + LabelFont * 0.8, LabelFont, box.X + Pad, box.Right - Pad);
        if (plot.YLabel.Length > 0)
        {
            // Turned a quarter to read upwards: centred on the axis, kept (and if need be shrunk) between the title and the panel's foot.
            double top = box.Y + Pad + (plot.Title.Length > 0 ? TitleFont + 10 : 0), bottom = box.Bottom - Pad;
            double size = LabelFont, length = SvgBuilder.TextWidth(plot.YLabel, size);
            if (length > bottom - top) (size, length) = (size * (bottom - top) / length, bottom - top);
            double y = Math.Clamp(area.Y + area.Height / 2, top + length / 2, bottom - length / 2);
            svg.Text(box.X + Pad + LabelFont * 0.8, y, plot.YLabel, size, anchor: "middle", rotate: -90);
        }
    }

    /// <summary>Text centred on <paramref name="centre"/> but kept within [<paramref name="min"/>, <paramref name="max"/>], shrunk if it is wider than that.</summary>
    internal static void FittedText(SvgBuilder svg, string text, double centre, double baseline, double fontSize, double min, double max, bool bold = false)
    {
        double width = SvgBuilder.TextWidth(text, fontSize) * (bold ? 1.1 : 1);
        if (width > max - min)
        {
            fontSize *= (max - min) / width;
            width = max - min;
        }
        double x = Math.Clamp(centre, min + width / 2, max - width / 2);
        svg.Text(x, baseline, text, fontSize, anchor: "middle", bold: bold);
    }
}
