using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

/// <summary>
/// MiniNet's own exp, expm1, log, log1p, tanh, pow, erf and erfc: the same bits for the same input at every vector width
/// (<see cref="Lanes512{T}"/>, <see cref="Lanes256{T}"/>, <see cref="Lanes128{T}"/>, <see cref="Lanes1{T}"/>) on every
/// CPU, because each is one sequence of the lanes' IEEE operations (fused multiply-adds rounded once on every path) with
/// no branch on a lane's value and no call into the runtime's or the C library's mathematics.
/// </summary>
/// <remarks>
/// <para>Call a vector form as <c>ElementaryFunctions.Exp&lt;float, Vector512&lt;float&gt;, Lanes512&lt;float&gt;&gt;(v)</c>
/// (or with a kernel's own T, TVector and TLanes), a single value as <c>ElementaryFunctions.Exp(x)</c>.</para>
/// <para>Accuracy is measured against references of higher precision in <c>ElementaryFunctionsTests</c>, in units in the
/// last place (ulps) of the exact result. NaN inputs come back as themselves (payload kept); NaN made from non-NaN
/// inputs is the constant <c>T.NaN</c>, so its bits do not depend on the CPU either.</para>
/// </remarks>
internal static class ElementaryFunctions
{
    /// <summary>
    /// e^x, within 1 ulp (float) or 0.52 ulp (double); e^0 = 1 exactly and e^x ≤ 1 for x ≤ 0; subnormal results down to
    /// the smallest, then 0; +∞ past the largest finite result; e^−∞ = 0, e^∞ = ∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Exp<T, TVector, TLanes>(TVector x) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        Elementary<T, TVector, TLanes>.Exp(x);

    /// <summary>
    /// e^x − 1, within 1 ulp in relative terms also near 0 (expm1(±0) = ±0, expm1(x) = x for tiny x); −1 below −17.5
    /// (float) or −38.5 (double) and at −∞; +∞ past overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Expm1<T, TVector, TLanes>(TVector x) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        Elementary<T, TVector, TLanes>.Expm1(x);

    /// <summary>
    /// The natural logarithm, within 1 ulp, subnormal inputs included; log 1 = +0, log ±0 = −∞, log ∞ = ∞, and NaN for
    /// x &lt; 0 (−∞ included).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Log<T, TVector, TLanes>(TVector x) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        Elementary<T, TVector, TLanes>.Log(x);

    /// <summary>
    /// log(1 + x), within 1 ulp in relative terms also near 0 (log1p(±0) = ±0, log1p(x) = x for tiny x); log1p(−1) = −∞,
    /// NaN below −1, log1p(∞) = ∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Log1p<T, TVector, TLanes>(TVector x) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        Elementary<T, TVector, TLanes>.Log1p(x);

    /// <summary>
    /// The hyperbolic tangent, within 1 ulp in relative terms (tanh(±0) = ±0, tanh x = x for tiny x), never outside
    /// [−1, 1], exactly ±1 from about ±9 (float) or ±19 (double) on and at ±∞; odd: tanh(−x) = −tanh(x) bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh<T, TVector, TLanes>(TVector x) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        Elementary<T, TVector, TLanes>.Tanh(x);

    /// <summary>
    /// x^y, within 1 ulp (float) or 2 ulps (double), with the special cases of C99 and IEEE 754 that
    /// <see cref="Math.Pow"/> and <see cref="MathF.Pow"/> follow: x^±0 = 1 and 1^y = 1 even for NaN; otherwise NaN if x or
    /// y is; a finite negative x with a non-integer y gives NaN, with an integer y ±|x|^y (negative for odd y); ±0 and ±∞
    /// bases give ±0 or ±∞ by the sign of y and whether y is an odd integer; (−1)^±∞ = 1; x^±∞ is 0 or ∞ by whether
    /// |x| &lt; 1; overflow to ±∞ and underflow through the subnormals to ±0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Pow<T, TVector, TLanes>(TVector x, TVector y) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<T, TVector> =>
        Elementary<T, TVector, TLanes>.Pow(x, y);

    /// <summary>The error function in double, within 2 ulps; erf(±0) = ±0, erf(±∞) = ±1 (reached from about ±5.9 on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Erf<TVector, TLanes>(TVector x) where TLanes : struct, ILanes<double, TVector> =>
        Elementary<double, TVector, TLanes>.Erf(x);

    /// <summary>
    /// The complementary error function 1 − erf x in double, within 4 ulps in relative terms over the whole range: the
    /// far tail keeps its digits (subnormal results included) until it underflows to 0 near x = 27.2; erfc(−∞) = 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Erfc<TVector, TLanes>(TVector x) where TLanes : struct, ILanes<double, TVector> =>
        Elementary<double, TVector, TLanes>.Erfc(x);

    /// <inheritdoc cref="Exp{T, TVector, TLanes}(TVector)"/>
    public static float Exp(float x) => Elementary<float, float, Lanes1<float>>.Exp(x);

    /// <inheritdoc cref="Exp{T, TVector, TLanes}(TVector)"/>
    public static double Exp(double x) => Elementary<double, double, Lanes1<double>>.Exp(x);

    /// <inheritdoc cref="Expm1{T, TVector, TLanes}(TVector)"/>
    public static float Expm1(float x) => Elementary<float, float, Lanes1<float>>.Expm1(x);

    /// <inheritdoc cref="Expm1{T, TVector, TLanes}(TVector)"/>
    public static double Expm1(double x) => Elementary<double, double, Lanes1<double>>.Expm1(x);

    /// <inheritdoc cref="Log{T, TVector, TLanes}(TVector)"/>
    public static float Log(float x) => Elementary<float, float, Lanes1<float>>.Log(x);

    /// <inheritdoc cref="Log{T, TVector, TLanes}(TVector)"/>
    public static double Log(double x) => Elementary<double, double, Lanes1<double>>.Log(x);

    /// <inheritdoc cref="Log1p{T, TVector, TLanes}(TVector)"/>
    public static float Log1p(float x) => Elementary<float, float, Lanes1<float>>.Log1p(x);

    /// <inheritdoc cref="Log1p{T, TVector, TLanes}(TVector)"/>
    public static double Log1p(double x) => Elementary<double, double, Lanes1<double>>.Log1p(x);

    /// <inheritdoc cref="Tanh{T, TVector, TLanes}(TVector)"/>
    public static float Tanh(float x) => Elementary<float, float, Lanes1<float>>.Tanh(x);

    /// <inheritdoc cref="Tanh{T, TVector, TLanes}(TVector)"/>
    public static double Tanh(double x) => Elementary<double, double, Lanes1<double>>.Tanh(x);

    /// <inheritdoc cref="Pow{T, TVector, TLanes}(TVector, TVector)"/>
    public static float Pow(float x, float y) => Elementary<float, float, Lanes1<float>>.Pow(x, y);

    /// <inheritdoc cref="Pow{T, TVector, TLanes}(TVector, TVector)"/>
    public static double Pow(double x, double y) => Elementary<double, double, Lanes1<double>>.Pow(x, y);

    /// <inheritdoc cref="Erf{TVector, TLanes}(TVector)"/>
    public static double Erf(double x) => Elementary<double, double, Lanes1<double>>.Erf(x);

    /// <inheritdoc cref="Erfc{TVector, TLanes}(TVector)"/>
    public static double Erfc(double x) => Elementary<double, double, Lanes1<double>>.Erfc(x);
}
