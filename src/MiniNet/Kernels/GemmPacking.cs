using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (transposed)
        {
            // A is k×m: one step of k holds a row of every panel.
            CopyPanels(ref Unsafe.Add(ref src, (nint)depthStart * m + rowStart), m, rows, panelRows, depth, ref dst);
            return;
        }
        // A is m×k: each row runs along k, so a panel is the transpose of a panelRows×depth block.
        for (int panel = 0; panel < rows; panel += panelRows)
        {
            int valid = Math.Min(panelRows, rows - panel);
            ref T from = ref Unsafe.Add(ref src, (nint)(rowStart + panel) * k + depthStart);
            Interleave(ref from, k, valid, panelRows, depth, ref Unsafe.Add(ref dst, (nint)panel * depth));
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
        if (!transposed)
        {
            // B is k×n: one step of k holds a row of every panel.
            CopyPanels(ref Unsafe.Add(ref src, (nint)depthStart * n + columnStart), n, columns, panelColumns, depth, ref dst);
            return;
        }
        // B is n×k: each of its rows runs along k, so a panel is the transpose of a panelColumns×depth block.
        for (int panel = 0; panel < columns; panel += panelColumns)
        {
            int valid = Math.Min(panelColumns, columns - panel);
            ref T from = ref Unsafe.Add(ref src, (nint)(columnStart + panel) * k + depthStart);
            Interleave(ref from, k, valid, panelColumns, depth, ref Unsafe.Add(ref dst, (nint)panel * depth));
        }
    }

    /// <summary>
    /// The panels of <paramref name="width"/> of a depth×<paramref name="extent"/> block whose steps of k lie along
    /// memory (row stride <paramref name="stride"/>): panel q holds dst[q·width·depth + p·width + j] = src[p·stride + q·width + j]
    /// (zeros past the extent).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyPanels<T>(ref T src, int stride, int extent, int width, int depth, ref T dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // A strip of steps at a time across every panel: the strip's source rows are read along memory, which the
        // prefetchers follow, and each panel gets strip·width values in a row. One panel at a time over all of k read
        // one line per row (a page apart for a 1024-wide B) and packed a 1024×1024 B at about 2 GB/s.
        const int strip = 8;
        for (int p0 = 0; p0 < depth; p0 += strip)
        {
            int pEnd = Math.Min(depth, p0 + strip);
            for (int panel = 0; panel < extent; panel += width)
            {
                int valid = Math.Min(width, extent - panel);
                ref T from = ref Unsafe.Add(ref src, panel);
                ref T to = ref Unsafe.Add(ref dst, (nint)panel * depth);
                for (int p = p0; p < pEnd; p++)
                {
                    ref T row = ref Unsafe.Add(ref to, (nint)p * width);
                    Copy(ref Unsafe.Add(ref from, (nint)p * stride), ref row, valid);
                    for (int j = valid; j < width; j++) Unsafe.Add(ref row, j) = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// dst[p·width + r] = src[r·stride + p] for r &lt; valid (zeros for valid ≤ r &lt; width), p &lt; depth: a transpose,
    /// four source rows at a time in 4×4 register blocks where the hardware has the shuffles, one value at a time otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave<T>(ref T src, int stride, int valid, int width, int depth, ref T dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Strips of 32 steps of k: the source lines being read (valid rows × 128 bytes) and the part of the panel
        // being written (32 × width values) both stay in L1 while every 4-row block of the strip is transposed.
        const int strip = 32;
        bool blocks = CanTranspose4x4<T>();
        for (int p0 = 0; p0 < depth; p0 += strip)
        {
            int pEnd = Math.Min(depth, p0 + strip);
            int r = 0;
            if (blocks)
            {
                for (; r + 4 <= valid; r += 4)
                {
                    ref T rows = ref Unsafe.Add(ref src, (nint)r * stride);
                    int p = p0;
                    for (; p + 4 <= pEnd; p += 4)
                        Transpose4x4(ref Unsafe.Add(ref rows, p), stride, ref Unsafe.Add(ref dst, (nint)p * width + r), width);
                    for (; p < pEnd; p++)
                    for (int i = 0; i < 4; i++)
                        Unsafe.Add(ref dst, (nint)p * width + r + i) = Unsafe.Add(ref rows, (nint)i * stride + p);
                }
                // A 6-row panel (the AVX2 kernel's) leaves two rows: transposed in 2×4 blocks, not element by element.
                for (; r + 2 <= valid; r += 2)
                {
                    ref T rows = ref Unsafe.Add(ref src, (nint)r * stride);
                    int p = p0;
                    for (; p + 4 <= pEnd; p += 4)
                        Transpose2x4(ref Unsafe.Add(ref rows, p), stride, ref Unsafe.Add(ref dst, (nint)p * width + r), width);
                    for (; p < pEnd; p++)
                    {
                        Unsafe.Add(ref dst, (nint)p * width + r) = Unsafe.Add(ref rows, p);
                        Unsafe.Add(ref dst, (nint)p * width + r + 1) = Unsafe.Add(ref rows, (nint)stride + p);
                    }
                }
            }
            for (; r < valid; r++)
            {
                ref T row = ref Unsafe.Add(ref src, (nint)r * stride);
                for (int p = p0; p < pEnd; p++)
                    Unsafe.Add(ref dst, (nint)p * width + r) = Unsafe.Add(ref row, p);
            }
            for (int p = p0; p < pEnd; p++)
            for (int j = valid; j < width; j++)
                Unsafe.Add(ref dst, (nint)p * width + j) = T.Zero;
        }
    }

    private static bool CanTranspose4x4<T>() =>
        typeof(T) == typeof(float) ? Sse.IsSupported : typeof(T) == typeof(double) && Avx.IsSupported;

    /// <summary>Writes the transpose of the 2×4 block at <paramref name="src"/> (row stride <paramref name="stride"/>): four pairs, one per row of <paramref name="dst"/> (row stride <paramref name="dstStride"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose2x4<T>(ref T src, int stride, ref T dst, int dstStride) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            ref float s = ref Unsafe.As<T, float>(ref src);
            ref float d = ref Unsafe.As<T, float>(ref dst);
            Vector128<float> r0 = Vector128.LoadUnsafe(ref s), r1 = Vector128.LoadUnsafe(ref s, (nuint)stride);
            Vector128<double> low = Sse.UnpackLow(r0, r1).AsDouble(), high = Sse.UnpackHigh(r0, r1).AsDouble(); // a0 b0 a1 b1 | a2 b2 a3 b3
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref d), low.GetElement(0));
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref d, dstStride)), low.GetElement(1));
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref d, 2 * dstStride)), high.GetElement(0));
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref d, 3 * dstStride)), high.GetElement(1));
        }
        else
        {
            ref double s = ref Unsafe.As<T, double>(ref src);
            ref double d = ref Unsafe.As<T, double>(ref dst);
            Vector256<double> r0 = Vector256.LoadUnsafe(ref s), r1 = Vector256.LoadUnsafe(ref s, (nuint)stride);
            Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1); // a0 b0 a2 b2 | a1 b1 a3 b3
            t0.GetLower().StoreUnsafe(ref d);
            t1.GetLower().StoreUnsafe(ref d, (nuint)dstStride);
            t0.GetUpper().StoreUnsafe(ref d, (nuint)(2 * dstStride));
            t1.GetUpper().StoreUnsafe(ref d, (nuint)(3 * dstStride));
        }
    }

    /// <summary>Writes the transpose of the 4×4 block at <paramref name="src"/> (row stride <paramref name="stride"/>) to <paramref name="dst"/> (row stride <paramref name="dstStride"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4<T>(ref T src, int stride, ref T dst, int dstStride) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            ref float s = ref Unsafe.As<T, float>(ref src);
            ref float d = ref Unsafe.As<T, float>(ref dst);
            Vector128<float> r0 = Vector128.LoadUnsafe(ref s), r1 = Vector128.LoadUnsafe(ref s, (nuint)stride);
            Vector128<float> r2 = Vector128.LoadUnsafe(ref s, (nuint)(2 * stride)), r3 = Vector128.LoadUnsafe(ref s, (nuint)(3 * stride));
            Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3); // a0 b0 a1 b1 | c0 d0 c1 d1
            Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3); // a2 b2 a3 b3 | c2 d2 c3 d3
            Sse.MoveLowToHigh(t0, t1).StoreUnsafe(ref d);
            Sse.MoveHighToLow(t1, t0).StoreUnsafe(ref d, (nuint)dstStride);
            Sse.MoveLowToHigh(t2, t3).StoreUnsafe(ref d, (nuint)(2 * dstStride));
            Sse.MoveHighToLow(t3, t2).StoreUnsafe(ref d, (nuint)(3 * dstStride));
        }
        else
        {
            ref double s = ref Unsafe.As<T, double>(ref src);
            ref double d = ref Unsafe.As<T, double>(ref dst);
            Vector256<double> r0 = Vector256.LoadUnsafe(ref s), r1 = Vector256.LoadUnsafe(ref s, (nuint)stride);
            Vector256<double> r2 = Vector256.LoadUnsafe(ref s, (nuint)(2 * stride)), r3 = Vector256.LoadUnsafe(ref s, (nuint)(3 * stride));
            Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1); // a0 b0 a2 b2 | a1 b1 a3 b3
            Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3); // c0 d0 c2 d2 | c1 d1 c3 d3
            Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref d);
            Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref d, (nuint)dstStride);
            Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref d, (nuint)(2 * dstStride));
            Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref d, (nuint)(3 * dstStride));
        }
    }

    /// <summary>to[0..count] = from[0..count], in the widest vectors that fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<T>(ref T from, ref T to, int count) where T : unmanaged
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + Vector512<T>.Count <= count; i += Vector512<T>.Count)
                Vector512.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count)
                Vector256.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + Vector128<T>.Count <= count; i += Vector128<T>.Count)
                Vector128.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
        for (; i < count; i++)
            Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
    }
}
