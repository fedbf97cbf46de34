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

    // A dot product is summed in 32 float or 16 double virtual lanes (DotLanes): element p into lane p mod DotLanes, each
    // lane a chain of fused multiply-adds in order of p, the lanes folded by halves — whatever the vector width, so its
    // bits are the same on every CPU. That is two 512-bit registers per row (four rows share each load of x), or four
    // 256-bit ones (two rows); narrower code keeps the lanes in an array. Eight chains in flight fill the FMA pipes. The
    // last partial chunk is padded with zeros; its products are rounded and then added to their lanes.
    private static void Dots<T, TVector, TLanes>(ReadOnlySpan<T> matrix, int stride, int length, ReadOnlySpan<T> x, Span<T> y,
        int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        bool whole = length % DotLanes<T>() == 0;
        if (DotLanes<T>() == 2 * TLanes.Count)
        {
            if (whole) DotsInTwoRegisters<T, TVector, TLanes, WholeChunks>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
            else DotsInTwoRegisters<T, TVector, TLanes, PartialLastChunk>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
        }
        else if (DotLanes<T>() == 4 * TLanes.Count)
        {
            if (whole) DotsInFourRegisters<T, TVector, TLanes, WholeChunks>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
            else DotsInFourRegisters<T, TVector, TLanes, PartialLastChunk>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
        }
        else DotsPadded<T, TVector, TLanes>(matrix, stride, length, x, y, rowStart, rowEnd, accumulate);
    }

    /// <summary>A dot product's virtual lanes: 128 bytes of them.</summary>
    public static int DotLanes<T>() where T : unmanaged => 128 / Unsafe.SizeOf<T>();

    // Whether a dot ends in a partial chunk, as a type: the loops of whole chunks are then compiled with no code for one.
    private interface IChunking { static abstract bool HasPartialChunk { get; } }
    private readonly struct WholeChunks : IChunking { public static bool HasPartialChunk => false; }
    private readonly struct PartialLastChunk : IChunking { public static bool HasPartialChunk => true; }

    // The lanes in two registers per row: s the low half, t the high.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotsInTwoRegisters<T, TVector, TLanes, TChunking>(ReadOnlySpan<T> matrix, int stride, int length, ReadOnlySpan<T> x,
        Span<T> y, int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> where TChunking : struct, IChunking
    {
        int w = TLanes.Count, whole = length / (2 * w) * (2 * w), rest = length - whole;
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ms = ref MemoryMarshal.GetReference(matrix);
        TVector xLow = TLanes.Zero, xHigh = TLanes.Zero;
        if (TChunking.HasPartialChunk)
        {
            xLow = MaskedLoad<T, TVector, TLanes>(x, whole, Math.Min(w, rest));
            if (rest > w) xHigh = MaskedLoad<T, TVector, TLanes>(x, whole + w, rest - w);
        }
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4)
        {
            ref T m0 = ref Unsafe.Add(ref ms, (nint)r * stride);
            ref T m1 = ref Unsafe.Add(ref m0, stride); ref T m2 = ref Unsafe.Add(ref m1, stride); ref T m3 = ref Unsafe.Add(ref m2, stride);
            TVector s0 = TLanes.Zero, s1 = TLanes.Zero, s2 = TLanes.Zero, s3 = TLanes.Zero;
            TVector t0 = TLanes.Zero, t1 = TLanes.Zero, t2 = TLanes.Zero, t3 = TLanes.Zero;
            for (int p = 0; p < whole; p += 2 * w)
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
            for (int i = 0; i < 4; i++)
            {
                TVector s = i switch { 0 => s0, 1 => s1, 2 => s2, _ => s3 }, t = i switch { 0 => t0, 1 => t1, 2 => t2, _ => t3 };
                if (TChunking.HasPartialChunk) LastChunk<T, TVector, TLanes>(matrix, (r + i) * stride + whole, rest, xLow, xHigh, ref s, ref t);
                Store(ref y[r + i], TLanes.FoldSum(TLanes.Add(s, t)), accumulate); // lane j takes lane j + w, then the register folds
            }
        }
        for (; r < rowEnd; r++)
        {
            ref T row = ref Unsafe.Add(ref ms, (nint)r * stride);
            TVector s = TLanes.Zero, t = TLanes.Zero;
            for (int p = 0; p < whole; p += 2 * w)
            {
                s = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p)), TLanes.Load(ref Unsafe.Add(ref xs, p)), s);
                t = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p + w)), TLanes.Load(ref Unsafe.Add(ref xs, p + w)), t);
            }
            if (TChunking.HasPartialChunk) LastChunk<T, TVector, TLanes>(matrix, r * stride + whole, rest, xLow, xHigh, ref s, ref t);
            Store(ref y[r], TLanes.FoldSum(TLanes.Add(s, t)), accumulate);
        }
    }

    /// <summary>Adds a row's last partial chunk (rest elements from start) to its two registers of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LastChunk<T, TVector, TLanes>(ReadOnlySpan<T> matrix, int start, int rest, TVector xLow, TVector xHigh, ref TVector s, ref TVector t)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        int w = TLanes.Count;
        s = TLanes.Add(s, TLanes.Multiply(MaskedLoad<T, TVector, TLanes>(matrix, start, Math.Min(w, rest)), xLow));
        if (rest > w) t = TLanes.Add(t, TLanes.Multiply(MaskedLoad<T, TVector, TLanes>(matrix, start + w, rest - w), xHigh));
    }

    // The lanes in four registers per row: a, b, c, d for lanes 0–w−1, w–2w−1, 2w–3w−1, 3w–4w−1; two rows at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotsInFourRegisters<T, TVector, TLanes, TChunking>(ReadOnlySpan<T> matrix, int stride, int length, ReadOnlySpan<T> x,
        Span<T> y, int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> where TChunking : struct, IChunking
    {
        int w = TLanes.Count, chunk = 4 * w, whole = length / chunk * chunk, rest = length - whole;
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ms = ref MemoryMarshal.GetReference(matrix);
        int r = rowStart;
        for (; r + 2 <= rowEnd; r += 2)
        {
            ref T m0 = ref Unsafe.Add(ref ms, (nint)r * stride);
            ref T m1 = ref Unsafe.Add(ref m0, stride);
            TVector a0 = TLanes.Zero, b0 = TLanes.Zero, c0 = TLanes.Zero, d0 = TLanes.Zero;
            TVector a1 = TLanes.Zero, b1 = TLanes.Zero, c1 = TLanes.Zero, d1 = TLanes.Zero;
            for (int p = 0; p < whole; p += chunk)
            {
                TVector xa = TLanes.Load(ref Unsafe.Add(ref xs, p)), xb = TLanes.Load(ref Unsafe.Add(ref xs, p + w));
                TVector xc = TLanes.Load(ref Unsafe.Add(ref xs, p + 2 * w)), xd = TLanes.Load(ref Unsafe.Add(ref xs, p + 3 * w));
                a0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p)), xa, a0);
                b0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p + w)), xb, b0);
                c0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p + 2 * w)), xc, c0);
                d0 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m0, p + 3 * w)), xd, d0);
                a1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p)), xa, a1);
                b1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p + w)), xb, b1);
                c1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p + 2 * w)), xc, c1);
                d1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref m1, p + 3 * w)), xd, d1);
            }
            if (TChunking.HasPartialChunk)
            {
                LastChunkOfFour<T, TVector, TLanes>(matrix, x, r * stride + whole, whole, rest, ref a0, ref b0, ref c0, ref d0);
                LastChunkOfFour<T, TVector, TLanes>(matrix, x, (r + 1) * stride + whole, whole, rest, ref a1, ref b1, ref c1, ref d1);
            }
            Store(ref y[r], FoldFour<T, TVector, TLanes>(a0, b0, c0, d0), accumulate);
            Store(ref y[r + 1], FoldFour<T, TVector, TLanes>(a1, b1, c1, d1), accumulate);
        }
        for (; r < rowEnd; r++)
        {
            ref T row = ref Unsafe.Add(ref ms, (nint)r * stride);
            TVector a = TLanes.Zero, b = TLanes.Zero, c = TLanes.Zero, d = TLanes.Zero;
            for (int p = 0; p < whole; p += chunk)
            {
                a = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p)), TLanes.Load(ref Unsafe.Add(ref xs, p)), a);
                b = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p + w)), TLanes.Load(ref Unsafe.Add(ref xs, p + w)), b);
                c = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p + 2 * w)), TLanes.Load(ref Unsafe.Add(ref xs, p + 2 * w)), c);
                d = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref row, p + 3 * w)), TLanes.Load(ref Unsafe.Add(ref xs, p + 3 * w)), d);
            }
            if (TChunking.HasPartialChunk) LastChunkOfFour<T, TVector, TLanes>(matrix, x, r * stride + whole, whole, rest, ref a, ref b, ref c, ref d);
            Store(ref y[r], FoldFour<T, TVector, TLanes>(a, b, c, d), accumulate);
        }
    }

    /// <summary>Adds a row's last partial chunk to its four registers of lanes; x's part read from <paramref name="x"/> at xStart.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // per row, so optimised from the first call
    private static void LastChunkOfFour<T, TVector, TLanes>(ReadOnlySpan<T> matrix, ReadOnlySpan<T> x, int start, int xStart, int rest,
        ref TVector a, ref TVector b, ref TVector c, ref TVector d)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        int w = TLanes.Count;
        for (int g = 0; g < 4 && g * w < rest; g++)
        {
            int count = Math.Min(w, rest - g * w);
            var product = TLanes.Multiply(MaskedLoad<T, TVector, TLanes>(matrix, start + g * w, count), MaskedLoad<T, TVector, TLanes>(x, xStart + g * w, count));
            switch (g)
            {
                case 0: a = TLanes.Add(a, product); break;
                case 1: b = TLanes.Add(b, product); break;
                case 2: c = TLanes.Add(c, product); break;
                default: d = TLanes.Add(d, product); break;
            }
        }
    }

    /// <summary>Four registers of lanes folded by halves: lane j takes lane j + 2w, then j + w, then the register folds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FoldFour<T, TVector, TLanes>(TVector a, TVector b, TVector c, TVector d)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        TLanes.FoldSum(TLanes.Add(TLanes.Add(a, c), TLanes.Add(b, d)));

    /// <summary>
    /// The products of a row's last partial chunk (count &lt; a vector of elements from start, the lanes past them 0)
    /// with x's: a lane adds its product as a product and an add, not fused. No products (zeros) when count is 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LastProducts<T, TVector, TLanes>(ReadOnlySpan<T> matrix, int start, int count, TVector xLast)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        count == 0 ? TLanes.Zero : TLanes.Multiply(MaskedLoad<T, TVector, TLanes>(matrix, start, count), xLast);

    /// <summary>
    /// values[start .. start + count) in the first lanes of a vector, zeros in the rest (count &lt; a vector). Reads a
    /// whole vector where the span has one from start, the lanes past count then masked away (whatever they held, NaN
    /// included); else copies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector MaskedLoad<T, TVector, TLanes>(ReadOnlySpan<T> values, int start, int count)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        if (start + TLanes.Count <= values.Length)
            return SumTail.KeepFirst<T, TVector, TLanes>(TLanes.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(values), start)), count);
        return TLanes.LoadFirst(ref Unsafe.Add(ref MemoryMarshal.GetReference(values), start), count);
    }

    /// <summary>
    /// The dots of vectors narrower than a quarter of the lanes (128-bit floats, scalar code): each row in an array of virtual
    /// lanes, its last chunk padded — the same arithmetic as the vector loops above, only slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotsPadded<T, TVector, TLanes>(ReadOnlySpan<T> matrix, int stride, int length, ReadOnlySpan<T> x, Span<T> y,
        int rowStart, int rowEnd, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        int lanes = DotLanes<T>(), whole = length / lanes * lanes, w = TLanes.Count;
        Span<T> sums = stackalloc T[128 / Unsafe.SizeOf<T>()];
        Span<T> rowTail = stackalloc T[128 / Unsafe.SizeOf<T>()];
        Span<T> xTail = stackalloc T[128 / Unsafe.SizeOf<T>()];
        xTail.Clear();
        x[whole..length].CopyTo(xTail);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T sumsRef = ref MemoryMarshal.GetReference(sums);
        for (int r = rowStart; r < rowEnd; r++)
        {
            var row = matrix.Slice(r * stride, length);
            sums.Clear();
            // The lanes as vectors of the widest width that divides them, added chunk by chunk, lane by lane.
            for (int p = 0; p < whole; p += lanes)
                for (int j = 0; j < lanes; j += w)
                {
                    ref T sum = ref Unsafe.Add(ref sumsRef, j);
                    TLanes.Store(TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(row), p + j)),
                        TLanes.Load(ref Unsafe.Add(ref xs, p + j)), TLanes.Load(ref sum)), ref sum);
                }
            if (whole < length)
            {
                rowTail.Clear();
                row[whole..].CopyTo(rowTail);
                for (int j = 0; j < lanes; j += w)
                {
                    ref T sum = ref Unsafe.Add(ref sumsRef, j);
                    TLanes.Store(TLanes.Add(TLanes.Load(ref sum), TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(rowTail), j)),
                        TLanes.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(xTail), j)))), ref sum);
                }
            }
            for (int half = lanes / 2; half >= 1; half /= 2)
                for (int j = 0; j < half; j++) sums[j] += sums[j + half];
            Store(ref y[r], sums[0], accumulate);
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
                c = T.FusedMultiplyAdd(Unsafe.Add(ref xs, r), Unsafe.Add(ref mj, (nint)r * width), c);
            Unsafe.Add(ref ys, j) = c;
        }
    }
}
