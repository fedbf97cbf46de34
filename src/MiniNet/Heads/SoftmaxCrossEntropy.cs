namespace MiniNet;

public static partial class Losses
{
    /// <summary>
    /// Softmax cross-entropy of <paramref name="logits"/> against class indices, fused into one op:
    /// PyTorch's <c>CrossEntropyLoss</c>. Row n's loss is −w_y·log softmax(zₙ)_y for its label y (with label
    /// smoothing ε: (1 − ε) times that plus ε/C·Σ_c −w_c·log softmax(zₙ)_c); its gradient is p − y.
    /// </summary>
    /// <param name="logits">Unnormalised scores: [N, C], [C] for one example, or [N, C, d1, …] with the classes on axis 1.</param>
    /// <param name="targets">One class index per row, in row-major order of the logits' shape without the class axis.</param>
    /// <param name="weight">Optional per-class weights, shape [C]; a constant (no gradient). Finite; negative weights are accepted, as in PyTorch.</param>
    /// <param name="ignoreIndex">A label that marks a row to skip: it adds no loss, no gradient, and does not count in Mean.</param>
    /// <param name="labelSmoothing">ε in [0, 1]: the target becomes (1 − ε)·onehot + ε/C.</param>
    /// <param name="reduction">Mean (divided by the total weight of the rows not ignored: their number without <paramref name="weight"/>;
    /// NaN when every row is ignored, as in PyTorch), Sum, or None (one loss per row, the logits' shape without the class axis).</param>
    /// <exception cref="ArgumentException">The head linter's findings: a single class, a label outside 0 … C − 1 (other than
    /// <paramref name="ignoreIndex"/>), the wrong number of labels, a weight that is not one per class, a dtype mismatch.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="reduction"/> is not a named <see cref="Reduction"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> or <paramref name="targets"/> is null.</exception>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, int[] targets, Tensor? weight = null, int ignoreIndex = -100,
        double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        int classes = SoftmaxHeadLinter.CheckLogits(logits);
        SoftmaxHeadLinter.CheckOptions(logits, weight, labelSmoothing, reduction, classes);
        SoftmaxHeadLinter.CheckLabels(targets, logits, classes, ignoreIndex);
        if (Reporting.TrainingMonitor.AnyAttached) Reporting.TrainingMonitor.ObserveLoss(Reporting.TrainingMonitor.LossKind.SoftmaxCrossEntropy, logits, null, targets);
        var rows = StepArena.Recycled<SoftmaxCrossEntropyRows>().Reset(classes, targets, null, weight, ignoreIndex, labelSmoothing, reduction);
        return FusedSoftmaxCrossEntropy(ClassAxisLast(logits), rows, weight);
    }

    /// <summary>
    /// Softmax cross-entropy of <paramref name="logits"/> against targets given as a tensor, fused into one op:
    /// PyTorch's <c>CrossEntropyLoss</c>. The targets are either class indices — whole numbers, of the logits'
    /// shape without the class axis — or one probability distribution per row, of the logits' shape (soft
    /// labels; row n's loss is −Σ_c w_c·t_c·log softmax(zₙ)_c, differentiable in the targets too).
    /// </summary>
    /// <param name="logits">Unnormalised scores: [N, C], [C] for one example, or [N, C, d1, …] with the classes on axis 1.</param>
    /// <param name="targets">Class indices ([N], [], or [N, d1, …]) or probabilities (the logits' shape; each row sums to 1).</param>
    /// <param name="weight">Optional per-class weights, shape [C]; a constant (no gradient).</param>
    /// <param name="ignoreIndex">For class indices: a label that marks a row to skip. Probability targets allow no
    /// non-negative value here (as PyTorch).</param>
    /// <param name="labelSmoothing">ε in [0, 1]: the target becomes (1 − ε)·target + ε/C.</param>
    /// <param name="reduction">Mean (for class indices: divided by the total weight of the rows not ignored; for probabilities:
    /// divided by the number of rows), Sum, or None (one loss per row).</param>
    /// <exception cref="ArgumentException">The head linter's findings: multi-hot rows (use the sigmoid head), a single class,
    /// rows that are not distributions (negative, NaN, or not summing to 1 within 1e-4), labels out of range or not whole,
    /// targets of neither accepted shape, a weight that is not one per class, dtype mismatches.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="reduction"/> is not a named <see cref="Reduction"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> or <paramref name="targets"/> is null.</exception>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor targets, Tensor? weight = null, int ignoreIndex = -100,
        double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        int classes = SoftmaxHeadLinter.CheckLogits(logits);
        if (targets.DType != logits.DType)
            throw new ArgumentException(
                $"SoftmaxCrossEntropy: the targets are {targets.DType} but the logits {logits.DType}; convert with To(DType.{logits.DType}).", nameof(targets));
        SoftmaxHeadLinter.CheckOptions(logits, weight, labelSmoothing, reduction, classes);
        var rowShape = SoftmaxHeadLinter.RowShape(logits);
        if (targets.Shape == rowShape)
        {
            var labels = SoftmaxHeadLinter.LabelsOf(targets, logits.Shape);
            SoftmaxHeadLinter.CheckLabels(labels, logits, classes, ignoreIndex);
            var rows = StepArena.Recycled<SoftmaxCrossEntropyRows>().Reset(classes, labels, null, weight, ignoreIndex, labelSmoothing, reduction);
            return FusedSoftmaxCrossEntropy(ClassAxisLast(logits), rows, weight);
        }
        if (targets.Shape != logits.Shape)
            throw new ArgumentException(
                $"SoftmaxCrossEntropy: targets of shape {targets.Shape} fit logits of shape {logits.Shape} neither as class indices " +
                $"(expected {rowShape}) nor as probabilities (expected {logits.Shape}).", nameof(targets));
        var probabilities = ClassAxisLast(targets);
        SoftmaxHeadLinter.CheckProbabilities(probabilities, rowShape, ignoreIndex);
        var probabilityRows = StepArena.Recycled<SoftmaxCrossEntropyRows>().Reset(classes, null, probabilities, weight, ignoreIndex, labelSmoothing, reduction);
        return FusedSoftmaxCrossEntropy(ClassAxisLast(logits), probabilityRows, weight);
    }

    /// <summary>[N, C, d1, …] as [N, d1, …, C], so that every row of C logits is contiguous (a recorded permutation).</summary>
    private static Tensor ClassAxisLast(Tensor tensor)
    {
        if (tensor.Rank <= 2) return tensor;
        var order = new int[tensor.Rank];
        for (int d = 0; d < order.Length - 1; d++) order[d] = d == 0 ? 0 : d + 1;
        order[^1] = 1;
        return tensor.Permute(order);
    }

    /// <summary>The one tape entry: the forward over all rows, then the backward rule.</summary>
    private static Tensor FusedSoftmaxCrossEntropy(Tensor logits, SoftmaxCrossEntropyRows rows, Tensor? weight)
    {
        var reduction = rows.Reduction;
        // The logits come with the class axis last: a row's loss goes where its logits were, without that axis.
        var rowLosses = reduction == Reduction.None ? Tensor.Empty(logits.Shape.Without(logits.Rank - 1, "SoftmaxCrossEntropy"), logits.DType) : null;
        double total = rows.Forward(logits, rowLosses);
        var loss = reduction switch
        {
            Reduction.None => rowLosses!,
            Reduction.Mean => Tensor.ScalarResult(total / rows.Normaliser, logits.DType),
            _ => Tensor.ScalarResult(total, logits.DType),
        };

        var probabilities = rows.Probabilities;
        ReadOnlySpan<Tensor> inputs = probabilities is { RequiresGrad: true } ? [logits, probabilities] : [logits];
        return Tape.Record("SoftmaxCrossEntropy", loss, inputs, probabilities is null && weight is null ? [logits] : [logits, .. Present(probabilities, weight)],
            SoftmaxCrossEntropyBackward, rows);
    }

    /// <summary>dz (+)= s·(p − y) per row (with weights and smoothing as the forward had them), dt for probability targets.</summary>
    private static void SoftmaxCrossEntropyBackward(TapeEntry op, Tensor g, Gradients grads)
    {
        var rows = (SoftmaxCrossEntropyRows)op.State!;
        var (logits, probabilities, reduction) = (op.Input(0), rows.Probabilities, rows.Reduction);
        // Each row's gradient is scaled by the incoming gradient: its own (None) or the loss's, over the normaliser (Mean).
        double scale = reduction == Reduction.None ? 1 : g.GetFlat(0) / (reduction == Reduction.Mean ? rows.Normaliser : 1);
        bool accumulateLogits = false, accumulateTargets = false;
        var dLogits = grads.Needs(logits) ? grads.BufferToWrite(logits, out accumulateLogits) : null;
        var dTargets = probabilities is not null && grads.Needs(probabilities) ? grads.BufferToWrite(probabilities, out accumulateTargets) : null;
        var buffers = new SoftmaxCrossEntropyRows.GradientBuffers(dLogits, accumulateLogits, dTargets, accumulateTargets);
        rows.Backward(logits, scale, reduction == Reduction.None ? g : null, buffers);
    }

    /// <summary>The tensors that are not null (for the saved list of an op with optional inputs).</summary>
    private static Tensor[] Present(Tensor? first, Tensor? second) =>
        (first, second) switch
        {
            (null, null) => [],
            (null, { } only) => [only],
            ({ } only, null) => [only],
            ({ } both, { } and) => [both, and],
        };
}
