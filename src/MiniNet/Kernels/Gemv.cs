using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// Matrix–vector products, the GEMM shapes where one side is a single row or column (batch 1) or very narrow.
/// They are memory-bound: each matrix element is used once, so packing it first would only add traffic.
/// Both read the matrix row by row along contiguous memory.
/// </summary>
internal static class Gemv
{
    /// <summary>
    /// y[r] = (<paramref name="accumulate"/> ? y[r] : 0) + Σ_p matrix[r, p]·x[p] for r in [rowStart, rowEnd):
    /// a dot product per row of the row-major rows×<paramref name="length"/> matrix, summed in SIMD lanes. A dot
    /// longer than <see cref="DotBlock{T}"/> is summed so block by block, and the blocks' dots are added up as
    /// <see cref="GemmDepth"/> adds the blocked GEMM's block sums.
    /// </summary>
    public static void Dots<T>(ReadOnlySpan<T> matrix, int length, ReadOnlySpan<T> x, Span<T> y, int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int block = DotBlock<T>();
        if (length <= block)
        {
            Dots(matrix, length, length, x, y, rowStart, rowEnd, accumulate);
            return;
        }
        // Each block's dots go to a scratch row, and from there join y, or the totals in double, as GemmDepth says.
        int count = rowEnd - rowStart;
        var buffers = GemmBuffers<T>.ForThisThread();
        var sums = buffers.Private(count)[..count];
        var totals = GemmDepth.NeedsTotals(block, length) ? buffers.Totals(count) : default;
        var rows = matrix[(rowStart * length)..];
        for (int start = 0; start < length; start += block)
        {
            Dots(rows[start..], length, Math.Min(block, length - start), x[start..], sums, 0, count, accumulate: false);
            GemmDepth.Finish(GemmDepth.Step(start, block, length), GemmDepth.AddsToC(start, block, accumulate), y[rowStart..rowEnd], sums, totals);
        }
    }

    /// <summary>
    /// The block of k a dot product sums in T before it goes to double: twice the GEMM's (<see cref="GemmBlocked.DepthBlock{T}"/>),
    /// because a dot is already split into two chains of 1 to 16 lanes each, so no chain runs longer than the GEMM's on any
    /// width, while the 784-long dots of a batch-1 forward take two blocks, not four.
    /// </summary>
    public static int DotBlock<T>() where T : unmanaged => 2 * GemmBlocked.DepthBlock<T>();

    // Row r of the matrix starts at r·stride; each dot runs over its first length elements.
    private static void Dots<T>(ReadOnlySpan<T> matrix, int stride, int length, ReadOnlySpan<T> x, Span<T> y, int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
            Dots<T, Vector512<T>, Lanes512<T>>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
            Dots<T, Vector256<T>, Lanes256<T>>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count)
            Dots<T, Vector128<T>, Lanes128<T>>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
        else
            Dots<T, T, Lanes1<T>>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
    }

    /// <summary>
    /// y[j] = (<paramref name="accumulate"/> ? y[j] : 0) + Σ_r x[r]·matrix[r, j] for j in [columnStart, columnEnd):
    /// a combination of the rows of the row-major <paramref name="rows"/>×<paramref name="width"/> matrix, one
    /// multiply-add chain per y[j] and block of rows, in order of r, the blocks added up as <see cref="GemmDepth"/>
    /// says: the same arithmetic as the blocked GEMM's.
    /// </summary>
    public static void CombineRows<T>(ReadOnlySpan<T> matrix, int rows, int width, ReadOnlySpan<T> x, Span<T> y,
        int columnStart, int columnEnd, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int block = GemmBlocked.DepthBlock<T>();
        if (rows <= block)
        {
            CombineBlock(matrix, rows, width, x, y, columnStart, columnEnd, accumulate);
            return;
        }
        // Each block of rows is combined into a scratch row, and from there joins y, or the totals in double, as GemmDepth says.
        int count = columnEnd - columnStart;
        var buffers = GemmBuffers<T>.ForThisThread();
        var sums = buffers.Private(count)[..count];
        var totals = GemmDepth.NeedsTotals(block, rows) ? buffers.Totals(count) : default;
        for (int start = 0; start < rows; start += block)
        {
            int blockRows = Math.Min(block, rows - start);
            CombineBlock(matrix.Slice(start * width + columnStart, (blockRows - 1) * width + count), blockRows, width, x.Slice(start, blockRows),
                sums, 0, count, accumulate: false);
            GemmDepth.Finish(GemmDepth.Step(start, block, rows), GemmDepth.AddsToC(start, block, accumulate), y[columnStart..columnEnd], sums, totals);
        }
    }

    private static void CombineBlock<T>(ReadOnlySpan<T> matrix, int rows, int width, ReadOnlySpan<T> x, Span<T> y,
        int columnStart, int columnEnd, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
            CombineRows<T, Vector512<T>, Lanes512<T>>(matrix, rows, width, x, y, columnStart, columnEnd, accumulate);
        else if (Vector256.IsHardwareAccelerated)
            CombineRows<T, Vector256<T>, Lanes256<T>>(matrix, rows, width, x, y, columnStart, columnEnd, accumulate);
        else if (Vector128.IsHardwareAccelerated)
            CombineRows<T, Vector128<T>, Lanes128<T>>(matrix, rows, width, x, y, columnStart, columnEnd, accumulate);
        else
            CombineRows<T, T, Lanes1<T>>(matrix, rows, width, x, y, columnStart, columnEnd, accumulate);
    }

    // Four rows share each load of x; two accumulators per row keep 8 FMA chains in flight (latency 4 × 2 pipes).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots<T, TVector, TLanes>(ReadOnlySpan<T> matrix, int stride, int length, ReadOnlySpan<T> x, Span<T> y,
        int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int w = TLanes.Count;
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4)
        {
            ref T m0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(matrix), (nint)r * stride);
            ref T m1 = ref Unsafe.Add(ref m0, stride);
            ref T m2 = ref Unsafe.Add(ref m1, stride);
            ref T m3 = ref Unsafe.Add(ref m2, stride);
            TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero;
            TVector t0 = TLanes.Zero, t1 = TLanes.Zero, t2 = TLanes.Zero, t3 = TLanes.Zero;
            int p = 0;
            for (; p + 2 * w <= length; p += 2 * w)
            {
                TVector xa = TLanes.Load(ref Unsafe.Add(ref xs, p)), xb = TLanes.Load(ref Unsafe.Add(ref xs, p + w));
                s0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p)), xa, s0);
                s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p)), xa, s1);
                s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m2, p)), xa, s2);
                s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m3, p)), xa, s3);
                t0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p + w)), xb, t0);
                t1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p + w)), xb, t1);
                t2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m2, p + w)), xb, t2);
                t3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m3, p + w)), xb, t3);
            }
            if (p + w <= length)
            {
                TVector xa = TLanes.Load(ref Unsafe.Add(ref xs, p));
                s0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p)), xa, s0);
                s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p)), xa, s1);
                s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m2, p)), xa, s2);
                s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m3, p)), xa, s3);
                p += w;
            }
            T d0 = TLanes.FoldSum(TLanes.Add(s0, t0)), d1 = TLanes.FoldSum(TLanes.Add(s1, t1));
            T d2 = TLanes.FoldSum(TLanes.Add(s2, t2)), d3 = TLanes.FoldSum(TLanes.Add(s3, t3));
            for (; p < length; p++)
            {
                T xp = Unsafe.Add(ref xs, p);
                d0 = VectorMath.MultiplyAdd(Unsafe.Add(ref m0, p), xp, d0);
                d1 = VectorMath.MultiplyAdd(Unsafe.Add(ref m1, p), xp, d1);
                d2 = VectorMath.MultiplyAdd(Unsafe.Add(ref m2, p), xp, d2);
                d3 = VectorMath.MultiplyAdd(Unsafe.Add(ref m3, p), xp, d3);
            }
            Store(ref Unsafe.Add(ref ys, r), d0, accumulate);
            Store(ref Unsafe.Add(ref ys, r + 1), d1, accumulate);
            Store(ref Unsafe.Add(ref ys, r + 2), d2, accumulate);
            Store(ref Unsafe.Add(ref ys, r + 3), d3, accumulate);
        }
        for (; r < rowEnd; r++)
        {
            ref T row = ref Unsafe.Add(ref MemoryMarshal.GetReference(matrix), (nint)r * stride);
            TVector s = TLanes.Zero, t = TLanes.Zero;
            int p = 0;
            for (; p + 2 * w <= length; p += 2 * w)
            {
                s = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p)), TLanes.Load(ref Unsafe.Add(ref xs, p)), s);
                t = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p + w)), TLanes.Load(ref Unsafe.Add(ref xs, p + w)), t);
            }
            if (p + w <= length)
            {
                s = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p)), TLanes.Load(ref Unsafe.Add(ref xs, p)), s);
                p += w;
            }
            T d = TLanes.FoldSum(TLanes.Add(s, t));
            for (; p < length; p++)
                d = VectorMath.MultiplyAdd(Unsafe.Add(ref row, p), Unsafe.Add(ref xs, p), d);
            Store(ref Unsafe.Add(ref ys, r), d, accumulate);
        }
    }

    private static void Store<T>(ref T destination, T value, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        destination = accumulate ? destination + value : value;

    // Eight vectors of y in registers while the rows stream past: one load of the matrix per FMA, 8 chains in flight.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineRows<T, TVector, TLanes>(ReadOnlySpan<T> matrix, int rows, int width, ReadOnlySpan<T> x, Span<T> y,
        int columnStart, int columnEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        ref T ms = ref MemoryMarshal.GetReference(matrix);
        int w = TLanes.Count;
        int j = columnStart;
        for (; j + 8 * w <= columnEnd; j += 8 * w)
        {
            ref T yj = ref Unsafe.Add(ref ys, j);
            TVector c0 = TLanes.Zero, c1 = TLanes.Zero, c2 = TLanes.Zero, c3 = TLanes.Zero;
            TVector c4 = TLanes.Zero, c5 = TLanes.Zero, c6 = TLanes.Zero, c7 = TLanes.Zero;
            if (accumulate)
            {
                c0 = TLanes.Load(ref yj); c1 = TLanes.Load(ref Unsafe.Add(ref yj, w));
                c2 = TLanes.Load(ref Unsafe.Add(ref yj, 2 * w)); c3 = TLanes.Load(ref Unsafe.Add(ref yj, 3 * w));
                c4 = TLanes.Load(ref Unsafe.Add(ref yj, 4 * w)); c5 = TLanes.Load(ref Unsafe.Add(ref yj, 5 * w));
                c6 = TLanes.Load(ref Unsafe.Add(ref yj, 6 * w)); c7 = TLanes.Load(ref Unsafe.Add(ref yj, 7 * w));
            }
            ref T mj = ref Unsafe.Add(ref ms, j);
            for (int r = 0; r < rows; r++)
            {
                TVector xr = TLanes.Broadcast(Unsafe.Add(ref xs, r));
                ref T row = ref Unsafe.Add(ref mj, (nint)r * width);
                c0 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref row), c0);
                c1 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref Unsafe.Add(ref row, w)), c1);
                c2 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref Unsafe.Add(ref row, 2 * w)), c2);
                c3 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref Unsafe.Add(ref row, 3 * w)), c3);
                c4 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref Unsafe.Add(ref row, 4 * w)), c4);
                c5 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref Unsafe.Add(ref row, 5 * w)), c5);
                c6 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref Unsafe.Add(ref row, 6 * w)), c6);
                c7 = TLanes.FusedMultiplyAdd(xr, TLanes.Load(ref Unsafe.Add(ref row, 7 * w)), c7);
            }
            TLanes.Store(c0, ref yj); TLanes.Store(c1, ref Unsafe.Add(ref yj, w));
            TLanes.Store(c2, ref Unsafe.Add(ref yj, 2 * w)); TLanes.Store(c3, ref Unsafe.Add(ref yj, 3 * w));
            TLanes.Store(c4, ref Unsafe.Add(ref yj, 4 * w)); TLanes.Store(c5, ref Unsafe.Add(ref yj, 5 * w));
            TLanes.Store(c6, ref Unsafe.Add(ref yj, 6 * w)); TLanes.Store(c7, ref Unsafe.Add(ref yj, 7 * w));
        }
        for (; j + w <= columnEnd; j += w)
        {
            TVector c = accumulate ? TLanes.Load(ref Unsafe.Add(ref ys, j)) : TLanes.Zero;
            ref T mj = ref Unsafe.Add(ref ms, j);
            for (int r = 0; r < rows; r++)
                c = TLanes.FusedMultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref xs, r)), TLanes.Load(ref Unsafe.Add(ref mj, (nint)r * width)), c);
            TLanes.Store(c, ref Unsafe.Add(ref ys, j));
        }
        for (; j < columnEnd; j++)
        {
            T c = accumulate ? Unsafe.Add(ref ys, j) : T.Zero;
            ref T mj = ref Unsafe.Add(ref ms, j);
            for (int r = 0; r < rows; r++)
                c = VectorMath.MultiplyAdd(Unsafe.Add(ref xs, r), Unsafe.Add(ref mj, (nint)r * width), c);
            Unsafe.Add(ref ys, j) = c;
        }
    }
}
