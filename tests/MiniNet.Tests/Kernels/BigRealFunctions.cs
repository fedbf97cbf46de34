namespace MiniNet.Tests.Kernels;

/// <summary>
/// Exact-to-about-200-bits exp, log, tanh, pow, erf and erfc on <see cref="BigReal"/>: Taylor and atanh series summed until
/// their terms vanish, range reductions by powers of two only, and a continued fraction for erfc's tail. Slow (tens of
/// microseconds a value) and plain, so that they can be trusted as references.
/// </summary>
internal static class BigRealFunctions
{
    private static readonly BigReal Epsilon = BigReal.One.ScaleB(-BigReal.Precision - 8);

    /// <summary>ln 2 = 2·atanh(1/3).</summary>
    public static readonly BigReal Ln2 = Atanh(BigReal.One / 3).ScaleB(1);

    /// <summary>π = 16·atan(1/5) − 4·atan(1/239) (Machin).</summary>
    public static readonly BigReal Pi = Atan(BigReal.One / 5).ScaleB(4) - Atan(BigReal.One / 239).ScaleB(2);

    private static readonly BigReal SqrtPi = Sqrt(Pi);

    public static BigReal Exp(BigReal x)
    {
        // x = k·ln 2 + r, then e^r = (e^(r/1024))^1024.
        long k = (long)Math.Round(x.ToDouble() / Math.Log(2));
        var r = (x - Ln2 * BigReal.Of(k)).ScaleB(-10);
        var sum = BigReal.One;
        var term = BigReal.One;
        for (int n = 1; term.Abs().CompareTo(Epsilon) > 0; n++)
        {
            term = term * r / n;
            sum += term;
        }
        for (int i = 0; i < 10; i++) sum *= sum;
        return sum.ScaleB((int)k);
    }

    public static BigReal Expm1(BigReal x)
    {
        if (x.Abs().CompareTo(BigReal.One.ScaleB(-1)) > 0) return Exp(x) - BigReal.One;
        // Σ xⁿ/n! from n = 1: no cancellation near 0.
        var sum = BigReal.Zero;
        var term = BigReal.One;
        for (int n = 1; n == 1 || term.Abs().CompareTo((sum.Abs() * Epsilon)) > 0; n++)
        {
            term = term * x / n;
            sum += term;
        }
        return sum;
    }

    public static BigReal Log(BigReal x)
    {
        if (x.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(x), "log of a non-positive number");
        // x = 2^e·m with 3/4 ≤ m < 3/2.
        int e = (int)x.Magnitude;
        var m = x.ScaleB(-e);
        if (m.CompareTo(BigReal.Of(1.5)) >= 0) { m = m.ScaleB(-1); e++; }
        return Atanh((m - BigReal.One) / (m + BigReal.One)).ScaleB(1) + Ln2 * BigReal.Of(e);
    }

    public static BigReal Log1p(BigReal x) =>
        x.Abs().CompareTo(BigReal.One.ScaleB(-1)) > 0 ? Log(BigReal.One + x) : Atanh(x / (BigReal.Of(2) + x)).ScaleB(1);

    public static BigReal Tanh(BigReal x)
    {
        if (x.Abs().CompareTo(BigReal.Of(40)) > 0) return BigReal.Of(x.Sign); // 1 − tanh is below 2^−115 there
        var e = Expm1(x.ScaleB(1));
        return e / (e + BigReal.Of(2));
    }

    /// <summary>|x|^y for x ≠ 0 (the caller sets the sign).</summary>
    public static BigReal PowOfMagnitude(BigReal x, BigReal y) => Exp(y * Log(x.Abs()));

    public static BigReal Erf(BigReal x)
    {
        if (x.Abs().CompareTo(BigReal.Of(4)) > 0) return BigReal.Of(x.Sign) - Erfc(x.Abs()) * BigReal.Of(x.Sign);
        return ErfSeries(x);
    }

    public static BigReal Erfc(BigReal x)
    {
        if (x.Sign < 0) return BigReal.Of(2) - Erfc(-x);
        if (x.CompareTo(BigReal.Of(4)) < 0) return BigReal.One - ErfSeries(x);
        // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), from a depth where it has converged.
        var tail = x;
        for (int n = 400; n >= 1; n--) tail = x + BigReal.Of(n).ScaleB(-1) / tail;
        return Exp(-(x * x)) / (SqrtPi * tail);
    }

    /// <summary>erf x = 2/√π·Σ (−1)ⁿ x^(2n+1) / (n!·(2n+1)); at |x| ≤ 4 the largest term costs 23 of the 200 bits.</summary>
    private static BigReal ErfSeries(BigReal x)
    {
        var square = x * x;
        var power = x;
        var sum = x;
        for (int n = 1; ; n++)
        {
            power = -(power * square) / n;
            var term = power / (2 * n + 1);
            sum += term;
            if (term.Abs().CompareTo(sum.Abs() * Epsilon) < 0) break;
        }
        return sum.ScaleB(1) / SqrtPi;
    }

    private static BigReal Atanh(BigReal s)
    {
        var square = s * s;
        var power = s;
        var sum = s;
        for (int n = 1; ; n++)
        {
            power *= square;
            var term = power / (2 * n + 1);
            sum += term;
            if (term.Abs().CompareTo(sum.Abs() * Epsilon) <= 0) return sum;
        }
    }

    private static BigReal Atan(BigReal s)
    {
        var square = s * s;
        var power = s;
        var sum = s;
        for (int n = 1; ; n++)
        {
            power = -(power * square);
            var term = power / (2 * n + 1);
            sum += term;
            if (term.Abs().CompareTo(sum.Abs() * Epsilon) <= 0) return sum;
        }
    }

    /// <summary>Newton's iteration for √a from the double's square root: each step doubles the correct bits.</summary>
    private static BigReal Sqrt(BigReal a)
    {
        var root = BigReal.Of(Math.Sqrt(a.ToDouble()));
        for (int i = 0; i < 4; i++) root = (root + a / root).ScaleB(-1);
        return root;
    }
}
