using System.Numerics;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// Reductions along one axis of a tensor seen as [outer, length, inner]: dst[o, i] = reduce over k of src[o, k, i].
/// The last axis (inner = 1) reduces contiguous rows; any other axis adds whole contiguous inner rows.
/// </summary>
internal static class AxisReduction
{
    public static void Sum<T>(ReadOnlySpan<T> src, int outer, int length, int inner, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) dst[o] = T.CreateTruncating(Simd.Sum(src.Slice(o * length, length)));
            return;
        }
        // Whole rows are added in T within blocks of BlockRows and the blocks' sums in double, as Simd.Sum does
        // along a row: adding thousands of rows one after another in float would cost one rounding per row.
        var partial = new T[inner];
        var total = new double[inner];
        for (int o = 0; o < outer; o++)
        {
            Array.Clear(total);
            for (int start = 0; start < length; start += BlockRows)
            {
                Array.Clear(partial);
                int end = Math.Min(length, start + BlockRows);
                for (int k = start; k < end; k++)
                    Simd.Zip(partial, src.Slice((o * length + k) * inner, inner), partial, new AddOp());
                for (int i = 0; i < inner; i++) total[i] += double.CreateTruncating(partial[i]);
            }
            var row = dst.Slice(o * inner, inner);
            for (int i = 0; i < inner; i++) row[i] = T.CreateTruncating(total[i]);
        }
    }

    private const int BlockRows = 64;

    public static void Max<T>(ReadOnlySpan<T> src, int outer, int length, int inner, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) dst[o] = Simd.Max(src.Slice(o * length, length));
            return;
        }
        dst.Fill(T.NegativeInfinity);
        for (int o = 0; o < outer; o++)
        {
            var row = dst.Slice(o * inner, inner);
            for (int k = 0; k < length; k++)
                Simd.Zip(row, src.Slice((o * length + k) * inner, inner), row, new MaxOp());
        }
    }

    /// <summary>
    /// The backward of max: dx[o, k, i] += g[o, i] / (number of k where x equals the max), so tied maxima
    /// share the gradient evenly (PyTorch's <c>amax</c> rule).
    /// </summary>
    public static void MaxBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> max, ReadOnlySpan<T> g, int outer, int length, int inner, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            T m = max[o * inner + i];
            int ties = 0;
            for (int k = 0; k < length; k++)
                if (SameValue(x[(o * length + k) * inner + i], m)) ties++;
            if (ties == 0) continue;
            T share = g[o * inner + i] / T.CreateTruncating(ties);
            for (int k = 0; k < length; k++)
            {
                int at = (o * length + k) * inner + i;
                if (SameValue(x[at], m)) dx[at] += share;
            }
        }
    }

    /// <summary>The index of the largest element along the axis; the first one on ties, and the first NaN if any (as PyTorch).</summary>
    public static void ArgMax<T>(ReadOnlySpan<T> src, int outer, int length, int inner, Span<int> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
            dst[o * inner + i] = ArgMaxAt(src, o, length, inner, i);
    }

    /// <summary>As <see cref="ArgMax{T}"/>, for the one position [o, ·, i].</summary>
    public static int ArgMaxAt<T>(ReadOnlySpan<T> src, int o, int length, int inner, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        T bestValue = src[o * length * inner + i];
        for (int k = 1; k < length && !T.IsNaN(bestValue); k++)
        {
            T v = src[(o * length + k) * inner + i];
            if (v > bestValue || T.IsNaN(v))
            {
                best = k;
                bestValue = v;
            }
        }
        return best;
    }

    private static bool SameValue<T>(T a, T b) where T : IFloatingPointIeee754<T> => a == b || (T.IsNaN(a) && T.IsNaN(b));
}
