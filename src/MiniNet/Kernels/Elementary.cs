using System.Numerics;
using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

/// <summary>
/// MiniNet's elementary functions, each written once as a sequence of <see cref="ILanes{T, TVector}"/> operations, so
/// that a vector of any width and a single scalar give the same bits on every CPU (see <see cref="ElementaryFunctions"/>
/// for what each function promises). This file holds what the functions share: constants by element type, sums and
/// products carried in two terms, and the bit tricks that build and take apart powers of two.
/// </summary>
/// <remarks>
/// No function branches on a lane's value: special cases are computed alongside and chosen by masks, so a lane's result
/// never depends on its neighbours. Coefficients come from <c>tools/sollya/elementary.sollya</c>.
/// </remarks>
internal static partial class Elementary<T, TVector, TLanes>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TLanes : struct, ILanes<T, TVector>
{
    // Every helper here is marked for inlining: a function body is a hundred small calls, more than the JIT's budget
    // inlines by itself, and one left as a call (even IsSingle) costs more than the arithmetic around it.
    private static bool IsSingle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => typeof(T) == typeof(float);
    }

    /// <summary>Bits below the exponent field: 23 for float, 52 for double.</summary>
    private static int MantissaBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => IsSingle ? 23 : 52;
    }

    // Adding 1.5·2^23 (2^52 for double) rounds a value below 2^22 in magnitude to an integer held in the low bits.
    private static TVector Shifter
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Constant(12582912f, 6755399441055744.0);
    }

    private static TVector ShifterBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Bits(0x4B400000, 0x4338000000000000);
    }

    private static TVector OneBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Bits(0x3F800000, 0x3FF0000000000000);
    }

    private static TVector HalfBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Bits(0x3F000000, 0x3FE0000000000000);
    }

    // ln 2 = Ln2High + Ln2Low, Ln2High short enough that k·Ln2High is exact for every k exp and log meet.
    private static TVector Ln2High
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Constant(0.693145751953125f, 6.93147180369123816490e-01);
    }

    private static TVector Ln2Low
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Constant(1.42860677e-6f, 1.90821492927058770002e-10);
    }

    private static TVector Log2E
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Constant(1.44269504088896341f, 1.4426950408889634);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Constant(double value) =>
        TLanes.Broadcast(typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>((float)value) : Unsafe.BitCast<double, T>(value));

    /// <summary>A constant rounded for each element type: <paramref name="single"/> for float, <paramref name="dbl"/> for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Constant(float single, double dbl) =>
        TLanes.Broadcast(typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>(single) : Unsafe.BitCast<double, T>(dbl));

    /// <summary>A float constant, for code that runs for float only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Single(float value) => TLanes.Broadcast((T)(object)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Bits(int single, long dbl) => TLanes.BroadcastBits(typeof(T) == typeof(float) ? single : dbl);


    /// <summary>Where <paramref name="x"/> is NaN, <paramref name="x"/> itself (its payload kept); elsewhere <paramref name="result"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector KeepNaN(TVector x, TVector result) => TLanes.ConditionalSelect(TLanes.Equals(x, x), result, x);

    /// <summary>
    /// <paramref name="x"/> clamped to [<paramref name="lowest"/>, <paramref name="highest"/>], NaN passing through: a
    /// comparison and a select per bound, which is IEEE maximum and minimum against bounds that are neither NaN nor zero
    /// in two instructions each, whether or not the JIT sees the bounds as constants.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Clamp(TVector x, TVector lowest, TVector highest)
    {
        x = TLanes.ConditionalSelect(TLanes.LessThan(x, lowest), lowest, x);
        return TLanes.ConditionalSelect(TLanes.GreaterThan(x, highest), highest, x);
    }

    /// <summary>The sign bit of <paramref name="x"/> copied onto <paramref name="magnitude"/>, whose own sign bit is clear.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector WithSignOf(TVector x, TVector magnitude) => TLanes.BitwiseOr(magnitude, TLanes.BitwiseAnd(x, Constant(-0.0)));

    /// <summary>
    /// a + b as hi + lo exactly (Dekker's Fast2Sum): valid where a's exponent is at least b's, or a is 0 — every caller
    /// says why its operands qualify.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Hi, TVector Lo) FastTwoSum(TVector a, TVector b)
    {
        var hi = TLanes.Add(a, b);
        return (hi, TLanes.Subtract(b, TLanes.Subtract(hi, a)));
    }

    /// <summary>a + b as hi + lo exactly, for any finite a and b (Knuth's TwoSum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Hi, TVector Lo) TwoSum(TVector a, TVector b)
    {
        var hi = TLanes.Add(a, b);
        var bPart = TLanes.Subtract(hi, a);
        return (hi, TLanes.Add(TLanes.Subtract(a, TLanes.Subtract(hi, bPart)), TLanes.Subtract(b, bPart)));
    }

    /// <summary>a·b as hi + lo exactly: the fused multiply-add gives the rounding error of the product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Hi, TVector Lo) TwoProduct(TVector a, TVector b)
    {
        var hi = TLanes.Multiply(a, b);
        return (hi, TLanes.FusedMultiplyAdd(a, b, TLanes.Negate(hi)));
    }

    /// <summary>
    /// <paramref name="value"/>·2^k, where <paramref name="shifted"/> holds k as <see cref="Shifter"/> + k. The power is
    /// applied as two halves, 2^⌊k/2⌋·2^(k − ⌊k/2⌋), so that every k from below the subnormals to past the largest
    /// finite value is two normal factors: results round once, into the subnormals or to ∞, with no special case.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ScaleByPowerOfTwo(TVector value, TVector shifted)
    {
        // Shifting the shifter's bits left by the mantissa width leaves k·2^mantissa (the shifter's own bits fall off).
        var halfK = TLanes.ShiftLeftIntegers(TLanes.ShiftRightArithmeticIntegers(shifted, 1), MantissaBits);
        var wholeK = TLanes.ShiftLeftIntegers(shifted, MantissaBits);
        var first = TLanes.AddIntegers(halfK, OneBits);
        var second = TLanes.AddIntegers(TLanes.SubtractIntegers(wholeK, halfK), OneBits);
        return TLanes.Multiply(TLanes.Multiply(value, first), second);
    }

    /// <summary>
    /// Splits a positive normal x into 2^e·m with √2/2 ≤ m &lt; √2, e returned as a value of T: subtracting the bits of
    /// √2/2 makes the exponent field step where m crosses √2/2 instead of 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Exponent, TVector Mantissa) Decompose(TVector x)
    {
        var offset = TLanes.SubtractIntegers(x, Bits(0x3F3504F3, 0x3FE6A09E667F3BCD));
        var exponentBits = TLanes.ShiftRightArithmeticIntegers(offset, MantissaBits);
        var mantissa = TLanes.SubtractIntegers(x, TLanes.ShiftLeftIntegers(exponentBits, MantissaBits));
        var exponent = TLanes.Subtract(TLanes.AddIntegers(exponentBits, ShifterBits), Shifter); // the integer, as a value of T
        return (exponent, mantissa);
    }

    /// <summary>
    /// Subnormal inputs scaled into the normal range before <see cref="Decompose"/>, with the exponent they owe:
    /// 2^23 (2^52 for double) lifts the smallest subnormal to the smallest normal.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Scaled, TVector ExponentOwed) LiftSubnormals(TVector x)
    {
        var subnormal = TLanes.LessThan(x, Constant(1.17549435e-38f, 2.2250738585072014e-308));
        var scaled = TLanes.ConditionalSelect(subnormal, TLanes.Multiply(x, Constant(8388608f, 4503599627370496.0)), x);
        return (scaled, TLanes.BitwiseAnd(subnormal, Constant(23f, 52.0)));
    }
}
