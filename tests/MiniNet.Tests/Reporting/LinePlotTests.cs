using System.Globalization;
using System.Text;
using System.Xml.Linq;
using MiniNet.Reporting;

namespace MiniNet.Tests.Reporting;

public class LinePlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static LinePlot TrainingPlot()
    {
        var plot = new LinePlot("Loss per epoch") { XLabel = "epoch", YLabel = "cross-entropy" };
        plot.Add("train", [2.1, 1.2, 0.8, 0.6, 0.5]).Add("test", [2.0, 1.3, 0.9, 0.75, 0.7]);
        return plot;
    }

    private static string[] Texts(XDocument document) => document.Descendants(Svg + "text").Select(t => t.Value).ToArray();

    /// <summary>The d attribute of the line drawn for series number <paramref name="index"/> (an unfilled path in its colour).</summary>
    private static string LinePath(XDocument document, string colour) =>
        document.Descendants(Svg + "path").Single(p => (string?)p.Attribute("stroke") == colour && (string?)p.Attribute("fill") == "none").Attribute("d")!.Value;

    [Fact]
    public void Svg_is_well_formed_xml_with_a_view_box()
    {
        var document = XDocument.Parse(TrainingPlot().ToSvg(640, 400));
        var root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal("1.1", (string?)root.Attribute("version"));
        Assert.Equal("0 0 640 400", (string?)root.Attribute("viewBox"));
        Assert.Equal("Loss per epoch", root.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Svg_shows_the_tick_labels_legend_title_and_axis_labels()
    {
        // y: 0.5 … 2.1 rounds out to the ticks 0.5 … 2.5 (steps of 0.2 would need 9 intervals, more than the
        // 7 that fit in the height); x: epochs 1 … 5 in whole numbers.
        Assert.Equal(
            ["0.5", "1.0", "1.5", "2.0", "2.5", "1", "2", "3", "4", "5", "train", "test", "Loss per epoch", "epoch", "cross-entropy"],
            Texts(XDocument.Parse(TrainingPlot().ToSvg())));
    }

    [Fact]
    public void Text_is_escaped()
    {
        const string title = "Loss & <accuracy> \"quoted\" 'single'";
        var plot = new LinePlot(title) { XLabel = "a<b", YLabel = "x & y" };
        plot.Add("p < 0.01 & \"q\"", [1.0, 2.0]);
        string svg = plot.ToSvg();
        Assert.Contains("Loss &amp; &lt;accuracy&gt; &quot;quoted&quot; &apos;single&apos;", svg);
        var texts = Texts(XDocument.Parse(svg));
        Assert.Contains(title, texts);
        Assert.Contains("a<b", texts);
        Assert.Contains("x & y", texts);
        Assert.Contains("p < 0.01 & \"q\"", texts);
    }

    [Fact]
    public void Control_characters_in_text_are_rejected()
    {
        var plot = new LinePlot("bell\u0007");
        plot.Add("a", [1.0, 2.0]);
        var error = Assert.Throws<ArgumentException>(() => plot.ToSvg());
        Assert.Contains("U+0007", error.Message);
    }

    [Fact]
    public void Same_data_gives_the_same_bytes_in_any_culture()
    {
        string first = TrainingPlot().ToSvg();
        var previous = CultureInfo.CurrentCulture;
        try
        {
            var commaCulture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            commaCulture.NumberFormat.NumberDecimalSeparator = ",";
            commaCulture.NumberFormat.NegativeSign = "~";
            CultureInfo.CurrentCulture = commaCulture;
            Assert.Equal(first, TrainingPlot().ToSvg());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Save_writes_utf8_without_a_byte_order_mark()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mininet-lineplot-{Environment.ProcessId}.svg");
        try
        {
            var plot = TrainingPlot();
            plot.Save(path);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(new UTF8Encoding(false).GetBytes(plot.ToSvg()), bytes);
            Assert.Equal((byte)'<', bytes[0]);
            Assert.DoesNotContain((byte)'\r', bytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NaN_breaks_the_line_into_pieces()
    {
        var plot = new LinePlot("gaps");
        plot.Add("a", [1.0, 2.0, double.NaN, 4.0, 5.0, 6.0]);
        string path = LinePath(XDocument.Parse(plot.ToSvg()), "#0072B2");
        Assert.Equal(2, path.Count(c => c == 'M'));
        Assert.Equal(3, path.Count(c => c == 'L')); // 1–2, then 4–5–6
    }

    [Fact]
    public void A_point_alone_between_gaps_is_still_drawn()
    {
        var plot = new LinePlot("isolated");
        var y = Enumerable.Range(0, 40).Select(i => (double)i).ToArray(); // over the marker limit: no markers
        y[19] = double.NaN;
        y[21] = double.NaN;
        plot.Add("a", y);
        var document = XDocument.Parse(plot.ToSvg());
        var dots = document.Descendants(Svg + "path").Where(p => (string?)p.Attribute("fill") == "#0072B2").ToArray();
        Assert.Single(dots); // one dot, at point 20
    }

    [Fact]
    public void Short_series_get_markers_and_long_ones_do_not()
    {
        var plot = new LinePlot("markers");
        plot.Add("short", Enumerable.Range(0, LinePlot.MarkerLimit).Select(i => (double)i).ToArray());
        plot.Add("long", Enumerable.Range(0, LinePlot.MarkerLimit + 1).Select(i => (double)i).ToArray());
        var filled = XDocument.Parse(plot.ToSvg()).Descendants(Svg + "path").Where(p => (string?)p.Attribute("fill") is string f && f != "none").ToArray();
        Assert.Contains(filled, p => (string?)p.Attribute("fill") == Palette.Colour(0));
        Assert.DoesNotContain(filled, p => (string?)p.Attribute("fill") == Palette.Colour(1));
        var shortMarkers = filled.First(p => (string?)p.Attribute("fill") == Palette.Colour(0) && p.Attribute("d")!.Value.Count(c => c == 'M') > 1);
        Assert.Equal(LinePlot.MarkerLimit, shortMarkers.Attribute("d")!.Value.Count(c => c == 'M')); // one marker per point
    }

    [Fact]
    public void Fixed_y_range_sets_the_ticks_and_clips_the_lines()
    {
        var plot = new LinePlot("accuracy") { YRange = (0, 1) };
        plot.Add("test", [0.42, 0.55, 0.61]);
        var document = XDocument.Parse(plot.ToSvg());
        var texts = Texts(document);
        Assert.Contains("0.0", texts);
        Assert.Contains("1.0", texts);

        var free = new LinePlot("accuracy");
        free.Add("test", [0.42, 0.55, 0.61]);
        Assert.DoesNotContain("1.0", Texts(XDocument.Parse(free.ToSvg())));

        var line = document.Descendants(Svg + "path").Single(p => (string?)p.Attribute("fill") == "none");
        Assert.Equal("url(#plot-area)", (string?)line.Attribute("clip-path"));
        Assert.Single(document.Descendants(Svg + "clipPath"), c => (string?)c.Attribute("id") == "plot-area");
    }

    [Fact]
    public void Percent_axis_labels_ticks_as_percentages()
    {
        var plot = new LinePlot("accuracy") { YRange = (0, 1), YPercent = true };
        plot.Add("test", [0.5, 0.9]);
        var texts = Texts(XDocument.Parse(plot.ToSvg()));
        Assert.Contains("0%", texts);
        Assert.Contains("100%", texts);
    }

    [Fact]
    public void Log_axis_labels_decades()
    {
        var plot = new LinePlot("loss") { LogY = true };
        plot.Add("train", [2.3, 0.5, 0.08, 0.011, 0.004]);
        var texts = Texts(XDocument.Parse(plot.ToSvg()));
        Assert.Contains("0.001", texts);
        Assert.Contains("0.01", texts);
        Assert.Contains("0.1", texts);
        Assert.Contains("1", texts);
        Assert.Contains("10", texts);
    }

    [Fact]
    public void Log_axis_rejects_a_value_that_is_not_positive()
    {
        var plot = new LinePlot("loss") { LogY = true };
        plot.Add("train", [1.0, 0.1, 0.0]);
        var error = Assert.Throws<InvalidOperationException>(() => plot.ToSvg());
        Assert.Contains("\"train\" has y[2] = 0", error.Message);
    }

    [Fact]
    public void Bad_series_are_rejected_when_added()
    {
        var plot = new LinePlot("bad");
        Assert.Contains("3 x values but 2 y values", Assert.Throws<ArgumentException>(() => plot.Add("a", [1.0, 2.0, 3.0], [1.0, 2.0])).Message);
        Assert.Contains("point 1", Assert.Throws<ArgumentException>(() => plot.Add("b", [1.0, double.PositiveInfinity])).Message);
        Assert.Throws<ArgumentException>(() => plot.YRange = (1, 1));
        Assert.Empty(plot.Series);
    }

    [Fact]
    public void Plot_without_data_still_draws_its_axes()
    {
        var document = XDocument.Parse(new LinePlot("empty") { XLabel = "x" }.ToSvg());
        Assert.Contains("x", Texts(document));
    }

    [Fact]
    public void Legend_goes_in_a_corner_that_no_line_crosses()
    {
        var area = new PlotBox(0, 0, 400, 300);
        var legend = new PlotLegend([new Series("falling", [0, 1], [0, 1])]);
        // A line from the top left to the bottom right leaves the top right corner free.
        var falling = new ProjectedSeries(0, [0, 400], [0, 300], markers: false);
        var corner = legend.BestCorner(area, [falling], mayCoverData: false)!.Value;
        Assert.True(corner.X > 200 && corner.Y < 100, $"legend at {corner}");
        Assert.Equal(0, falling.CountTouches(corner));

        // A line along the top and another along the bottom take every corner: the legend goes below the plot.
        var top = new ProjectedSeries(0, [0, 400], [10, 10], markers: false);
        var bottom = new ProjectedSeries(1, [0, 400], [290, 290], markers: false);
        Assert.Null(legend.BestCorner(area, [top, bottom], mayCoverData: false));
    }

    [Fact]
    public void Legend_with_no_free_corner_covers_the_least_data_when_allowed_to()
    {
        var area = new PlotBox(0, 0, 400, 300);
        var legend = new PlotLegend([new Series("a", [0, 1], [0, 1]), new Series("b", [0, 1], [0, 1])]);
        // Twenty short segments along the top, one long segment along the bottom.
        var top = new ProjectedSeries(0, Enumerable.Range(0, 21).Select(i => i * 20.0).ToArray(), Enumerable.Repeat(10.0, 21).ToArray(), markers: false);
        var bottom = new ProjectedSeries(1, [0, 400], [290, 290], markers: false);
        var corner = legend.BestCorner(area, [top, bottom], mayCoverData: true)!.Value;
        Assert.True(corner.X > 200 && corner.Y > 150, $"legend at {corner}"); // bottom right: first of the two least covered
    }

    [Fact]
    public void Markers_are_not_drawn_for_points_outside_a_fixed_range()
    {
        var plot = new LinePlot("accuracy") { YRange = (0, 1) };
        plot.Add("", [0.5, 1.0, 1.5, 0.9]); // 1.0 sits on the frame and keeps its marker; 1.5 is off the chart
        var markers = XDocument.Parse(plot.ToSvg()).Descendants(Svg + "path").Single(p => (string?)p.Attribute("fill") == Palette.Colour(0));
        Assert.Equal(3, markers.Attribute("d")!.Value.Count(c => c == 'M'));
        Assert.Null(markers.Attribute("clip-path"));
    }

    [Fact]
    public void Figure_places_panels_in_a_grid_with_separate_clip_paths()
    {
        var accuracy = new LinePlot("Accuracy") { YRange = (0, 1) };
        accuracy.Add("train", [0.5, 0.8, 0.9]);
        var figure = new Figure(columns: 2) { Title = "Training & testing" }.Add(TrainingPlot()).Add(accuracy).Add(TrainingPlot());
        var document = XDocument.Parse(figure.ToSvg());
        var root = document.Root!;
        Assert.Equal("960", (string?)root.Attribute("width"));
        Assert.Equal("754", (string?)root.Attribute("height")); // title row 34 + two rows of 360
        Assert.Equal(["panel-0", "panel-1", "panel-2"], document.Descendants(Svg + "clipPath").Select(c => (string?)c.Attribute("id")));
        var texts = Texts(document);
        Assert.Contains("Training & testing", texts);
        Assert.Contains("Accuracy", texts);
        Assert.Equal(2, texts.Count(t => t == "Loss per epoch"));
    }

    [Fact]
    public void Empty_figure_is_rejected()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Figure().ToSvg());
        Assert.Contains("no panels", error.Message);
    }
}
