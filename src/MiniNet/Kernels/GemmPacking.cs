using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MiniNet.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the order the micro-kernel reads them, so that its loads are
/// contiguous whatever the operands' layout: transposes are absorbed here and never materialised.
/// A partial micro-panel (at the bottom or right edge) is padded with zeros; the padded rows and columns
/// of the tile are computed and thrown away, never stored into C.
/// </summary>
internal static class GemmPacking
{
    /// <summary>
    /// Packs op(A)[rowStart .. rowStart+rows, depthStart .. depthStart+depth] into micro-panels of
    /// <paramref name="panelRows"/> rows: panel after panel, each one step of k after another, each step
    /// holding <paramref name="panelRows"/> consecutive values of one column of op(A).
    /// op(A) is m×k; A is stored m×k, or k×m when <paramref name="transposed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(ReadOnlySpan<T> a, bool transposed, int m, int k, int rowStart, int rows,
        int depthStart, int depth, int panelRows, Span<T> packed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T src = ref MemoryMarshal.GetReference(a);
        ref T dst = ref MemoryMarshal.GetReference(packed);
        for (int panel = 0; panel < rows; panel += panelRows)
        {
            int valid = Math.Min(panelRows, rows - panel);
            if (transposed)
            {
                // A is k×m: the panel's values for one step of k are adjacent in memory.
                ref T column = ref Unsafe.Add(ref src, (nint)depthStart * m + rowStart + panel);
                for (int p = 0; p < depth; p++)
                {
                    ref T from = ref Unsafe.Add(ref column, (nint)p * m);
                    ref T to = ref Unsafe.Add(ref dst, (nint)p * panelRows);
                    int r = 0;
                    for (; r < valid; r++) Unsafe.Add(ref to, r) = Unsafe.Add(ref from, r);
                    for (; r < panelRows; r++) Unsafe.Add(ref to, r) = T.Zero;
                }
            }
            else
            {
                // A is m×k: walk each row along k (contiguous reads), scattering with stride panelRows.
                for (int r = 0; r < valid; r++)
                {
                    ref T row = ref Unsafe.Add(ref src, (nint)(rowStart + panel + r) * k + depthStart);
                    for (int p = 0; p < depth; p++)
                        Unsafe.Add(ref dst, (nint)p * panelRows + r) = Unsafe.Add(ref row, p);
                }
                for (int r = valid; r < panelRows; r++)
                for (int p = 0; p < depth; p++)
                    Unsafe.Add(ref dst, (nint)p * panelRows + r) = T.Zero;
            }
            dst = ref Unsafe.Add(ref dst, (nint)depth * panelRows);
        }
    }

    /// <summary>
    /// Packs op(B)[depthStart .. depthStart+depth, columnStart .. columnStart+columns] into micro-panels of
    /// <paramref name="panelColumns"/> columns: panel after panel, each one step of k after another, each step
    /// holding <paramref name="panelColumns"/> consecutive values of one row of op(B).
    /// op(B) is k×n; B is stored k×n, or n×k when <paramref name="transposed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(ReadOnlySpan<T> b, bool transposed, int k, int n, int depthStart, int depth,
        int columnStart, int columns, int panelColumns, Span<T> packed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T src = ref MemoryMarshal.GetReference(b);
        ref T dst = ref MemoryMarshal.GetReference(packed);
        for (int panel = 0; panel < columns; panel += panelColumns)
        {
            int valid = Math.Min(panelColumns, columns - panel);
            if (transposed)
            {
                // B is n×k: walk each of its rows along k (contiguous reads), scattering with stride panelColumns.
                for (int j = 0; j < valid; j++)
                {
                    ref T row = ref Unsafe.Add(ref src, (nint)(columnStart + panel + j) * k + depthStart);
                    for (int p = 0; p < depth; p++)
                        Unsafe.Add(ref dst, (nint)p * panelColumns + j) = Unsafe.Add(ref row, p);
                }
                for (int j = valid; j < panelColumns; j++)
                for (int p = 0; p < depth; p++)
                    Unsafe.Add(ref dst, (nint)p * panelColumns + j) = T.Zero;
            }
            else
            {
                // B is k×n: each step of k is a contiguous run of the row.
                ref T rows = ref Unsafe.Add(ref src, (nint)depthStart * n + columnStart + panel);
                for (int p = 0; p < depth; p++)
                {
                    var from = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref rows, (nint)p * n), valid);
                    var to = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, (nint)p * panelColumns), panelColumns);
                    from.CopyTo(to);
                    to[valid..].Clear();
                }
            }
            dst = ref Unsafe.Add(ref dst, (nint)depth * panelColumns);
        }
    }
}
