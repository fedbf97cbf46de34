using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

/// <summary>
/// The innermost loop of the GEMM: a Rows×Columns tile of C held in registers while it takes the rank-1 updates
/// of one packed A micro-panel (Rows values per step of k) and one packed B micro-panel (Columns values per step).
/// </summary>
internal interface IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>MR: the rows of C the kernel updates, and the height of an A micro-panel.</summary>
    static abstract int Rows { get; }

    /// <summary>NR: the columns of C the kernel updates, and the width of a B micro-panel (whole vectors).</summary>
    static abstract int Columns { get; }

    /// <summary>
    /// c[r, j] (row stride <paramref name="ldc"/>) = (<paramref name="addToC"/> ? c[r, j] : 0) + Σ_p a[p·Rows + r]·b[p·Columns + j]
    /// for p = 0 … depth−1 in order: one multiply-add chain per element of C, when k fits in one block.
    /// </summary>
    static abstract void Run(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC);

    /// <summary>
    /// The chains, from zero, for one of several blocks of k (<see cref="GemmDepth"/>): their sums are added to what C
    /// holds when <paramref name="addToC"/> (their group's sum so far, or C itself), and the result stays in C or opens,
    /// adds to or closes, as <paramref name="step"/> says, each element's total in double at <paramref name="total"/>
    /// (row stride <paramref name="ldTotal"/>); the closing block rounds the totals into C.
    /// </summary>
    static abstract void RunBlock(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC, DepthStep step, ref double total, nint ldTotal);
}

/// <summary>
/// 8 rows × 2 vectors, for AVX-512 (8×32 floats, 8×16 doubles): 16 accumulators, twice the 8 FMA chains that two
/// pipes of latency 4 need, and per step of k 16 FMAs against 2 vector loads and 8 broadcasts. Both sides are
/// powers of two, so the usual layer widths (128, 256, 512, 1024) tile without a ragged edge; it measured faster
/// than 8×48, 12×32 and 6×64 tiles on those shapes.
/// </summary>
internal readonly struct Kernel8x2<T, TVector, TLanes> : IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
{
    public static int Rows => 8;

    public static int Columns => 2 * TLanes.Count;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC) =>
        Chains(depth, ref a, ref b, ref c, ldc, addToC, DepthStep.Only, ref Unsafe.NullRef<double>(), 0);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void RunBlock(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC, DepthStep step, ref double total, nint ldTotal) =>
        Chains(depth, ref a, ref b, ref c, ldc, addToC, step, ref total, ldTotal);

    // One body for both entry points: inlined into Run with the step a constant, the totals vanish from its code.
    // (Both stay out of line, as one kernel was before: inlined into the macro-kernel's loop they cost registers there.)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chains(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC, DepthStep step, ref double total, nint ldTotal)
    {
        nint w = TLanes.Count;
        ref T c0 = ref c;
        ref T c1 = ref Unsafe.Add(ref c, ldc);
        ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
        ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
        ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
        ref T c6 = ref Unsafe.Add(ref c, 6 * ldc);
        ref T c7 = ref Unsafe.Add(ref c, 7 * ldc);
        TVector r00, r01, r10, r11, r20, r21, r30, r31, r40, r41, r50, r51, r60, r61, r70, r71;
        if (addToC && step == DepthStep.Only)
        {
            r00 = TLanes.Load(ref c0); r01 = TLanes.Load(ref Unsafe.Add(ref c0, w));
            r10 = TLanes.Load(ref c1); r11 = TLanes.Load(ref Unsafe.Add(ref c1, w));
            r20 = TLanes.Load(ref c2); r21 = TLanes.Load(ref Unsafe.Add(ref c2, w));
            r30 = TLanes.Load(ref c3); r31 = TLanes.Load(ref Unsafe.Add(ref c3, w));
            r40 = TLanes.Load(ref c4); r41 = TLanes.Load(ref Unsafe.Add(ref c4, w));
            r50 = TLanes.Load(ref c5); r51 = TLanes.Load(ref Unsafe.Add(ref c5, w));
            r60 = TLanes.Load(ref c6); r61 = TLanes.Load(ref Unsafe.Add(ref c6, w));
            r70 = TLanes.Load(ref c7); r71 = TLanes.Load(ref Unsafe.Add(ref c7, w));
        }
        else
        {
            r00 = r01 = r10 = r11 = r20 = r21 = r30 = r31 = r40 = r41 = r50 = r51 = r60 = r61 = r70 = r71 = TLanes.Zero;
        }
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TLanes.Load(ref b), b1 = TLanes.Load(ref Unsafe.Add(ref b, w));
            TVector x = TLanes.Broadcast(a);
            r00 = TLanes.FusedMultiplyAdd(x, b0, r00); r01 = TLanes.FusedMultiplyAdd(x, b1, r01);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 1));
            r10 = TLanes.FusedMultiplyAdd(x, b0, r10); r11 = TLanes.FusedMultiplyAdd(x, b1, r11);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 2));
            r20 = TLanes.FusedMultiplyAdd(x, b0, r20); r21 = TLanes.FusedMultiplyAdd(x, b1, r21);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 3));
            r30 = TLanes.FusedMultiplyAdd(x, b0, r30); r31 = TLanes.FusedMultiplyAdd(x, b1, r31);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 4));
            r40 = TLanes.FusedMultiplyAdd(x, b0, r40); r41 = TLanes.FusedMultiplyAdd(x, b1, r41);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 5));
            r50 = TLanes.FusedMultiplyAdd(x, b0, r50); r51 = TLanes.FusedMultiplyAdd(x, b1, r51);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 6));
            r60 = TLanes.FusedMultiplyAdd(x, b0, r60); r61 = TLanes.FusedMultiplyAdd(x, b1, r61);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 7));
            r70 = TLanes.FusedMultiplyAdd(x, b0, r70); r71 = TLanes.FusedMultiplyAdd(x, b1, r71);
            a = ref Unsafe.Add(ref a, 8);
            b = ref Unsafe.Add(ref b, 2 * w);
        }
        if (step != DepthStep.Only && addToC)
        {
            // The block's sums join what C holds: their group's sum so far, or C itself.
            r00 = TLanes.Add(TLanes.Load(ref c0), r00); r01 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c0, w)), r01);
            r10 = TLanes.Add(TLanes.Load(ref c1), r10); r11 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c1, w)), r11);
            r20 = TLanes.Add(TLanes.Load(ref c2), r20); r21 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c2, w)), r21);
            r30 = TLanes.Add(TLanes.Load(ref c3), r30); r31 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c3, w)), r31);
            r40 = TLanes.Add(TLanes.Load(ref c4), r40); r41 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c4, w)), r41);
            r50 = TLanes.Add(TLanes.Load(ref c5), r50); r51 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c5, w)), r51);
            r60 = TLanes.Add(TLanes.Load(ref c6), r60); r61 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c6, w)), r61);
            r70 = TLanes.Add(TLanes.Load(ref c7), r70); r71 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c7, w)), r71);
        }
        if (step is DepthStep.Only or DepthStep.Keep)
        {
            TLanes.Store(r00, ref c0); TLanes.Store(r01, ref Unsafe.Add(ref c0, w));
            TLanes.Store(r10, ref c1); TLanes.Store(r11, ref Unsafe.Add(ref c1, w));
            TLanes.Store(r20, ref c2); TLanes.Store(r21, ref Unsafe.Add(ref c2, w));
            TLanes.Store(r30, ref c3); TLanes.Store(r31, ref Unsafe.Add(ref c3, w));
            TLanes.Store(r40, ref c4); TLanes.Store(r41, ref Unsafe.Add(ref c4, w));
            TLanes.Store(r50, ref c5); TLanes.Store(r51, ref Unsafe.Add(ref c5, w));
            TLanes.Store(r60, ref c6); TLanes.Store(r61, ref Unsafe.Add(ref c6, w));
            TLanes.Store(r70, ref c7); TLanes.Store(r71, ref Unsafe.Add(ref c7, w));
        }
        else
        {
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r00, r01, ref c0, ref total);
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r10, r11, ref c1, ref Unsafe.Add(ref total, ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r20, r21, ref c2, ref Unsafe.Add(ref total, 2 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r30, r31, ref c3, ref Unsafe.Add(ref total, 3 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r40, r41, ref c4, ref Unsafe.Add(ref total, 4 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r50, r51, ref c5, ref Unsafe.Add(ref total, 5 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r60, r61, ref c6, ref Unsafe.Add(ref total, 6 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r70, r71, ref c7, ref Unsafe.Add(ref total, 7 * ldTotal));
        }
    }
}

/// <summary>
/// 6 rows × 2 vectors: 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 registers of AVX2, SSE and
/// the scalar fallback (Haswell's classic 6×16 shape).
/// </summary>
internal readonly struct Kernel6x2<T, TVector, TLanes> : IMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector>
{
    public static int Rows => 6;

    public static int Columns => 2 * TLanes.Count;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC) =>
        Chains(depth, ref a, ref b, ref c, ldc, addToC, DepthStep.Only, ref Unsafe.NullRef<double>(), 0);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void RunBlock(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC, DepthStep step, ref double total, nint ldTotal) =>
        Chains(depth, ref a, ref b, ref c, ldc, addToC, step, ref total, ldTotal);

    // One body for both entry points: inlined into Run with the step a constant, the totals vanish from its code.
    // (Both stay out of line, as one kernel was before: inlined into the macro-kernel's loop they cost registers there.)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chains(int depth, ref T a, ref T b, ref T c, nint ldc, bool addToC, DepthStep step, ref double total, nint ldTotal)
    {
        nint w = TLanes.Count;
        ref T c0 = ref c;
        ref T c1 = ref Unsafe.Add(ref c, ldc);
        ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
        ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
        ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
        TVector r00, r01, r10, r11, r20, r21, r30, r31, r40, r41, r50, r51;
        if (addToC && step == DepthStep.Only)
        {
            r00 = TLanes.Load(ref c0); r01 = TLanes.Load(ref Unsafe.Add(ref c0, w));
            r10 = TLanes.Load(ref c1); r11 = TLanes.Load(ref Unsafe.Add(ref c1, w));
            r20 = TLanes.Load(ref c2); r21 = TLanes.Load(ref Unsafe.Add(ref c2, w));
            r30 = TLanes.Load(ref c3); r31 = TLanes.Load(ref Unsafe.Add(ref c3, w));
            r40 = TLanes.Load(ref c4); r41 = TLanes.Load(ref Unsafe.Add(ref c4, w));
            r50 = TLanes.Load(ref c5); r51 = TLanes.Load(ref Unsafe.Add(ref c5, w));
        }
        else
        {
            r00 = r01 = r10 = r11 = r20 = r21 = r30 = r31 = r40 = r41 = r50 = r51 = TLanes.Zero;
        }
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TLanes.Load(ref b), b1 = TLanes.Load(ref Unsafe.Add(ref b, w));
            TVector x = TLanes.Broadcast(a);
            r00 = TLanes.FusedMultiplyAdd(x, b0, r00); r01 = TLanes.FusedMultiplyAdd(x, b1, r01);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 1));
            r10 = TLanes.FusedMultiplyAdd(x, b0, r10); r11 = TLanes.FusedMultiplyAdd(x, b1, r11);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 2));
            r20 = TLanes.FusedMultiplyAdd(x, b0, r20); r21 = TLanes.FusedMultiplyAdd(x, b1, r21);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 3));
            r30 = TLanes.FusedMultiplyAdd(x, b0, r30); r31 = TLanes.FusedMultiplyAdd(x, b1, r31);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 4));
            r40 = TLanes.FusedMultiplyAdd(x, b0, r40); r41 = TLanes.FusedMultiplyAdd(x, b1, r41);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 5));
            r50 = TLanes.FusedMultiplyAdd(x, b0, r50); r51 = TLanes.FusedMultiplyAdd(x, b1, r51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 2 * w);
        }
        if (step != DepthStep.Only && addToC)
        {
            // The block's sums join what C holds: their group's sum so far, or C itself.
            r00 = TLanes.Add(TLanes.Load(ref c0), r00); r01 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c0, w)), r01);
            r10 = TLanes.Add(TLanes.Load(ref c1), r10); r11 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c1, w)), r11);
            r20 = TLanes.Add(TLanes.Load(ref c2), r20); r21 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c2, w)), r21);
            r30 = TLanes.Add(TLanes.Load(ref c3), r30); r31 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c3, w)), r31);
            r40 = TLanes.Add(TLanes.Load(ref c4), r40); r41 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c4, w)), r41);
            r50 = TLanes.Add(TLanes.Load(ref c5), r50); r51 = TLanes.Add(TLanes.Load(ref Unsafe.Add(ref c5, w)), r51);
        }
        if (step is DepthStep.Only or DepthStep.Keep)
        {
            TLanes.Store(r00, ref c0); TLanes.Store(r01, ref Unsafe.Add(ref c0, w));
            TLanes.Store(r10, ref c1); TLanes.Store(r11, ref Unsafe.Add(ref c1, w));
            TLanes.Store(r20, ref c2); TLanes.Store(r21, ref Unsafe.Add(ref c2, w));
            TLanes.Store(r30, ref c3); TLanes.Store(r31, ref Unsafe.Add(ref c3, w));
            TLanes.Store(r40, ref c4); TLanes.Store(r41, ref Unsafe.Add(ref c4, w));
            TLanes.Store(r50, ref c5); TLanes.Store(r51, ref Unsafe.Add(ref c5, w));
        }
        else
        {
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r00, r01, ref c0, ref total);
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r10, r11, ref c1, ref Unsafe.Add(ref total, ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r20, r21, ref c2, ref Unsafe.Add(ref total, 2 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r30, r31, ref c3, ref Unsafe.Add(ref total, 3 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r40, r41, ref c4, ref Unsafe.Add(ref total, 4 * ldTotal));
            GemmDepth.FinishRow<T, TVector, TLanes>(step, r50, r51, ref c5, ref Unsafe.Add(ref total, 5 * ldTotal));
        }
    }
}
