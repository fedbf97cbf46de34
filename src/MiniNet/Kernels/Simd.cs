using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// The drivers that own every elementwise loop: the widest hardware-accelerated vectors first
/// (Vector512, then 256, then 128), then scalars for the tail. Ops never write these loops themselves.
/// Outputs may alias inputs (in-place updates are safe: each element is read before it is written).
/// The loops are compiled fully optimised on their first call: tiered compilation would run a training
/// loop's first hundreds of steps through slower tiers (each call is one long loop).
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
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                op.Invoke(Vector128.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref xs, i));
    }

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
        nuint n = (nuint)a.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref aS, i), Vector512.LoadUnsafe(ref bS, i)).StoreUnsafe(ref ys, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref aS, i), Vector256.LoadUnsafe(ref bS, i)).StoreUnsafe(ref ys, i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                op.Invoke(Vector128.LoadUnsafe(ref aS, i), Vector128.LoadUnsafe(ref bS, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref aS, i), Unsafe.Add(ref bS, i));
    }

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
        nuint n = (nuint)a.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref aS, i), Vector512.LoadUnsafe(ref bS, i), Vector512.LoadUnsafe(ref cS, i)).StoreUnsafe(ref ys, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref aS, i), Vector256.LoadUnsafe(ref bS, i), Vector256.LoadUnsafe(ref cS, i)).StoreUnsafe(ref ys, i);
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                op.Invoke(Vector128.LoadUnsafe(ref aS, i), Vector128.LoadUnsafe(ref bS, i), Vector128.LoadUnsafe(ref cS, i)).StoreUnsafe(ref ys, i);
        for (; i < n; i++)
            Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref aS, i), Unsafe.Add(ref bS, i), Unsafe.Add(ref cS, i));
    }

    /// <summary>y[i] = op(a[i], b): the right operand is one value.</summary>
    public static void Zip<T, TOp>(ReadOnlySpan<T> a, T b, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
        => Map(a, y, new BindRight<TOp, T>(op, b));

    /// <summary>y[i] = op(a, b[i]): the left operand is one value.</summary>
    public static void Zip<T, TOp>(T a, ReadOnlySpan<T> b, Span<T> y, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
        => Map(b, y, new BindLeft<TOp, T>(op, a));

    /// <summary>acc[i] += op(x[i]): the accumulate step of backward rules.</summary>
    public static void MapAdd<T, TOp>(ReadOnlySpan<T> x, Span<T> acc, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
        => Zip(acc, x, acc, new AddUnary<TOp>(op));

    /// <summary>acc[i] += op(a[i], b[i]): the accumulate step of backward rules.</summary>
    public static void ZipAdd<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> acc, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
        => Zip(acc, a, b, acc, new AddBinary<TOp>(op));

    /// <summary>y[i] = value.</summary>
    public static void Fill<T>(Span<T> y, T value) where T : unmanaged => y.Fill(value);

    /// <summary>
    /// The sum of <paramref name="x"/>, accumulated in vectors over blocks of 1024 elements and in double
    /// across blocks: the error stays near one rounding per block, not one per element.
    /// </summary>
    public static double Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int block = 1024;
        double total = 0;
        for (int start = 0; start < x.Length; start += block)
            total += double.CreateTruncating(BlockSum(x.Slice(start, Math.Min(block, x.Length - start))));
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T BlockSum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length, i = 0;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<T>.Count)
        {
            var acc = Vector512<T>.Zero;
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count) acc += Vector512.LoadUnsafe(ref xs, i);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count) acc += Vector256.LoadUnsafe(ref xs, i);
            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<T>.Count)
        {
            var acc = Vector128<T>.Zero;
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count) acc += Vector128.LoadUnsafe(ref xs, i);
            sum = Vector128.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref xs, i);
        return sum;
    }

    /// <summary>The largest element (NaN if any element is NaN, as PyTorch's <c>max</c>); −∞ for an empty span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Max<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length, i = 0;
        T max = T.NegativeInfinity;
        // Vector*.Max follow IEEE 754-2019 maximum: a NaN in any lane wins, as it must.
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<T>.Count)
        {
            var acc = Vector512.Create(T.NegativeInfinity);
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count) acc = Vector512.Max(acc, Vector512.LoadUnsafe(ref xs, i));
            max = HorizontalMax(acc.GetLower(), acc.GetUpper());
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<T>.Count)
        {
            var acc = Vector256.Create(T.NegativeInfinity);
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count) acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref xs, i));
            max = HorizontalMax(acc.GetLower(), acc.GetUpper());
        }
        else if (Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<T>.Count)
        {
            var acc = Vector128.Create(T.NegativeInfinity);
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count) acc = Vector128.Max(acc, Vector128.LoadUnsafe(ref xs, i));
            max = HorizontalMax(acc, acc);
        }
        for (; i < n; i++) max = T.Max(max, Unsafe.Add(ref xs, i));
        return max;
    }

    private static T HorizontalMax<T>(Vector256<T> lower, Vector256<T> upper) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var both = Vector256.Max(lower, upper);
        return HorizontalMax(both.GetLower(), both.GetUpper());
    }

    private static T HorizontalMax<T>(Vector128<T> lower, Vector128<T> upper) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var both = Vector128.Max(lower, upper);
        T max = T.NegativeInfinity;
        for (int lane = 0; lane < Vector128<T>.Count; lane++) max = T.Max(max, both.GetElement(lane));
        return max;
    }

    /// <summary>Σ a[i]·b[i], accumulated as <see cref="Sum{T}"/> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(a.Length, b.Length);
        ref T aS = ref MemoryMarshal.GetReference(a);
        ref T bS = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length, i = 0;
        double total = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            while (i + (nuint)Vector256<T>.Count <= n)
            {
                var acc = Vector256<T>.Zero;
                nuint blockEnd = Math.Min(n, i + 1024);
                for (; i + (nuint)Vector256<T>.Count <= blockEnd; i += (nuint)Vector256<T>.Count)
                    acc += Vector256.LoadUnsafe(ref aS, i) * Vector256.LoadUnsafe(ref bS, i);
                total += double.CreateTruncating(Vector256.Sum(acc));
            }
        }
        for (; i < n; i++) total += double.CreateTruncating(Unsafe.Add(ref aS, i) * Unsafe.Add(ref bS, i));
        return total;
    }

    private static void CheckLengths(int expected, int actual)
    {
        if (expected != actual)
            throw new ArgumentException($"Kernel: span lengths differ ({expected} and {actual}).");
    }
}
