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
    /// chunk — its mapped values computed one by one (the same bits as in a vector) into a chunk padded with zeros.
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
        if (i < n)
        {
            Span<T> tail = stackalloc T[VirtualLanes.Bytes / Unsafe.SizeOf<T>()];
            tail.Clear();
            for (int j = 0; i + j < n; j++) tail[j] = source.Mapped<T, Lanes1<T>>(i + j);
            ref T first = ref MemoryMarshal.GetReference(tail);
            for (int g = 0; g < groups; g++) sum.Add(g, L.Load(ref Unsafe.Add(ref first, g * L.Count)));
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
        Span<T> lanes = stackalloc T[L.Count];
        L.Store(max, ref MemoryMarshal.GetReference(lanes));
        T result = T.NegativeInfinity;
        foreach (T lane in lanes) result = T.Max(result, lane);
        return result;
    }
}

/// <summary>x ↦ x.</summary>
internal readonly struct IdentityOp : IUnaryOp
{
    public TV Invoke<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> => x;
}

/// <summary>What a sum adds: the mapped value of the elements at an index, as a vector of any width.</summary>
internal interface ISumSource<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV>;
}

internal readonly ref struct MapSource<T, TOp>(ReadOnlySpan<T> x, TOp op) : ISumSource<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
{
    private readonly ReadOnlySpan<T> _x = x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_x), index)));
}

internal readonly ref struct ZipSource<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, TOp op) : ISumSource<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
{
    private readonly ReadOnlySpan<T> _a = a, _b = b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_a), index)), L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_b), index)));
}

internal readonly ref struct Zip3Source<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, TOp op) : ISumSource<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOp
{
    private readonly ReadOnlySpan<T> _a = a, _b = b, _c = c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Mapped<TV, L>(int index) where L : struct, ILanes<T, TV> =>
        op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_a), index)), L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_b), index)),
            L.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(_c), index)));
}
