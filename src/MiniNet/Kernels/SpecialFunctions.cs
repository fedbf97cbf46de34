namespace MiniNet.Kernels;

/// <summary>Special functions .NET does not provide, computed in double to about 1e-16.</summary>
internal static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126; // 2/√π
    private const double OneOverSqrtPi = 0.5641895835477563; // 1/√π
    private const double OneOverSqrtTwo = 0.7071067811865476;
    private const double SeriesLimit = 2.5;

    /// <summary>
    /// The error function, within a few ulps. Below |x| = 0.5 its Maclaurin series (alternating, but every
    /// term is smaller than x, so nothing cancels); up to 2.5 a series whose terms are all positive
    /// (erf x = 2/√π·e^−x²·Σ 2ⁿx^(2n+1)/(2n+1)!!), summed with compensation; above it 1 − erfc(|x|).
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        double result = ax < SeriesLimit ? ErfSeries(ax) : 1 - ErfcContinuedFraction(ax);
        return x < 0 ? -result : result;
    }

    /// <summary>The complementary error function 1 − erf(x), accurate in relative terms also where it is tiny (large x).</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0) return 2 - Erfc(-x);
        return x < SeriesLimit ? 1 - ErfSeries(x) : ErfcContinuedFraction(x);
    }

    /// <summary>Φ(x), the standard normal CDF: ½·erfc(−x/√2), accurate in relative terms in the far left tail.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x * OneOverSqrtTwo);

    private static double ErfSeries(double x)
    {
        double x2 = x * x;
        if (x < 0.5)
        {
            // erf x = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!·(2n+1)), summed from the smallest term up.
            Span<double> terms = stackalloc double[24];
            double power = x;
            int count = 0;
            for (int n = 0; n < terms.Length; n++)
            {
                double next = power / (2 * n + 1);
                terms[count++] = next;
                if (Math.Abs(next) < 1e-18 * x) break;
                power *= -x2 / (n + 1);
            }
            double small = 0;
            for (int i = count - 1; i >= 0; i--) small += terms[i];
            return TwoOverSqrtPi * small;
        }
        // Neumaier's compensated sum of the positive series.
        double term = x, sum = x, compensation = 0;
        for (int n = 1; n < 200 && term > 1e-17 * sum; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            double total = sum + term;
            compensation += sum >= term ? (sum - total) + term : (term - total) + sum;
            sum = total;
        }
        return TwoOverSqrtPi * Math.Exp(-x2) * (sum + compensation);
    }

    /// <summary>
    /// erfc(x) for x ≥ 2.5 by the continued fraction e^−x²/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))),
    /// evaluated from a fixed depth upwards (80 levels reach double precision from x = 2.5 on).
    /// </summary>
    private static double ErfcContinuedFraction(double x)
    {
        double tail = x;
        for (int n = 80; n >= 1; n--) tail = x + n * 0.5 / tail;
        return OneOverSqrtPi * Math.Exp(-x * x) / tail;
    }
}
