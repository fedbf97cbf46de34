namespace MiniNet.Reporting;

/// <summary>A series in SVG pixel coordinates (NaN where a pair is not drawn), ready to draw and to keep the legend off.</summary>
internal sealed class ProjectedSeries(int index, double[] x, double[] y, bool markers)
{
    /// <summary>The series' position in its plot, which picks its colour and marker shape.</summary>
    public int Index { get; } = index;

    /// <summary>Pixel x of each point, NaN for a gap.</summary>
    public double[] X { get; } = x;

    /// <summary>Pixel y of each point, NaN for a gap.</summary>
    public double[] Y { get; } = y;

    /// <summary>Whether markers are drawn at the points.</summary>
    public bool Markers { get; } = markers;

    /// <summary>Whether point <paramref name="i"/> is drawn.</summary>
    public bool IsDrawn(int i) => !double.IsNaN(X[i]);

    /// <summary>Whether point <paramref name="i"/> stands alone between gaps, so no segment shows it.</summary>
    public bool IsIsolated(int i) => IsDrawn(i) && (i == 0 || !IsDrawn(i - 1)) && (i == X.Length - 1 || !IsDrawn(i + 1));

    /// <summary>How many segments, markers and isolated points of this series touch <paramref name="box"/>.</summary>
    public int CountTouches(PlotBox box)
    {
        var pointBox = box.Inflate(PlotRenderer.MarkerRadius);
        int count = 0;
        for (int i = 0; i < X.Length; i++)
        {
            if (!IsDrawn(i)) continue;
            if ((Markers || IsIsolated(i)) && pointBox.Contains(X[i], Y[i])) count++;
            if (i + 1 < X.Length && IsDrawn(i + 1) && box.Intersects(X[i], Y[i], X[i + 1], Y[i + 1])) count++;
        }
        return count;
    }
}
