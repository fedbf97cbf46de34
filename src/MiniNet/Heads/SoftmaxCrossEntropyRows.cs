using System.Numerics;
using MiniNet.Kernels;

namespace MiniNet;

/// <summary>
/// The fused softmax cross-entropy over logits laid out as rows of <c>classes</c> (class axis last):
/// forward and backward side by side. Each row counts −log p_c with a coefficient a_c (see
/// <see cref="CrossEntropy"/>), so its gradient is A·p − a, scaled by what the reduction and the
/// incoming gradient give the row:
/// <list type="bullet">
/// <item>class index y, weight w, smoothing ε: a = (1 − ε)·w_y·onehot(y) + (ε/C)·w (PyTorch weights the
/// smoothing term by every class's weight); Mean divides by Σ w_y over the rows not ignored.</item>
/// <item>probabilities t: a = w ⊙ ((1 − ε)·t + ε/C); Mean divides by the number of rows.</item>
/// </list>
/// Saved for backward: per row, the maximum and log Σ e^(z − max) — the softmax is recomputed from them in
/// the pass that writes the gradient, which costs one exp per logit and saves storing C probabilities a row.
/// </summary>
/// <remarks>
/// One object serves one op: <see cref="Reset"/> fills it, reusing its arrays when the row count stays the same (a
/// <see cref="StepArena"/> hands the same object to the same op step after step).
/// </remarks>
internal sealed class SoftmaxCrossEntropyRows : IRowRange
{
    private int _classes, _ignoreIndex;
    private int[]? _labels;
    private Tensor? _probabilities, _weight;
    private double _labelSmoothing;
    private int[] _labelBuffer = [];
    private double[] _max = [];
    private double[] _logSum = [];

    /// <summary>
    /// Sets up the op: the class count, a copy of the labels (the caller may change its array before backward) or the
    /// probability rows, the per-class weight, the ignored label, the smoothing, and the reduction the rule applies.
    /// </summary>
    public SoftmaxCrossEntropyRows Reset(int classes, int[]? labels, Tensor? probabilities, Tensor? weight, int ignoreIndex, double labelSmoothing,
        Reduction reduction)
    {
        (_classes, _probabilities, _weight, _ignoreIndex, _labelSmoothing, Reduction) = (classes, probabilities, weight, ignoreIndex, labelSmoothing, reduction);
        if (labels is null) _labels = null;
        else
        {
            if (_labelBuffer.Length != labels.Length) _labelBuffer = new int[labels.Length];
            labels.CopyTo(_labelBuffer, 0);
            _labels = _labelBuffer;
        }
        return this;
    }

    /// <summary>The reduction the op's result has: the backward rule scales the rows by it.</summary>
    public Reduction Reduction { get; private set; }

    /// <summary>The probability targets, when the targets are rows of probabilities (they may take a gradient).</summary>
    public Tensor? Probabilities => _probabilities;

    // What one pass works on, set by Forward or Backward for the rows it hands out (to other threads too), then cleared.
    private bool _backward;
    private Tensor? _logits, _rowLosses, _rowScales;
    private double[] _loss = [], _countedWeight = [];
    private double _scale;
    private GradientBuffers _buffers;

    /// <summary>What Mean divides by: the total weight of the rows that count (index targets) or the row count (probabilities).</summary>
    public double Normaliser { get; private set; }

    /// <summary>
    /// Computes every row's loss; returns their sum and writes each to <paramref name="rowLosses"/> when given. Rows
    /// may be computed on several threads; the sums are taken afterwards in row order, so the bits never change.
    /// </summary>
    public double Forward(Tensor logits, Tensor? rowLosses)
    {
        int rows = _classes == 0 ? 0 : (int)(logits.ElementCount / _classes);
        if (_max.Length != rows) (_max, _logSum, _loss, _countedWeight) = (new double[rows], new double[rows], new double[rows], new double[rows]);
        (_backward, _logits, _rowLosses) = (false, logits, rowLosses);
        RowJob.Run(this, rows, (long)rows * _classes);
        (_logits, _rowLosses) = (null, null);
        double total = 0, normaliser = 0;
        for (int r = 0; r < rows; r++)
        {
            total += _loss[r];
            normaliser += _countedWeight[r];
        }
        Normaliser = normaliser;
        return total;
    }

    /// <summary>
    /// dz (+)= s_r·(A·p − a) for every row r that counts, and, for probability targets that take a gradient,
    /// dt_c (+)= s_r·(1 − ε)·w_c·(−log p_c). The row scale s_r is <paramref name="rowScales"/>[r] (reduction
    /// None) or <paramref name="scale"/>. Rows that do not count get 0 (stored, or nothing added).
    /// </summary>
    public void Backward(Tensor logits, double scale, Tensor? rowScales, GradientBuffers buffers)
    {
        (_backward, _logits, _scale, _rowScales, _buffers) = (true, logits, scale, rowScales, buffers);
        RowJob.Run(this, _max.Length, (long)_max.Length * _classes);
        (_logits, _rowScales, _buffers) = (null, null, default);
    }

    void IRowRange.Run(int start, int end) => DTypeDispatch.Run(_logits!.DType, new RowsKernel(this, start, end));

    private readonly struct RowsKernel(SoftmaxCrossEntropyRows rows, int start, int end) : IDTypeKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (rows._backward) rows.BackwardRows<T>(start, end);
            else rows.ForwardRows<T>(start, end);
        }
    }

    /// <summary>Rows [start, end): their statistics, their losses and, where they count, the weight Mean divides by.</summary>
    private void ForwardRows<T>(int start, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> logits = _logits!.Span<T>();
        Span<T> rowLosses = _rowLosses is null ? default : _rowLosses.Span<T>();
        ReadOnlySpan<T> weights = _weight is null ? default : _weight.Span<T>();
        Span<T> scratch = _probabilities is null ? default : new T[_classes];
        double epsilon = _labelSmoothing;
        int count = end - start;
        CrossEntropy.RowStatistics(logits.Slice(start * _classes, count * _classes), _classes, _labels is null ? default : _labels.AsSpan(start, count),
            _ignoreIndex, _max.AsSpan(start, count), _logSum.AsSpan(start, count));
        for (int r = start; r < end; r++)
        {
            var row = logits.Slice(r * _classes, _classes);
            double loss = 0;
            if (Counts(r))
            {
                double max = _max[r], logSum = _logSum[r];
                if (_labels is not null)
                {
                    int label = _labels[r];
                    double labelWeight = weights.IsEmpty ? 1 : double.CreateTruncating(weights[label]);
                    loss = labelWeight * CrossEntropy.NegLogProbability(double.CreateTruncating(row[label]), max, logSum);
                    if (epsilon != 0)
                    {
                        double smoothing = weights.IsEmpty
                            ? CrossEntropy.NegLogProbabilitySum(row, max, logSum)
                            : CrossEntropy.WeightedNegLogProbabilitySum(row, weights, max, logSum);
                        loss = (1 - epsilon) * loss + epsilon / _classes * smoothing;
                    }
                    _countedWeight[r] = labelWeight;
                }
                else
                {
                    loss = CrossEntropy.WeightedNegLogProbabilitySum(row, Coefficients(r, weights, scratch), max, logSum);
                    _countedWeight[r] = 1;
                }
            }
            if (!rowLosses.IsEmpty) rowLosses[r] = T.CreateTruncating(loss);
            _loss[r] = loss;
        }
    }

    private bool Counts(int row) => _labels is null || _labels[row] != _ignoreIndex;

    /// <summary>Where backward writes: each gradient buffer, or null, and whether to add to it (it already holds a gradient) or store.</summary>
    public readonly record struct GradientBuffers(Tensor? Logits, bool AccumulateLogits, Tensor? Targets, bool AccumulateTargets);

    /// <summary>The gradients of rows [start, end).</summary>
    private void BackwardRows<T>(int start, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> logits = _logits!.Span<T>();
        ReadOnlySpan<T> rowScales = _rowScales is null ? default : _rowScales.Span<T>();
        double scale = _scale;
        var buffers = _buffers;
        Span<T> dLogits = buffers.Logits is null ? default : buffers.Logits.Span<T>();
        Span<T> dTargets = buffers.Targets is null ? default : buffers.Targets.Span<T>();
        bool accumulate = buffers.AccumulateLogits, accumulateTargets = buffers.AccumulateTargets;
        ReadOnlySpan<T> weights = _weight is null ? default : _weight.Span<T>();
        Span<T> scratch = _probabilities is null ? default : new T[_classes];
        double epsilon = _labelSmoothing;
        double weightSum = weights.IsEmpty ? _classes : Simd.Sum(weights);
        for (int r = start; r < end; r++)
        {
            var row = logits.Slice(r * _classes, _classes);
            var dRow = dLogits.IsEmpty ? default : dLogits.Slice(r * _classes, _classes);
            if (_labels is not null && _labels[r] == _ignoreIndex)
            {
                if (!accumulate) dRow.Clear();
                continue;
            }
            double s = rowScales.IsEmpty ? scale : double.CreateTruncating(rowScales[r]);
            double max = _max[r], logSum = _logSum[r];
            if (_labels is not null)
            {
                int label = _labels[r];
                double labelWeight = weights.IsEmpty ? 1 : double.CreateTruncating(weights[label]);
                double total = (1 - epsilon) * labelWeight + epsilon / _classes * weightSum; // A
                if (weights.IsEmpty || epsilon == 0)
                    CrossEntropy.ScaledSoftmax(row, max, logSum, s * total, weights.IsEmpty ? s * epsilon / _classes : 0, dRow, accumulate);
                else
                    CrossEntropy.ScaledSoftmaxMinus(row, weights, max, logSum, s * total, s * epsilon / _classes, dRow, accumulate);
                dRow[label] -= T.CreateTruncating(s * (1 - epsilon) * labelWeight);
            }
            else
            {
                var coefficients = Coefficients(r, weights, scratch);
                if (!dRow.IsEmpty)
                    CrossEntropy.ScaledSoftmaxMinus(row, coefficients, max, logSum, s * Simd.Sum(coefficients), s, dRow, accumulate);
                if (dTargets.IsEmpty) continue;
                var dTargetRow = dTargets.Slice(r * _classes, _classes);
                if (weights.IsEmpty) CrossEntropy.NegLogProbability(row, max, logSum, s * (1 - epsilon), dTargetRow, accumulateTargets);
                else CrossEntropy.WeightedNegLogProbability(row, weights, max, logSum, s * (1 - epsilon), dTargetRow, accumulateTargets);
            }
        }
    }

    /// <summary>A probability row's coefficients a = w ⊙ ((1 − ε)·t + ε/C): the targets themselves when there is neither weight nor smoothing.</summary>
    private ReadOnlySpan<T> Coefficients<T>(int row, ReadOnlySpan<T> weights, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var targets = _probabilities!.Span<T>().Slice(row * _classes, _classes);
        if (weights.IsEmpty && _labelSmoothing == 0) return targets;
        if (_labelSmoothing == 0) targets.CopyTo(scratch);
        else
        {
            Simd.Zip(targets, 1 - _labelSmoothing, scratch, new MultiplyOp());
            Simd.Zip(scratch, _labelSmoothing / _classes, scratch, new AddOp());
        }
        if (!weights.IsEmpty) Simd.Zip(scratch, weights, scratch, new MultiplyOp());
        return scratch;
    }
}
