using System.Globalization;
using System.Security;
using System.Text;

namespace MiniNet.Examples.MultiLabel;

/// <summary>
/// A grouped bar chart as SVG, for scores in [0, 1]: one group per category (its name under the axis, on two
/// lines if long), one bar per series with its value written at its top, and across each bar a black mark for a
/// reference value (an upper bound, say); a legend under the title. MiniNet's <c>LinePlot</c> has numeric x axes
/// only, and attribute names belong under the bars.
/// </summary>
internal sealed class GroupedBarChart(string title, string yLabel, IReadOnlyList<string> categories, string markName)
{
    private const string Ink = "#222222", Axis = "#666666", Grid = "#e2e2e2";
    private const double Width = 900, Height = 440, Left = 64, Right = 16, Top = 76, Bottom = 58;
    private readonly List<(string Name, double[] Values, double[] Marks, string Colour)> _series = [];

    /// <summary>Adds a series of one value in [0, 1] per category, and a mark in [0, 1] on each of its bars.</summary>
    public GroupedBarChart Add(string name, IReadOnlyList<double> values, IReadOnlyList<double> marks, string colour)
    {
        foreach (var list in new[] { values, marks })
        {
            if (list.Count != categories.Count)
                throw new ArgumentException($"GroupedBarChart.Add(\"{name}\"): {list.Count} values for {categories.Count} categories.", nameof(values));
            foreach (double value in list)
                if (!(value >= 0 && value <= 1))
                    throw new ArgumentOutOfRangeException(nameof(values), value, $"GroupedBarChart.Add(\"{name}\"): values must be in [0, 1].");
        }
        _series.Add((name, values.ToArray(), marks.ToArray(), colour));
        return this;
    }

    /// <summary>The chart as a standalone SVG document (900 × 440 pixels).</summary>
    public string ToSvg()
    {
        var svg = new StringBuilder();
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom, bottom = Top + plotHeight;
        double groupWidth = plotWidth / categories.Count, barWidth = groupWidth * 0.8 / Math.Max(1, _series.Count);
        double Y(double value) => bottom - value * plotHeight;

        Text(svg, Width / 2, 26, title, 17, "middle", bold: true);
        double legendX = Left;
        foreach (var (name, _, _, colour) in _series)
        {
            svg.Append(Rect(legendX, 44, 14, 14, colour, colour));
            Text(svg, legendX + 20, 56, name, 13, "start");
            legendX += 20 + TextWidth(name, 13) + 28;
        }
        svg.Append(Rect(legendX, 49, 22, 4, Ink, Ink));
        Text(svg, legendX + 28, 56, markName, 13, "start");

        for (int tick = 0; tick <= 10; tick += 2)
        {
            double value = tick / 10.0, y = Y(value);
            svg.Append(Line(Left, y, Left + plotWidth, y, Grid));
            svg.Append(Line(Left - 5, y, Left, y, Axis));
            Text(svg, Left - 8, y + 4.3, value.ToString("0.0", CultureInfo.InvariantCulture), 12, "end");
        }
        Text(svg, 20, Top + plotHeight / 2, yLabel, 13, "middle", rotate: true);

        for (int c = 0; c < categories.Count; c++)
        {
            double groupLeft = Left + c * groupWidth + groupWidth * 0.1;
            for (int s = 0; s < _series.Count; s++)
            {
                var (_, values, marks, colour) = _series[s];
                double x = groupLeft + s * barWidth, y = Y(values[c]), mark = Y(marks[c]);
                svg.Append(Rect(x + 1, y, barWidth - 2, bottom - y, colour, colour));
                string label = values[c].ToString("0.00", CultureInfo.InvariantCulture);
                if (bottom - y >= 22) Text(svg, x + barWidth / 2, y + 16, label, 11, "middle", fill: "#ffffff");
                else Text(svg, x + barWidth / 2, (mark < y && mark > y - 18 ? mark : y) - 5, label, 11, "middle"); // too short to hold it: above, clear of the mark
                svg.Append(Rect(x - 1, mark - 1.25, barWidth + 2, 2.5, Ink, Ink));
            }
            var (upper, lower) = TwoLines(categories[c], groupWidth - 6, 12);
            Text(svg, Left + (c + 0.5) * groupWidth, bottom + 18, upper, 12, "middle");
            Text(svg, Left + (c + 0.5) * groupWidth, bottom + 33, lower, 12, "middle");
        }
        svg.Append(Rect(Left, Top, plotWidth, plotHeight, "none", Axis));

        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" " +
            "font-family=\"DejaVu Sans, Verdana, Arial, Helvetica, sans-serif\">\n" +
            $"<title>{SecurityElement.Escape(title)}</title>\n<rect width=\"{N(Width)}\" height=\"{N(Height)}\" fill=\"#ffffff\"/>\n" +
            svg + "</svg>\n";
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> as UTF-8 without a byte-order mark.</summary>
    public void Save(string path) => File.WriteAllText(path, ToSvg(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>The name on one line if it fits, else split at the space nearest its middle.</summary>
    private static (string Upper, string Lower) TwoLines(string name, double width, double fontSize)
    {
        if (TextWidth(name, fontSize) <= width) return (name, "");
        int best = -1;
        for (int i = 0; i < name.Length; i++)
            if ((name[i] == ' ' || name[i] == '/') && (best < 0 || Math.Abs(2 * i - name.Length) < Math.Abs(2 * best - name.Length))) best = i;
        if (best < 0) return (name, "");
        return name[best] == '/' ? (name[..(best + 1)], name[(best + 1)..]) : (name[..best], name[(best + 1)..]);
    }

    /// <summary>A generous estimate of the width of DejaVu Sans text (the widest of the font stack).</summary>
    private static double TextWidth(string text, double fontSize) => text.Length * 0.62 * fontSize;

    private static void Text(StringBuilder svg, double x, double y, string text, double size, string anchor, bool bold = false, bool rotate = false,
        string fill = Ink)
    {
        if (text.Length == 0) return;
        svg.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" text-anchor=\"{anchor}\" fill=\"{fill}\"");
        if (bold) svg.Append(" font-weight=\"bold\"");
        if (rotate) svg.Append($" transform=\"rotate(-90 {N(x)} {N(y)})\"");
        svg.Append('>').Append(SecurityElement.Escape(text)).Append("</text>\n");
    }

    private static string Rect(double x, double y, double width, double height, string fill, string stroke) =>
        $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(Math.Max(0, height))}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>\n";

    private static string Line(double x1, double y1, double x2, double y2, string stroke) =>
        $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"1\"/>\n";

    private static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
