using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// The drivers that own every elementwise loop: the widest hardware-accelerated vectors (Vector512, 256 or 128;
/// scalars without SIMD), the last partial vector padded with zeros and only its first lanes stored. Ops never
/// write these loops themselves. An operator's body is the same at every width and each lane is computed alone,
/// so where an element falls — a whole vector, a partial one or a scalar — never changes its bits. Outputs may alias inputs (in-place updates are safe: each element is read before it is written).
/// The loops are compiled fully optimised on their first call: tiered compilation would run a training loop's
/// first hundreds of steps through slower tiers (each call is one long loop).
/// </summary>
internal static partial class Simd
{
    /// <summary>y[i] = op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        CheckLengths(x.Length, y.Length);
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        if (Vector512.IsHardwareAccelerated) MapRun<T, Vector512<T>, Lanes512<T>, TOp>(ref xs, ref ys, n, op);
        else if (Vector256.IsHardwareAccelerated) MapRun<T, Vector256<T>, Lanes256<T>, TOp>(ref xs, ref ys, n, op);
        else if (Vector128.IsHardwareAccelerated) MapRun<T, Vector128<T>, Lanes128<T>, TOp>(ref xs, ref ys, n, op);
        else MapRun<T, T, Lanes1<T>, TOp>(ref xs, ref ys, n, op);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MapRun<T, TV, L, TOp>(ref T xs, ref T ys, int n, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, IUnaryOp
    {
        int i = 0;
        for (; i + L.Count <= n; i += L.Count)
            L.Store(op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref xs, i))), ref Unsafe.Add(ref ys, i));
        if (i < n) MapTail<T, TV, L, TOp>(ref Unsafe.Add(ref xs, i), ref Unsafe.Add(ref ys, i), n - i, op);
    }

    // The tails are calls of their own: a second copy of a long op (an exp, say) in the loop's method would exhaust the
    // JIT's inlining budget, and the op would no longer be inlined into the loop.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MapTail<T, TV, L, TOp>(ref T xs, ref T ys, int count, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, IUnaryOp =>
        L.StoreFirst(op.Invoke<T, TV, L>(L.LoadFirst(ref xs, count)), ref ys, count);

    /// <summary>y[i] = op(a[i], b[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Zip<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        CheckLengths(a.Length, b.Length);
        CheckLengths(a.Length, y.Length);
        ref T aS = ref MemoryMarshal.GetReference(a);
        ref T bS = ref MemoryMarshal.GetReference(b);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int n = a.Length;
        if (Vector512.IsHardwareAccelerated) ZipRun<T, Vector512<T>, Lanes512<T>, TOp>(ref aS, ref bS, ref ys, n, op);
        else if (Vector256.IsHardwareAccelerated) ZipRun<T, Vector256<T>, Lanes256<T>, TOp>(ref aS, ref bS, ref ys, n, op);
        else if (Vector128.IsHardwareAccelerated) ZipRun<T, Vector128<T>, Lanes128<T>, TOp>(ref aS, ref bS, ref ys, n, op);
        else ZipRun<T, T, Lanes1<T>, TOp>(ref aS, ref bS, ref ys, n, op);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ZipRun<T, TV, L, TOp>(ref T aS, ref T bS, ref T ys, int n, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, IBinaryOp
    {
        int i = 0;
        for (; i + L.Count <= n; i += L.Count)
            L.Store(op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref aS, i)), L.Load(ref Unsafe.Add(ref bS, i))), ref Unsafe.Add(ref ys, i));
        if (i < n) ZipTail<T, TV, L, TOp>(ref Unsafe.Add(ref aS, i), ref Unsafe.Add(ref bS, i), ref Unsafe.Add(ref ys, i), n - i, op);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ZipTail<T, TV, L, TOp>(ref T aS, ref T bS, ref T ys, int count, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, IBinaryOp =>
        L.StoreFirst(op.Invoke<T, TV, L>(L.LoadFirst(ref aS, count), L.LoadFirst(ref bS, count)), ref ys, count);

    /// <summary>y[i] = op(a[i], b[i], c[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Zip<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOp
    {
        CheckLengths(a.Length, b.Length);
        CheckLengths(a.Length, c.Length);
        CheckLengths(a.Length, y.Length);
        ref T aS = ref MemoryMarshal.GetReference(a);
        ref T bS = ref MemoryMarshal.GetReference(b);
        ref T cS = ref MemoryMarshal.GetReference(c);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int n = a.Length;
        if (Vector512.IsHardwareAccelerated) ZipRun<T, Vector512<T>, Lanes512<T>, TOp>(ref aS, ref bS, ref cS, ref ys, n, op);
        else if (Vector256.IsHardwareAccelerated) ZipRun<T, Vector256<T>, Lanes256<T>, TOp>(ref aS, ref bS, ref cS, ref ys, n, op);
        else if (Vector128.IsHardwareAccelerated) ZipRun<T, Vector128<T>, Lanes128<T>, TOp>(ref aS, ref bS, ref cS, ref ys, n, op);
        else ZipRun<T, T, Lanes1<T>, TOp>(ref aS, ref bS, ref cS, ref ys, n, op);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ZipRun<T, TV, L, TOp>(ref T aS, ref T bS, ref T cS, ref T ys, int n, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, ITernaryOp
    {
        int i = 0;
        for (; i + L.Count <= n; i += L.Count)
            L.Store(op.Invoke<T, TV, L>(L.Load(ref Unsafe.Add(ref aS, i)), L.Load(ref Unsafe.Add(ref bS, i)), L.Load(ref Unsafe.Add(ref cS, i))),
                ref Unsafe.Add(ref ys, i));
        if (i < n) ZipTail<T, TV, L, TOp>(ref Unsafe.Add(ref aS, i), ref Unsafe.Add(ref bS, i), ref Unsafe.Add(ref cS, i), ref Unsafe.Add(ref ys, i), n - i, op);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ZipTail<T, TV, L, TOp>(ref T aS, ref T bS, ref T cS, ref T ys, int count, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV> where TOp : struct, ITernaryOp =>
        L.StoreFirst(op.Invoke<T, TV, L>(L.LoadFirst(ref aS, count), L.LoadFirst(ref bS, count), L.LoadFirst(ref cS, count)), ref ys, count);

    /// <summary>y[i] = op(a[i], b): the right operand is one value (rounded to T where used).</summary>
    public static void Zip<T, TOp>(ReadOnlySpan<T> a, double b, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
        => Map(a, y, new BindRight<TOp>(op, b));

    /// <summary>y[i] = op(a, b[i]): the left operand is one value (rounded to T where used).</summary>
    public static void Zip<T, TOp>(double a, ReadOnlySpan<T> b, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
        => Map(b, y, new BindLeft<TOp>(op, a));

    /// <summary>acc[i] += op(x[i]): the accumulate step of backward rules.</summary>
    public static void MapAdd<T, TOp>(ReadOnlySpan<T> x, Span<T> acc, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
        => Zip(acc, x, acc, new AddUnary<TOp>(op));

    /// <summary>acc[i] += op(a[i], b[i]): the accumulate step of backward rules.</summary>
    public static void ZipAdd<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> acc, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
        => Zip(acc, a, b, acc, new AddBinary<TOp>(op));

    private static void CheckLengths(int expected, int actual)
    {
        if (expected != actual)
            throw new ArgumentException($"Kernel: span lengths differ ({expected} and {actual}).");
    }
}
