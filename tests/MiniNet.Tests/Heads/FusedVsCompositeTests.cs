namespace MiniNet.Tests.Heads;

/// <summary>
/// Where the textbook composite is stable (moderate logits, float64), the fused ops give its values and
/// gradients: sigmoid then binary cross-entropy from Sigmoid, Log and arithmetic; log-softmax then NLL.
/// </summary>
public class FusedVsCompositeTests
{
    private static readonly Reduction[] Reductions = [Reduction.Mean, Reduction.Sum, Reduction.None];

    public static TheoryData<bool, bool, Reduction> SigmoidOptions()
    {
        var data = new TheoryData<bool, bool, Reduction>();
        foreach (bool weight in new[] { false, true })
        foreach (bool posWeight in new[] { false, true })
        foreach (var reduction in Reductions)
            data.Add(weight, posWeight, reduction);
        return data;
    }

    [Theory]
    [MemberData(nameof(SigmoidOptions))]
    public void SigmoidBce_equals_sigmoid_then_binary_cross_entropy(bool useWeight, bool usePosWeight, Reduction reduction)
    {
        var random = new Generator(11);
        var weight = useWeight ? Tensor.Uniform([6, 5], 0.2, 2, random, DType.Float64) : null;
        var posWeight = usePosWeight ? Tensor.Uniform([5], 0.5, 3, random, DType.Float64) : null;
        var logits = Tensor.Normal([6, 5], 0, 2, random, DType.Float64);
        var targets = Tensor.Uniform([6, 5], 0, 1, random, DType.Float64);

        var composite = Run(logits, targets, (z, y) =>
        {
            var p = z.Sigmoid();
            var positive = (posWeight is null ? y : y * posWeight) * p.Log();
            var perElement = -(positive + (1.0 - y) * (1.0 - p).Log());
            return Reduce(weight is null ? perElement : perElement * weight, reduction);
        });
        var fused = Run(logits, targets, (z, y) => Losses.SigmoidBinaryCrossEntropy(z, y, weight, posWeight, reduction));
        AssertSame(composite, fused);
    }

    public static TheoryData<string, bool, double, Reduction> SoftmaxOptions()
    {
        var data = new TheoryData<string, bool, double, Reduction>();
        foreach (string targets in new[] { "labels", "labels with ignored rows", "probabilities" })
        foreach (bool weight in new[] { false, true })
        foreach (double smoothing in new[] { 0.0, 0.3 })
        foreach (var reduction in Reductions)
            data.Add(targets, weight, smoothing, reduction);
        return data;
    }

    [Theory]
    [MemberData(nameof(SoftmaxOptions))]
    public void SoftmaxCrossEntropy_equals_log_softmax_then_nll(string targetKind, bool useWeight, double smoothing, Reduction reduction)
    {
        const int rows = 6, classes = 7;
        var random = new Generator(12);
        var logits = Tensor.Normal([rows, classes], 0, 2, random, DType.Float64);
        var weight = useWeight ? Tensor.Uniform([classes], 0.2, 2, random, DType.Float64) : null;
        var weights = weight ?? Tensor.Ones([classes], DType.Float64);
        int[] labels = [3, 0, 6, 2, 2, 5];
        if (targetKind == "labels with ignored rows") labels[1] = labels[4] = -100;
        bool probabilities = targetKind == "probabilities";
        var targets = probabilities
            ? Tensor.Normal([rows, classes], 0, 1, random, DType.Float64).Softmax()
            : OneHot(labels, classes);
        // The rows that count (not ignored) and what Mean divides by: their total label weight, or the row count.
        var counted = Tensor.FromArray(labels.Select(l => l == -100 ? 0.0 : 1.0).ToArray());
        double normaliser = probabilities ? rows
            : labels.Where(l => l != -100).Sum(l => weights.At(l));

        var composite = Run(logits, targets, (z, t) =>
        {
            var logp = z.LogSoftmax(1);
            Tensor perRow;
            if (probabilities)
                perRow = -((t * (1 - smoothing) + smoothing / classes) * weights * logp).Sum(1);
            else
            {
                var nll = -(t * weights * logp).Sum(1);         // −w_y·log p_y
                var smooth = -(weights * logp).Sum(1);          // −Σ_c w_c·log p_c
                perRow = (nll * (1 - smoothing) + smooth * (smoothing / classes)) * counted;
            }
            return reduction switch
            {
                Reduction.Mean => perRow.Sum() / normaliser,
                Reduction.Sum => perRow.Sum(),
                _ => perRow,
            };
        });
        var fused = Run(logits, targets, (z, t) => probabilities
            ? Losses.SoftmaxCrossEntropy(z, t, weight, labelSmoothing: smoothing, reduction: reduction)
            : Losses.SoftmaxCrossEntropy(z, labels, weight, labelSmoothing: smoothing, reduction: reduction));
        AssertSame(composite, fused, targetsGradient: probabilities);
    }

    /// <summary>The loss and the gradients of logits and targets, with a fixed non-uniform seed for an unreduced loss.</summary>
    private static (Tensor Loss, Tensor LogitsGrad, Tensor TargetsGrad) Run(Tensor logits, Tensor targets, Func<Tensor, Tensor, Tensor> loss)
    {
        var z = logits.Detach().Clone().RequireGrad();
        var t = targets.Detach().Clone().RequireGrad();
        var value = loss(z, t);
        value.Backward(value.Rank == 0 ? null : Tensor.Arange(1, 1 + 0.5 * value.ElementCount, 0.5, DType.Float64).Reshape(value.Shape.ToArray()));
        return (value.Detach(), z.Grad!, t.Grad ?? Tensor.ZerosLike(t));
    }

    private static void AssertSame((Tensor Loss, Tensor LogitsGrad, Tensor TargetsGrad) composite, (Tensor Loss, Tensor LogitsGrad, Tensor TargetsGrad) fused,
        bool targetsGradient = true)
    {
        Assert.Equal(composite.Loss.Shape, fused.Loss.Shape);
        HeadAssert.Close(HeadAssert.Values(composite.Loss), fused.Loss, 1e-12, 1e-15, "loss");
        HeadAssert.Close(HeadAssert.Values(composite.LogitsGrad), fused.LogitsGrad, 1e-10, 1e-15, "∂loss/∂logits");
        if (targetsGradient) HeadAssert.Close(HeadAssert.Values(composite.TargetsGrad), fused.TargetsGrad, 1e-10, 1e-15, "∂loss/∂targets");
    }

    private static Tensor Reduce(Tensor perElement, Reduction reduction) => reduction switch
    {
        Reduction.Mean => perElement.Mean(),
        Reduction.Sum => perElement.Sum(),
        _ => perElement,
    };

    private static Tensor OneHot(int[] labels, int classes)
    {
        var values = new double[labels.Length * classes];
        for (int r = 0; r < labels.Length; r++)
            if (labels[r] >= 0) values[r * classes + labels[r]] = 1;
        return Tensor.FromArray(values, [labels.Length, classes]);
    }
}
