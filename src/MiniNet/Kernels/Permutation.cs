namespace MiniNet.Kernels;

/// <summary>Copies a row-major tensor into the layout of a permutation of its axes.</summary>
internal static class Permutation
{
    /// <summary>dst = src with output axis d taken from source axis <paramref name="axes"/>[d].</summary>
    public static void Apply<T>(ReadOnlySpan<T> src, Shape srcShape, int[] axes, Span<T> dst) where T : unmanaged
    {
        int rank = axes.Length;
        var srcDims = srcShape.Dims;
        var srcStrides = srcShape.Strides();
        if (rank >= 2 && axes[rank - 2] == rank - 1 && axes[rank - 1] == rank - 2 && LeadingAxesInPlace(axes))
        {
            // Swapping the last two axes: a batch of matrix transposes, done in cache-friendly tiles.
            int rows = srcDims[rank - 2], cols = srcDims[rank - 1], matrix = rows * cols;
            for (int start = 0; start < src.Length; start += matrix)
                Gemm.Transpose(src.Slice(start, matrix), dst.Slice(start, matrix), rows, cols);
            return;
        }
        if (rank == 0 || src.Length == 0)
        {
            src.CopyTo(dst);
            return;
        }
        // General case: walk the output in order; the source offset steps by the permuted strides.
        var outDims = new int[rank];
        var steps = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            outDims[d] = srcDims[axes[d]];
            steps[d] = srcStrides[axes[d]];
        }
        int inner = outDims[rank - 1], innerStep = steps[rank - 1];
        var index = new int[rank];
        int srcOffset = 0;
        for (int o = 0; o < dst.Length; o += inner)
        {
            for (int i = 0, s = srcOffset; i < inner; i++, s += innerStep) dst[o + i] = src[s];
            for (int d = rank - 2; d >= 0; d--) // advance the odometer over the outer output axes
            {
                srcOffset += steps[d];
                if (++index[d] < outDims[d]) break;
                srcOffset -= steps[d] * outDims[d];
                index[d] = 0;
            }
        }
    }

    private static bool LeadingAxesInPlace(int[] axes)
    {
        for (int d = 0; d < axes.Length - 2; d++)
            if (axes[d] != d) return false;
        return true;
    }
}
