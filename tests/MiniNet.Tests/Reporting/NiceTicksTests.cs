using MiniNet.Reporting;

namespace MiniNet.Tests.Reporting;

public class NiceTicksTests
{
    private static double[] Values(AxisScale scale) => scale.Ticks.Select(t => t.Value).ToArray();
    private static string[] Labels(AxisScale scale) => scale.Ticks.Select(t => t.Label).ToArray();
    private static string[] LabelledOnly(AxisScale scale) => scale.Ticks.Where(t => t.Label.Length > 0).Select(t => t.Label).ToArray();

    [Fact]
    public void Unit_range_gets_steps_of_two_tenths()
    {
        var scale = NiceTicks.Linear(0, 1, maxIntervals: 5);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], Values(scale));
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], Labels(scale));
        Assert.Equal((0.0, 1.0), (scale.Min, scale.Max));
    }

    [Fact]
    public void Data_range_grows_to_the_nice_ticks_around_it()
    {
        // 1.97 / 5 intervals: 0.2 would need 11 intervals (0.2 … 2.4), 0.5 needs 5 (0 … 2.5).
        var scale = NiceTicks.Linear(0.31, 2.28, maxIntervals: 5);
        Assert.Equal([0, 0.5, 1, 1.5, 2, 2.5], Values(scale));
        Assert.Equal(["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"], Labels(scale));
        Assert.Equal((0.0, 2.5), (scale.Min, scale.Max));
    }

    [Fact]
    public void Ticks_are_the_decimals_themselves_not_sums_of_steps()
    {
        // 0.1 + 0.2 = 0.30000000000000004 in doubles; the tick must be the double nearest 0.3, labelled "0.3".
        var scale = NiceTicks.Linear(0.1, 0.3, maxIntervals: 2);
        Assert.Equal([0.1, 0.2, 0.3], Values(scale));
        Assert.Equal(["0.1", "0.2", "0.3"], Labels(scale));
    }

    [Fact]
    public void Negative_range_has_signed_labels_and_a_plain_zero()
    {
        var scale = NiceTicks.Linear(-1.1, 1.0, maxIntervals: 5);
        Assert.Equal([-1.5, -1, -0.5, 0, 0.5, 1], Values(scale));
        Assert.Equal(["-1.5", "-1.0", "-0.5", "0.0", "0.5", "1.0"], Labels(scale));
        Assert.False(double.IsNegative(scale.Ticks[3].Value)); // not -0
    }

    [Fact]
    public void Tiny_range_is_labelled_in_scientific_notation()
    {
        var scale = NiceTicks.Linear(1e-6, 3e-6, maxIntervals: 5);
        Assert.Equal([1e-6, 1.5e-6, 2e-6, 2.5e-6, 3e-6], Values(scale));
        Assert.Equal(["1e-6", "1.5e-6", "2e-6", "2.5e-6", "3e-6"], Labels(scale));
    }

    [Fact]
    public void Millions_are_labelled_in_scientific_notation()
    {
        var scale = NiceTicks.Linear(0, 2.5e6, maxIntervals: 5);
        Assert.Equal(["0", "5e5", "1e6", "1.5e6", "2e6", "2.5e6"], Labels(scale));
    }

    [Fact]
    public void Single_value_gets_a_range_of_ten_percent_around_it()
    {
        var scale = NiceTicks.Linear(5, 5, maxIntervals: 5);
        Assert.Equal([4.5, 5, 5.5], Values(scale));
        Assert.Equal(["4.5", "5.0", "5.5"], Labels(scale));
    }

    [Fact]
    public void Single_zero_gets_the_range_minus_one_to_one()
    {
        var scale = NiceTicks.Linear(0, 0, maxIntervals: 5);
        Assert.Equal([-1, -0.5, 0, 0.5, 1], Values(scale));
    }

    [Fact]
    public void Integer_axis_never_ticks_between_whole_numbers()
    {
        Assert.Equal([1, 1.5, 2, 2.5, 3], Values(NiceTicks.Linear(1, 3, maxIntervals: 8)));
        Assert.Equal([1, 2, 3], Values(NiceTicks.Linear(1, 3, maxIntervals: 8, integerStep: true)));
        Assert.Equal(["0", "2", "4", "6", "8", "10", "12"], Labels(NiceTicks.Linear(1, 12, maxIntervals: 8, integerStep: true)));
        Assert.Equal(["0", "1", "2"], Labels(NiceTicks.Linear(1, 1, maxIntervals: 5, integerStep: true)));
    }

    [Fact]
    public void Fixed_range_keeps_its_bounds_and_ticks_only_inside()
    {
        var unit = NiceTicks.Linear(0, 1, maxIntervals: 4, fixedRange: true);
        Assert.Equal([0, 0.5, 1], Values(unit));
        Assert.Equal((0.0, 1.0), (unit.Min, unit.Max));

        var inner = NiceTicks.Linear(0.05, 0.97, maxIntervals: 5, fixedRange: true);
        Assert.Equal([0.2, 0.4, 0.6, 0.8], Values(inner));
        Assert.Equal((0.05, 0.97), (inner.Min, inner.Max));
    }

    [Fact]
    public void Percent_labels_scale_by_a_hundred()
    {
        Assert.Equal(["0%", "20%", "40%", "60%", "80%", "100%"], Labels(NiceTicks.Linear(0, 1, maxIntervals: 5, percent: true)));
        var narrow = NiceTicks.Linear(0.8, 0.9, maxIntervals: 5, percent: true);
        Assert.Equal(["80%", "82%", "84%", "86%", "88%", "90%"], Labels(narrow));
        Assert.Equal(0.82, narrow.Ticks[1].Value);
    }

    [Fact]
    public void Log_axis_spans_whole_decades_with_minor_ticks()
    {
        var scale = NiceTicks.Log(0.0042, 3.0, maxIntervals: 6);
        Assert.Equal((0.001, 10.0), (scale.Min, scale.Max));
        Assert.Equal(["0.001", "0.01", "0.1", "1", "10"], LabelledOnly(scale));
        Assert.Equal([0.001, 0.01, 0.1, 1, 10], scale.Ticks.Where(t => t.IsMajor).Select(t => t.Value));
        Assert.Equal(4 * 8, scale.Ticks.Count(t => !t.IsMajor)); // 2–9 × 10^k in each of the four decades
        Assert.Equal([0.001, 0.002, 0.003], Values(scale)[..3]);
    }

    [Fact]
    public void Log_axis_within_one_decade_labels_two_and_five_too()
    {
        var scale = NiceTicks.Log(0.3, 0.9, maxIntervals: 6);
        Assert.Equal((0.1, 1.0), (scale.Min, scale.Max));
        Assert.Equal(["0.1", "0.2", "0.5", "1"], LabelledOnly(scale));
    }

    [Fact]
    public void Log_axis_over_many_decades_labels_every_other_one()
    {
        var scale = NiceTicks.Log(1e-8, 1e4, maxIntervals: 6);
        Assert.Equal(["1e-8", "1e-6", "0.0001", "0.01", "1", "100", "10000"], LabelledOnly(scale));
        Assert.Equal(13, scale.Ticks.Count); // every decade ticked, no minor ticks
    }

    [Fact]
    public void Log_axis_of_a_single_power_of_ten_centres_it()
    {
        var scale = NiceTicks.Log(1, 1, maxIntervals: 5);
        Assert.Equal((0.1, 10.0), (scale.Min, scale.Max));
        Assert.Equal(0.5, scale.Fraction(1), 15);
    }

    [Fact]
    public void Log_axis_rejects_values_that_are_not_positive()
    {
        var error = Assert.Throws<ArgumentException>(() => NiceTicks.Log(0, 1, maxIntervals: 5));
        Assert.Contains("positive", error.Message);
    }

    [Fact]
    public void Decade_bounds_are_exact_at_powers_of_ten()
    {
        Assert.Equal(3, NiceTicks.FloorLog10(1000));
        Assert.Equal(2, NiceTicks.FloorLog10(999.99));
        Assert.Equal(-3, NiceTicks.FloorLog10(0.001));
        Assert.Equal(3, NiceTicks.CeilingLog10(1000));
        Assert.Equal(4, NiceTicks.CeilingLog10(1000.0001));
        Assert.Equal(-3, NiceTicks.CeilingLog10(0.001));
    }

    [Fact]
    public void Linear_ticks_reject_bad_ranges()
    {
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(double.NaN, 1, 5));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(2, 1, 5));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(1, 1, 5, fixedRange: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => NiceTicks.Linear(0, 1, 0));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(-1e308, 1e308, 5));
    }

    [Theory]
    [InlineData(35, -2, 2, "0.35")]
    [InlineData(3, 2, 0, "300")]
    [InlineData(-15, -1, 1, "-1.5")]
    [InlineData(0, -2, 2, "0.00")]
    [InlineData(5, -3, 3, "0.005")]
    [InlineData(5, -1, 3, "0.500")]
    public void Fixed_labels_are_exact_decimals(long units, int exponent, int decimals, string expected) =>
        Assert.Equal(expected, TickLabel.Fixed(units, exponent, decimals));

    [Theory]
    [InlineData(25, -7, "2.5e-6")]
    [InlineData(10, -6, "1e-5")]
    [InlineData(-3, 8, "-3e8")]
    [InlineData(125, 0, "1.25e2")]
    [InlineData(0, -9, "0")]
    public void Scientific_labels_keep_every_significant_digit(long units, int exponent, string expected) =>
        Assert.Equal(expected, TickLabel.Scientific(units, exponent));
}
