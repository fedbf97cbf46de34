using System.Numerics;
using MiniNet.Kernels;

namespace MiniNet;

public sealed partial class SoftmaxHead
{
    /// <summary>
    /// How many rows <see cref="Predict"/> gets right — those whose largest logit (the first on ties) is their
    /// label — counted from the logits the training step already computed, so that a progress bar shows the
    /// accuracy without a second forward pass or <c>Predict</c>:
    /// <c>progress.Step(batch.Size, loss.Item(), head.CountCorrect(logits, batch.Labels))</c>. PyTorch's
    /// <c>(logits.argmax(1) == labels).sum()</c>. Allocates nothing and records nothing on the tape.
    /// </summary>
    /// <param name="logits">[N, C] (or [C], or [N, C, d1, …] with one label per position), as for <see cref="Loss(Tensor, int[])"/>.</param>
    /// <param name="targets">One class index per row; a row labelled <see cref="IgnoreIndex"/> is never counted as correct.</param>
    /// <exception cref="ArgumentException">The logits have no class axis or a single class, there is not one label per row, or a label is neither a class nor <see cref="IgnoreIndex"/>.</exception>
    public int CountCorrect(Tensor logits, int[] targets)
    {
        const string Op = "SoftmaxHead.CountCorrect";
        int classes = SoftmaxHeadLinter.CheckLogits(logits, Op);
        ArgumentNullException.ThrowIfNull(targets);
        int axis = SoftmaxHeadLinter.ClassAxis(logits);
        int rows = logits.ElementCount / classes;
        if (targets.Length != rows)
            throw new ArgumentException(
                $"{Op}: {targets.Length} labels for logits of shape {logits.Shape}, which have {rows} row{(rows == 1 ? "" : "s")}; give one class index per row.",
                nameof(targets));
        for (int r = 0; r < targets.Length; r++)
            if ((uint)targets[r] >= (uint)classes && targets[r] != IgnoreIndex)
                throw new ArgumentException(
                    $"{Op}: {HeadText.Row(logits.Shape.Without(axis, Op), r)} has label {targets[r]}, but the logits have {classes} classes " +
                    $"(labels 0 to {classes - 1}; ignoreIndex {IgnoreIndex} marks a row to skip).", nameof(targets));
        var (outer, _, inner) = logits.Shape.SplitAt(axis);
        return DTypeDispatch.Run<ArgMaxMatchesKernel, int>(logits.DType, new ArgMaxMatchesKernel(logits, outer, classes, inner, targets));
    }

    private readonly struct ArgMaxMatchesKernel(Tensor logits, int outer, int classes, int inner, int[] labels) : IDTypeKernel<int>
    {
        public int Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            CorrectCounts.ArgMaxMatches<T>(logits.Span<T>(), outer, classes, inner, labels);
    }
}
