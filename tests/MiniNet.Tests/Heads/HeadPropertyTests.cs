namespace MiniNet.Tests.Heads;

/// <summary>The properties that make the two heads what they are.</summary>
public class HeadPropertyTests
{
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void FusedSigmoidBce_gradient_is_p_minus_y(Reduction reduction)
    {
        var random = new Generator(21);
        var logits = Tensor.Normal([8, 5], 0, 3, random, DType.Float64).RequireGrad();
        var targets = Tensor.Uniform([8, 5], 0, 1, random, DType.Float64);
        Losses.SigmoidBinaryCrossEntropy(logits, targets, reduction: reduction).Backward();
        double scale = reduction == Reduction.Mean ? 1.0 / 40 : 1;
        var expected = ((logits.Detach().Sigmoid() - targets) * scale).ToArray<double>();
        HeadAssert.Close(expected, logits.Grad!, 1e-13, 1e-16, "gradient");
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void FusedSoftmaxCrossEntropy_gradient_is_p_minus_y(Reduction reduction)
    {
        var random = new Generator(22);
        var logits = Tensor.Normal([8, 6], 0, 3, random, DType.Float64).RequireGrad();
        int[] labels = [0, 5, 2, 2, 1, 3, 4, 0];
        Losses.SoftmaxCrossEntropy(logits, labels, reduction: reduction).Backward();
        var p = logits.Detach().Softmax().ToArray<double>();
        double scale = reduction == Reduction.Mean ? 1.0 / 8 : 1;
        for (int r = 0; r < 8; r++) p[r * 6 + labels[r]] -= 1;
        HeadAssert.Close(p.Select(v => v * scale).ToArray(), logits.Grad!, 1e-13, 1e-16, "gradient");
    }

    [Fact]
    public void Binary_softmax_equals_sigmoid_of_the_logit_difference()
    {
        // softmax([a, b])₀ = σ(a − b): the two heads agree on a binary problem, in probability, loss and gradient.
        var random = new Generator(23);
        var pairs = Tensor.Normal([200, 2], 0, 4, random, DType.Float64).RequireGrad();
        var softmaxProbabilities = new SoftmaxHead().Probabilities(pairs.Detach()).ToArray<double>();
        var a = pairs.Detach().Slice(1, 0, 1);
        var b = pairs.Detach().Slice(1, 1, 2);
        var difference = (a - b).RequireGrad();
        var sigmoidProbabilities = new SigmoidHead().Probabilities(difference).ToArray<double>();
        for (int i = 0; i < 200; i++)
            Assert.Equal(sigmoidProbabilities[i], softmaxProbabilities[2 * i], 1e-15);

        // Class 0 of the softmax is "yes" of the sigmoid: labels 0 ⇔ targets 1.
        var yes = Tensor.Uniform([200, 1], 0, 1, random, DType.Float64).ToArray<double>().Select(u => u < 0.5 ? 1.0 : 0.0).ToArray();
        var softmaxLoss = Losses.SoftmaxCrossEntropy(pairs, yes.Select(y => y == 1 ? 0 : 1).ToArray(), reduction: Reduction.Sum);
        var sigmoidLoss = Losses.SigmoidBinaryCrossEntropy(difference, Tensor.FromArray(yes, [200, 1]), reduction: Reduction.Sum);
        Assert.Equal(sigmoidLoss.Item(), softmaxLoss.Item(), 1e-11);
        softmaxLoss.Backward();
        sigmoidLoss.Backward();
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(difference.Grad!.At(i, 0), pairs.Grad!.At(i, 0), 1e-15);
            Assert.Equal(-difference.Grad!.At(i, 0), pairs.Grad!.At(i, 1), 1e-15);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Gradient_at_logit_0_with_target_0_is_one_half(DType dtype)
    {
        var logit = Tensor.Zeros([1], dtype).RequireGrad();
        Losses.SigmoidBinaryCrossEntropy(logit, Tensor.Zeros([1], dtype), reduction: Reduction.Sum).Backward();
        Assert.Equal(0.5, logit.Grad!.At(0));

        // The softmax head's counterpart: two equal logits, the label on the other class.
        var logits = Tensor.Zeros([1, 2], dtype).RequireGrad();
        Losses.SoftmaxCrossEntropy(logits, [1], reduction: Reduction.Sum).Backward();
        Assert.Equal([0.5, -0.5], HeadAssert.Values(logits.Grad!));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Losses_are_never_negative(DType dtype)
    {
        var random = new Generator(24);
        var logits = (Tensor.Normal([64, 10], 0, 1, random, DType.Float64) * 30).To(dtype);
        var probabilities = Tensor.Normal([64, 10], 0, 2, random, DType.Float64).Softmax().To(dtype);
        var soft = Tensor.Uniform([64, 10], 0, 1, random, DType.Float64).To(dtype);
        var weight = Tensor.Uniform([10], 0, 3, random, DType.Float64).To(dtype);
        var labels = Enumerable.Range(0, 64).Select(i => i * 7 % 10).ToArray();
        Tensor[] losses =
        [
            Losses.SigmoidBinaryCrossEntropy(logits, soft, weight, weight, Reduction.None),
            Losses.SigmoidBinaryCrossEntropy(logits, soft, reduction: Reduction.None),
            Losses.SoftmaxCrossEntropy(logits, labels, weight, labelSmoothing: 0.2, reduction: Reduction.None),
            Losses.SoftmaxCrossEntropy(logits, labels, reduction: Reduction.None),
            Losses.SoftmaxCrossEntropy(logits, probabilities, weight, labelSmoothing: 0.1, reduction: Reduction.None),
            Losses.SoftmaxCrossEntropy(logits, probabilities, reduction: Reduction.None),
        ];
        foreach (var loss in losses)
            Assert.All(HeadAssert.Values(loss), value => Assert.True(value >= 0, $"a loss of {value}"));
    }
}
