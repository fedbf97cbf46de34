using System.Numerics;
using MiniNet.Kernels;

namespace MiniNet;

public static partial class Losses
{
    /// <summary>
    /// Sigmoid binary cross-entropy of <paramref name="logits"/> against <paramref name="targets"/>, fused into
    /// one op: PyTorch's <c>BCEWithLogitsLoss</c>. Each logit z with target y costs
    /// w·[pw·y·softplus(−z) + (1 − y)·softplus(z)] — that is −w·[pw·y·log σ(z) + (1 − y)·log(1 − σ(z))] — computed
    /// without overflow or cancellation for every finite z; its gradient is w·[(pw·y + 1 − y)·σ(z) − pw·y], which is σ(z) − y
    /// without weights.
    /// </summary>
    /// <remarks>
    /// Each term is computed in the logits' dtype and the reduction sums in double, so a Mean or Sum is finite
    /// whenever it fits the dtype — except that one term whose exact value does not fit (in float32,
    /// w·pw·|z| beyond 3.4e38) is +∞, and so is every reduction over it.
    /// </remarks>
    /// <param name="logits">Unnormalised scores of any shape: one independent yes/no logit per element.</param>
    /// <param name="targets">The logits' shape, values in [0, 1]: 0/1 labels, or probabilities (soft labels). Differentiable.</param>
    /// <param name="weight">Optional weight of each element's loss, broadcast to the logits' shape; a constant.</param>
    /// <param name="posWeight">Optional weight of the positive term (y = 1), broadcast to the logits' shape — usually one per
    /// class, [C], along the last axis: pw = negatives / positives balances a rare class. A constant.</param>
    /// <param name="reduction">Mean (divided by the element count; NaN for no elements, as PyTorch), Sum, or None (the logits' shape).</param>
    /// <exception cref="ArgumentException">The head linter's findings: class indices given as targets (use the softmax head),
    /// targets outside [0, 1] or NaN, shapes that differ, weights that do not broadcast, weights that require grad or hold NaN or ±∞,
    /// dtype mismatches. Negative weights are accepted, as in PyTorch.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> or <paramref name="targets"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a named <see cref="Reduction"/>.</exception>
    public static Tensor SigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor? weight = null, Tensor? posWeight = null,
        Reduction reduction = Reduction.Mean)
    {
        SigmoidHeadLinter.Check(logits, targets, weight, posWeight);
        CheckReduction(reduction, "SigmoidBinaryCrossEntropy");
        if (Reporting.TrainingMonitor.AnyAttached) Reporting.TrainingMonitor.ObserveLoss(Reporting.TrainingMonitor.LossKind.SigmoidBinaryCrossEntropy, logits, targets, null);
        int classes = logits.Rank == 0 ? 1 : logits.Shape[-1];
        var weightTerm = WeightTerm(weight, logits, classes);
        var posWeightTerm = WeightTerm(posWeight, logits, classes);

        var elementLosses = reduction == Reduction.None ? Tensor.Empty(logits.Shape, logits.DType) : null;
        double total = DTypeDispatch.Run<BceForwardKernel, double>(logits.DType, new BceForwardKernel(logits, targets, weightTerm, posWeightTerm, classes, elementLosses));
        var loss = reduction switch
        {
            Reduction.None => elementLosses!,
            Reduction.Mean => Tensor.ScalarResult(total / logits.ElementCount, logits.DType),
            _ => Tensor.ScalarResult(total, logits.DType),
        };

        var terms = StepArena.Recycled<BceTerms>().Set(weightTerm, posWeightTerm, classes, reduction);
        return Tape.Record("SigmoidBinaryCrossEntropy", loss, [logits, targets],
            weight is null && posWeight is null ? [logits, targets] : [logits, targets, .. Present(weight, posWeight)], SigmoidBceBackward, terms);
    }

    /// <summary>What the sigmoid head's rule needs besides its inputs: the weights as the kernels take them, and the reduction.</summary>
    private sealed class BceTerms
    {
        public Tensor? Weight, PosWeight;
        public int Classes;
        public Reduction Reduction;

        public BceTerms Set(Tensor? weight, Tensor? posWeight, int classes, Reduction reduction)
        {
            (Weight, PosWeight, Classes, Reduction) = (weight, posWeight, classes, reduction);
            return this;
        }
    }

    /// <summary>dz (+)= s·w·[(pw·y + 1 − y)·σ(z) − pw·y], and dy for soft targets that take a gradient.</summary>
    private static void SigmoidBceBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var terms = (BceTerms)op.State!;
        var (logits, targets, reduction) = (op.Input(0), op.Input(1), terms.Reduction);
        // Every element's gradient is scaled by the incoming gradient: its own (None) or the loss's, over N (Mean).
        double scale = reduction == Reduction.None ? 1 : g.GetFlat(0) / (reduction == Reduction.Mean ? logits.ElementCount : 1);
        var gradOutput = reduction == Reduction.None ? g : null;
        if (grads.Needs(logits)) Backward(logits, forTargets: false);
        if (grads.Needs(targets)) Backward(targets, forTargets: true);

        void Backward(Tensor input, bool forTargets)
        {
            var gradient = grads.BufferToWrite(input, out bool accumulate);
            DTypeDispatch.Run(logits.DType, new BceBackwardKernel(logits, targets, terms.Weight, terms.PosWeight, terms.Classes, gradOutput, scale, gradient, forTargets, accumulate));
        }
    }

    /// <summary>Writes the element losses to <paramref name="elementLosses"/> (reduction None), or returns their sum when it is null.</summary>
    private readonly struct BceForwardKernel(Tensor logits, Tensor targets, Tensor? weight, Tensor? posWeight, int classes, Tensor? elementLosses) : IDTypeKernel<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => BceForward<T>(logits, targets, weight, posWeight, classes, elementLosses);
    }

    private static double BceForward<T>(Tensor logits, Tensor targets, Tensor? weight, Tensor? posWeight, int classes, Tensor? elementLosses)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> z = logits.Span<T>(), y = targets.Span<T>();
        Span<T> losses = elementLosses is null ? default : elementLosses.Span<T>();
        bool sum = elementLosses is null;
        if (weight is null && posWeight is null)
        {
            if (sum) return BinaryCrossEntropy.LossSum(z, y);
            BinaryCrossEntropy.Losses(z, y, losses);
            return double.NaN;
        }
        var terms = new BinaryCrossEntropy.Terms<T>(y, Operand<T>(weight, classes), Operand<T>(posWeight, classes), classes);
        if (sum) return BinaryCrossEntropy.LossSum(terms, z);
        BinaryCrossEntropy.Losses(terms, z, losses);
        return double.NaN;
    }

    /// <summary>gradient (+)= the scaled gradient of the loss with respect to the logits, or to the targets.</summary>
    private readonly struct BceBackwardKernel(Tensor logits, Tensor targets, Tensor? weight, Tensor? posWeight, int classes, Tensor? gradOutput,
        double scale, Tensor gradient, bool forTargets, bool accumulate) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            BceBackward<T>(logits, targets, weight, posWeight, classes, gradOutput, scale, gradient, forTargets, accumulate);
    }

    private static void BceBackward<T>(Tensor logits, Tensor targets, Tensor? weight, Tensor? posWeight, int classes, Tensor? gradOutput,
        double scale, Tensor gradient, bool forTargets, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> z = logits.Span<T>(), y = targets.Span<T>();
        if (weight is null && posWeight is null && gradOutput is null)
        {
            if (forTargets) BinaryCrossEntropy.TargetGradient(z, gradient.Span<T>(), scale, accumulate);
            else BinaryCrossEntropy.Gradient(z, y, gradient.Span<T>(), scale, accumulate);
            return;
        }
        var terms = new BinaryCrossEntropy.Terms<T>(y, Operand<T>(weight, classes), Operand<T>(posWeight, classes), classes);
        BinaryCrossEntropy.Gradient(terms, z, gradOutput is null ? default : gradOutput.Span<T>(), scale, gradient.Span<T>(), forTargets, accumulate);
    }

    /// <summary>
    /// A weight as the kernels take it: one value per class ([C]) when it varies along the last axis at most,
    /// otherwise broadcast to one value per element of the logits.
    /// </summary>
    private static Tensor? WeightTerm(Tensor? weight, Tensor logits, int classes)
    {
        if (weight is null) return null;
        bool perClass = true;
        for (int d = 0; d < weight.Rank - 1; d++) perClass &= weight.Shape[d] == 1;
        using var noGrad = Tape.PauseRecording();
        if (perClass)
        {
            var row = weight.Reshape(weight.ElementCount);
            return row.ElementCount == classes ? row : row + Tensor.Zeros([classes], weight.DType); // broadcast by adding zeros
        }
        return weight.Shape == logits.Shape ? weight : weight + Tensor.Zeros(logits.Shape, weight.DType);
    }

    private static BinaryCrossEntropy.Operand<T> Operand<T>(Tensor? term, int classes) where T : unmanaged, IFloatingPointIeee754<T> =>
        term is null ? default
        : term.Rank == 1 && term.ElementCount == classes ? BinaryCrossEntropy.Operand<T>.PerClass(term.Span<T>())
        : BinaryCrossEntropy.Operand<T>.PerElement(term.Storage<T>());
}
