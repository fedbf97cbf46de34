using MiniNet.Kernels;

namespace MiniNet.Tests.Layers;

public class SpecialFunctionsTests
{
    // Reference values: Python's math.erf (correctly rounded to within an ulp), printed with repr.
    public static TheoryData<double, double> ErfReferences => new()
    {
        { -7, -1.0 }, { -6, -1.0 }, { -5.5, -0.9999999999999927 }, { -3, -0.9999779095030014 },
        { -2.6, -0.9997639655834707 }, { -2.5, -0.999593047982555 }, { -2.49, -0.9995707121322661 },
        { -1, -0.8427007929497149 }, { -0.5, -0.5204998778130465 }, { -0.001, -0.0011283787909692365 },
        { -1e-10, -1.1283791670955126e-10 }, { 0, 0.0 }, { 1e-300, 1.1283791670955126e-300 },
        { 1e-08, 1.1283791670955126e-08 }, { 0.1, 0.1124629160182849 }, { 0.3, 0.3286267594591274 },
        { 0.9, 0.7969082124228322 }, { 1.5, 0.9661051464753108 }, { 2, 0.9953222650189527 },
        { 2.4999, 0.9995928300996666 }, { 2.5, 0.999593047982555 }, { 2.7, 0.9998656672600594 },
        { 3.5, 0.9999992569016276 }, { 4, 0.9999999845827421 }, { 4.5, 0.9999999998033839 },
        { 5, 0.9999999999984626 }, { 5.9, 0.9999999999999999 }, { 8, 1.0 },
    };

    [Theory]
    [MemberData(nameof(ErfReferences))]
    public void Erf_matches_reference_within_three_ulps(double x, double expected)
    {
        // Three ulps: the series' result is a product of three rounded factors (2/√π, e^−x², the sum).
        double actual = SpecialFunctions.Erf(x);
        Assert.True(Math.Abs(actual - expected) <= 3 * Math.Max(double.Epsilon, double.BitIncrement(Math.Abs(expected)) - Math.Abs(expected)),
            $"erf({x}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void Erfc_is_accurate_in_relative_terms_in_the_tail()
    {
        // erfc(5) = 1.5374597944280348e-12, erfc(10) = 2.088487583762545e-45 (mpmath, 17 digits).
        Assert.Equal(1.5374597944280348e-12, SpecialFunctions.Erfc(5), 1e-25);
        Assert.True(Math.Abs(SpecialFunctions.Erfc(10) / 2.088487583762545e-45 - 1) < 1e-14);
        Assert.Equal(2.0, SpecialFunctions.Erfc(-10));
        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
    }
}
