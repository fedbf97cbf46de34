using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// e^x and e^x − 1. Every form reduces x = k·ln 2 + r with |r| ≤ ln 2 / 2 (k rounded by the shifter, r exact in two
// terms by Cody–Waite), takes e^r − 1 from a polynomial and puts 2^k back.
internal static partial class Elementary<T, TVector, TLanes>
{
    /// <inheritdoc cref="ElementaryFunctions.Exp{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Exp(TVector x) => IsSingle ? ExpSingle(x) : ExpDouble(x);

    /// <summary>
    /// double e^x: <see cref="ExpOfTwoTerm"/> for a single term, without what only a low term and a factor need, and with
    /// the clamp of <see cref="Clamp"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TVector ExpDouble(TVector x)
    {
        var clamped = Clamp(x, Constant(-746.0), Constant(710.0));
        var (shifted, r, rLow) = ReduceForExp(clamped, TLanes.Zero);
        var (q, qLow) = ExpM1Reduced(r, rLow);
        var (one, oneLow) = FastTwoSum(TLanes.One, q); // |q| < 1
        return KeepNaN(x, ScaleByPowerOfTwo(TLanes.Add(one, TLanes.Add(oneLow, qLow)), shifted));
    }

    /// <inheritdoc cref="ElementaryFunctions.Expm1{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a root of its own, so that everything it calls inlines into it (optimised from the first call)
    public static TVector Expm1(TVector x)
    {
        var (hi, lo) = Expm1TwoTerm(x);
        // Below 2^−30 (2^−60) e^x − 1 rounds to x: ±0 and the subnormals come back exactly (the halved form would lose
        // the last bit of the smallest), and NaN as it went in; elsewhere the two terms round once.
        var tiny = TLanes.LessThan(TLanes.Abs(x), Constant(9.31322574615478515625e-10f, 8.6736173798840354720596224069595e-19));
        return TLanes.ConditionalSelect(tiny, x, KeepNaN(x, TLanes.Add(hi, lo)));
    }

    /// <summary>
    /// float e^x, the softmax's and the heads' exp, in as few operations as a 1-ulp result allows: one polynomial of
    /// degree 6 (relative error 2^−28.2), r rounded once, the polynomial in Horner's form with fused multiply-adds.
    /// Inputs are clamped to [−104, 89], beyond which the result is 0 or ∞ anyway; NaN passes the clamp and the
    /// arithmetic. Written out with no helper but <see cref="Single"/> and <see cref="Clamp"/>, so that the JIT's inlining budget lets it inline
    /// into the smallest kernel loop (<see cref="ScaleByPowerOfTwo"/> explains the last lines).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpSingle(TVector x)
    {
        x = Clamp(x, Single(-104f), Single(89f));
        var shifter = Single(12582912f);
        var shifted = TLanes.FusedMultiplyAdd(x, Single(1.44269504088896341f), shifter);
        var k = TLanes.Subtract(shifted, shifter);
        var r = TLanes.FusedMultiplyAdd(k, Single(-1.42860677e-6f), TLanes.FusedMultiplyAdd(k, Single(-0.693145751953125f), x));
        // e^r = 1 + r·(1 + r·P(r)) in Horner's form to the end: the last step rounds once, and the step before it
        // errs by half an ulp of a value near 1, which the last multiplies by |r| ≤ 0.35.
        var p = TLanes.FusedMultiplyAdd(Single(1.378246000967919826507568359375e-3f), r, Single(8.36866907775402069091796875e-3f));
        p = TLanes.FusedMultiplyAdd(p, r, Single(4.16689626872539520263671875e-2f));
        p = TLanes.FusedMultiplyAdd(p, r, Single(0.16666521131992340087890625f));
        p = TLanes.FusedMultiplyAdd(p, r, Single(0.4999999105930328369140625f));
        var expR = TLanes.FusedMultiplyAdd(TLanes.FusedMultiplyAdd(p, r, TLanes.One), r, TLanes.One);
        var halfK = TLanes.ShiftLeftIntegers(TLanes.ShiftRightArithmeticIntegers(shifted, 1), 23);
        var bias = TLanes.BroadcastBits(0x3F800000);
        var second = TLanes.AddIntegers(TLanes.SubtractIntegers(TLanes.ShiftLeftIntegers(shifted, 23), halfK), bias);
        return TLanes.Multiply(TLanes.Multiply(expR, TLanes.AddIntegers(halfK, bias)), second);
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
        return ScaleByPowerOfTwo(TLanes.FusedMultiplyAdd(factor, one, TLanes.Multiply(factor, TLanes.Add(oneLow, qLow))), shifted);
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
        var halfTMinusHalf = TLanes.Subtract(halfT, Constant(0.5));
        // From k = 25 (54 for double) on, t/2 − ½ rounds to t/2 (a tie, to even): its error, −½, joins the low part.
        var roundingOfHalf = TLanes.Subtract(TLanes.Subtract(halfT, halfTMinusHalf), Constant(0.5));
        var (sum, sumLow) = FastTwoSum(halfTMinusHalf, TLanes.Multiply(halfT, q));
        var low = TLanes.FusedMultiplyAdd(halfT, qLow, TLanes.Add(sumLow, roundingOfHalf));
        return (TLanes.Add(sum, sum), TLanes.Add(low, low));
    }

    /// <summary>
    /// x = k·ln 2 + r for x = hi + lo: k rounded by the shifter (returned as <see cref="Shifter"/> + k), r in two terms.
    /// hi − k·Ln2High is exact (k·Ln2High is exact and the two nearly cancel); the rounding error of the second step is
    /// recovered with one more fused multiply-add (r1 − r is exact wherever it matters, that is unless both are tiny).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Shifted, TVector R, TVector RLow) ReduceForExp(TVector hi, TVector lo)
    {
        var shifted = TLanes.FusedMultiplyAdd(hi, Log2E, Shifter);
        var k = TLanes.Subtract(shifted, Shifter);
        var minusK = TLanes.Negate(k);
        var r1 = TLanes.FusedMultiplyAdd(minusK, Ln2High, hi);
        var r = TLanes.FusedMultiplyAdd(minusK, Ln2Low, r1);
        var rLow = TLanes.Add(TLanes.FusedMultiplyAdd(minusK, Ln2Low, TLanes.Subtract(r1, r)), lo);
        return (shifted, r, rLow);
    }

    /// <summary>
    /// e^(r + rLow) − 1 in two terms for |r| ≤ ln 2 / 2 and tiny rLow: r + r²·P(r), P minimax of degree 5 (float) or
    /// 10 (double) with relative error 2^−27.8 or 2^−58 of the part beyond r (float's one degree more than float exp's:
    /// near 0.4, expm1's results, the polynomial's error is a larger part of an ulp). The sum r + r²·P is kept exact
    /// (Fast2Sum: |r²·P| &lt; |r|), and rLow enters as rLow·e^r, e^r being 1 + hi to far more digits than rLow needs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Hi, TVector Lo) ExpM1Reduced(TVector r, TVector rLow)
    {
        TVector p;
        if (IsSingle)
        {
            p = TLanes.FusedMultiplyAdd(Constant(1.99510497623123228549957275390625e-4f, 0), r, Constant(1.3930499553680419921875e-3f, 0));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(8.333199657499790191650390625e-3f, 0));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(4.16665114462375640869140625e-2f, 0));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(0.16666667163372039794921875f, 0));
        }
        else
        {
            p = TLanes.FusedMultiplyAdd(Constant(2.0896469681917513985306331081824582351913477396010421216487884521484375e-9), r,
                Constant(2.510539565721802107241790382070878440146088905748911201953887939453125e-8));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(2.75573269130193276998269137634256509272745461203157901763916015625e-7));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(2.75572548626451489382944981532119754774612374603748321533203125e-6));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(2.480158727187473425256081238643446340574882924556732177734375e-5));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(1.9841269875380774189398136453377219368121586740016937255859375e-4));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(1.38888888889050440313133183423133232281543314456939697265625e-3));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(8.3333333333259033970374929367608274333178997039794921875e-3));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(4.166666666666664353702032030923874117434024810791015625e-2));
            p = TLanes.FusedMultiplyAdd(p, r, Constant(0.1666666666666667129259593593815225176513195037841796875));
        }
        p = TLanes.FusedMultiplyAdd(p, r, Constant(0.5));
        var (hi, lo) = FastTwoSum(r, TLanes.Multiply(TLanes.Multiply(r, r), p));
        return (hi, TLanes.Add(lo, TLanes.FusedMultiplyAdd(rLow, hi, rLow)));
    }
}
