using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

// Map-reduce drivers: Σ op(…) over spans without writing the mapped values anywhere, for kernels that
// need only a total (a loss, a row's Σ e^(x − m)). The sums are kept in double lanes — float lanes are
// widened first — so that float32 losses neither lose digits over millions of terms nor overflow when
// terms near float.MaxValue are added.
internal static partial class Simd
{
    /// <summary>Σ op(x[i]), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double MapSum<T, TOp>(ReadOnlySpan<T> x, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        ref T xs = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length, i = 0;
        var sum = new Lanes();
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                sum.Add(op.Invoke(Vector512.LoadUnsafe(ref xs, i)));
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                sum.Add(op.Invoke(Vector256.LoadUnsafe(ref xs, i)));
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                sum.Add(op.Invoke(Vector128.LoadUnsafe(ref xs, i)));
        for (; i < n; i++)
            sum.Add(op.Invoke(Unsafe.Add(ref xs, i)));
        return sum.Total;
    }

    /// <summary>Σ op(a[i], b[i]), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ZipSum<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        CheckLengths(a.Length, b.Length);
        ref T aS = ref MemoryMarshal.GetReference(a);
        ref T bS = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length, i = 0;
        var sum = new Lanes();
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                sum.Add(op.Invoke(Vector512.LoadUnsafe(ref aS, i), Vector512.LoadUnsafe(ref bS, i)));
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                sum.Add(op.Invoke(Vector256.LoadUnsafe(ref aS, i), Vector256.LoadUnsafe(ref bS, i)));
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                sum.Add(op.Invoke(Vector128.LoadUnsafe(ref aS, i), Vector128.LoadUnsafe(ref bS, i)));
        for (; i < n; i++)
            sum.Add(op.Invoke(Unsafe.Add(ref aS, i), Unsafe.Add(ref bS, i)));
        return sum.Total;
    }

    /// <summary>Σ op(a[i], b[i], c[i]), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ZipSum<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOp
    {
        CheckLengths(a.Length, b.Length);
        CheckLengths(a.Length, c.Length);
        ref T aS = ref MemoryMarshal.GetReference(a);
        ref T bS = ref MemoryMarshal.GetReference(b);
        ref T cS = ref MemoryMarshal.GetReference(c);
        nuint n = (nuint)a.Length, i = 0;
        var sum = new Lanes();
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                sum.Add(op.Invoke(Vector512.LoadUnsafe(ref aS, i), Vector512.LoadUnsafe(ref bS, i), Vector512.LoadUnsafe(ref cS, i)));
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                sum.Add(op.Invoke(Vector256.LoadUnsafe(ref aS, i), Vector256.LoadUnsafe(ref bS, i), Vector256.LoadUnsafe(ref cS, i)));
        if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<T>.Count <= n; i += (nuint)Vector128<T>.Count)
                sum.Add(op.Invoke(Vector128.LoadUnsafe(ref aS, i), Vector128.LoadUnsafe(ref bS, i), Vector128.LoadUnsafe(ref cS, i)));
        for (; i < n; i++)
            sum.Add(op.Invoke(Unsafe.Add(ref aS, i), Unsafe.Add(ref bS, i), Unsafe.Add(ref cS, i)));
        return sum.Total;
    }

    /// <summary>
    /// Double accumulators, one per vector width; a float vector is widened into two double vectors.
    /// The order of additions depends only on the length and the hardware, so a sum is reproducible.
    /// </summary>
    private struct Lanes
    {
        private Vector512<double> _wide;
        private Vector256<double> _middle;
        private Vector128<double> _narrow;
        private double _scalar;

        public readonly double Total => Vector512.Sum(_wide) + Vector256.Sum(_middle) + Vector128.Sum(_narrow) + _scalar;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add<T>(Vector512<T> v) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float))
            {
                var (lower, upper) = Vector512.Widen(v.AsSingle());
                _wide += lower + upper;
            }
            else _wide += v.AsDouble();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add<T>(Vector256<T> v) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float))
            {
                var (lower, upper) = Vector256.Widen(v.AsSingle());
                _middle += lower + upper;
            }
            else _middle += v.AsDouble();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add<T>(Vector128<T> v) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float))
            {
                var (lower, upper) = Vector128.Widen(v.AsSingle());
                _narrow += lower + upper;
            }
            else _narrow += v.AsDouble();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => _scalar += double.CreateTruncating(value);
    }
}
