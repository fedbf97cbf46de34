using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// e^x and e^x − 1. Every form reduces x = k·ln 2 + r with |r| ≤ ln 2 / 2 (k rounded by the shifter, r exact in two
// terms by Cody–Waite), takes e^r − 1 from a polynomial and puts 2^k back.
internal static partial class Elementary<T, TVector, TLanes>
{
    /// <inheritdoc cref="ElementaryFunctions.Exp{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Exp(TVector x) => IsSingle ? ExpSingle(x) : KeepNaN(x, ExpOfTwoTerm(x, TLanes.Zero, TLanes.One));

    /// <inheritdoc cref="ElementaryFunctions.Expm1{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Expm1(TVector x)
    {
        var (hi, lo) = Expm1TwoTerm(x);
        // Below 2^−30 (2^−60) e^x − 1 rounds to x: ±0 and the subnormals come back exactly (the halved form would lose
        // the last bit of the smallest), and NaN as it went in; elsewhere the two terms round once.
        var tiny = TLanes.LessThan(TLanes.Abs(x), Constant(9.31322574615478515625e-10f, 8.6736173798840354720596224069595e-19));
        return Select(tiny, x, KeepNaN(x, Add(hi, lo)));
    }

    /// <summary>
    /// float e^x, the softmax's and the heads' exp, in as few operations as a 1-ulp result allows: one polynomial of
    /// degree 6, r rounded once, (1 + r) + r²·P(r) rounded once with 1 + r held exactly in two terms. Inputs are clamped to [−104, 89], beyond which the result
    /// is 0 or ∞ anyway; NaN passes the clamp (IEEE minimum and maximum) and the arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpSingle(TVector x)
    {
        x = TLanes.Min(TLanes.Max(x, Constant(-104.0)), Constant(89.0));
        var shifted = Fma(x, Log2E, Shifter);
        var k = Sub(shifted, Shifter);
        var r = Fma(k, TLanes.Negate(Ln2Low), Fma(k, TLanes.Negate(Ln2High), x));
        var p = Fma(Constant(1.391076599247753620147705078125e-3f, 0), r, Constant(8.363096974790096282958984375e-3f, 0));
        p = Fma(p, r, Constant(4.1666708886623382568359375e-2f, 0));
        p = Fma(p, r, Constant(0.16666577756404876708984375f, 0));
        p = Fma(p, r, Constant(0.5));
        var (one, oneLow) = FastTwoSum(TLanes.One, r); // |r| < 1: 1 + r exactly, so that only the last sum rounds
        return ScaleByPowerOfTwo(Add(one, Fma(Mul(r, r), p, oneLow)), shifted);
    }

    /// <summary>
    /// factor·e^(hi + lo) for a value held in two terms, rounded once before 2^k is applied (twice where the result is
    /// subnormal): the double exp, pow's last step (with lo carrying the extra precision of y·log x) and erfc's e^(−x²)
    /// with its factor. hi is clamped to the range where results are finite and nonzero, plus a margin of more than the
    /// ½ that lo is clamped to: a lo that large belongs to an hi far out of range (a product y·log x near 2^64, say),
    /// whose result is 0 or ∞ either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpOfTwoTerm(TVector hi, TVector lo, TVector factor)
    {
        hi = TLanes.Min(TLanes.Max(hi, Constant(-105f, -747.0)), Constant(90f, 711.0));
        lo = TLanes.Min(TLanes.Max(lo, Constant(-0.5)), Constant(0.5));
        var (shifted, r, rLow) = ReduceForExp(hi, lo);
        var (q, qLow) = ExpM1Reduced(r, rLow);
        var (one, oneLow) = FastTwoSum(TLanes.One, q); // |q| < 1
        return ScaleByPowerOfTwo(Fma(factor, one, Mul(factor, Add(oneLow, qLow))), shifted);
    }

    /// <summary>
    /// e^x − 1 in two terms, hi + lo, accurate in relative terms also where it is tiny. With t = 2^k, e^x − 1 =
    /// t·(e^r − 1) + (t − 1); it is computed halved, (t/2 − ½) + (t/2)·(e^r − 1), so that t/2 is a normal number for
    /// every k up to overflow; the first sum is exact (Fast2Sum: |t/2 − ½| ≥ ¼ &gt; |(t/2)(e^r − 1)| for k &lt; 0,
    /// ≥ t/4 &gt; (t/2)·0.42 for k &gt; 0, and t/2 − ½ = 0 for k = 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Hi, TVector Lo) Expm1TwoTerm(TVector x)
    {
        // Below −17.5 (float) or −38.5 (double) e^x − 1 rounds to −1; above 89 or 710 it overflows.
        x = TLanes.Min(TLanes.Max(x, Constant(-17.5f, -38.5)), Constant(89f, 710.0));
        var (shifted, r, rLow) = ReduceForExp(x, TLanes.Zero);
        var (q, qLow) = ExpM1Reduced(r, rLow);
        var halfT = TLanes.AddIntegers(TLanes.ShiftLeftIntegers(shifted, MantissaBits), HalfBits); // 2^(k − 1)
        var halfTMinusHalf = Sub(halfT, Constant(0.5));
        // From k = 25 (54 for double) on, t/2 − ½ rounds to t/2 (a tie, to even): its error, −½, joins the low part.
        var roundingOfHalf = Sub(Sub(halfT, halfTMinusHalf), Constant(0.5));
        var (sum, sumLow) = FastTwoSum(halfTMinusHalf, Mul(halfT, q));
        var low = Fma(halfT, qLow, Add(sumLow, roundingOfHalf));
        return (Add(sum, sum), Add(low, low));
    }

    /// <summary>
    /// x = k·ln 2 + r for x = hi + lo: k rounded by the shifter (returned as <see cref="Shifter"/> + k), r in two terms.
    /// hi − k·Ln2High is exact (k·Ln2High is exact and the two nearly cancel); the rounding error of the second step is
    /// recovered with one more fused multiply-add (r1 − r is exact wherever it matters, that is unless both are tiny).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Shifted, TVector R, TVector RLow) ReduceForExp(TVector hi, TVector lo)
    {
        var shifted = Fma(hi, Log2E, Shifter);
        var k = Sub(shifted, Shifter);
        var minusK = TLanes.Negate(k);
        var r1 = Fma(minusK, Ln2High, hi);
        var r = Fma(minusK, Ln2Low, r1);
        var rLow = Add(Fma(minusK, Ln2Low, Sub(r1, r)), lo);
        return (shifted, r, rLow);
    }

    /// <summary>
    /// e^(r + rLow) − 1 in two terms for |r| ≤ ln 2 / 2 and tiny rLow: r + r²·P(r), P minimax of degree 5 (float) or
    /// 10 (double) with relative error 2^−27.8 or 2^−58 of the part beyond r (one degree more than float exp's, for
    /// expm1's results near 0.4, where the polynomial's error is a larger part of an ulp); the sum r + r²·P is kept exact (Fast2Sum:
    /// |r²·P| &lt; |r|), and rLow enters as rLow·e^r, e^r being 1 + hi to far more digits than rLow needs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Hi, TVector Lo) ExpM1Reduced(TVector r, TVector rLow)
    {
        TVector p;
        if (IsSingle)
        {
            p = Fma(Constant(1.99510497623123228549957275390625e-4f, 0), r, Constant(1.3930499553680419921875e-3f, 0));
            p = Fma(p, r, Constant(8.333199657499790191650390625e-3f, 0));
            p = Fma(p, r, Constant(4.16665114462375640869140625e-2f, 0));
            p = Fma(p, r, Constant(0.16666667163372039794921875f, 0));
        }
        else
        {
            p = Fma(Constant(2.0896469681917513985306331081824582351913477396010421216487884521484375e-9), r,
                Constant(2.510539565721802107241790382070878440146088905748911201953887939453125e-8));
            p = Fma(p, r, Constant(2.75573269130193276998269137634256509272745461203157901763916015625e-7));
            p = Fma(p, r, Constant(2.75572548626451489382944981532119754774612374603748321533203125e-6));
            p = Fma(p, r, Constant(2.480158727187473425256081238643446340574882924556732177734375e-5));
            p = Fma(p, r, Constant(1.9841269875380774189398136453377219368121586740016937255859375e-4));
            p = Fma(p, r, Constant(1.38888888889050440313133183423133232281543314456939697265625e-3));
            p = Fma(p, r, Constant(8.3333333333259033970374929367608274333178997039794921875e-3));
            p = Fma(p, r, Constant(4.166666666666664353702032030923874117434024810791015625e-2));
            p = Fma(p, r, Constant(0.1666666666666667129259593593815225176513195037841796875));
        }
        p = Fma(p, r, Constant(0.5));
        var (hi, lo) = FastTwoSum(r, Mul(Mul(r, r), p));
        return (hi, Add(lo, Fma(rLow, hi, rLow)));
    }
}
