using MiniNet.Kernels;

namespace MiniNet.Tests.Kernels;

/// <summary>MiniNet's own cos(πx), which cosine annealing uses so that its learning rates are the same on every platform.</summary>
public class TrigonometryTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.5, 0)]
    [InlineData(1, -1)]
    [InlineData(1.5, 0)]
    [InlineData(2, 1)]
    [InlineData(-1, -1)]
    [InlineData(0.25, 0.70710678118654757)]
    [InlineData(1.0 / 3, 0.5)]
    [InlineData(2.0 / 3, -0.5)]
    [InlineData(1e9 + 0.5, 0)]
    public void Cos_pi_is_exact_or_correctly_rounded_at_simple_points(double x, double expected) =>
        Assert.Equal(expected, Trigonometry.CosPi(x), 15);

    [Fact]
    public void Cos_pi_is_within_one_ulp_of_a_28_digit_reference_over_a_dense_sweep()
    {
        // x = k / 2¹⁶ is exact in double and in decimal, so the reference needs no rounded argument: cos(πx) by its
        // series in decimal (28 digits) after reducing x exactly.
        const int Steps = 1 << 16;
        for (int k = -4 * Steps; k <= 4 * Steps; k += 37)
        {
            double x = (double)k / Steps;
            // decimal → double through text: the conversion operator is not correctly rounded, parsing is.
            double expected = double.Parse(CosPiReference((decimal)k / Steps).ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
            double actual = Trigonometry.CosPi(x);
            Assert.True(Math.Abs(expected - actual) <= Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected) || expected == actual,
                $"CosPi({x:R}) = {actual:R}, expected {expected:R}");
        }
    }

    private static decimal CosPiReference(decimal x)
    {
        const decimal Pi = 3.1415926535897932384626433833m;
        x = Math.Abs(x) % 2;
        decimal t = Pi * (x > 1 ? 2 - x : x) - Pi / 2; // cos(πx) = −sin(πx − π/2), with |πx − π/2| ≤ π/2
        decimal sum = 0, term = t;
        for (int n = 1; term != 0; n += 2)
        {
            sum += term;
            term = -term * t * t / ((n + 1) * (n + 2));
        }
        return -sum;
    }

    [Fact]
    public void Cos_pi_of_NaN_or_infinity_is_NaN()
    {
        Assert.True(double.IsNaN(Trigonometry.CosPi(double.NaN)));
        Assert.True(double.IsNaN(Trigonometry.CosPi(double.PositiveInfinity)));
        Assert.True(double.IsNaN(Trigonometry.CosPi(double.NegativeInfinity)));
    }
}
