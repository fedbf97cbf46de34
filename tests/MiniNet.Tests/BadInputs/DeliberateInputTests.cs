using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.BadInputs;

/// <summary>
/// The other side of the bad-input table: inputs that look doubtful but that PyTorch accepts on purpose, and so does
/// MiniNet (each is documented where it is taken). The refusals stop exactly where a NaN or a silent wrong number
/// would follow, and not before.
/// </summary>
public class DeliberateInputTests
{
    [Fact]
    public void LeakyRelu_takes_any_finite_slope_as_PyTorch_does()
    {
        var x = Tensor.FromArray([-1f, 2f]);
        Assert.Equal(1e30f, (float)x.LeakyRelu(-1e30).At(0));
        Assert.Equal(-5f, (float)x.LeakyRelu(5).At(0));
        Assert.Equal(2f, (float)x.LeakyRelu(-1e30).At(1));
        Assert.Equal(1e300, Tensor.FromArray([-1.0]).LeakyRelu(-1e300).At(0)); // float64 holds what float32 cannot
        Assert.Equal(1e30f, (float)new LeakyReLU(-1e30).Forward(x).At(0));
    }

    [Fact]
    public void Negative_class_weights_count_against_their_class_as_in_PyTorch()
    {
        var logits = Tensor.Zeros([2, 3]);
        var weight = Tensor.FromArray([-1f, 2f, 1f]);
        double nll = Math.Log(3); // every class has probability 1/3
        var rows = Losses.SoftmaxCrossEntropy(logits, [0, 1], weight, reduction: Reduction.None);
        Assert.Equal(-nll, rows.At(0), 1e-6);
        Assert.Equal(2 * nll, rows.At(1), 1e-6);
        Assert.Equal(nll, Losses.SoftmaxCrossEntropy(logits, [0, 1], weight).Item(), 1e-6); // Mean divides by Σ w_y = 1
    }

    [Fact]
    public void A_negative_posWeight_is_accepted_as_in_PyTorch()
    {
        // y = 1, z = 0: pw·softplus(−0) = −ln 2.
        var loss = Losses.SigmoidBinaryCrossEntropy(Tensor.Zeros([1, 1]), Tensor.Ones([1, 1]), posWeight: Tensor.FromArray([-1f]));
        Assert.Equal(-Math.Log(2), loss.Item(), 1e-6);
    }

    [Fact]
    public void An_infinite_softplus_threshold_means_never_linear()
    {
        var x = Tensor.FromArray([30.0]);
        Assert.Equal(30 + double.LogP1(Math.Exp(-30)), x.Softplus(threshold: double.PositiveInfinity).At(0), 1e-12);
        Assert.Equal(-30.0, Tensor.FromArray([-30.0]).Softplus(threshold: double.NegativeInfinity).At(0)); // always linear: x itself
    }

    [Fact]
    public void Clipping_to_an_infinite_norm_only_measures()
    {
        var parameter = Tensor.Ones([2]).RequireGrad();
        parameter.Grad = Tensor.FromArray([3f, 4f]);
        Assert.Equal(5, GradientClipping.ClipGradNorm([parameter], double.PositiveInfinity), 1e-6);
        Assert.Equal([3f, 4f], parameter.Grad.ToArray<float>());
    }
}
