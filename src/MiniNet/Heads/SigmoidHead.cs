using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;
using MiniNet.Ops;

namespace MiniNet;

/// <summary>
/// The sigmoid + binary cross-entropy output head: one independent yes/no (a Bernoulli) per output.
/// </summary>
/// <remarks>
/// <para><b>When to use it.</b> When an example may carry any number of labels at once — tags of a photo,
/// topics of a text (multi-label) — or when there is a single yes/no output. Each output's probability
/// σ(z) stands alone; the outputs need not sum to 1. For exactly one of C mutually exclusive classes, use
/// <see cref="SoftmaxHead"/>. (For two classes the heads agree: a two-way softmax over [a, b] gives
/// σ(a − b) and σ(b − a).)</para>
/// <para><b>Why fused.</b> The loss is computed from the logits (<see cref="Losses.SigmoidBinaryCrossEntropy"/>):
/// stable for any logit, with gradient σ(z) − y, which does not vanish when the prediction is confidently
/// wrong — unlike a sigmoid followed by squared error, whose gradient carries a factor σ(z)·(1 − σ(z)).</para>
/// </remarks>
/// <example>
/// <code>
/// var head = new SigmoidHead();
/// var loss = head.Loss(model.Forward(x), labels01);   // labels01: [N, C] of 0/1
/// var tags = head.Predict(logits, threshold: 0.5);     // [N, C] of 0/1
/// double accuracy = head.Accuracy(logits, labels01);   // the share of the N·C labels predicted right
/// </code>
/// </example>
public sealed partial class SigmoidHead
{
    /// <summary>Creates a head with the options of <see cref="Losses.SigmoidBinaryCrossEntropy"/>.</summary>
    /// <param name="weight">Optional weight of each element's loss, broadcast to the logits' shape.</param>
    /// <param name="posWeight">Optional weight of the positive term, usually one per class ([C]).</param>
    /// <param name="reduction">How the element losses are combined.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a named <see cref="MiniNet.Reduction"/>.</exception>
    public SigmoidHead(Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        Weight = weight;
        PosWeight = posWeight;
        Reduction = Losses.CheckReduction(reduction, nameof(SigmoidHead));
    }

    /// <summary>The weight of each element's loss, or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>The weight of the positive term, or null.</summary>
    public Tensor? PosWeight { get; }

    /// <summary>How the element losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>The fused sigmoid binary cross-entropy of <paramref name="logits"/> against 0/1 (or probability) targets of the same shape.</summary>
    /// <exception cref="ArgumentException">See <see cref="Losses.SigmoidBinaryCrossEntropy"/>: class indices, targets outside [0, 1], shape or dtype mismatches.</exception>
    public Tensor Loss(Tensor logits, Tensor targets) => Losses.SigmoidBinaryCrossEntropy(logits, targets, Weight, PosWeight, Reduction);

    /// <summary>σ(z) for every logit: each output's probability of "yes" (differentiable).</summary>
    public Tensor Probabilities(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return logits.Sigmoid();
    }

    /// <summary>1 where σ(z) &gt; <paramref name="threshold"/>, else 0: a tensor of the logits' shape and dtype (not differentiable).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside [0, 1] or NaN.</exception>
    public Tensor Predict(Tensor logits, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(logits);
        CheckThreshold(threshold, nameof(threshold));
        var probabilities = Elementwise.Map(logits, new SigmoidOp());
        return Elementwise.Map(probabilities, new BindRight<GreaterThanOp>(new GreaterThanOp(), threshold)); // the threshold rounded to the dtype
    }

    /// <summary>
    /// 1 where σ(z) &gt; the threshold of the logit's class (the last axis), else 0: per-class thresholds, for
    /// classes whose best cut-off differs. A tensor of the logits' shape and dtype (not differentiable).
    /// </summary>
    /// <exception cref="ArgumentException">Not one threshold per class.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1] or NaN.</exception>
    public Tensor Predict(Tensor logits, double[] thresholds)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(thresholds);
        int classes = logits.Rank == 0 ? 1 : logits.Shape[-1];
        if (thresholds.Length != classes)
            throw new ArgumentException(
                $"SigmoidHead.Predict: {thresholds.Length} thresholds for logits of shape {logits.Shape}; give one per class ({classes}, the last axis).",
                nameof(thresholds));
        foreach (double threshold in thresholds) CheckThreshold(threshold, nameof(thresholds));
        var cutoffs = Tensor.FromArray(thresholds).To(logits.DType).Reshape(logits.Rank == 0 ? [] : [classes]);
        return Elementwise.Broadcast("SigmoidHead.Predict", Elementwise.Map(logits, new SigmoidOp()), cutoffs, new GreaterThanOp());
    }

    /// <summary>
    /// The fraction of outputs whose prediction (σ(z) &gt; <paramref name="threshold"/>) equals its 0/1 target, every label of
    /// every example counted on its own, as PyTorch's <c>((logits.sigmoid() &gt; 0.5) == targets).float().mean()</c>: one minus
    /// the Hamming loss (NaN for no outputs). <see cref="Reporting.MultiLabelMetrics"/> gives per-label and exact-match scores.
    /// </summary>
    /// <param name="logits">The logits, any shape.</param>
    /// <param name="targets">0 or 1 for every logit: the logits' shape and dtype.</param>
    /// <param name="threshold">The probability above which an output counts as "yes".</param>
    /// <exception cref="ArgumentException">The targets' shape or dtype differs from the logits', or a target is neither 0 nor 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside [0, 1] or NaN.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> or <paramref name="targets"/> is null.</exception>
    public double Accuracy(Tensor logits, Tensor targets, double threshold = 0.5)
    {
        const string Op = "SigmoidHead.Accuracy";
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        CheckThreshold(threshold, nameof(threshold), Op);
        if (targets.Shape != logits.Shape || targets.DType != logits.DType)
            throw new ArgumentException(
                $"{Op}: targets {targets.Shape} {targets.DType} for logits {logits.Shape} {logits.DType}; give a 0/1 target per logit, of the logits' shape and dtype.",
                nameof(targets));
        var predicted = Predict(logits, threshold);
        var (matches, hardTargets) = DTypeDispatch.Run<MatchCountKernel, (double, double)>(logits.DType, new MatchCountKernel(predicted, targets));
        if (hardTargets != targets.ElementCount)
        {
            int at = 0;
            while (targets.GetFlat(at) is 0.0 or 1.0) at++;
            throw new ArgumentException(
                $"{Op}: element {HeadText.Position(targets.Shape, at)} of the targets is {HeadText.Number(targets.GetFlat(at))}; accuracy compares 0/1 " +
                "predictions with 0/1 targets (threshold soft labels first, for example targets.Gt(0.5)).", nameof(targets));
        }
        return targets.ElementCount == 0 ? double.NaN : matches / targets.ElementCount;
    }

    /// <summary>How many predictions equal their targets, and how many targets are 0 or 1: two vector passes, counted in double (exact).</summary>
    private readonly struct MatchCountKernel(Tensor predicted, Tensor targets) : IDTypeKernel<(double Matches, double HardTargets)>
    {
        public (double Matches, double HardTargets) Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = targets.Span<T>();
            double ones = Simd.MapSum(values, new EqualsOneOp());
            double zeros = Simd.MapSum(values, new BindRight<EqualOp>(new EqualOp(), 0));
            return (Simd.ZipSum(predicted.Span<T>(), values, new EqualOp()), ones + zeros);
        }
    }

    private static void CheckThreshold(double threshold, string name, string op = "SigmoidHead.Predict")
    {
        if (!(threshold >= 0 && threshold <= 1))
            throw new ArgumentOutOfRangeException(name, threshold,
                $"{op}: threshold {HeadText.Number(threshold)} is not a probability; expected a value in [0, 1].");
    }
}
