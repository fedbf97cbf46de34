using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// x^y = e^(y·log|x|) with log|x| in two terms (LogTwoTerm) and y·log|x| in two terms, so that the error of the
// logarithm, multiplied by |y·log|x|| up to 745 (104 for float), stays below an ulp of the result; then the C99 and
// IEEE 754 special cases, each chosen by a mask.
internal static partial class Elementary<T, TVector, TLanes>
{
    /// <inheritdoc cref="ElementaryFunctions.Pow{T, TVector, TLanes}(TVector, TVector)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a root of its own, so that everything it calls inlines into it (optimised from the first call)
    public static TVector Pow(TVector x, TVector y)
    {
        var magnitude = TLanes.Abs(x);
        var infinity = Constant(double.PositiveInfinity);
        var finitePositive = TLanes.BitwiseAnd(TLanes.GreaterThan(magnitude, TLanes.Zero), TLanes.LessThan(magnitude, infinity));

        // The regular case, on inputs made harmless where it does not apply. Past 2^40 (2^64 for double) |y·log|x||
        // exceeds 2^16 (2^11) for every |x| ≠ 1, so clamping y changes no result, and keeps y·log|x| finite.
        var limit = Constant(1099511627776f, 18446744073709551616.0);
        var clampedY = TLanes.Min(TLanes.Max(y, TLanes.Negate(limit)), limit);
        var (logHi, logLo) = LogTwoTerm(TLanes.ConditionalSelect(finitePositive, magnitude, TLanes.One));
        var (z, zLow) = TwoProduct(clampedY, logHi);
        zLow = TLanes.FusedMultiplyAdd(clampedY, logLo, zLow);
        var result = ExpOfTwoTerm(z, zLow, TLanes.One);

        // |x| = 0 or ∞, or y = ±∞: the result is ∞ where y·log|x| → +∞, 0 where it → −∞, 1 for |x| = 1.
        var yInfinite = TLanes.Equals(TLanes.Abs(y), infinity);
        var towardInfinity = TLanes.BitwiseOr(
            TLanes.BitwiseAnd(TLanes.GreaterThan(magnitude, TLanes.One), TLanes.GreaterThan(y, TLanes.Zero)),
            TLanes.BitwiseAnd(TLanes.LessThan(magnitude, TLanes.One), TLanes.LessThan(y, TLanes.Zero)));
        var limitValue = TLanes.ConditionalSelect(towardInfinity, infinity, TLanes.BitwiseAnd(TLanes.Equals(magnitude, TLanes.One), TLanes.One));
        result = TLanes.ConditionalSelect(TLanes.BitwiseOr(yInfinite, TLanes.Equals(finitePositive, TLanes.Zero)), limitValue, result);

        // A negative x (−0 and −∞ included) with an odd integer y gives a negative result; with a non-integer y, NaN
        // where x is finite (C99: pow(−∞, y) is ±0 or ±∞ for every y).
        var half = TLanes.Multiply(y, Constant(0.5));
        var yInteger = TLanes.Equals(TLanes.Round(y), y);
        var yOdd = TLanes.ConditionalSelect(TLanes.Equals(TLanes.Round(half), half), TLanes.Zero, yInteger);
        var xNegative = TLanes.ShiftRightArithmeticIntegers(x, IsSingle ? 31 : 63); // all bits set where the sign bit is
        result = TLanes.BitwiseOr(result, TLanes.BitwiseAnd(TLanes.BitwiseAnd(xNegative, yOdd), Constant(-0.0)));
        var negativeFinite = TLanes.BitwiseAnd(TLanes.LessThan(x, TLanes.Zero), TLanes.GreaterThan(x, TLanes.Negate(infinity)));
        result = TLanes.ConditionalSelect(negativeFinite, TLanes.ConditionalSelect(yInteger, result, Constant(double.NaN)), result);

        // NaN in, NaN out (x's if both are), except that x^0 = 1 and 1^y = 1 for every x and y.
        result = KeepNaN(x, KeepNaN(y, result));
        return TLanes.ConditionalSelect(TLanes.BitwiseOr(TLanes.Equals(y, TLanes.Zero), TLanes.Equals(x, TLanes.One)), TLanes.One, result);
    }
}
