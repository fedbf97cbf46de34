namespace MiniNet.Reporting;

/// <summary>
/// Several <see cref="LinePlot"/> panels in a grid in one SVG, filled row by row (for example loss and accuracy
/// per epoch side by side), under an optional overall title.
/// </summary>
/// <remarks>
/// <code>
/// new Figure(columns: 2) { Title = "Fashion-MNIST MLP" }
///     .Add(lossPlot)
///     .Add(accuracyPlot)
///     .Save("training.svg");
/// </code>
/// </remarks>
public sealed class Figure
{
    private const double TitleFont = 17, TitleHeight = 34;
    private readonly List<LinePlot> _panels = [];
    private int _panelWidth = 480, _panelHeight = 360;
    private string _title = "";

    /// <summary>Creates an empty figure that places its panels <paramref name="columns"/> to a row.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> is less than 1.</exception>
    public Figure(int columns = 2)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Figure: at least one column is needed.");
        Columns = columns;
    }

    /// <summary>The number of panels per row.</summary>
    public int Columns { get; }

    /// <summary>The title above all the panels (empty for none).</summary>
    /// <exception cref="ArgumentNullException">Set to null (use "" for no title).</exception>
    public string Title
    {
        get => _title;
        set => _title = value ?? throw new ArgumentNullException(nameof(value), "Figure.Title: use \"\" for no title, not null.");
    }

    /// <summary>The width of each panel in pixels (default 480, at least 200).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 200.</exception>
    public int PanelWidth
    {
        get => _panelWidth;
        set
        {
            CheckPanelSize(value, _panelHeight);
            _panelWidth = value;
        }
    }

    /// <summary>The height of each panel in pixels (default 360, at least 150).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 150.</exception>
    public int PanelHeight
    {
        get => _panelHeight;
        set
        {
            CheckPanelSize(_panelWidth, value);
            _panelHeight = value;
        }
    }

    /// <summary>The panels, in the order they were added (row by row).</summary>
    public IReadOnlyList<LinePlot> Panels => _panels;

    /// <summary>Adds a panel after the existing ones. Returns this figure.</summary>
    public Figure Add(LinePlot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        _panels.Add(plot);
        return this;
    }

    /// <summary>The figure as an SVG document: min(panels, columns) panels wide, as many rows as needed.</summary>
    /// <exception cref="InvalidOperationException">The figure has no panels, or a log-scale panel has a value that is not positive.</exception>
    public string ToSvg()
    {
        if (_panels.Count == 0) throw new InvalidOperationException("Figure: there are no panels to draw; Add a LinePlot first.");
        int columns = Math.Min(Columns, _panels.Count);
        int rows = (_panels.Count + columns - 1) / columns;
        double top = Title.Length > 0 ? TitleHeight : 0;
        double width = columns * PanelWidth, height = top + rows * PanelHeight;

        var svg = new SvgBuilder();
        if (Title.Length > 0) PlotRenderer.FittedText(svg, Title, width / 2, 24, TitleFont, 10, width - 10, bold: true);
        for (int p = 0; p < _panels.Count; p++)
        {
            var box = new PlotBox(p % columns * PanelWidth, top + p / columns * PanelHeight, PanelWidth, PanelHeight);
            PlotRenderer.Draw(_panels[p], svg, box, clipId: $"panel-{p}");
        }
        return svg.ToDocument(width, height, Title.Length > 0 ? Title : string.Join(" | ", _panels.Select(p => p.Title)));
    }

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> (UTF-8, "\n" line ends), replacing any file there.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SvgBuilder.Save(path, ToSvg());
    }

    internal static void CheckPanelSize(int width, int height)
    {
        if (width < 200) throw new ArgumentOutOfRangeException(nameof(width), width, "A plot must be at least 200 pixels wide.");
        if (height < 150) throw new ArgumentOutOfRangeException(nameof(height), height, "A plot must be at least 150 pixels high.");
    }
}
