using System.Buffers;
using System.Numerics;

namespace MiniNet.Kernels;

/// <summary>
/// Loops over operands broadcast against an output shape (NumPy rules). Adjacent dimensions that are
/// laid out contiguously in every operand are merged first, so the common cases — same shape, a scalar,
/// a bias row added to a batch — become one or a few long contiguous runs handed to <see cref="Simd"/>.
/// </summary>
internal static class Broadcasting
{
    /// <summary>y = op(a, b) with a and b broadcast to y's shape.</summary>
    public static void Binary<T, TOp>(ReadOnlySpan<T> a, Shape aShape, ReadOnlySpan<T> b, Shape bShape, Span<T> y, Shape yShape, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        if (aShape == yShape && bShape == yShape)
        {
            Simd.Zip(a, b, y, op);
            return;
        }
        var layout = Layout.Of(yShape, aShape, bShape);
        int inner = layout.InnerLength;
        int sa = layout.InnerStride(0), sb = layout.InnerStride(1);
        var offsets = new int[2];
        for (int run = 0, start = 0; run < layout.RunCount; run++, start += inner)
        {
            layout.Offsets(run, offsets);
            var yRun = y.Slice(start, inner);
            if (sa == 1 && sb == 1) Simd.Zip(a.Slice(offsets[0], inner), b.Slice(offsets[1], inner), yRun, op);
            else if (sa == 1) Simd.Zip(a.Slice(offsets[0], inner), double.CreateTruncating(b[offsets[1]]), yRun, op);
            else if (sb == 1) Simd.Zip(double.CreateTruncating(a[offsets[0]]), b.Slice(offsets[1], inner), yRun, op);
            else yRun.Fill(op.Invoke<T, T, Lanes1<T>>(a[offsets[0]], b[offsets[1]]));
        }
    }

    /// <summary>
    /// y = op(a, b, c) with a, b and c broadcast to y's shape. Within a run an operand that stays put is spread over
    /// a scratch row first, so every run is one contiguous <see cref="Simd.Zip{T, TOp}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, TOp)"/>.
    /// </summary>
    public static void Ternary<T, TOp>(ReadOnlySpan<T> a, Shape aShape, ReadOnlySpan<T> b, Shape bShape, ReadOnlySpan<T> c, Shape cShape,
        Span<T> y, Shape yShape, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOp
    {
        if (aShape == yShape && bShape == yShape && cShape == yShape)
        {
            Simd.Zip(a, b, c, y, op);
            return;
        }
        var layout = Layout.Of(yShape, aShape, bShape, cShape);
        int inner = layout.InnerLength;
        bool aSpread = layout.InnerStride(0) == 0, bSpread = layout.InnerStride(1) == 0, cSpread = layout.InnerStride(2) == 0;
        var scratchArray = ArrayPool<T>.Shared.Rent(3 * inner);
        var scratch = scratchArray.AsSpan(0, 3 * inner);
        var offsets = new int[3];
        for (int run = 0, start = 0; run < layout.RunCount; run++, start += inner)
        {
            layout.Offsets(run, offsets);
            Simd.Zip(Row(a, offsets[0], aSpread, scratch[..inner]), Row(b, offsets[1], bSpread, scratch.Slice(inner, inner)),
                Row(c, offsets[2], cSpread, scratch[(2 * inner)..]), y.Slice(start, inner), op);
        }
        ArrayPool<T>.Shared.Return(scratchArray);

        // An operand's elements for one run: a slice of it, or its one element spread over the scratch row.
        static ReadOnlySpan<T> Row(ReadOnlySpan<T> operand, int offset, bool spread, Span<T> scratchRow)
        {
            if (!spread) return operand.Slice(offset, scratchRow.Length);
            scratchRow.Fill(operand[offset]);
            return scratchRow;
        }
    }

    /// <summary>
    /// dst += src summed over the dimensions that <paramref name="dstShape"/> broadcasts: the gradient of a
    /// broadcast operand is the output gradient summed back to the operand's own shape.
    /// </summary>
    public static void SumInto<T>(ReadOnlySpan<T> src, Shape srcShape, Span<T> dst, Shape dstShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (srcShape == dstShape)
        {
            Simd.Zip(dst, src, dst, new AddOp());
            return;
        }
        // A bias's gradient (dst a vector of 2 or more, src's last dimension): every run is all of dst, at offset 0, so the
        // same sums need no layout — a training step's bias gradients allocate nothing.
        bool suffix = dstShape.Rank == 1 && srcShape.Rank >= 1 && dst.Length > 0 && srcShape.Dims[^1] == dst.Length;
        foreach (int d in dstShape.Dims) suffix &= d > 1;
        var layout = suffix ? null : Layout.Of(srcShape, dstShape);
        int inner = suffix ? dst.Length : layout!.InnerLength;
        int runCount = suffix ? src.Length / dst.Length : layout!.RunCount;
        bool contiguous = suffix || layout!.InnerStride(0) == 1;
        Span<int> offsets = stackalloc int[1];
        // One dst element may collect thousands of runs (a bias's gradient over a batch). Runs are added in T
        // within blocks of BlockRuns and the blocks in double, as Simd.Sum does along a row, so the error is not
        // one rounding per run; dst itself is rounded once, at the end. The two scratch rows are rented: a bias
        // gradient is summed on every training step.
        var totalArray = ArrayPool<double>.Shared.Rent(dst.Length);
        var partialArray = ArrayPool<T>.Shared.Rent(contiguous ? dst.Length : 0);
        var total = totalArray.AsSpan(0, dst.Length);
        var partial = partialArray.AsSpan(0, contiguous ? dst.Length : 0);
        total.Clear();
        partial.Clear();
        int touchedFrom = int.MaxValue, touchedTo = 0;
        for (int run = 0, start = 0; run < runCount; run++, start += inner)
        {
            if (!suffix) layout!.Offsets(run, offsets);
            var srcRun = src.Slice(start, inner);
            if (!contiguous)
            {
                total[offsets[0]] += Simd.Sum(srcRun);
                continue;
            }
            var partialRun = partial.Slice(offsets[0], inner);
            Simd.Zip(partialRun, srcRun, partialRun, new AddOp());
            touchedFrom = Math.Min(touchedFrom, offsets[0]);
            touchedTo = Math.Max(touchedTo, offsets[0] + inner);
            if ((run + 1) % BlockRuns != 0 && run != runCount - 1) continue;
            for (int i = touchedFrom; i < touchedTo; i++) total[i] += double.CreateTruncating(partial[i]);
            partial[touchedFrom..touchedTo].Clear();
            (touchedFrom, touchedTo) = (int.MaxValue, 0);
        }
        for (int i = 0; i < dst.Length; i++) dst[i] += T.CreateTruncating(total[i]);
        ArrayPool<double>.Shared.Return(totalArray);
        ArrayPool<T>.Shared.Return(partialArray);
    }

    private const int BlockRuns = 64;

    /// <summary>
    /// Operands laid out against an output shape after merging dimensions: the output is a sequence of
    /// <see cref="RunCount"/> contiguous runs of <see cref="InnerLength"/> elements; within a run each
    /// operand either steps by 1 or stays put (stride 0, broadcast).
    /// </summary>
    private sealed class Layout
    {
        private readonly int[] _dims;      // merged output dims, outermost first; the last is the inner run
        private readonly int[][] _strides; // per operand, per merged dim (0 where broadcast)

        private Layout(int[] dims, int[][] strides)
        {
            _dims = dims;
            _strides = strides;
        }

        public int InnerLength => _dims.Length == 0 ? 1 : _dims[^1];

        public int RunCount { get; private init; }

        public int InnerStride(int operand) => _dims.Length == 0 ? 0 : _strides[operand][^1];

        public static Layout Of(Shape output, params Shape[] operands)
        {
            int rank = output.Rank;
            var outDims = output.Dims;
            var strides = new int[operands.Length][];
            for (int k = 0; k < operands.Length; k++)
            {
                strides[k] = new int[rank];
                var dims = operands[k].Dims;
                int stride = 1;
                for (int i = 1; i <= dims.Length; i++)
                {
                    strides[k][rank - i] = dims[^i] == 1 && outDims[rank - i] != 1 ? 0 : stride;
                    stride *= dims[^i];
                }
            }

            // Merge dimension d into d+1 when every operand steps through them as one run.
            var mergedDims = new List<int>();
            var mergedStrides = new List<int>[operands.Length];
            for (int k = 0; k < operands.Length; k++) mergedStrides[k] = [];
            for (int d = 0; d < rank; d++)
            {
                if (outDims[d] == 1) continue; // size-1 dims contribute nothing to any offset
                int last = mergedDims.Count - 1;
                bool mergeable = last >= 0;
                for (int k = 0; k < operands.Length && mergeable; k++)
                    mergeable = mergedStrides[k][last] == strides[k][d] * outDims[d];
                if (mergeable)
                {
                    mergedDims[last] *= outDims[d];
                    for (int k = 0; k < operands.Length; k++) mergedStrides[k][last] = strides[k][d];
                }
                else
                {
                    mergedDims.Add(outDims[d]);
                    for (int k = 0; k < operands.Length; k++) mergedStrides[k].Add(strides[k][d]);
                }
            }
            var layoutStrides = new int[operands.Length][];
            for (int k = 0; k < operands.Length; k++) layoutStrides[k] = [.. mergedStrides[k]];
            int runs = 1;
            for (int d = 0; d < mergedDims.Count - 1; d++) runs *= mergedDims[d];
            if (output.ElementCount == 0) runs = 0;
            return new Layout([.. mergedDims], layoutStrides) { RunCount = runs };
        }

        /// <summary>Each operand's element offset at the start of run <paramref name="run"/>.</summary>
        public void Offsets(int run, Span<int> offsets)
        {
            offsets.Clear();
            for (int d = _dims.Length - 2; d >= 0; d--)
            {
                int index = run % _dims[d];
                run /= _dims[d];
                for (int k = 0; k < offsets.Length; k++) offsets[k] += index * _strides[k][d];
            }
        }
    }
}
