using System.Globalization;

namespace MiniNet;

/// <summary>How the heads' error messages name places and numbers.</summary>
internal static class HeadText
{
    /// <summary>The multi-index of flat element <paramref name="flat"/> of <paramref name="shape"/>: <c>[2, 1]</c>.</summary>
    public static string Position(Shape shape, int flat)
    {
        var dims = shape.ToArray();
        var index = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            index[d] = flat % dims[d];
            flat /= dims[d];
        }
        return "[" + string.Join(", ", index) + "]";
    }

    /// <summary>
    /// A row of a softmax head: its number for logits [N, C] or [C], its position along the other axes for
    /// logits [N, C, d1, …] (whose rows are the positions of <paramref name="rowShape"/>).
    /// </summary>
    public static string Row(Shape rowShape, int row) =>
        rowShape.Rank <= 1 ? $"row {row}" : $"row {Position(rowShape, row)}";

    public static string Number(double value) => value.ToString("G7", CultureInfo.InvariantCulture);
}
