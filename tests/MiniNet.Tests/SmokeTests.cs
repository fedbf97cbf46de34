namespace MiniNet.Tests;

public class SmokeTests
{
    [Fact]
    public void MatMul_then_sum_has_gradient_of_ones_times_transpose()
    {
        var a = Tensor.Randn([3, 4], seed: 1, DType.Float64).RequireGrad();
        var b = Tensor.Randn([4, 2], seed: 2, DType.Float64).RequireGrad();
        GradCheck.Assert(xs => (xs[0].MatMul(xs[1]).Sigmoid() * 3.0).Sum(), [a, b]);
    }
}
