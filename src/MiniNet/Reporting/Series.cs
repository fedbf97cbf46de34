namespace MiniNet.Reporting;

/// <summary>
/// One named line of a <see cref="LinePlot"/>: x and y values in pairs. A NaN in either value of a pair
/// breaks the line there (the points on each side are not joined). Made by <see cref="LinePlot.Add(string, IReadOnlyList{double}, IReadOnlyList{double})"/>.
/// </summary>
public sealed class Series
{
    private readonly double[] _x, _y;

    internal Series(string name, double[] x, double[] y)
    {
        Name = name;
        _x = x;
        _y = y;
    }

    /// <summary>The name shown in the legend; a series with an empty name gets no legend entry.</summary>
    public string Name { get; }

    /// <summary>The x values (a copy of what was added).</summary>
    public IReadOnlyList<double> X => _x;

    /// <summary>The y values, one per x value.</summary>
    public IReadOnlyList<double> Y => _y;

    /// <summary>The number of (x, y) pairs.</summary>
    public int Count => _x.Length;

    /// <summary>Whether pair <paramref name="i"/> is drawn (neither value is NaN).</summary>
    internal bool IsDrawn(int i) => !double.IsNaN(_x[i]) && !double.IsNaN(_y[i]);
}
