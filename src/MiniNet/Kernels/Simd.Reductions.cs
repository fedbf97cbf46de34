using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

// Map-reduce drivers: Σ op(…) over spans without writing the mapped values anywhere, for kernels that need only a
// total (a loss, a row's Σ e^(x − m), a dot product). Every sum is kept in the virtual lanes of VirtualLanes.cs, in
// double, so its bits do not depend on the CPU's vector width, and the elements past the last whole chunk go through
// the same lanes (their mapped values in a chunk padded with zeros, which add nothing).
internal static partial class Simd
{
    /// <summary>Σ x[i], accumulated in double.</summary>
    public static double Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> => MapSum(x, new IdentityOp());

    /// <summary>Σ a[i]·b[i], each product rounded to T and accumulated in double.</summary>
    public static double Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T> => ZipSum(a, b, new MultiplyOp());

    /// <summary>Σ op(x[i]), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double MapSum<T, TOp>(ReadOnlySpan<T> x, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        var source = new MapSource<T, TOp>(x, op);
        if (Vector512.IsHardwareAccelerated) return SumChunks<T, Vector512<T>, Lanes512<T>, WideSum512<T>, MapSource<T, TOp>>(ref source, x.Length);
        if (Vector256.IsHardwareAccelerated) return SumChunks<T, Vector256<T>, Lanes256<T>, WideSum256<T>, MapSource<T, TOp>>(ref source, x.Length);
        if (Vector128.IsHardwareAccelerated) return SumChunks<T, Vector128<T>, Lanes128<T>, WideSum128<T>, MapSource<T, TOp>>(ref source, x.Length);
        return SumChunks<T, T, Lanes1<T>, WideSum1<T>, MapSource<T, TOp>>(ref source, x.Length);
    }

    /// <summary>Σ op(a[i], b[i]), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ZipSum<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        CheckLengths(a.Length, b.Length);
        var source = new ZipSource<T, TOp>(a, b, op);
        if (Vector512.IsHardwareAccelerated) return SumChunks<T, Vector512<T>, Lanes512<T>, WideSum512<T>, ZipSource<T, TOp>>(ref source, a.Length);
        if (Vector256.IsHardwareAccelerated) return SumChunks<T, Vector256<T>, Lanes256<T>, WideSum256<T>, ZipSource<T, TOp>>(ref source, a.Length);
        if (Vector128.IsHardwareAccelerated) return SumChunks<T, Vector128<T>, Lanes128<T>, WideSum128<T>, ZipSource<T, TOp>>(ref source, a.Length);
        return SumChunks<T, T, Lanes1<T>, WideSum1<T>, ZipSource<T, TOp>>(ref source, a.Length);
    }

    /// <summary>Σ op(a[i], b[i], c[i]), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ZipSum<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOp
    {
        CheckLengths(a.Length, b.Length);
        CheckLengths(a.Length, c.Length);
        var source = new Zip3Source<T, TOp>(a, b, c, op);
        if (Vector512.IsHardwareAccelerated) return SumChunks<T, Vector512<T>, Lanes512<T>, WideSum512<T>, Zip3Source<T, TOp>>(ref source, a.Length);
        if (Vector256.IsHardwareAccelerated) return SumChunks<T, Vector256<T>, Lanes256<T>, WideSum256<T>, Zip3Source<T, TOp>>(ref source, a.Length);
        if (Vector128.IsHardwareAccelerated) return SumChunks<T, Vector128<T>, Lanes128<T>, WideSum128<T>, Zip3Source<T, TOp>>(ref source, a.Length);
        return SumChunks<T, T, Lanes1<T>, WideSum1<T>, Zip3Source<T, TOp>>(ref source, a.Length);
    }

    /// <summary>
    /// The one loop behind every sum: whole chunks of virtual lanes, one vector per group, then the last partial
    /// chunk (<see cref="WithTail"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumChunks<T, TV, L, TAcc, TSource>(ref TSource source, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
        where TAcc : struct, IWideSum<T, TV> where TSource : struct, ISumSource<T>, allows ref struct
    {
        int lanes = VirtualLanes.Count<T>(), groups = lanes / L.Count, i = 0;
        var sum = default(TAcc);
        for (; i + lanes <= n; i += lanes)
        {
            if (groups <= 4)
            {
                sum.Add(0, source.Mapped<TV, L>(i));
                if (groups > 1) sum.Add(1, source.Mapped<TV, L>(i + L.Count));
                if (groups > 2)
                {
                    sum.Add(2, source.Mapped<TV, L>(i + 2 * L.Count));
                    sum.Add(3, source.Mapped<TV, L>(i + 3 * L.Count));
                }
            }
            else for (int g = 0; g < groups; g++) sum.Add(g, source.Mapped<TV, L>(i + g * L.Count));
        }
        // The tail is a call of its own: its partial loads would otherwise keep the lanes in memory through the loop.
        return i < n ? WithTail<T, TV, L, TAcc, TSource>(ref source, sum, i, n) : sum.Total();
    }

    /// <summary>
    /// The total after adding the last partial chunk, from <paramref name="start"/>: its elements mapped in vectors padded
    /// past the end, the lanes past the end set to 0 after the op.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double WithTail<T, TV, L, TAcc, TSource>(ref TSource source, TAcc sum, int start, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
        where TAcc : struct, IWideSum<T, TV> where TSource : struct, ISumSource<T>, allows ref struct
    {
        int groups = VirtualLanes.Count<T>() / L.Count;
        for (int g = 0; g < groups; g++)
        {
            int first = start + g * L.Count;
            if (first < n) sum.Add(g, source.MappedTail<TV, L>(first, Math.Min(n - first, L.Count)));
        }
        return sum.Total();
    }

    /// <summary>
    /// The largest element (NaN if any element is NaN, as PyTorch's <c>max</c>); −∞ for an empty span. The maximum
    /// of a set does not depend on the order it is taken in; a NaN result is the canonical NaN, whatever NaN came first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Max<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        T max = T.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated) max = T.Max(max, MaxRun<T, Vector512<T>, Lanes512<T>>(ref xs, ref i, n));
        if (Vector256.IsHardwareAccelerated) max = T.Max(max, MaxRun<T, Vector256<T>, Lanes256<T>>(ref xs, ref i, n));
        if (Vector128.IsHardwareAccelerated) max = T.Max(max, MaxRun<T, Vector128<T>, Lanes128<T>>(ref xs, ref i, n));
        for (; i < n; i++) max = T.Max(max, Unsafe.Add(ref xs, i));
        return T.IsNaN(max) ? T.NaN : max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T MaxRun<T, TV, L>(ref T xs, ref int i, int n) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        if (i + L.Count > n) return T.NegativeInfinity;
        var max = L.Broadcast(T.NegativeInfinity);
        for (; i + L.Count <= n; i += L.Count) max = L.Max(max, L.Load(ref Unsafe.Add(ref xs, i)));
        return L.FoldMax(max);
    }
}

/// <summary>x ↦ x.</summary>
internal readonly struct IdentityOp : IUnaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => x;
}

/// <summary>What a sum adds: the mapped value of the elements at an index, as a vector of any width.</summary>
internal interface ISumSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV>;

    /// <summary>
    /// The mapped values of the <paramref name="count"/> (&lt; a vector) elements from <paramref name="index"/>, and 0 in
    /// the lanes past them: the inputs are copied into a vector padded with zeros, mapped (each lane as it would be
    /// alone), and the padding's results — whatever the op makes of 0 — are masked away.
    /// </summary>
    TV MappedTail<TV, L>(int index, int count) where L : struct, ILanes<T, TV>;
}

/// <summary>The helpers of the sources' partial vectors.</summary>
internal static class SumTail
{
    /// <summary>Up to a vector of <paramref name="values"/> from <paramref name="index"/>, padded with zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<T, TV, L>(ReadOnlySpan<T> values, int index, int count)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.LoadFirst(ref Unsafe.Add(ref MemoryMarshal.GetReference(values), index), count);

    /// <summary>value where the lane is below <paramref name="count"/>, 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV KeepFirst<T, TV, L>(TV value, int count) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> =>
        L.ConditionalSelect(L.LessThan(L.Indices, L.Broadcast(T.CreateTruncating(count))), value, L.Zero);
}

internal readonly ref struct MapSource<T, TOp>(ReadOnlySpan<T> x, TOp op) : ISumSource<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
{
    private readonly ReadOnlySpan<T> _x = x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_x), index)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV MappedTail<TV, L>(int index, int count) where L : struct, ILanes<T, TV> =>
        SumTail.KeepFirst<T, TV, L>(op.Invoke<T, TV, L>(SumTail.Load<T, TV, L>(_x, index, count)), count);
}

internal readonly ref struct ZipSource<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, TOp op) : ISumSource<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
{
    private readonly ReadOnlySpan<T> _a = a, _b = b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_a), index)), L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_b), index)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV MappedTail<TV, L>(int index, int count) where L : struct, ILanes<T, TV>
    {
        var mapped = op.Invoke<T, TV, L>(SumTail.Load<T, TV, L>(_a, index, count),
            SumTail.Load<T, TV, L>(_b, index, count));
        return SumTail.KeepFirst<T, TV, L>(mapped, count);
    }
}

internal readonly ref struct Zip3Source<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, TOp op) : ISumSource<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOp
{
    private readonly ReadOnlySpan<T> _a = a, _b = b, _c = c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_a), index)), L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_b), index)),
            L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_c), index)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV MappedTail<TV, L>(int index, int count) where L : struct, ILanes<T, TV>
    {
        var mapped = op.Invoke<T, TV, L>(SumTail.Load<T, TV, L>(_a, index, count),
            SumTail.Load<T, TV, L>(_b, index, count), SumTail.Load<T, TV, L>(_c, index, count));
        return SumTail.KeepFirst<T, TV, L>(mapped, count);
    }
}
