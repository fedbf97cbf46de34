using System.Numerics;
using MiniNet.Kernels;

namespace MiniNet;

public sealed partial class SigmoidHead
{
    /// <summary>
    /// How many samples <see cref="Predict(Tensor, double)"/> gets entirely right — those whose every output's
    /// decision σ(z) &gt; <paramref name="threshold"/> matches its 0/1 target (exact match, sklearn's multi-label
    /// <c>accuracy_score</c>; plain accuracy for one output per sample) — counted from the logits the training
    /// step already computed, so that a progress bar shows it without a second forward pass or <c>Predict</c>:
    /// <c>progress.Step(batch.Size, loss.Item(), head.CountCorrect(logits, targets))</c>.
    /// Allocates nothing and records nothing on the tape.
    /// </summary>
    /// <param name="logits">[N, C] (a sample is a row along axis 0, all its outputs), [N] (one output per sample), or a scalar (one sample).</param>
    /// <param name="targets">0 or 1 for each logit: the same shape and dtype.</param>
    /// <param name="threshold">An output is predicted yes when σ(z) &gt; threshold, as in <see cref="Predict(Tensor, double)"/>.</param>
    /// <exception cref="ArgumentException">The shapes or dtypes differ, a sample has no outputs, or a target is neither 0 nor 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside [0, 1] or NaN.</exception>
    public int CountCorrect(Tensor logits, Tensor targets, double threshold = 0.5)
    {
        const string Op = "SigmoidHead.CountCorrect";
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        CheckThreshold(threshold, nameof(threshold), Op);
        if (logits.Shape != targets.Shape || logits.DType != targets.DType)
            throw new ArgumentException(
                $"{Op}: targets {targets.Shape} ({targets.DType}) for logits {logits.Shape} ({logits.DType}); give one 0/1 target per logit, of the same shape and dtype.",
                nameof(targets));
        int samples = logits.Rank == 0 ? 1 : logits.Shape[0];
        if (samples == 0) return 0;
        int outputs = logits.ElementCount / samples;
        if (outputs == 0)
            throw new ArgumentException($"{Op}: the logits of shape {logits.Shape} have no outputs per sample, so no sample can be right or wrong.", nameof(logits));
        int correct = DTypeDispatch.Run<ThresholdMatchesKernel, int>(logits.DType, new ThresholdMatchesKernel(logits, targets, outputs, threshold));
        if (correct < 0)
        {
            int at = -1 - correct;
            throw new ArgumentException(
                $"{Op}: target {HeadText.Position(targets.Shape, at)} is {HeadText.Number(targets.GetFlat(at))}; a prediction is right or wrong " +
                "only against a 0 or 1 target (soft targets have no correct answer).", nameof(targets));
        }
        return correct;
    }

    private readonly struct ThresholdMatchesKernel(Tensor logits, Tensor targets, int outputs, double threshold) : IDTypeKernel<int>
    {
        public int Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            CorrectCounts.ThresholdRowMatches<T>(logits.Span<T>(), targets.Span<T>(), outputs, new Constant(threshold).Get<T>()); // the threshold rounded to the dtype, as Predict rounds it
    }
}
