namespace MiniNet.Kernels;

/// <summary>Special functions .NET does not provide, in double: the error functions and the normal CDF.</summary>
internal static class SpecialFunctions
{
    private const double OneOverSqrtTwo = 0.7071067811865476;

    /// <summary>The error function, within 2 ulps: <see cref="ElementaryFunctions.Erf(double)"/>, the same bits on every CPU.</summary>
    public static double Erf(double x) => ElementaryFunctions.Erf(x);

    /// <summary>
    /// The complementary error function 1 − erf(x), within 4 ulps in relative terms also where it is tiny (large x):
    /// <see cref="ElementaryFunctions.Erfc(double)"/>.
    /// </summary>
    public static double Erfc(double x) => ElementaryFunctions.Erfc(x);

    /// <summary>Φ(x), the standard normal CDF: ½·erfc(−x/√2), accurate in relative terms in the far left tail.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x * OneOverSqrtTwo);
}
