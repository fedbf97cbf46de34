using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// log1p(e) for e in [0, 1], the sigmoid head's softplus term: for float vectors an inlined series
/// (<see cref="FloatExp.Log1pUnit(Vector512{float})"/>); doubles use <see cref="VectorMath.Log1p{T}(Vector512{T})"/>.
/// </summary>
internal static class HeadMath
{
    /// <summary>log(1 + e) for 0 ≤ e ≤ 1 (the e = e^−|z| of the sigmoid head).</summary>
    public static Vector128<T> Log1pUnit<T>(Vector128<T> e) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FloatExp.Log1pUnit(e.AsSingle()).As<float, T>() : VectorMath.Log1p(e);

    /// <inheritdoc cref="Log1pUnit{T}(Vector128{T})"/>
    public static Vector256<T> Log1pUnit<T>(Vector256<T> e) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FloatExp.Log1pUnit(e.AsSingle()).As<float, T>() : VectorMath.Log1p(e);

    /// <inheritdoc cref="Log1pUnit{T}(Vector128{T})"/>
    public static Vector512<T> Log1pUnit<T>(Vector512<T> e) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FloatExp.Log1pUnit(e.AsSingle()).As<float, T>() : VectorMath.Log1p(e);
}
