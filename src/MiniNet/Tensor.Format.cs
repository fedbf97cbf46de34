using System.Globalization;
using System.Text;

namespace MiniNet;

public sealed partial class Tensor
{
    private const int SummaryThreshold = 1000; // above this many elements, show only the edges (as PyTorch)
    private const int EdgeItems = 3;

    /// <summary>
    /// The values (summarised with "…" beyond 1000 elements), then the shape, dtype and autograd state,
    /// in the manner of PyTorch's repr: <c>Tensor([[1.0000, 2.0000], [3.0000, 4.0000]], shape=[2, 2], dtype=Float32)</c>.
    /// </summary>
    public override string ToString()
    {
        var values = new double[ElementCount];
        for (int i = 0; i < values.Length; i++) values[i] = GetFlat(i);
        string format = ChooseFormat(values);
        int width = 0;
        foreach (double v in values) width = Math.Max(width, FormatValue(v, format).Length);

        var text = new StringBuilder("Tensor(");
        AppendDimension(text, values, 0, 0, format, width, indent: "Tensor(".Length, ElementCount > SummaryThreshold);
        text.Append(", shape=").Append(Shape).Append(", dtype=").Append(DType);
        if (GradFn is not null) text.Append(", gradFn=").Append(GradFn.Name);
        else if (RequiresGrad) text.Append(", requiresGrad");
        return text.Append(')').ToString();
    }

    private void AppendDimension(StringBuilder text, double[] values, int axis, int offset, string format, int width, int indent, bool summarise)
    {
        if (axis == Rank)
        {
            text.Append(FormatValue(values[offset], format).PadLeft(width));
            return;
        }
        int size = Shape.Dims[axis];
        int stride = 1;
        for (int d = axis + 1; d < Rank; d++) stride *= Shape.Dims[d];
        text.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (summarise && size > 2 * EdgeItems && i == EdgeItems)
            {
                text.Append(axis == Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + axis + 1));
                i = size - EdgeItems - 1;
                continue;
            }
            AppendDimension(text, values, axis + 1, offset + i * stride, format, width, indent, summarise);
            if (i < size - 1)
                text.Append(axis == Rank - 1 ? ", " : "," + new string('\n', Rank - axis - 1) + new string(' ', indent + axis + 1));
        }
        text.Append(']');
    }

    private static string ChooseFormat(double[] values)
    {
        double largest = 0, smallest = double.PositiveInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v) || v == 0) continue;
            largest = Math.Max(largest, Math.Abs(v));
            smallest = Math.Min(smallest, Math.Abs(v));
        }
        bool scientific = largest >= 1e8 || (smallest < 1e-4 && largest > 0) || (largest / smallest >= 1e5);
        return scientific ? "0.0000e+00" : "0.0000";
    }

    private static string FormatValue(double value, string format) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString(format, CultureInfo.InvariantCulture);
}
