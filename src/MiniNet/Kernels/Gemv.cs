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

    // A dot product is summed in the virtual lanes of VirtualLanes.cs — element p into lane p mod 16 (float) or 8 (double),
    // each lane a chain of fused multiply-adds in order of p, the lanes folded by halves — whatever the vector width, so
    // its bits are the same on every CPU. A 512-bit register holds one row's lanes, and eight rows share each load of x;
    // 256-bit registers hold them in two, four rows at a time; narrower code takes one row at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots<T, TVector, TLanes>(ReadOnlySpan<T> matrix, int stride, int length, ReadOnlySpan<T> x, Span<T> y,
        int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        int lanes = VirtualLanes.Count<T>(), whole = length / lanes * lanes;
        // The last partial chunk of x, padded with zeros: 0·0 added to a lane leaves it as it was.
        Span<T> xTail = stackalloc T[VirtualLanes.Bytes / Unsafe.SizeOf<T>()];
        xTail.Clear();
        x[whole..length].CopyTo(xTail);
        var chunks = new DotChunks<T>(matrix, stride, length, whole, x, xTail);
        int r = rowStart;
        if (lanes == TLanes.Count)
            for (; r + 8 <= rowEnd; r += 8) DotsOfEightRows<T, TVector, TLanes>(chunks, r, y, accumulate);
        else if (lanes == 2 * TLanes.Count)
            for (; r + 4 <= rowEnd; r += 4) DotsOfFourRows<T, TVector, TLanes>(chunks, r, y, accumulate);
        for (; r < rowEnd; r++) Store(ref y[r], DotOfOneRow<T>(chunks, r), accumulate);
    }

    /// <summary>Where a dot's chunks of virtual lanes lie: whole chunks in place, the last one padded in scratch.</summary>
    private readonly ref struct DotChunks<T>(ReadOnlySpan<T> matrix, int stride, int length, int whole, ReadOnlySpan<T> x, ReadOnlySpan<T> xTail)
        where T : unmanaged
    {
        private readonly ReadOnlySpan<T> _matrix = matrix, _x = x, _xTail = xTail;
        public int Whole { get; } = whole;
        public bool HasTail => Whole < length;
        public ref T Row(int r) => ref Unsafe.Add(ref MemoryMarshal.GetReference(_matrix), (nint)r * stride);
        public ref T X => ref MemoryMarshal.GetReference(_x);
        public ref T XTail => ref MemoryMarshal.GetReference(_xTail);

        /// <summary>Row r's last partial chunk, padded with zeros into <paramref name="tail"/>.</summary>
        public void RowTail(int r, Span<T> tail)
        {
            tail.Clear();
            _matrix.Slice(r * stride + Whole, length - Whole).CopyTo(tail);
        }
    }

    // One register of virtual lanes per row (512-bit floats, or doubles): eight rows, eight chains in flight.
    private static void DotsOfEightRows<T, TVector, TLanes>(in DotChunks<T> chunks, int r, Span<T> y, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        int w = TLanes.Count;
        ref T m0 = ref chunks.Row(r); ref T m1 = ref chunks.Row(r + 1); ref T m2 = ref chunks.Row(r + 2); ref T m3 = ref chunks.Row(r + 3);
        ref T m4 = ref chunks.Row(r + 4); ref T m5 = ref chunks.Row(r + 5); ref T m6 = ref chunks.Row(r + 6); ref T m7 = ref chunks.Row(r + 7);
        TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero, s4 = TLanes.Zero, s5 = TLanes.Zero, s6 = TLanes.Zero, s7 = TLanes.Zero;
        for (int p = 0; p < chunks.Whole; p += w)
        {
            TVector xp = TLanes.Load(ref Unsafe.Add(ref chunks.X, p));
            s0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p)), xp, s0);
            s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p)), xp, s1);
            s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m2, p)), xp, s2);
            s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m3, p)), xp, s3);
            s4 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m4, p)), xp, s4);
            s5 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m5, p)), xp, s5);
            s6 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m6, p)), xp, s6);
            s7 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m7, p)), xp, s7);
        }
        if (chunks.HasTail)
        {
            TVector xp = TLanes.Load(ref chunks.XTail);
            Span<T> tail = stackalloc T[w];
            s0 = TailStep<T, TVector, TLanes>(chunks, r, tail, xp, s0); s1 = TailStep<T, TVector, TLanes>(chunks, r + 1, tail, xp, s1);
            s2 = TailStep<T, TVector, TLanes>(chunks, r + 2, tail, xp, s2); s3 = TailStep<T, TVector, TLanes>(chunks, r + 3, tail, xp, s3);
            s4 = TailStep<T, TVector, TLanes>(chunks, r + 4, tail, xp, s4); s5 = TailStep<T, TVector, TLanes>(chunks, r + 5, tail, xp, s5);
            s6 = TailStep<T, TVector, TLanes>(chunks, r + 6, tail, xp, s6); s7 = TailStep<T, TVector, TLanes>(chunks, r + 7, tail, xp, s7);
        }
        Store(ref y[r], TLanes.FoldSum(s0), accumulate); Store(ref y[r + 1], TLanes.FoldSum(s1), accumulate);
        Store(ref y[r + 2], TLanes.FoldSum(s2), accumulate); Store(ref y[r + 3], TLanes.FoldSum(s3), accumulate);
        Store(ref y[r + 4], TLanes.FoldSum(s4), accumulate); Store(ref y[r + 5], TLanes.FoldSum(s5), accumulate);
        Store(ref y[r + 6], TLanes.FoldSum(s6), accumulate); Store(ref y[r + 7], TLanes.FoldSum(s7), accumulate);
    }

    // Two registers of virtual lanes per row (256-bit): the low half s, the high half t; four rows, eight chains in flight.
    private static void DotsOfFourRows<T, TVector, TLanes>(in DotChunks<T> chunks, int r, Span<T> y, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        int w = TLanes.Count;
        ref T m0 = ref chunks.Row(r); ref T m1 = ref chunks.Row(r + 1); ref T m2 = ref chunks.Row(r + 2); ref T m3 = ref chunks.Row(r + 3);
        TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero;
        TVector t0 = TLanes.Zero, t1 = TLanes.Zero, t2 = TLanes.Zero, t3 = TLanes.Zero;
        for (int p = 0; p < chunks.Whole; p += 2 * w)
        {
            TVector xa = TLanes.Load(ref Unsafe.Add(ref chunks.X, p)), xb = TLanes.Load(ref Unsafe.Add(ref chunks.X, p + w));
            s0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p)), xa, s0);
            s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p)), xa, s1);
            s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m2, p)), xa, s2);
            s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m3, p)), xa, s3);
            t0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p + w)), xb, t0);
            t1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p + w)), xb, t1);
            t2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m2, p + w)), xb, t2);
            t3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m3, p + w)), xb, t3);
        }
        if (chunks.HasTail)
        {
            TVector xa = TLanes.Load(ref chunks.XTail), xb = TLanes.Load(ref Unsafe.Add(ref chunks.XTail, w));
            Span<T> tail = stackalloc T[2 * w];
            for (int i = 0; i < 4; i++)
            {
                chunks.RowTail(r + i, tail);
                ref T t = ref MemoryMarshal.GetReference(tail);
                TVector ma = TLanes.Load(ref t), mb = TLanes.Load(ref Unsafe.Add(ref t, w));
                switch (i)
                {
                    case 0: s0 = TLanes.FusedMultiplyAdd(ma, xa, s0); t0 = TLanes.FusedMultiplyAdd(mb, xb, t0); break;
                    case 1: s1 = TLanes.FusedMultiplyAdd(ma, xa, s1); t1 = TLanes.FusedMultiplyAdd(mb, xb, t1); break;
                    case 2: s2 = TLanes.FusedMultiplyAdd(ma, xa, s2); t2 = TLanes.FusedMultiplyAdd(mb, xb, t2); break;
                    default: s3 = TLanes.FusedMultiplyAdd(ma, xa, s3); t3 = TLanes.FusedMultiplyAdd(mb, xb, t3); break;
                }
            }
        }
        // Lane j of s takes lane j of t (virtual lane j + w), then the register folds: the virtual lanes' fold by halves.
        Store(ref y[r], TLanes.FoldSum(TLanes.Add(s0, t0)), accumulate); Store(ref y[r + 1], TLanes.FoldSum(TLanes.Add(s1, t1)), accumulate);
        Store(ref y[r + 2], TLanes.FoldSum(TLanes.Add(s2, t2)), accumulate); Store(ref y[r + 3], TLanes.FoldSum(TLanes.Add(s3, t3)), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector TailStep<T, TVector, TLanes>(in DotChunks<T> chunks, int r, Span<T> tail, TVector xp, TVector sum)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        chunks.RowTail(r, tail);
        return TLanes.FusedMultiplyAdd(TLanes.Load(ref MemoryMarshal.GetReference(tail)), xp, sum);
    }

    /// <summary>One row's dot in an array of virtual lanes: the narrow widths' and the scalar path, the same arithmetic as above.</summary>
    private static T DotOfOneRow<T>(in DotChunks<T> chunks, int r) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = VirtualLanes.Count<T>();
        Span<T> sums = stackalloc T[VirtualLanes.Bytes / Unsafe.SizeOf<T>()];
        sums.Clear();
        ref T row = ref chunks.Row(r);
        for (int p = 0; p < chunks.Whole; p += lanes)
            for (int j = 0; j < lanes; j++)
                sums[j] = T.FusedMultiplyAdd(Unsafe.Add(ref row, p + j), Unsafe.Add(ref chunks.X, p + j), sums[j]);
        if (chunks.HasTail)
        {
            Span<T> tail = stackalloc T[VirtualLanes.Bytes / Unsafe.SizeOf<T>()];
            chunks.RowTail(r, tail);
            for (int j = 0; j < lanes; j++) sums[j] = T.FusedMultiplyAdd(tail[j], Unsafe.Add(ref chunks.XTail, j), sums[j]);
        }
        for (int half = lanes / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++) sums[j] += sums[j + half];
        return sums[0];
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
                c = T.FusedMultiplyAdd(Unsafe.Add(ref xs, r), Unsafe.Add(ref mj, (nint)r * width), c);
            Unsafe.Add(ref ys, j) = c;
        }
    }
}
