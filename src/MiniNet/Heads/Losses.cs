namespace MiniNet;

/// <summary>
/// Loss functions, as <c>torch.nn.functional</c>: each takes the model's output and the targets and returns
/// the loss (a scalar, unless <see cref="Reduction.None"/>).
/// </summary>
/// <remarks>
/// The two heads' losses are fused ops — one tape entry each, with an analytic backward whose gradient with
/// respect to the logits is p − y (scaled by the reduction), so it never saturates:
/// <list type="bullet">
/// <item><see cref="SigmoidBinaryCrossEntropy"/>: an independent yes/no per output (multi-label, or binary).</item>
/// <item><see cref="SoftmaxCrossEntropy(Tensor, int[], Tensor?, int, double, Reduction)"/>: exactly one of C
/// mutually exclusive classes per example.</item>
/// </list>
/// <see cref="SigmoidHead"/> and <see cref="SoftmaxHead"/> hold their options and add probabilities and
/// predictions. Both losses check their inputs first (the head linter) and explain what is wrong.
/// </remarks>
public static partial class Losses
{
    /// <summary>
    /// The squared error (xᵢ − yᵢ)², as PyTorch's <c>MSELoss</c>: for regression. On a sigmoid output it is a
    /// poor classification loss: its gradient (p − y)·p·(1 − p) vanishes as p nears 0 or 1, however wrong p is.
    /// </summary>
    /// <param name="input">The predictions.</param>
    /// <param name="target">The targets, of the same shape and dtype.</param>
    /// <param name="reduction">Mean (over all elements; NaN for none, as PyTorch), Sum, or None (elementwise).</param>
    /// <exception cref="ArgumentException">The shapes or dtypes differ (PyTorch would broadcast and warn; MiniNet refuses).</exception>
    public static Tensor MeanSquaredError(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (input.Shape != target.Shape || input.DType != target.DType)
            throw new ArgumentException(
                $"MeanSquaredError: the input is {input.Shape} {input.DType} but the target {target.Shape} {target.DType}; they must match " +
                "(broadcasting a target of another shape silently compares the wrong pairs).", nameof(target));
        CheckReduction(reduction, nameof(MeanSquaredError));
        if (Reporting.TrainingMonitor.AnyAttached) Reporting.TrainingMonitor.ObserveLoss(Reporting.TrainingMonitor.LossKind.SquaredError, input, target, null);
        var squared = (input - target).Pow(2);
        return reduction switch
        {
            Reduction.Mean => squared.Mean(),
            Reduction.Sum => squared.Sum(),
            _ => squared,
        };
    }

    /// <summary>Refuses a <see cref="Reduction"/> that is none of the named values (a cast such as <c>(Reduction)99</c>).</summary>
    internal static Reduction CheckReduction(Reduction reduction, string op)
    {
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction,
                $"{op}: reduction {(int)reduction} is not a Reduction; expected Mean, Sum or None.");
        return reduction;
    }
}
