using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

// TEMPORARY: the elementary functions as the lanes-generic kernels call them, forwarding to the per-width
// implementations until MiniNet's own portable ones land. Not width-independent.
internal static class Elementary
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        if (typeof(TV) == typeof(Vector512<T>)) return Unsafe.BitCast<Vector512<T>, TV>(VectorMath.Exp(Unsafe.BitCast<TV, Vector512<T>>(x)));
        if (typeof(TV) == typeof(Vector256<T>)) return Unsafe.BitCast<Vector256<T>, TV>(VectorMath.Exp(Unsafe.BitCast<TV, Vector256<T>>(x)));
        if (typeof(TV) == typeof(Vector128<T>)) return Unsafe.BitCast<Vector128<T>, TV>(VectorMath.Exp(Unsafe.BitCast<TV, Vector128<T>>(x)));
        return Unsafe.BitCast<T, TV>(T.Exp(Unsafe.BitCast<TV, T>(x)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        if (typeof(TV) == typeof(Vector512<T>)) return Unsafe.BitCast<Vector512<T>, TV>(VectorMath.Log(Unsafe.BitCast<TV, Vector512<T>>(x)));
        if (typeof(TV) == typeof(Vector256<T>)) return Unsafe.BitCast<Vector256<T>, TV>(VectorMath.Log(Unsafe.BitCast<TV, Vector256<T>>(x)));
        if (typeof(TV) == typeof(Vector128<T>)) return Unsafe.BitCast<Vector128<T>, TV>(VectorMath.Log(Unsafe.BitCast<TV, Vector128<T>>(x)));
        return Unsafe.BitCast<T, TV>(T.Log(Unsafe.BitCast<TV, T>(x)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1p<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        if (typeof(TV) == typeof(Vector512<T>)) return Unsafe.BitCast<Vector512<T>, TV>(VectorMath.Log1p(Unsafe.BitCast<TV, Vector512<T>>(x)));
        if (typeof(TV) == typeof(Vector256<T>)) return Unsafe.BitCast<Vector256<T>, TV>(VectorMath.Log1p(Unsafe.BitCast<TV, Vector256<T>>(x)));
        if (typeof(TV) == typeof(Vector128<T>)) return Unsafe.BitCast<Vector128<T>, TV>(VectorMath.Log1p(Unsafe.BitCast<TV, Vector128<T>>(x)));
        return Unsafe.BitCast<T, TV>(VectorMath.Log1p(Unsafe.BitCast<TV, T>(x)));
    }

    public static TV Tanh<T, TV, L>(TV x) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        Span<T> a = stackalloc T[L.Count];
        L.Store(x, ref a[0]);
        for (int i = 0; i < a.Length; i++) a[i] = T.Tanh(a[i]);
        return L.Load(ref a[0]);
    }

    public static TV Pow<T, TV, L>(TV x, TV y) where T : unmanaged, IFloatingPointIeee754<T> where L : struct, ILanes<T, TV>
    {
        Span<T> a = stackalloc T[L.Count], b = stackalloc T[L.Count];
        L.Store(x, ref a[0]);
        L.Store(y, ref b[0]);
        for (int i = 0; i < a.Length; i++) a[i] = T.Pow(a[i], b[i]);
        return L.Load(ref a[0]);
    }

}
