namespace MiniNet;

/// <summary>
/// The softmax + cross-entropy output head: one categorical distribution over C mutually exclusive classes.
/// </summary>
/// <remarks>
/// <para><b>When to use it.</b> When every example belongs to exactly one of C classes (a digit, a species,
/// the next token). The probabilities softmax(z) sum to 1 over the classes, so raising one lowers the others.
/// When an example may have several labels, or none, use <see cref="SigmoidHead"/>: the softmax head refuses
/// multi-hot targets and single-logit outputs and says so.</para>
/// <para><b>Why fused.</b> The loss is computed from the logits by log-sum-exp
/// (<see cref="Losses.SoftmaxCrossEntropy(Tensor, int[], Tensor?, int, double, Reduction)"/>): stable for any
/// logits, with gradient softmax(z) − onehot(y), which does not vanish when the prediction is confidently wrong.</para>
/// <para>The class axis follows PyTorch: axis 0 of logits [C], axis 1 of [N, C] and of [N, C, d1, …].</para>
/// </remarks>
/// <example>
/// <code>
/// var head = new SoftmaxHead(labelSmoothing: 0.1);
/// var loss = head.Loss(model.Forward(x), labels);   // labels: int[] of class indices, one per row
/// var predicted = head.Predict(logits);              // the most probable class of each row, as a tensor
/// double accuracy = head.Accuracy(logits, labels);   // the share of rows predicted right
/// </code>
/// </example>
public sealed partial class SoftmaxHead
{
    /// <summary>Creates a head with the options of <see cref="Losses.SoftmaxCrossEntropy(Tensor, int[], Tensor?, int, double, Reduction)"/>.</summary>
    /// <param name="weight">Optional per-class weights, shape [C].</param>
    /// <param name="ignoreIndex">A class-index target that marks a row to skip.</param>
    /// <param name="labelSmoothing">ε in [0, 1]: the target becomes (1 − ε)·onehot + ε/C.</param>
    /// <param name="reduction">How the row losses are combined.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="reduction"/> is not a named <see cref="MiniNet.Reduction"/>.</exception>
    public SoftmaxHead(Tensor? weight = null, int ignoreIndex = -100, double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                $"SoftmaxHead: labelSmoothing is {HeadText.Number(labelSmoothing)}; expected a value in [0, 1].");
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
        Reduction = Losses.CheckReduction(reduction, nameof(SoftmaxHead));
    }

    /// <summary>The per-class weights, or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>The class-index target that marks a row to skip.</summary>
    public int IgnoreIndex { get; }

    /// <summary>The label smoothing ε.</summary>
    public double LabelSmoothing { get; }

    /// <summary>How the row losses are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>The fused softmax cross-entropy of <paramref name="logits"/> against one class index per row.</summary>
    /// <exception cref="ArgumentException">See <see cref="Losses.SoftmaxCrossEntropy(Tensor, int[], Tensor?, int, double, Reduction)"/>.</exception>
    public Tensor Loss(Tensor logits, int[] targets) =>
        Losses.SoftmaxCrossEntropy(logits, targets, Weight, IgnoreIndex, LabelSmoothing, Reduction);

    /// <summary>The fused softmax cross-entropy of <paramref name="logits"/> against class indices or probability rows held in a tensor.</summary>
    /// <exception cref="ArgumentException">See <see cref="Losses.SoftmaxCrossEntropy(Tensor, Tensor, Tensor?, int, double, Reduction)"/>.</exception>
    public Tensor Loss(Tensor logits, Tensor targets) =>
        Losses.SoftmaxCrossEntropy(logits, targets, Weight, IgnoreIndex, LabelSmoothing, Reduction);

    /// <summary>softmax(z) over the class axis: each row's probabilities, summing to 1 (differentiable).</summary>
    /// <exception cref="ArgumentException">The logits have no class axis, or a single class.</exception>
    public Tensor Probabilities(Tensor logits)
    {
        SoftmaxHeadLinter.CheckLogits(logits, "SoftmaxHead.Probabilities");
        return logits.Softmax(SoftmaxHeadLinter.ClassAxis(logits));
    }

    /// <summary>
    /// The most probable class of each row (the argmax of its logits over the class axis; the first on ties), as PyTorch's
    /// <c>logits.argmax(1)</c>: a tensor of the logits' shape without the class axis and of their dtype, holding whole
    /// numbers 0 … C − 1 (MiniNet has no integer dtype). <see cref="Tensor.Eq(Tensor)"/> compares it with class indices held
    /// in a tensor and <see cref="Tensor.Gather"/> takes it as an index; <see cref="Tensor.ArgMax"/> gives the same classes as
    /// an <c>int[]</c>. Not differentiable.
    /// </summary>
    /// <exception cref="ArgumentException">The logits have no class axis, or a single class.</exception>
    public Tensor Predict(Tensor logits)
    {
        SoftmaxHeadLinter.CheckLogits(logits, "SoftmaxHead.Predict");
        int classAxis = SoftmaxHeadLinter.ClassAxis(logits);
        int[] classes = logits.ArgMax(classAxis);
        var predicted = Tensor.Empty(logits.Shape.Without(classAxis, "SoftmaxHead.Predict"), logits.DType);
        for (int row = 0; row < classes.Length; row++) predicted.SetFlat(row, classes[row]);
        return predicted;
    }

    /// <summary>
    /// The fraction of rows whose most probable class is their target, as PyTorch's <c>(logits.argmax(1) == targets).float().mean()</c>;
    /// rows whose target is <see cref="IgnoreIndex"/> are left out, as the loss leaves them out (NaN when no row is left).
    /// </summary>
    /// <param name="logits">[C], [N, C] or [N, C, d1, …], as for <see cref="Loss(Tensor, int[])"/>.</param>
    /// <param name="targets">One class index per row, in row-major order of the logits' shape without the class axis.</param>
    /// <exception cref="ArgumentException">The logits have no class axis or a single class, not one target per row, or a target outside the classes.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> or <paramref name="targets"/> is null.</exception>
    public double Accuracy(Tensor logits, int[] targets)
    {
        const string Op = "SoftmaxHead.Accuracy";
        ArgumentNullException.ThrowIfNull(targets);
        int classCount = SoftmaxHeadLinter.CheckLogits(logits, Op);
        int classAxis = SoftmaxHeadLinter.ClassAxis(logits);
        SoftmaxHeadLinter.CheckLabels(targets, logits, classCount, IgnoreIndex, Op);
        int[] predicted = logits.ArgMax(classAxis);
        int counted = 0, correct = 0;
        for (int row = 0; row < targets.Length; row++)
        {
            if (targets[row] == IgnoreIndex) continue;
            counted++;
            if (predicted[row] == targets[row]) correct++;
        }
        return counted == 0 ? double.NaN : (double)correct / counted;
    }
}
