using System.Runtime.CompilerServices;

namespace MiniNet.Kernels;

// log x and log(1 + x). x = 2^e·(1 + f) with √2/2 ≤ 1 + f < √2, so |log(1 + f)| ≤ ln 2 / 2 and e·ln 2 never cancels it
// by more than half; log(1 + f) from a polynomial in f (float) or in s = f / (2 + f) (double, fdlibm's form).
internal static partial class Elementary<T, TVector, TLanes>
{
    /// <inheritdoc cref="ElementaryFunctions.Log{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a root of its own, so that everything it calls inlines into it (optimised from the first call)
    public static TVector Log(TVector x)
    {
        var (scaled, exponentOwed) = LiftSubnormals(x);
        var (exponent, mantissa) = Decompose(scaled);
        var result = LogOfParts(TLanes.Subtract(exponent, exponentOwed), TLanes.Subtract(mantissa, TLanes.One), TLanes.Zero);
        return LogSpecialCases(x, result);
    }

    /// <inheritdoc cref="ElementaryFunctions.Log1p{T, TVector, TLanes}(TVector)"/>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a root of its own, so that everything it calls inlines into it (optimised from the first call)
    public static TVector Log1p(TVector x)
    {
        // 1 + x = u + c exactly; log(u + c) = log u + c/u to far below an ulp, since |c/u| ≤ 2^−24 (2^−53).
        var (u, c) = TwoSum(TLanes.One, x);
        var (exponent, mantissa) = Decompose(u);
        var result = LogOfParts(exponent, TLanes.Subtract(mantissa, TLanes.One), TLanes.Divide(c, u));
        // ±0 come back as they went in (the sum above would give +0 for −0).
        return TLanes.ConditionalSelect(TLanes.Equals(x, TLanes.Zero), x, KeepNaN(x, LogSpecialCases(u, result)));
    }

    /// <summary>
    /// The answers where <paramref name="u"/> (x for log, 1 + x for log1p) is not a positive finite number: log 0 = −∞,
    /// a negative argument gives NaN (the constant <c>T.NaN</c>, the same bits on every CPU), +∞ gives +∞, NaN itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LogSpecialCases(TVector u, TVector result)
    {
        var infinity = Constant(double.PositiveInfinity);
        result = TLanes.ConditionalSelect(TLanes.Equals(u, infinity), infinity, result);
        result = TLanes.ConditionalSelect(TLanes.Equals(u, TLanes.Zero), TLanes.Negate(infinity), result);
        result = TLanes.ConditionalSelect(TLanes.LessThan(u, TLanes.Zero), Constant(double.NaN), result);
        return KeepNaN(u, result);
    }

    /// <summary>
    /// e·ln 2 + log(1 + f) + <paramref name="correction"/>, the correction a term far below an ulp (log1p's c/u). The
    /// leading sum e·Ln2High + f is exact in two terms (Fast2Sum: |e·Ln2High| ≥ ln 2 − ε &gt; |f| unless e = 0), and
    /// everything else is added to its low part, so the result is rounded once, at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LogOfParts(TVector e, TVector f, TVector correction)
    {
        var (hi, lo) = FastTwoSum(TLanes.Multiply(e, Ln2High), f);
        lo = TLanes.FusedMultiplyAdd(e, Ln2Low, TLanes.Add(lo, correction));
        return TLanes.Add(hi, TLanes.Add(lo, IsSingle ? Log1pBeyondLinearSingle(f) : Log1pBeyondLinearDouble(f)));
    }

    /// <summary>float log(1 + f) − f = f²·P(f), P minimax of degree 8 on [√2/2 − 1, √2 − 1], relative error 2^−24.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Log1pBeyondLinearSingle(TVector f)
    {
        var p = TLanes.FusedMultiplyAdd(Constant(-7.773077487945556640625e-2f, 0), f, Constant(0.1278807222843170166015625f, 0));
        p = TLanes.FusedMultiplyAdd(p, f, Constant(-0.13121785223484039306640625f, 0));
        p = TLanes.FusedMultiplyAdd(p, f, Constant(0.1419487297534942626953125f, 0));
        p = TLanes.FusedMultiplyAdd(p, f, Constant(-0.1662593781948089599609375f, 0));
        p = TLanes.FusedMultiplyAdd(p, f, Constant(0.20001669228076934814453125f, 0));
        p = TLanes.FusedMultiplyAdd(p, f, Constant(-0.2500083148479461669921875f, 0));
        p = TLanes.FusedMultiplyAdd(p, f, Constant(0.3333332538604736328125f, 0));
        p = TLanes.FusedMultiplyAdd(p, f, Constant(-0.4999999701976776123046875f, 0));
        return TLanes.Multiply(TLanes.Multiply(f, f), p);
    }

    /// <summary>
    /// double log(1 + f) − f by fdlibm's <c>__ieee754_log</c> (Sun Microsystems, freely redistributable): with
    /// s = f / (2 + f) and h = f²/2, log(1 + f) − f = s·(h + R(s²)) − h, R of degree 7 in s² (error below 2^−58.45).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Log1pBeyondLinearDouble(TVector f)
    {
        var s = TLanes.Divide(f, TLanes.Add(Constant(2.0), f));
        var z = TLanes.Multiply(s, s);
        var w = TLanes.Multiply(z, z);
        // fdlibm's split of R into its odd and even powers of w = s⁴, two shorter chains.
        var odd = TLanes.FusedMultiplyAdd(w, Constant(1.531383769920937332e-01), Constant(2.222219843214978396e-01));
        odd = TLanes.Multiply(w, TLanes.FusedMultiplyAdd(w, odd, Constant(3.999999999940941908e-01)));
        var even = TLanes.FusedMultiplyAdd(w, Constant(1.479819860511658591e-01), Constant(1.818357216161805012e-01));
        even = TLanes.FusedMultiplyAdd(w, even, Constant(2.857142874366239149e-01));
        even = TLanes.Multiply(z, TLanes.FusedMultiplyAdd(w, even, Constant(6.666666666666735130e-01)));
        var halfSquare = TLanes.Multiply(Constant(0.5), TLanes.Multiply(f, f));
        return TLanes.FusedMultiplyAdd(s, TLanes.Add(halfSquare, TLanes.Add(odd, even)), TLanes.Negate(halfSquare));
    }

    /// <summary>
    /// log x in two terms, hi + lo, with relative error about 2^−64 (double) or 2^−38 (float): pow's logarithm, whose
    /// error is multiplied by y. x must be positive and finite (subnormals allowed). With s = (m − 1)/(m + 1) in two
    /// terms, log m = 2s + (2/3)s³ + s⁵·T(s²): the first two terms in two-term arithmetic, the tail (below 2^−12 of the
    /// whole) in plain arithmetic, T minimax with relative error 2^−54 (double) or 2^−26 (float).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Hi, TVector Lo) LogTwoTerm(TVector x)
    {
        var (scaled, exponentOwed) = LiftSubnormals(x);
        var (exponent, m) = Decompose(scaled);
        exponent = TLanes.Subtract(exponent, exponentOwed);

        // s = (m − 1)/(m + 1): m − 1 is exact; m + 1 exact in two terms (Fast2Sum: 1's exponent ≥ m's for m < 2).
        var numerator = TLanes.Subtract(m, TLanes.One);
        var (denominator, denominatorLow) = FastTwoSum(TLanes.One, m);
        var s = TLanes.Divide(numerator, denominator);
        var minusS = TLanes.Negate(s);
        var remainder = TLanes.FusedMultiplyAdd(minusS, denominatorLow, TLanes.FusedMultiplyAdd(minusS, denominator, numerator));
        var sLow = TLanes.Divide(remainder, denominator);

        // s² and s³ in two terms.
        var (s2, s2Low) = TwoProduct(s, s);
        s2Low = TLanes.FusedMultiplyAdd(TLanes.Add(s, s), sLow, s2Low);
        var (s3, s3Low) = TwoProduct(s2, s);
        s3Low = TLanes.FusedMultiplyAdd(s2Low, s, TLanes.FusedMultiplyAdd(s2, sLow, s3Low));

        // (2/3)·s³ with 2/3 in two terms.
        var twoThirds = Constant(0.666666686534881591796875f, 0.66666666666666662965923251249478198587894439697265625);
        var twoThirdsLow = Constant(-1.98682149251302083333e-8f, 3.7007434154171882e-17);
        var (cubic, cubicLow) = TwoProduct(twoThirds, s3);
        cubicLow = TLanes.FusedMultiplyAdd(twoThirdsLow, s3, TLanes.FusedMultiplyAdd(twoThirds, s3Low, cubicLow));

        TVector t;
        if (IsSingle)
        {
            t = TLanes.FusedMultiplyAdd(Constant(0.18871180713176727294921875f, 0), s2, Constant(0.2221758663654327392578125f, 0));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.2857134342193603515625f, 0));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.4000000059604644775390625f, 0));
        }
        else
        {
            t = TLanes.FusedMultiplyAdd(Constant(0.11584823221974353824048620253961416892707347869873046875), s2,
                Constant(0.11721498056217168060033628762539592571556568145751953125));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.1333413136961670020230741329214652068912982940673828125));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.15384610088511763148488853403250686824321746826171875));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.1818181815345087659618883435541647486388683319091796875));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.2222222222277901171327840756930527277290821075439453125));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.285714285714263105386834240562166087329387664794921875));
            t = TLanes.FusedMultiplyAdd(t, s2, Constant(0.40000000000000002220446049250313080847263336181640625));
        }
        var tail = TLanes.Multiply(TLanes.Multiply(s3, s2), t);

        // e·Ln2High + 2s exact (|e·Ln2High| > |2s| unless e = 0); then + (2/3)s³, far smaller than that sum.
        var (hi, lo) = FastTwoSum(TLanes.Multiply(exponent, Ln2High), TLanes.Add(s, s));
        var (hi2, lo2) = FastTwoSum(hi, cubic);
        var smallTerms = TLanes.Add(TLanes.Add(sLow, sLow), TLanes.Add(cubicLow, tail));
        var low = TLanes.Add(TLanes.Add(lo, lo2), TLanes.FusedMultiplyAdd(exponent, Ln2Low, smallTerms));
        return FastTwoSum(hi2, low);
    }
}
