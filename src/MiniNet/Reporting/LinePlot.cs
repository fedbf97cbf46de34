namespace MiniNet.Reporting;

/// <summary>
/// A line chart written as SVG: a title, axis labels, one or more named <see cref="Series"/>, a legend,
/// grid lines and "nice" ticks (1, 2 or 5 times a power of ten). Put several side by side with <see cref="Figure"/>.
/// </summary>
/// <remarks>
/// Series take the colours of Okabe and Ito's colour-blind-safe palette in the order they are added, each with
/// its own marker shape; markers are drawn when every series has at most <see cref="MarkerLimit"/> points.
/// The legend goes in whichever corner of the plot area no line crosses, or below the plot when every corner
/// is taken. The same plot always gives the same bytes (invariant culture, fixed number formatting).
/// <code>
/// var loss = new LinePlot("Loss") { XLabel = "epoch", YLabel = "cross-entropy", LogY = true };
/// loss.Add("train", trainLoss).Add("test", testLoss);   // x = 1, 2, …, n
/// loss.Save("loss.svg");
/// </code>
/// </remarks>
public sealed class LinePlot
{
    /// <summary>Series with at most this many points are drawn with markers at their points.</summary>
    public const int MarkerLimit = 30;

    private readonly List<Series> _series = [];
    private (double Min, double Max)? _yRange;
    private string _title = "", _xLabel = "", _yLabel = "";

    /// <summary>Creates an empty plot with the given <paramref name="title"/> (may be empty).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is null (use "" for none).</exception>
    public LinePlot(string title = "")
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>The title above the plot (empty for none).</summary>
    /// <exception cref="ArgumentNullException">Set to null (use "" for none).</exception>
    public string Title
    {
        get => _title;
        set => _title = NotNull(value, nameof(Title));
    }

    /// <summary>The label under the x axis (empty for none).</summary>
    /// <exception cref="ArgumentNullException">Set to null (use "" for none).</exception>
    public string XLabel
    {
        get => _xLabel;
        set => _xLabel = NotNull(value, nameof(XLabel));
    }

    /// <summary>The label beside the y axis (empty for none).</summary>
    /// <exception cref="ArgumentNullException">Set to null (use "" for none).</exception>
    public string YLabel
    {
        get => _yLabel;
        set => _yLabel = NotNull(value, nameof(YLabel));
    }

    /// <summary>
    /// A fixed y range, such as (0, 1) for an accuracy, or null (the default) to fit the data and round out to
    /// the nearest ticks. Parts of lines outside a fixed range are cut off at the edge of the plot.
    /// </summary>
    /// <exception cref="ArgumentException">The bounds are not finite or Min ≥ Max.</exception>
    public (double Min, double Max)? YRange
    {
        get => _yRange;
        set
        {
            if (value is (double min, double max) && !(double.IsFinite(min) && double.IsFinite(max) && min < max))
                throw new ArgumentException($"LinePlot.YRange: ({min}, {max}) must be finite with Min < Max.", nameof(value));
            _yRange = value;
        }
    }

    /// <summary>
    /// A logarithmic y axis with a labelled tick at each power of ten (for losses that fall over decades).
    /// Every y value must then be positive (or NaN).
    /// </summary>
    public bool LogY { get; set; }

    /// <summary>Label y ticks as percentages (0.85 as "85%").</summary>
    public bool YPercent { get; set; }

    /// <summary>The series, in the order they were added (which fixes their colours).</summary>
    public IReadOnlyList<Series> Series => _series;

    /// <summary>Adds a series with the given x and y values (copied); a NaN in either breaks the line. Returns this plot.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or a value is infinite.</exception>
    public LinePlot Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
            throw new ArgumentException($"LinePlot.Add(\"{name}\"): {x.Count} x values but {y.Count} y values; give one y per x.", nameof(y));
        var xs = new double[x.Count];
        var ys = new double[y.Count];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = x[i];
            ys[i] = y[i];
            if (double.IsInfinity(xs[i]) || double.IsInfinity(ys[i]))
                throw new ArgumentException(
                    $"LinePlot.Add(\"{name}\"): point {i} is ({xs[i]}, {ys[i]}); values must be finite (NaN leaves a gap).", double.IsInfinity(xs[i]) ? nameof(x) : nameof(y));
        }
        _series.Add(new Series(name, xs, ys));
        return this;
    }

    /// <summary>Adds a series of y values at x = 1, 2, …, n (epochs, counted from 1). Returns this plot.</summary>
    /// <exception cref="ArgumentException">A value is infinite.</exception>
    public LinePlot Add(string name, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var x = new double[y.Count];
        for (int i = 0; i < x.Length; i++) x[i] = i + 1;
        return Add(name, x, y);
    }

    /// <summary>The plot as a standalone SVG document of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is smaller than 200 × 150.</exception>
    /// <exception cref="InvalidOperationException">A log-scale plot has a y value (or range bound) that is not positive.</exception>
    public string ToSvg(int width = 640, int height = 400)
    {
        Figure.CheckPanelSize(width, height);
        var svg = new SvgBuilder();
        PlotRenderer.Draw(this, svg, new PlotBox(0, 0, width, height), clipId: "plot-area");
        return svg.ToDocument(width, height, Title.Length > 0 ? Title : "Line plot");
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> (UTF-8, "\n" line ends), replacing any file there.</summary>
    public void Save(string path, int width = 640, int height = 400) => SvgBuilder.Save(path, ToSvg(width, height));

    private static string NotNull(string value, string property) =>
        value ?? throw new ArgumentNullException(nameof(value), $"LinePlot.{property}: use \"\" for none, not null.");
}
