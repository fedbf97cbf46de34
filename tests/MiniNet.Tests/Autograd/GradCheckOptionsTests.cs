namespace MiniNet.Tests.Autograd;

/// <summary>GradCheck's tolerances and step: a NaN or infinite one would fail every gradient, or pass every one.</summary>
public class GradCheckOptionsTests
{
    public static TheoryData<string, double> BadValues() => new()
    {
        { "Eps", 0 }, { "Eps", -1e-6 }, { "Eps", double.NaN }, { "Eps", double.PositiveInfinity },
        { "Atol", -1e-5 }, { "Atol", double.NaN }, { "Atol", double.PositiveInfinity },
        { "Rtol", -1e-3 }, { "Rtol", double.NaN }, { "Rtol", double.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_step_or_tolerance_that_is_not_a_finite_number_in_range_is_refused_where_it_is_set(string option, double value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => option switch
        {
            "Eps" => new GradCheckOptions { Eps = value },
            "Atol" => new GradCheckOptions { Atol = value },
            _ => new GradCheckOptions { Rtol = value },
        });
        Assert.Equal(option, error.ParamName);
        Assert.Contains($"GradCheckOptions: {option} is {value}", error.Message);
    }

    [Fact]
    public void The_defaults_are_PyTorchs_and_zero_tolerances_are_allowed()
    {
        var options = new GradCheckOptions { Atol = 0, Rtol = 0 };
        Assert.Equal((1e-6, 0.0, 0.0), (options.Eps, options.Atol, options.Rtol));
        Assert.Equal((1e-5, 1e-3), (new GradCheckOptions().Atol, new GradCheckOptions().Rtol));
    }
}
