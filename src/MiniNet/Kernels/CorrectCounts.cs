using System.Numerics;

namespace MiniNet.Kernels;

/// <summary>
/// How many of a batch's predictions are right, read straight from the logits the training step already computed
/// (the heads' <c>CountCorrect</c>): each rule is the one its head's <c>Predict</c> applies, element for element.
/// </summary>
internal static class CorrectCounts
{
    /// <summary>
    /// The positions [o, i] of logits seen as [outer, classes, inner] whose argmax over the classes (<see cref="AxisReduction.ArgMaxAt{T}"/>)
    /// is their label; a label outside [0, classes) (an ignored row) never matches.
    /// </summary>
    public static int ArgMaxMatches<T>(ReadOnlySpan<T> logits, int outer, int classes, int inner, ReadOnlySpan<int> labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int correct = 0;
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
            if (AxisReduction.ArgMaxAt(logits, o, classes, inner, i) == labels[o * inner + i]) correct++;
        return correct;
    }

    /// <summary>
    /// The rows of <paramref name="rowLength"/> outputs in which every decision σ(z) &gt; <paramref name="threshold"/>
    /// (computed as the sigmoid head's <c>Predict</c> computes it) agrees with its 0/1 target. Returns −1 − the position of the first target that
    /// is neither 0 nor 1 instead, if there is one.
    /// </summary>
    public static int ThresholdRowMatches<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int rowLength, T threshold)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int correct = 0;
        for (int start = 0; start < logits.Length; start += rowLength)
        {
            bool rowCorrect = true;
            for (int at = start; at < start + rowLength; at++)
            {
                T target = targets[at];
                if (target != T.Zero && target != T.One) return -1 - at;
                bool predicted = new SigmoidOp().Invoke<T, T, Lanes1<T>>(logits[at]) > threshold;
                rowCorrect &= predicted == (target == T.One);
            }
            if (rowCorrect) correct++;
        }
        return correct;
    }
}
