using System.Numerics;
using System.Runtime.Intrinsics;
using MiniNet.Kernels;

namespace MiniNet;

/// <summary>
/// The sigmoid head's linter: refuses, with an explanation, targets that the sigmoid + binary
/// cross-entropy head cannot mean — class indices (the softmax head's targets), values outside [0, 1],
/// NaN — and weights that do not fit the logits.
/// </summary>
internal static class SigmoidHeadLinter
{
    private const string Op = "SigmoidBinaryCrossEntropy";
    private const string SoftmaxHead = "the softmax head (Losses.SoftmaxCrossEntropy)";

    public static void Check(Tensor logits, Tensor targets, Tensor? weight, Tensor? posWeight)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        CheckDType(logits, targets, nameof(targets));
        if (targets.Shape != logits.Shape) throw ShapeMismatch(logits, targets);
        DTypeDispatch.Run(targets.DType, new CheckValuesKernel(targets));
        if (weight is not null) CheckWeight(logits, weight, nameof(weight), "a weight per element, or one that broadcasts to it (for example one per class)");
        // The message is built only when there is a weight to check: a training step without one allocates nothing here.
        if (posWeight is not null) CheckWeight(logits, posWeight, nameof(posWeight), $"usually one per class, [{(logits.Rank == 0 ? 1 : logits.Shape[-1])}], along the last axis");
    }

    private static void CheckDType(Tensor logits, Tensor other, string name)
    {
        if (other.DType != logits.DType)
            throw new ArgumentException(
                $"{Op}: {name} {(name == "targets" ? "are" : "is")} {other.DType} but the logits {logits.DType}; convert with To(DType.{logits.DType}).", name);
    }

    private static ArgumentException ShapeMismatch(Tensor logits, Tensor targets)
    {
        string shapes = $"targets of shape {targets.Shape} for logits of shape {logits.Shape}";
        if (logits.Rank >= 1 && targets.Shape == logits.Shape.Without(logits.Rank - 1, Op))
        {
            if (logits.Shape[-1] == 1)
                return new ArgumentException(
                    $"{Op}: {shapes}: give one target per logit, of shape {logits.Shape} — targets.Unsqueeze(-1), or logits.Squeeze(-1).",
                    nameof(targets));
            return new ArgumentException(
                $"{Op}: {shapes} look like class indices, one per row. The sigmoid head scores every class on its own and needs a 0/1 " +
                $"(or probability) target per logit, of shape {logits.Shape}. If each example has exactly one class, use {SoftmaxHead} with these indices.",
                nameof(targets));
        }
        if (LooksLikeClassIndices(targets))
            return new ArgumentException(
                $"{Op}: {shapes}: the targets must have the logits' shape, and these look like class indices (whole numbers up to " +
                $"{HeadText.Number(MaxOf(targets))}). For one class per example use {SoftmaxHead}; for multi-label, " +
                $"give a 0/1 target per logit, of shape {logits.Shape}.",
                nameof(targets));
        return new ArgumentException($"{Op}: {shapes}: the targets must have exactly the logits' shape, one target per logit.", nameof(targets));
    }

    private static bool LooksLikeClassIndices(Tensor targets)
    {
        bool anyAboveOne = false;
        for (int i = 0; i < targets.ElementCount; i++)
        {
            double value = targets.GetFlat(i);
            if (!double.IsFinite(value) || value < 0 || value != Math.Floor(value)) return false;
            anyAboveOne |= value > 1;
        }
        return anyAboveOne;
    }

    private static double MaxOf(Tensor targets)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < targets.ElementCount; i++) max = Math.Max(max, targets.GetFlat(i));
        return max;
    }

    /// <summary>One vector pass counts the targets outside [0, 1] (NaN included); only then is the culprit looked for.</summary>
    private static void CheckValues<T>(ReadOnlySpan<T> targets, Shape shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Simd.MapSum(targets, new OutsideUnitIntervalOp()) == 0) return;
        int at = 0;
        while (new OutsideUnitIntervalOp().Invoke<T, T, Lanes1<T>>(targets[at]) == T.Zero) at++;
        double value = double.CreateTruncating(targets[at]);
        string element = $"element {HeadText.Position(shape, at)} of the targets";
        if (double.IsNaN(value))
            throw new ArgumentException($"{Op}: {element} is NaN; every target must be a probability in [0, 1].", "targets");
        string hint = value >= 2 && value == Math.Floor(value)
            ? $" It looks like a class index: for one class per example use {SoftmaxHead} with class indices."
            : "";
        throw new ArgumentException(
            $"{Op}: {element} is {HeadText.Number(value)}, outside [0, 1]; binary cross-entropy targets are probabilities (0 or 1 for hard labels, " +
            $"anything between for soft labels).{hint}", "targets");
    }

    private static void CheckWeight(Tensor logits, Tensor? weight, string name, string expected)
    {
        if (weight is null) return;
        CheckDType(logits, weight, name);
        if (weight.RequiresGrad)
            throw new ArgumentException(
                $"{Op}: {name} requires grad, but it is a constant of the loss (PyTorch refuses the same); pass {name}.Detach().", name);
        bool fits;
        try
        {
            fits = Shape.Broadcast(weight.Shape, logits.Shape, Op) == logits.Shape;
        }
        catch (ArgumentException)
        {
            fits = false;
        }
        if (!fits)
            throw new ArgumentException(
                $"{Op}: {name} of shape {weight.Shape} does not broadcast to the logits' shape {logits.Shape}; expected {expected}.", name);
        // Negative weights are PyTorch's too, and deliberate; a NaN or ±∞ weight only ever gives a NaN or infinite loss.
        int bad = DTypeDispatch.Run<FirstNonFiniteKernel, int>(weight.DType, new FirstNonFiniteKernel(weight));
        if (bad >= 0)
        {
            string where = weight.Rank <= 1 ? $"class {bad}" : $"element {HeadText.Position(weight.Shape, bad)}";
            throw new ArgumentException(
                $"{Op}: {name} is {HeadText.Number(weight.GetFlat(bad))} at {where}; weights must be finite numbers (negative ones are allowed, as in PyTorch).", name);
        }
    }

    /// <summary>The index of the first NaN or ±∞, or −1: a per-element weight may be as large as the logits, so one typed pass.</summary>
    private static int FirstNonFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i])) return i;
        return -1;
    }
    private readonly struct CheckValuesKernel(Tensor targets) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => CheckValues(targets.Span<T>(), targets.Shape);
    }

    private readonly struct FirstNonFiniteKernel(Tensor weight) : IDTypeKernel<int>
    {
        public int Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => FirstNonFinite(weight.Span<T>());
    }
}
