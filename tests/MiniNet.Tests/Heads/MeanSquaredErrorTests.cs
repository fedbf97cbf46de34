namespace MiniNet.Tests.Heads;

/// <summary>PyTorch's MSELoss, and why it is a poor loss after a sigmoid.</summary>
public class MeanSquaredErrorTests
{
    [Fact]
    public void Mean_squared_error_matches_its_definition_in_each_reduction()
    {
        var input = Tensor.FromArray(new[] { 1.0, -2.0, 0.5, 3.0 }).RequireGrad();
        var target = Tensor.FromArray(new[] { 0.0, -1.0, 0.5, 5.0 });
        // squared errors 1, 1, 0, 4
        Assert.Equal([1.0, 1, 0, 4], HeadAssert.Values(Losses.MeanSquaredError(input, target, Reduction.None)));
        Assert.Equal(6.0, Losses.MeanSquaredError(input, target, Reduction.Sum).Item());
        var mean = Losses.MeanSquaredError(input, target);
        Assert.Equal(1.5, mean.Item());
        mean.Backward();
        Assert.Equal([0.5, -0.5, 0, -1], HeadAssert.Values(input.Grad!)); // 2(x − y)/N
        GradCheck.Assert(x => Losses.MeanSquaredError(x, target), input.Detach().Clone().RequireGrad());
    }

    [Fact]
    public void Sigmoid_then_squared_error_saturates_where_the_fused_sigmoid_head_does_not()
    {
        // A confidently wrong logit: z = −10 for a positive example. The fused gradient is σ(z) − 1 ≈ −1; squared
        // error on σ(z) multiplies that by 2·σ(z)·(1 − σ(z)) ≈ 9e-5, and training stalls.
        var squared = Tensor.Full([1], -10.0, DType.Float64).RequireGrad();
        Losses.MeanSquaredError(squared.Sigmoid(), Tensor.Ones([1], DType.Float64)).Backward();
        var fused = Tensor.Full([1], -10.0, DType.Float64).RequireGrad();
        Losses.SigmoidBinaryCrossEntropy(fused, Tensor.Ones([1], DType.Float64)).Backward();

        double p = 1 / (1 + Math.Exp(10));
        Assert.Equal(p - 1, fused.Grad!.Item(), 1e-15);
        Assert.Equal(2 * (p - 1) * p * (1 - p), squared.Grad!.Item(), 1e-15);
        Assert.True(Math.Abs(squared.Grad!.Item()) < 1e-4 * Math.Abs(fused.Grad!.Item()));
    }
}
