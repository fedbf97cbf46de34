namespace MiniNet.Tests.Ops;

/// <summary>
/// Every row of the unary-op table (<see cref="UnaryOp.All"/>) through every shared check: the table drives the
/// theories, so a row added to it is checked the day it is added, and none can be left out by a name filter.
/// </summary>
public class UnaryOpTableTests
{
    public static TheoryData<string, string> GradCases() => UnaryOpChecks.Cases(_ => true);

    public static TheoryData<string> Ops() => UnaryOp.Names(_ => true);

    public static TheoryData<string> OpsThatPropagateNaN() => UnaryOp.Names(op => op.PropagatesNaN);

    [Theory]
    [MemberData(nameof(GradCases))]
    public void Gradient_matches_finite_differences(string op, string shape) =>
        UnaryOpChecks.GradientMatchesFiniteDifferences(op, shape);

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float64_forward_is_within_its_ulp_budget_of_a_reference_in_double(string op) =>
        UnaryOpChecks.Float64ForwardMatchesReference(op);

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float32_forward_is_within_its_ulp_budget_of_a_reference_in_double(string op) =>
        UnaryOpChecks.Float32ForwardMatchesReference(op);

    [Theory]
    [MemberData(nameof(OpsThatPropagateNaN))]
    public void NaN_propagates_in_float32(string op) => UnaryOpChecks.NaNPropagates(op, DType.Float32);

    [Theory]
    [MemberData(nameof(OpsThatPropagateNaN))]
    public void NaN_propagates_in_float64(string op) => UnaryOpChecks.NaNPropagates(op, DType.Float64);

    [Fact]
    public void Only_ops_that_are_constant_by_definition_do_not_propagate_NaN()
    {
        // PyTorch: torch.tensor(float('nan')).pow(0) is 1. Every other row must carry a NaN through.
        Assert.Equal(["Pow(0)"], UnaryOp.All.Where(op => !op.PropagatesNaN).Select(op => op.Name));
    }

    [Theory]
    [InlineData(16)] // floats in a 512-bit vector
    [InlineData(8)]  // doubles
    public void The_forward_checks_reach_every_vector_width_and_the_scalar_tail(int widest)
    {
        // The drivers run the widest loop, then each narrower one, then scalars: each must get elements.
        int remaining = UnaryOpChecks.ForwardLength;
        for (int width = widest; width >= 1; width /= 2)
        {
            if (width == widest / 8) break; // 512, 256 and 128 bits, then the scalar tail below
            int taken = remaining / width * width;
            Assert.True(taken > 0, $"{UnaryOpChecks.ForwardLength} elements leave nothing for the {width}-wide loop");
            remaining -= taken;
        }
        Assert.True(remaining > 0, $"{UnaryOpChecks.ForwardLength} elements leave nothing for the scalar tail");
    }
}
