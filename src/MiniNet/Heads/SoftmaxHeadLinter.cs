using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;

namespace MiniNet;

/// <summary>
/// The softmax head's linter: refuses, with an explanation, what the softmax + cross-entropy head cannot
/// mean — multi-hot targets and single-logit outputs (both belong to the sigmoid head), labels outside the
/// classes, probability rows that are not distributions — and options that do not fit the logits.
/// </summary>
internal static class SoftmaxHeadLinter
{
    private const string Op = "SoftmaxCrossEntropy";
    private const string SigmoidHead = "the sigmoid head (Losses.SigmoidBinaryCrossEntropy)";

    /// <summary>The tolerance on a probability row's sum.</summary>
    public const double SumTolerance = 1e-4;

    /// <summary>The class axis, as PyTorch: 0 for logits [C], 1 for [N, C] and [N, C, d1, …].</summary>
    public static int ClassAxis(Tensor logits) => logits.Rank == 1 ? 0 : 1;

    /// <summary>Checks that the logits have a class axis of at least two classes; returns the class count.</summary>
    public static int CheckLogits(Tensor logits, string op = Op)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank == 0)
            throw new ArgumentException(
                $"{op}: the logits are a scalar; the softmax head needs one logit per class: [C] for one example, [N, C] for a batch.", nameof(logits));
        int classes = logits.Shape[ClassAxis(logits)];
        if (classes == 1)
            throw new ArgumentException(
                $"{op}: the logits of shape {logits.Shape} have a single class; a softmax over one class is always 1, so the loss is 0 " +
                $"and nothing is learned. For a yes/no output with one logit per example, use {SigmoidHead}; for a softmax, give one logit " +
                "per class (at least 2).", nameof(logits));
        if (classes == 0)
            throw new ArgumentException($"{op}: the logits of shape {logits.Shape} have no classes (class axis {ClassAxis(logits)} is empty).", nameof(logits));
        return classes;
    }

    public static void CheckOptions(Tensor logits, Tensor? weight, double labelSmoothing, Reduction reduction, int classes)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                $"{Op}: labelSmoothing is {HeadText.Number(labelSmoothing)}; expected a value in [0, 1] (0: none; ε mixes ε/C of every class into each target).");
        Losses.CheckReduction(reduction, Op);
        if (weight is null) return;
        if (weight.DType != logits.DType)
            throw new ArgumentException($"{Op}: the weight is {weight.DType} but the logits {logits.DType}; convert with To(DType.{logits.DType}).", nameof(weight));
        if (weight.Rank != 1 || weight.Shape[0] != classes)
            throw new ArgumentException(
                $"{Op}: weight has shape {weight.Shape}; expected [{classes}], one weight per class of the logits {logits.Shape}.", nameof(weight));
        if (weight.RequiresGrad)
            throw new ArgumentException(
                $"{Op}: weight requires grad, but class weights are constants of the loss (PyTorch refuses the same); pass weight.Detach().", nameof(weight));
        // Negative weights are PyTorch's too, and deliberate (they push a class away); a NaN or ±∞ weight only ever gives a NaN loss.
        for (int c = 0; c < classes; c++)
        {
            double value = weight.GetFlat(c);
            if (!double.IsFinite(value))
                throw new ArgumentException(
                    $"{Op}: the weight of class {c} is {HeadText.Number(value)}; class weights must be finite numbers (negative ones are allowed, as in PyTorch).",
                    nameof(weight));
        }
    }

    /// <summary>Checks one label per row, each a class or <paramref name="ignoreIndex"/>.</summary>
    public static void CheckLabels(int[] labels, Tensor logits, int classes, int ignoreIndex, string op = Op)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int rows = classes == 0 ? RowShape(logits).ElementCount : logits.ElementCount / classes; // no shape made on the way that passes
        if (labels.Length != rows)
            throw new ArgumentException(
                $"{op}: {labels.Length} labels for logits of shape {logits.Shape}, which have {rows} row{(rows == 1 ? "" : "s")}; give one class index per row.",
                "targets");
        for (int r = 0; r < labels.Length; r++)
        {
            int label = labels[r];
            if ((uint)label < (uint)classes || label == ignoreIndex) continue;
            throw new ArgumentException(
                $"{op}: {HeadText.Row(RowShape(logits), r)} has label {label}, but the logits have {classes} classes (labels 0 to {classes - 1}; " +
                $"ignoreIndex {ignoreIndex} marks a row to skip).", "targets");
        }
    }

    /// <summary>The logits' shape without the class axis: one entry per row.</summary>
    public static Shape RowShape(Tensor logits) => logits.Shape.Without(ClassAxis(logits), Op);

    /// <summary>Reads class indices held in a tensor: each must be a whole number.</summary>
    public static int[] LabelsOf(Tensor targets, Shape logitsShape)
    {
        if (targets.RequiresGrad)
            throw new ArgumentException(
                $"{Op}: the targets of shape {targets.Shape} are class indices, which have no gradient, but they require grad. " +
                "Pass targets.Detach(); to differentiate through soft targets, give probabilities of the logits' shape.", nameof(targets));
        var labels = new int[targets.ElementCount];
        for (int i = 0; i < labels.Length; i++)
        {
            double value = targets.GetFlat(i);
            if (value != Math.Floor(value) || Math.Abs(value) > int.MaxValue) // NaN and ±∞ fail too
                throw new ArgumentException(
                    $"{Op}: targets of shape {targets.Shape} are class indices (the logits' shape {logitsShape} without the class axis), but " +
                    $"element {HeadText.Position(targets.Shape, i)} is {HeadText.Number(value)}, not a whole number. For soft labels, give " +
                    $"probabilities of the logits' shape {logitsShape}.", nameof(targets));
            labels[i] = (int)value;
        }
        return labels;
    }

    /// <summary>Checks probability targets laid out with the class axis last: no NaN or negative entries, not multi-hot, each row summing to 1.</summary>
    public static void CheckProbabilities(Tensor targets, Shape rowShape, int ignoreIndex)
    {
        if (ignoreIndex >= 0)
            throw new ArgumentException(
                $"{Op}: ignoreIndex {ignoreIndex} applies to class-index targets only, not to probability targets (as in PyTorch); " +
                "to skip rows, take Reduction.None and leave them out of the sum.", nameof(ignoreIndex));
        DTypeDispatch.Run(targets.DType, new CheckProbabilitiesKernel(targets, rowShape));
    }

    private static void CheckProbabilities<T>(ReadOnlySpan<T> targets, int classes, Shape rowShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0, rows = targets.Length / classes; r < rows; r++)
        {
            var row = targets.Slice(r * classes, classes);
            string rowName = HeadText.Row(rowShape, r);
            if (Simd.MapSum(row, new NegativeOrNaNOp()) > 0)
            {
                int c = 0;
                while (row[c] >= T.Zero) c++;
                string value = T.IsNaN(row[c]) ? "NaN" : HeadText.Number(double.CreateTruncating(row[c]));
                throw new ArgumentException(
                    $"{Op}: {rowName} of the probability targets is {value} at class {c}; probabilities must be numbers ≥ 0.", "targets");
            }
            double ones = Simd.MapSum(row, new EqualsOneOp());
            if (ones >= 2)
                throw new ArgumentException(
                    $"{Op}: {rowName} of the targets has {ones} classes set to 1 (multi-label); softmax models one class per example — " +
                    $"use {SigmoidHead} for multi-label targets.", "targets");
            double sum = Simd.Sum(row);
            if (Math.Abs(sum - 1) > SumTolerance)
                throw new ArgumentException(
                    $"{Op}: {rowName} of the probability targets sums to {HeadText.Number(sum)}, not 1 (within {SumTolerance:0e0}); each row " +
                    "must be a distribution over the classes." +
                    (sum > 1 ? $" If an example may belong to several classes at once, use {SigmoidHead}." : ""), "targets");
        }
    }
    private readonly struct CheckProbabilitiesKernel(Tensor targets, Shape rowShape) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => CheckProbabilities(targets.Span<T>(), targets.Shape[-1], rowShape);
    }
}
