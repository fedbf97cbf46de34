using MiniNet.Data;

namespace MiniNet.Examples.SigmoidVsSoftmax;

/// <summary>The three ways of ending the same network that the experiment compares.</summary>
internal enum ComparedHead
{
    /// <summary>(a) softmax + cross-entropy: one categorical distribution over the ten classes.</summary>
    SoftmaxCrossEntropy,

    /// <summary>(b) ten sigmoids + binary cross-entropy against one-hot targets: ten one-vs-rest yes/no questions.</summary>
    SigmoidBinaryCrossEntropy,

    /// <summary>(c) ten sigmoids + squared error against one-hot targets: the same outputs, the wrong loss.</summary>
    SigmoidSquaredError,
}

/// <summary>
/// Loss and probabilities of each compared head. Every loss is a per-example loss ℓᵢ — summed over the ten
/// outputs — averaged over the batch, so one learning rate takes steps of the same scale with each head,
/// and the gradient of ℓᵢ with respect to logit zᵢₖ is:
/// <list type="bullet">
/// <item>softmax + cross-entropy: pₖ − yₖ with p = softmax(z);</item>
/// <item>sigmoid + binary cross-entropy: pₖ − yₖ with pₖ = σ(zₖ);</item>
/// <item>sigmoid + squared error: 2(pₖ − yₖ)·pₖ(1 − pₖ) with pₖ = σ(zₖ).</item>
/// </list>
/// (PyTorch's default mean reduction of BCE and MSE divides by N·10, not N: it would hand (b) and (c) a ten
/// times smaller learning rate than (a), and the comparison would measure that instead of the heads.)
/// </summary>
internal static class ComparedHeads
{
    public static readonly ComparedHead[] All =
        [ComparedHead.SoftmaxCrossEntropy, ComparedHead.SigmoidBinaryCrossEntropy, ComparedHead.SigmoidSquaredError];

    private static readonly SoftmaxHead Softmax = new(); // mean over the rows: Σᵢ ℓᵢ / N already
    private static readonly SigmoidHead SigmoidSum = new(reduction: Reduction.Sum);

    /// <summary>The short name used in the table, the plots' legends and the summary lines.</summary>
    public static string Name(ComparedHead head) => head switch
    {
        ComparedHead.SoftmaxCrossEntropy => "softmax+CE",
        ComparedHead.SigmoidBinaryCrossEntropy => "sigmoid+BCE",
        ComparedHead.SigmoidSquaredError => "sigmoid+MSE",
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown head."),
    };

    /// <summary>
    /// (1/N) Σᵢ ℓᵢ over the batch, recorded on the tape, from the model's output: the logits for (a) and (b), the
    /// probabilities σ(z) of the model's final Sigmoid layer for (c).
    /// </summary>
    public static Tensor Loss(ComparedHead head, Tensor output, Batch batch) => head switch
    {
        ComparedHead.SoftmaxCrossEntropy => Softmax.Loss(output, batch.Labels),
        ComparedHead.SigmoidBinaryCrossEntropy => SigmoidSum.Loss(output, batch.OneHot()) / batch.Size,
        ComparedHead.SigmoidSquaredError => Losses.MeanSquaredError(output, batch.OneHot(), Reduction.Sum) / batch.Size,
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown head."),
    };
}
