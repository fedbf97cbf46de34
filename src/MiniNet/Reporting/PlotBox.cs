namespace MiniNet.Reporting;

/// <summary>An axis-aligned rectangle in SVG pixels (y grows downwards).</summary>
internal readonly record struct PlotBox(double X, double Y, double Width, double Height)
{
    /// <summary>The x of the right edge.</summary>
    public double Right => X + Width;

    /// <summary>The y of the bottom edge.</summary>
    public double Bottom => Y + Height;

    /// <summary>This box grown by <paramref name="margin"/> on every side.</summary>
    public PlotBox Inflate(double margin) => new(X - margin, Y - margin, Width + 2 * margin, Height + 2 * margin);

    /// <summary>Whether the point lies inside (edges included).</summary>
    public bool Contains(double x, double y) => x >= X && x <= Right && y >= Y && y <= Bottom;

    /// <summary>Whether the segment from (x1, y1) to (x2, y2) touches the box (Liang–Barsky clipping).</summary>
    public bool Intersects(double x1, double y1, double x2, double y2)
    {
        double dx = x2 - x1, dy = y2 - y1, enter = 0, leave = 1;
        return Clip(-dx, x1 - X) && Clip(dx, Right - x1) && Clip(-dy, y1 - Y) && Clip(dy, Bottom - y1);

        // One edge: the segment's parameter range [enter, leave] inside the half-plane p·t ≤ q.
        bool Clip(double p, double q)
        {
            if (p == 0) return q >= 0;
            double t = q / p;
            if (p < 0) enter = Math.Max(enter, t);
            else leave = Math.Min(leave, t);
            return enter <= leave;
        }
    }
}
