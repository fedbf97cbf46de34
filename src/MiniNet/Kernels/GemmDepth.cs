using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// What one block of k does with its group's running sum S (see <see cref="GemmDepth"/>), after the block's own sum
/// has joined S (S = sum, or S = C + sum when the block adds to C).
/// </summary>
internal enum DepthStep
{
    /// <summary>k fits in one block: its chain ran from C (or zero) and is the element, stored into C.</summary>
    Only,

    /// <summary>S stays in C, as T: a block inside a group, or the last block of a sum that takes one group.</summary>
    Keep,

    /// <summary>The first group ends: S opens the element's total in double.</summary>
    Open,

    /// <summary>A group between the first and the last ends: S is added to the total.</summary>
    Add,

    /// <summary>The last group ends: S is added to the total, which is rounded to T into C.</summary>
    Close,
}

/// <summary>
/// How every GEMM path sums a long inner dimension. k is cut into blocks of <see cref="GemmBlocked.DepthBlock{T}"/>
/// (256 floats, 128 doubles: the packed GEMM's KC, so one macro-kernel call is one block), and the blocks into groups
/// of <see cref="GroupBlocks"/>. Each block is one multiply-add chain in k order from zero; a group's block sums are
/// added in T, in order, to C (the first group's, when accumulating) or from zero; when k takes several groups their
/// sums are added in double, in order, and rounded to T once. One float chain running over all of k costs a rounding
/// per step at the size of the whole sum: 1,048,576 rows of 0.001 summed to 1038.58 instead of 1048.58, and a chain
/// started from a C much larger than its terms does the same. Here the error is that of one block's chain, a few
/// additions and the final rounding, whatever k is. Up to a group (1,024 floats: the MLPs' 784-wide inputs, a
/// 1024³ product) a block costs one addition per element over the old single chain, and beyond it the double total
/// is touched once per group; when k fits in one block nothing changes at all: the chain runs from C (or zero) and
/// stores into C. The blocks and groups depend only on k and T, never on the vector width or on how C is split
/// between threads.
/// </summary>
internal static class GemmDepth
{
    /// <summary>Blocks per group: their sums are added in T before the group's sum goes to double.</summary>
    public const int GroupBlocks = 4;

    /// <summary>The step of the block starting at <paramref name="start"/> in a sum over <paramref name="k"/>, in blocks of <paramref name="block"/>.</summary>
    public static DepthStep Step(int start, int block, int k)
    {
        if (k <= block) return DepthStep.Only;
        int index = start / block, blocks = (k + block - 1) / block;
        bool endsGroup = index % GroupBlocks == GroupBlocks - 1 || index == blocks - 1;
        if (!endsGroup || blocks <= GroupBlocks) return DepthStep.Keep;
        int group = index / GroupBlocks, groups = (blocks + GroupBlocks - 1) / GroupBlocks;
        return group == 0 ? DepthStep.Open : group == groups - 1 ? DepthStep.Close : DepthStep.Add;
    }

    /// <summary>
    /// Whether the sum of the block starting at <paramref name="start"/> (one of several) is added to what C holds:
    /// the running sum of its group, or, in the first group and when <paramref name="accumulate"/>, C itself.
    /// </summary>
    public static bool AddsToC(int start, int block, bool accumulate) => start / block % GroupBlocks != 0 || (start == 0 && accumulate);

    /// <summary>Whether a sum over <paramref name="k"/> in blocks of <paramref name="block"/> keeps a total in double.</summary>
    public static bool NeedsTotals(int block, int k) => k > GroupBlocks * block;

    /// <summary>
    /// Ends one block (of several) for a run of elements of C: the block's <paramref name="sums"/> join what C holds
    /// (<paramref name="addToC"/>), and the result stays in C or opens, adds to or closes the <paramref name="totals"/>.
    /// </summary>
    public static void Finish<T>(DepthStep step, bool addToC, Span<T> c, ReadOnlySpan<T> sums, Span<double> totals)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
            Finish<T, Vector512<T>, Lanes512<T>>(step, addToC, c, sums, totals);
        else if (Vector256.IsHardwareAccelerated)
            Finish<T, Vector256<T>, Lanes256<T>>(step, addToC, c, sums, totals);
        else if (Vector128.IsHardwareAccelerated)
            Finish<T, Vector128<T>, Lanes128<T>>(step, addToC, c, sums, totals);
        else
            Finish<T, T, Lanes1<T>>(step, addToC, c, sums, totals);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Finish<T, TVector, TLanes>(DepthStep step, bool addToC, Span<T> c, ReadOnlySpan<T> sums, Span<double> totals)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        ref T to = ref MemoryMarshal.GetReference(c);
        ref T sum = ref MemoryMarshal.GetReference(sums);
        ref double total = ref MemoryMarshal.GetReference(totals);
        int i = 0;
        for (; i + TLanes.Count <= c.Length; i += TLanes.Count)
        {
            TVector s = TLanes.Load(ref Unsafe.Add(ref sum, i));
            if (addToC) s = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref to, i)), s);
            Finish<T, TVector, TLanes>(step, s, ref Unsafe.Add(ref to, i), ref Unsafe.Add(ref total, i));
        }
        for (; i < c.Length; i++)
        {
            T s = Unsafe.Add(ref sum, i);
            if (addToC) s = Unsafe.Add(ref to, i) + s;
            Finish<T, T, Lanes1<T>>(step, s, ref Unsafe.Add(ref to, i), ref Unsafe.Add(ref total, i));
        }
    }

    /// <summary>
    /// Ends one block for a row of two vectors of C, whose group sums so far are <paramref name="first"/> and
    /// <paramref name="second"/>: they stay in C or open, add to or close the totals at <paramref name="total"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FinishRow<T, TVector, TLanes>(DepthStep step, TVector first, TVector second, ref T c, ref double total)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        Finish<T, TVector, TLanes>(step, first, ref c, ref total);
        Finish<T, TVector, TLanes>(step, second, ref Unsafe.Add(ref c, TLanes.Count), ref Unsafe.Add(ref total, TLanes.Count));
    }

    /// <summary>Ends one block for one vector of C: <paramref name="sum"/> is its group's sum so far, <paramref name="total"/> the totals in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish<T, TVector, TLanes>(DepthStep step, TVector sum, ref T c, ref double total)
        where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
    {
        switch (step)
        {
            case DepthStep.Only or DepthStep.Keep:
                TLanes.Store(sum, ref c);
                break;
            case DepthStep.Open:
                TLanes.StoreWide(sum, ref total);
                break;
            case DepthStep.Add:
                TLanes.AddWide(sum, ref total);
                break;
            default:
                TLanes.Store(TLanes.AddWideAndRound(ref total, sum), ref c);
                break;
        }
    }
}
