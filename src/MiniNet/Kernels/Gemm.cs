using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>General matrix multiply on row-major spans: C (m×n) = op(A)·op(B), or C += op(A)·op(B).</summary>
internal static class Gemm
{
    /// <summary>
    /// C = op(A)·op(B) (or C += … when <paramref name="accumulate"/>), where op(A) is m×k and op(B) is k×n.
    /// A is stored m×k, or k×m when <paramref name="transposeA"/>; B is k×n, or n×k when <paramref name="transposeB"/>.
    /// Large products are split across one thread per core; the result does not depend on the split.
    /// </summary>
    public static void Multiply<T>(ReadOnlyMemory<T> a, bool transposeA, ReadOnlyMemory<T> b, bool transposeB, Memory<T> c,
        int m, int k, int n, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        Multiply(a, transposeA, b, transposeB, c, m, k, n, accumulate, Environment.ProcessorCount);

    /// <summary>As the overload without <paramref name="maxWorkers"/>, on at most that many threads (tests compare 1 with several).</summary>
    internal static void Multiply<T>(ReadOnlyMemory<T> a, bool transposeA, ReadOnlyMemory<T> b, bool transposeB, Memory<T> c,
        int m, int k, int n, bool accumulate, int maxWorkers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(a.Length, b.Length, c.Length, m, k, n);
        if (IsTrivial(c.Span, m, k, n, accumulate)) return;
        var plan = GemmPlan.For<T>(transposeA, transposeB, m, k, n, maxWorkers);
        if (plan.Parts > 1)
            GemmJob<T>.Run(plan, a, transposeA, b, transposeB, c, m, k, n, accumulate);
        else
            Compute(plan.Path, a.Span, transposeA, b.Span, transposeB, c.Span, m, k, n, accumulate, 0, m, 0, n);
    }

    /// <summary>
    /// C = op(A)·op(B) (or C += … when <paramref name="accumulate"/>), as the <see cref="Memory{T}"/> overload,
    /// but always on the calling thread (spans cannot be handed to other threads).
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c,
        int m, int k, int n, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(a.Length, b.Length, c.Length, m, k, n);
        if (IsTrivial(c, m, k, n, accumulate)) return;
        var plan = GemmPlan.For<T>(transposeA, transposeB, m, k, n, workers: 1);
        Compute(plan.Path, a, transposeA, b, transposeB, c, m, k, n, accumulate, 0, m, 0, n);
    }

    private static void CheckSizes(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"Gemm: dimensions m={m}, k={k}, n={n} must not be negative.");
        if (aLength < (long)m * k || bLength < (long)k * n || cLength < (long)m * n)
            throw new ArgumentException($"Gemm: an {m}×{k} by {k}×{n} product needs A, B and C of at least {(long)m * k}, {(long)k * n} and {(long)m * n} elements, not {aLength}, {bLength} and {cLength}.");
    }

    /// <summary>An empty C, or an empty sum (k = 0: C = 0, or C unchanged when accumulating).</summary>
    private static bool IsTrivial<T>(Span<T> c, int m, int k, int n, bool accumulate) where T : unmanaged
    {
        if (m == 0 || n == 0) return true;
        if (k != 0) return false;
        if (!accumulate) c[..(m * n)].Clear();
        return true;
    }

    /// <summary>The block C[rowStart..rowEnd, columnStart..columnEnd] of the product, by <paramref name="path"/>.</summary>
    internal static void Compute<T>(GemmPath path, ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c,
        int m, int k, int n, bool accumulate, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (path)
        {
            case GemmPath.ColumnDots: // one column of C: c[i] = A[i, :]·b
                Gemv.Dots(a, k, b, c, rowStart, rowEnd, accumulate);
                break;
            case GemmPath.RowDots: // each row of C: C[i, j] = A[i, :]·B[j, :] with B stored n×k
                for (int i = rowStart; i < rowEnd; i++)
                    Gemv.Dots(b, k, a.Slice(i * k, k), c.Slice(i * n, n), columnStart, columnEnd, accumulate);
                break;
            case GemmPath.RowCombination: // one row of C: c = Σ_p a[p]·B[p, :]
                Gemv.CombineRows(b, k, n, a, c, columnStart, columnEnd, accumulate);
                break;
            case GemmPath.ColumnCombination: // one column of C: c = Σ_p b[p]·A[p, :] with A stored k×m
                Gemv.CombineRows(a, k, m, b, c, rowStart, rowEnd, accumulate);
                break;
            default:
                Blocked(a, transposeA, b, transposeB, c, m, k, n, accumulate, rowStart, rowEnd, columnStart, columnEnd);
                break;
        }
    }

    /// <summary>C[rows, columns] of the product, by the widest micro-kernel the hardware runs.</summary>
    private static void Blocked<T>(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c,
        int m, int k, int n, bool accumulate, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
            Blocked<T, Kernel8x3<T, Vector512<T>, Lanes512<T>>>(a, transposeA, b, transposeB, c, m, k, n, accumulate, rowStart, rowEnd, columnStart, columnEnd);
        else if (Vector256.IsHardwareAccelerated)
            Blocked<T, Kernel6x2<T, Vector256<T>, Lanes256<T>>>(a, transposeA, b, transposeB, c, m, k, n, accumulate, rowStart, rowEnd, columnStart, columnEnd);
        else if (Vector128.IsHardwareAccelerated)
            Blocked<T, Kernel6x2<T, Vector128<T>, Lanes128<T>>>(a, transposeA, b, transposeB, c, m, k, n, accumulate, rowStart, rowEnd, columnStart, columnEnd);
        else
            Blocked<T, Kernel6x2<T, T, Lanes1<T>>>(a, transposeA, b, transposeB, c, m, k, n, accumulate, rowStart, rowEnd, columnStart, columnEnd);
    }

    // Cache blocking (GotoBLAS/BLIS): a KC-deep B micro-panel (KC×NR) stays in L1 while the micro-kernel sweeps
    // the A block past it; the packed A block (MC×KC) stays in L2; the packed B panel (KC×NC) in L3.
    // KC = 1 KiB of elements: a 48-float B micro-panel is then 48 KiB… TUNE
    internal static int DepthBlockBytes = 1024;
    internal static int RowBlockBytes = 256 * 1024;
    internal static int ColumnBlock = 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<T, TKernel>(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c,
        int m, int k, int n, bool accumulate, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T>
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        int kcMax = Math.Max(16, DepthBlockBytes / Unsafe.SizeOf<T>());
        int mcMax = Math.Max(mr, RowBlockBytes / (kcMax * Unsafe.SizeOf<T>()) / mr * mr);
        int ncMax = Math.Max(nr, ColumnBlock / nr * nr);
        int kcBlock = Math.Min(kcMax, k);
        int mcBlock = Math.Min(mcMax, RoundUp(rowEnd - rowStart, mr));
        int ncBlock = Math.Min(ncMax, RoundUp(columnEnd - columnStart, nr));
        var buffers = GemmBuffers<T>.ForThisThread(mcBlock * kcBlock, kcBlock * ncBlock);
        Span<T> packedA = buffers.A, packedB = buffers.B;
        Span<T> tile = stackalloc T[mr * nr];
        ref T cOrigin = ref MemoryMarshal.GetReference(c);

        for (int jc = columnStart; jc < columnEnd; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, columnEnd - jc);
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                // After the first KC block the tile continues the chain from what C holds: one pass, no extra add.
                bool addToC = accumulate || pc > 0;
                GemmPacking.PackB(b, transposeB, k, n, pc, kc, jc, nc, nr, packedB);
                for (int ic = rowStart; ic < rowEnd; ic += mcBlock)
                {
                    int mc = Math.Min(mcBlock, rowEnd - ic);
                    GemmPacking.PackA(a, transposeA, m, k, ic, mc, pc, kc, mr, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        ref T bPanel = ref packedB[jr * kc];
                        int columns = Math.Min(nr, nc - jr);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            ref T aPanel = ref packedA[ir * kc];
                            int rows = Math.Min(mr, mc - ir);
                            ref T cTile = ref Unsafe.Add(ref cOrigin, (nint)(ic + ir) * n + jc + jr);
                            if (rows == mr && columns == nr)
                                TKernel.Run(kc, ref aPanel, ref bPanel, ref cTile, n, addToC);
                            else
                                EdgeTile<T, TKernel>(kc, ref aPanel, ref bPanel, ref cTile, n, addToC, rows, columns, tile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A partial tile at the bottom or right edge: the kernel runs on a full-size scratch tile and only the valid part reaches C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile<T, TKernel>(int depth, ref T aPanel, ref T bPanel, ref T c, int ldc, bool addToC,
        int rows, int columns, Span<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : struct, IMicroKernel<T>
    {
        int nr = TKernel.Columns;
        if (addToC)
            for (int r = 0; r < rows; r++)
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref c, (nint)r * ldc), columns).CopyTo(tile.Slice(r * nr, columns));
        TKernel.Run(depth, ref aPanel, ref bPanel, ref MemoryMarshal.GetReference(tile), nr, addToC);
        for (int r = 0; r < rows; r++)
            tile.Slice(r * nr, columns).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c, (nint)r * ldc), columns));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Writes the transpose of a rows×cols row-major matrix into <paramref name="destination"/> (cols×rows), in cache-sized tiles.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, Span<T> destination, int rows, int cols) where T : unmanaged
    {
        const int tile = 32;
        for (int r0 = 0; r0 < rows; r0 += tile)
        for (int c0 = 0; c0 < cols; c0 += tile)
        {
            int rEnd = Math.Min(rows, r0 + tile), cEnd = Math.Min(cols, c0 + tile);
            for (int r = r0; r < rEnd; r++)
            for (int col = c0; col < cEnd; col++)
                destination[col * rows + r] = source[r * cols + col];
        }
    }
}

/// <summary>Each thread's packing buffers, kept between calls so that a product allocates nothing once warm.</summary>
internal sealed class GemmBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static GemmBuffers<T>? t_buffers;

    public T[] A = [];
    public T[] B = [];

    public static GemmBuffers<T> ForThisThread(int aLength, int bLength)
    {
        var buffers = t_buffers ??= new GemmBuffers<T>();
        if (buffers.A.Length < aLength) buffers.A = GC.AllocateUninitializedArray<T>(aLength);
        if (buffers.B.Length < bLength) buffers.B = GC.AllocateUninitializedArray<T>(bLength);
        return buffers;
    }
}
