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
        // Only the elements shown are read: a summarised billion-element tensor is printed from its edges, and an
        // empty one ([65536, 65536, 0]) prints no brackets per row, as PyTorch's "tensor([], size=…)".
        bool summarise = ElementCount > SummaryThreshold;
        var shown = new List<double>();
        if (ElementCount > 0) CollectShown(shown, 0, 0, summarise);
        string format = ChooseFormat(shown);
        int width = 0;
        foreach (double v in shown) width = Math.Max(width, FormatValue(v, format).Length);

        var text = new StringBuilder("Tensor(");
        if (ElementCount == 0) text.Append("[]");
        else AppendDimension(text, 0, 0, format, width, indent: "Tensor(".Length, summarise);
        text.Append(", shape=").Append(Shape).Append(", dtype=").Append(DType);
        if (GradFn is not null) text.Append(", gradFn=").Append(GradFn.Name);
        else if (RequiresGrad) text.Append(", requiresGrad");
        return text.Append(')').ToString();
    }

    /// <summary>The indices along <paramref name="axis"/> that are printed: all, or the first and last three when summarising.</summary>
    private IEnumerable<int> ShownIndices(int axis, bool summarise)
    {
        int size = Shape.Dims[axis];
        for (int i = 0; i < size; i++)
        {
            if (summarise && size > 2 * EdgeItems && i == EdgeItems) i = size - EdgeItems;
            yield return i;
        }
    }

    private int Stride(int axis)
    {
        int stride = 1;
        for (int d = axis + 1; d < Rank; d++) stride *= Shape.Dims[d];
        return stride;
    }

    private void CollectShown(List<double> shown, int axis, int offset, bool summarise)
    {
        if (axis == Rank)
        {
            shown.Add(GetFlat(offset));
            return;
        }
        int stride = Stride(axis);
        foreach (int i in ShownIndices(axis, summarise)) CollectShown(shown, axis + 1, offset + i * stride, summarise);
    }

    private void AppendDimension(StringBuilder text, int axis, int offset, string format, int width, int indent, bool summarise)
    {
        if (axis == Rank)
        {
            text.Append(FormatValue(GetFlat(offset), format).PadLeft(width));
            return;
        }
        int size = Shape.Dims[axis], stride = Stride(axis), previous = -1;
        text.Append('[');
        foreach (int i in ShownIndices(axis, summarise))
        {
            if (previous >= 0)
            {
                text.Append(axis == Rank - 1 ? ", " : "," + new string('\n', Rank - axis - 1) + new string(' ', indent + axis + 1));
                if (i != previous + 1) text.Append(axis == Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + axis + 1));
            }
            AppendDimension(text, axis + 1, offset + i * stride, format, width, indent, summarise);
            previous = i;
        }
        text.Append(']');
    }

    private static string ChooseFormat(List<double> values)
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
