namespace MiniNet.Reporting;

/// <summary>A tick on an axis: its value, its label (empty for an unlabelled minor tick) and whether it is major (gets a grid line).</summary>
internal readonly record struct Tick(double Value, string Label, bool IsMajor);

/// <summary>The range an axis spans, linear or logarithmic, with its ticks.</summary>
internal sealed record AxisScale(double Min, double Max, bool IsLog, IReadOnlyList<Tick> Ticks)
{
    /// <summary>Where <paramref name="value"/> sits along the axis: 0 at <see cref="Min"/>, 1 at <see cref="Max"/>.</summary>
    public double Fraction(double value) => IsLog
        ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
        : (value - Min) / (Max - Min);
}
