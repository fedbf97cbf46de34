using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// tanh |x| = E / (E + 2) with E = e^(2|x|) − 1 in two terms: relative accuracy near 0 comes from expm1's, and the
// quotient is corrected by its remainder, so the result is rounded about once.
internal static partial class Elementary<T, TVector, TLanes>
{
    /// <inheritdoc cref="ElementaryFunctions.Tanh{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh(TVector x)
    {
        // Beyond 10 (float) or 20 (double) tanh rounds to 1, and E + 2 still holds E.
        var magnitude = TLanes.Min(TLanes.Abs(x), Constant(10f, 20.0));
        var (e, eLow) = Expm1TwoTerm(Add(magnitude, magnitude));
        var two = Constant(2.0);
        var (d, dLow) = FastTwoSum(TLanes.Max(e, two), TLanes.Min(e, two)); // the larger first: exact
        dLow = Add(dLow, eLow);
        var quotient = Div(e, d);
        // e − q·d is exact (q is the rounded quotient); the low parts of both terms join it.
        var remainder = Fma(TLanes.Negate(quotient), d, e);
        remainder = Fma(TLanes.Negate(quotient), dLow, Add(remainder, eLow));
        var result = Add(quotient, Div(remainder, d));
        return KeepNaN(x, WithSignOf(x, result));
    }
}
