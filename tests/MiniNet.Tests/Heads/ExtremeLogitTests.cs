using static MiniNet.Tests.Heads.ExactReferences;

namespace MiniNet.Tests.Heads;

/// <summary>
/// Logits {0, ±1e-3, ±1, ±20, ±89, ±120, ±501, ±1e4, ±1e20, ±float.MaxValue} in float32 and float64: the losses
/// and gradients are the exact values (mpmath, see ExactReferences) rounded to the dtype, to a few ulps. No NaN
/// ever; every gradient is finite; a loss is finite whenever its exact value fits the dtype.
/// </summary>
public class ExtremeLogitTests
{
    public static TheoryData<DType, bool> Variants() => new()
    {
        { DType.Float32, false }, { DType.Float32, true }, { DType.Float64, false }, { DType.Float64, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void SigmoidBce_is_exact_and_finite_at_extreme_logits(DType dtype, bool weighted)
    {
        // Every logit with every target: [19, 3], targets 0, 1 and 0.25 down the columns.
        int count = Logits.Length, classes = BceTargets.Length;
        var logits = HeadAssert.Make(Logits.SelectMany(z => Enumerable.Repeat(z, classes)).ToArray(), [count, classes], dtype).RequireGrad();
        var targets = HeadAssert.Make(Enumerable.Range(0, count).SelectMany(_ => BceTargets).ToArray(), [count, classes], dtype);
        var weight = weighted ? Tensor.Scalar(BceWeight, dtype) : null;
        var posWeight = weighted ? Tensor.Full([classes], BcePosWeight, dtype) : null;
        bool single = dtype == DType.Float32;
        var (expectedLoss, expectedGrad, expectedMean) = (weighted, single) switch
        {
            (false, true) => (BceLossFloat32, BceGradFloat32, BceMeanFloat32),
            (true, true) => (BceWeightedLossFloat32, BceWeightedGradFloat32, BceWeightedMeanFloat32),
            (false, false) => (BceLossFloat64, BceGradFloat64, BceMeanFloat64),
            _ => (BceWeightedLossFloat64, BceWeightedGradFloat64, BceWeightedMeanFloat64),
        };

        var losses = Losses.SigmoidBinaryCrossEntropy(logits, targets, weight, posWeight, Reduction.None);
        losses.Backward(Tensor.OnesLike(losses));
        HeadAssert.Finite(losses, "loss");
        HeadAssert.Finite(logits.Grad!, "gradient");
        HeadAssert.Close(expectedLoss, losses, Ulps(dtype), Tiny(dtype), "loss");
        // A soft target's gradient (1 − y)·σ(z) − y·σ(−z) is a difference of terms up to w·pw = 1 in size: its
        // rounding error is a few ulps of 1, not of the (possibly much smaller) result.
        HeadAssert.Close(expectedGrad, logits.Grad!, Ulps(dtype), TermUlps(dtype), "gradient");

        var mean = Losses.SigmoidBinaryCrossEntropy(logits.Detach(), targets, weight, posWeight);
        HeadAssert.Finite(mean, "mean loss");
        HeadAssert.Close(expectedMean, mean, Ulps(dtype), what: "mean loss");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void SoftmaxCrossEntropy_is_exact_at_extreme_logits_and_overflows_only_where_the_exact_loss_does(DType dtype, bool smoothed)
    {
        // 19 rows, each all 19 logits, row k labelled k: every logit is the target once.
        int classes = Logits.Length;
        var logits = HeadAssert.Make(Enumerable.Range(0, classes).SelectMany(_ => Logits).ToArray(), [classes, classes], dtype).RequireGrad();
        var labels = Enumerable.Range(0, classes).ToArray();
        double smoothing = smoothed ? 0.1 : 0;
        bool single = dtype == DType.Float32;
        var (expectedLoss, expectedGrad, expectedMean) = (smoothed, single) switch
        {
            (false, true) => (CeLossFloat32, CeGradFloat32, CeMeanFloat32),
            (true, true) => (CeSmoothedLossFloat32, CeSmoothedGradFloat32, CeSmoothedMeanFloat32),
            (false, false) => (CeLossFloat64, CeGradFloat64, CeMeanFloat64),
            _ => (CeSmoothedLossFloat64, CeSmoothedGradFloat64, CeSmoothedMeanFloat64),
        };

        var losses = Losses.SoftmaxCrossEntropy(logits, labels, labelSmoothing: smoothing, reduction: Reduction.None);
        losses.Backward(Tensor.OnesLike(losses));
        // In float32 a loss of 2·float.MaxValue (the label on −float.MaxValue, the maximum +float.MaxValue) has no
        // finite value: the exact loss rounds to +∞, and so does the fused op's — never to NaN.
        Assert.All(HeadAssert.Values(losses), loss => Assert.False(double.IsNaN(loss)));
        Assert.Equal(single ? expectedLoss.Count(double.IsInfinity) : 0, HeadAssert.Values(losses).Count(double.IsInfinity));
        HeadAssert.Close(expectedLoss, losses, Ulps(dtype), Tiny(dtype), "loss");
        HeadAssert.Finite(logits.Grad!, "gradient");
        HeadAssert.Close(expectedGrad, logits.Grad!, Ulps(dtype), Tiny(dtype), "gradient");

        var mean = Losses.SoftmaxCrossEntropy(logits.Detach(), labels, labelSmoothing: smoothing);
        if (double.IsFinite(expectedMean)) HeadAssert.Finite(mean, "mean loss");
        HeadAssert.Close(expectedMean, mean, Ulps(dtype), what: "mean loss");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_confidently_right_logit_costs_its_exact_tiny_loss_not_zero(DType dtype)
    {
        // log1p(e^−z) and σ(−z), not 1 − σ(z), which rounds to 0 (PyTorch gives 0 and 0 here).
        var logits = Tensor.Full([1], 40, dtype).RequireGrad();
        var loss = Losses.SigmoidBinaryCrossEntropy(logits, Tensor.Ones([1], dtype), reduction: Reduction.Sum);
        loss.Backward();
        double exact = 4.248354255291589e-18; // e^−40 / (1 + e^−40) ≈ log1p(e^−40)
        HeadAssert.Close(exact, loss, Ulps(dtype), what: "loss");
        HeadAssert.Close(-exact, logits.Grad!, Ulps(dtype), what: "gradient");
    }

    private static double Ulps(DType dtype) => dtype == DType.Float32 ? 1e-6 : 1e-12;

    private static double TermUlps(DType dtype) => dtype == DType.Float32 ? 2e-7 : 4e-16;

    private static double Tiny(DType dtype) => dtype == DType.Float32 ? 1e-44 : 1e-320;
}
