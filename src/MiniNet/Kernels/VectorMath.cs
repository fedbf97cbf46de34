using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MiniNet.Kernels;

/// <summary>
/// Transcendental functions on vectors of either element type. The runtime's vector Exp and Log are
/// specific to float or double; these generic shims pick one, and the JIT removes the other branch.
/// Also the accurate forms <c>log1p</c> and <c>expm1</c>, which .NET's <c>LogP1</c>/<c>ExpM1</c> are not:
/// they compute <c>log(1 + x)</c> and <c>exp(x) − 1</c> literally and lose every digit for tiny x.
/// </summary>
internal static class VectorMath
{
    // Float exp is MiniNet's own inlined polynomial (FloatExp: within 1 ulp over the whole range, exactly 1
    // at 0, never above 1 below 0), about 3× faster than the runtime's float Vector*.Exp, which is an
    // out-of-line call and is off by up to 2 ulps (e^0 = 1.0000001). Double exp is the runtime's.
    public static Vector128<T> Exp<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FloatExp.Exp(x.AsSingle()).As<float, T>() : Vector128.Exp(x.AsDouble()).As<double, T>();

    public static Vector256<T> Exp<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FloatExp.Exp(x.AsSingle()).As<float, T>() : Vector256.Exp(x.AsDouble()).As<double, T>();

    public static Vector512<T> Exp<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FloatExp.Exp(x.AsSingle()).As<float, T>() : Vector512.Exp(x.AsDouble()).As<double, T>();

    public static Vector128<T> Log<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Vector128.Log(x.AsSingle()).As<float, T>() : Vector128.Log(x.AsDouble()).As<double, T>();

    public static Vector256<T> Log<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Vector256.Log(x.AsSingle()).As<float, T>() : Vector256.Log(x.AsDouble()).As<double, T>();

    public static Vector512<T> Log<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Vector512.Log(x.AsSingle()).As<float, T>() : Vector512.Log(x.AsDouble()).As<double, T>();

    // a·b + c, fused where the CPU has FMA and as a multiply then an add where it does not (so a kernel
    // never falls into a slow software FMA on older CPUs).
    public static Vector128<T> MultiplyAdd<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Vector128.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector128.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    public static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Vector256.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    public static Vector512<T> MultiplyAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Vector512.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector512.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    public static T MultiplyAdd<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> => T.MultiplyAddEstimate(a, b, c);

    /// <summary>
    /// log(1 + x) to a few ulps for every x ≥ −1 (Goldberg's trick: with u = 1 + x rounded,
    /// log(u)·x / (u − 1) cancels the rounding of u).
    /// </summary>
    public static T Log1p<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.One + x;
        if (u == T.One) return x; // x is below half an ulp of 1: log1p(x) = x to working precision
        if (T.IsPositiveInfinity(u)) return T.Log(u);
        return T.Log(u) * (x / (u - T.One));
    }

    public static Vector128<T> Log1p<T>(Vector128<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var u = Vector128<T>.One + x;
        var corrected = Log(u) * (x / (u - Vector128<T>.One));
        // Where u rounds to 1, the quotient is 0/0: the answer is x itself. Where u is +inf, log(u) is.
        var result = Vector128.ConditionalSelect(Vector128.Equals(u, Vector128<T>.One), x, corrected);
        return Vector128.ConditionalSelect(Vector128.Equals(u, Vector128.Create(T.PositiveInfinity)), u, result);
    }

    public static Vector256<T> Log1p<T>(Vector256<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var u = Vector256<T>.One + x;
        var corrected = Log(u) * (x / (u - Vector256<T>.One));
        var result = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<T>.One), x, corrected);
        return Vector256.ConditionalSelect(Vector256.Equals(u, Vector256.Create(T.PositiveInfinity)), u, result);
    }

    public static Vector512<T> Log1p<T>(Vector512<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var u = Vector512<T>.One + x;
        var corrected = Log(u) * (x / (u - Vector512<T>.One));
        var result = Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<T>.One), x, corrected);
        return Vector512.ConditionalSelect(Vector512.Equals(u, Vector512.Create(T.PositiveInfinity)), u, result);
    }

    /// <summary>exp(x) − 1 to a few ulps (Kahan's trick: (u − 1)·x / log(u) with u = exp(x) rounded).</summary>
    public static T Expm1<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.Exp(x);
        if (u == T.One) return x;
        T um1 = u - T.One;
        if (um1 == -T.One || T.IsPositiveInfinity(u)) return um1;
        return um1 * x / T.Log(u);
    }
}
