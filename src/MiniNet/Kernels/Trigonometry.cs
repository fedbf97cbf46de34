namespace MiniNet.Kernels;

/// <summary>
/// cos(πx) computed by MiniNet itself, so that a schedule built on it (cosine annealing) gives the same learning
/// rates on every CPU and runtime, where <see cref="Math.Cos"/> is the platform's C library. Within 1 ulp.
/// </summary>
internal static class Trigonometry
{
    // Taylor coefficients of cos(πr) and sin(πr) in r after their first terms: (−1)ⁿ·π²ⁿ/(2n)! and (−1)ⁿ·π²ⁿ⁺¹/(2n+1)!
    // for n ≥ 1. On |r| ≤ ¼ the first term left out is below 1e-20, far under half an ulp.
    private static readonly double[] CosTail =
        [-4.934802200544679, 4.0587121264167685, -1.3352627688545895, 0.2353306303588932, -0.02580689139001406,
         0.0019295743094039231, -0.0001046381049248457, 4.303069587032947e-06, -1.3878952462213771e-07];

    private static readonly double[] SinTail =
        [-5.16771278004997, 2.5501640398773455, -0.5992645293207921, 0.08214588661112823, -0.0073704309457143504,
         0.00046630280576761255, -2.1915353447830217e-05, 7.952054001475513e-07, -2.2948428997269873e-08];

    // π as a sum of two doubles: sin(πr)'s leading term r·π needs more than π's 53 bits to stay within an ulp.
    private const double PiHigh = Math.PI, PiLow = 1.2246467991473532e-16;

    /// <summary>cos(πx); NaN for NaN or ±∞. The reduction to [0, ¼] is exact: x mod 2 and the reflections 2 − x, 1 − x, ½ − x lose no bits.</summary>
    public static double CosPi(double x)
    {
        if (!double.IsFinite(x)) return double.NaN;
        x = Math.Abs(x) % 2;             // cos(πx) is even and has period 2
        if (x > 1) x = 2 - x;            // cos(π(2 − x)) = cos(πx)
        bool negate = x > 0.5;
        if (negate) x = 1 - x;           // cos(π(1 − x)) = −cos(πx)
        double result;
        if (x <= 0.25)
        {
            double square = x * x;
            result = Math.FusedMultiplyAdd(square, Series(CosTail, square), 1);                                 // 1 + r²·(…)
        }
        else
        {
            double r = 0.5 - x, square = r * r;                                                                  // cos(πx) = sin(π(½ − x))
            result = Math.FusedMultiplyAdd(r, PiHigh, Math.FusedMultiplyAdd(r, PiLow, r * square * Series(SinTail, square))); // πr + r³·(…)
        }
        return negate ? -result : result;
    }

    private static double Series(double[] coefficients, double square)
    {
        double sum = coefficients[^1];
        for (int i = coefficients.Length - 2; i >= 0; i--) sum = Math.FusedMultiplyAdd(sum, square, coefficients[i]);
        return sum;
    }
}
