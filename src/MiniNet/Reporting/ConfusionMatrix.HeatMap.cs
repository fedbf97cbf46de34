using System.Globalization;

namespace MiniNet.Reporting;

// The SVG rendering of a confusion matrix: one cell per (true, predicted) pair holding its count, shaded by the
// share of its row, so that a weak class reads as a pale diagonal cell whatever the class sizes.
public sealed partial class ConfusionMatrix
{
    private const double Cell = 46, HeatPad = 10, HeatTitleFont = 15, HeatLabelFont = 13, NameFont = 12, SubtitleFont = 11;
    private const string Subtitle = "shade: share of the true class's samples (row)";

    /// <summary>
    /// The matrix as an SVG heat map: rows are the true classes, columns the predicted ones, each cell shows its
    /// count and is shaded by that count's share of its row (so the diagonal shows each class's recall).
    /// </summary>
    public string ToSvg(string title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(title);
        int n = ClassCount;
        double widestName = _classNames.Max(name => SvgBuilder.TextWidth(name, NameFont));
        double rotatedSpill = widestName * 0.7071; // column names are turned 45°
        double left = HeatPad + HeatLabelFont + 8 + Math.Max(widestName + 8, rotatedSpill - Cell / 2);
        double top = HeatPad + HeatTitleFont + 8 + SubtitleFont + 12;
        double gridSize = n * Cell;
        double height = top + gridSize + 8 + rotatedSpill + NameFont + HeatLabelFont + HeatPad;
        double width = left + gridSize + HeatPad + 10;
        double headingWidth = Math.Max(SvgBuilder.TextWidth(title, HeatTitleFont) * 1.1, SvgBuilder.TextWidth(Subtitle, SubtitleFont)) + 2 * HeatPad;
        double shift = Math.Max(0, (headingWidth - width) / 2); // centres the grid under a wider heading
        (left, width) = (left + shift, width + 2 * shift);

        var svg = new SvgBuilder();
        PlotRenderer.FittedText(svg, title, width / 2, HeatPad + HeatTitleFont, HeatTitleFont, HeatPad, width - HeatPad, bold: true);
        PlotRenderer.FittedText(svg, Subtitle, width / 2, HeatPad + HeatTitleFont + 8 + SubtitleFont, SubtitleFont, HeatPad, width - HeatPad);

        for (int t = 0; t < n; t++)
        {
            int support = Support(t);
            for (int p = 0; p < n; p++)
            {
                double share = support == 0 ? 0 : (double)_counts[t, p] / support;
                double x = left + p * Cell, y = top + t * Cell;
                svg.Rect(x, y, Cell, Cell, Shade(share), stroke: "#ffffff");
                string count = _counts[t, p].ToString(CultureInfo.InvariantCulture);
                double fontSize = Math.Min(11, 11 * (Cell - 6) / SvgBuilder.TextWidth(count, 11));
                svg.Text(x + Cell / 2, y + Cell / 2 + fontSize * 0.36, count, fontSize, anchor: "middle", fill: share > 0.5 ? "#ffffff" : "#222222");
            }
            svg.Text(left - 8, top + t * Cell + Cell / 2 + NameFont * 0.36, _classNames[t], NameFont, anchor: "end");
        }
        svg.Rect(left, top, gridSize, gridSize, "none", stroke: "#666666");
        for (int p = 0; p < n; p++)
            svg.Text(left + p * Cell + Cell / 2 + NameFont * 0.3, top + gridSize + 8, _classNames[p], NameFont, anchor: "end", rotate: -45);

        svg.Text(HeatPad + shift + HeatLabelFont * 0.8, top + gridSize / 2, "true class", HeatLabelFont, anchor: "middle", rotate: -90);
        svg.Text(left + gridSize / 2, height - HeatPad - 2, "predicted class", HeatLabelFont, anchor: "middle");
        return svg.ToDocument(width, height, title);
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> (UTF-8), replacing any file there.</summary>
    public void SaveSvg(string path, string title = "Confusion matrix") => SvgBuilder.Save(path, ToSvg(title));

    /// <summary>White at 0, deep blue at 1 (linear in sRGB, which is close enough to even in lightness for a heat map).</summary>
    private static string Shade(double share)
    {
        static int Mix(int from, int to, double t) => (int)Math.Round(from + (to - from) * t);
        return $"#{Mix(255, 8, share):x2}{Mix(255, 69, share):x2}{Mix(255, 148, share):x2}";
    }
}
