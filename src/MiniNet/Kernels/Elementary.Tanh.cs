using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// tanh |x| = E / (E + 2) with E = e^(2|x|) − 1 in two terms: relative accuracy near 0 comes from expm1's, and the
// quotient is corrected by its remainder, so the result is rounded about once.
internal static partial class Elementary<T, TVector, TLanes>
{
    /// <inheritdoc cref="ElementaryFunctions.Tanh{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a root of its own, so that everything it calls inlines into it (optimised from the first call)
    public static TVector Tanh(TVector x)
    {
        // Beyond 10 (float) or 20 (double) tanh rounds to 1, and E + 2 still holds E.
        var magnitude = TLanes.Min(TLanes.Abs(x), Constant(10f, 20.0));
        var (e, eLow) = Expm1TwoTerm(TLanes.Add(magnitude, magnitude));
        var two = Constant(2.0);
        var (d, dLow) = FastTwoSum(TLanes.Max(e, two), TLanes.Min(e, two)); // the larger first: exact
        dLow = TLanes.Add(dLow, eLow);
        var quotient = TLanes.Divide(e, d);
        // e − q·d is exact (q is the rounded quotient); the low parts of both terms join it.
        var remainder = TLanes.FusedMultiplyAdd(TLanes.Negate(quotient), d, e);
        remainder = TLanes.FusedMultiplyAdd(TLanes.Negate(quotient), dLow, TLanes.Add(remainder, eLow));
        var result = TLanes.Add(quotient, TLanes.Divide(remainder, d));
        return KeepNaN(x, WithSignOf(x, result));
    }
}
