using System.Globalization;

namespace MiniNet.Data;

/// <summary>
/// Samples made from tensors, as PyTorch's <c>TensorDataset(features, targets)</c>: sample i is
/// <c>features[i]</c>, of any shape ([N, 1, 28, 28] images, [N, 13] table rows), paired with a float target
/// <c>targets[i]</c> (regression, multi-label) or an integer class label <c>labels[i]</c> (classification).
/// Batch it with a <see cref="DataLoader"/>: its batches hold [batch size, ..<see cref="FeatureShape"/>] features and
/// [batch size, ..<see cref="TargetShape"/>] <see cref="Batch.Targets"/>, or <see cref="Batch.Labels"/>.
/// </summary>
/// <remarks>
/// The dataset holds a copy of the tensors' elements, taken when it is made, so changing the tensors later does
/// not change it. Both tensors are float32, what training uses; <c>tensor.To(DType.Float32)</c> converts.
/// </remarks>
public sealed class TensorDataset : IDataset
{
    private readonly float[] _features; // Count rows of FeatureShape.ElementCount
    private readonly float[] _targets;  // Count rows of TargetShape.ElementCount; empty with class labels
    private readonly int[] _labels;     // one per sample; empty with float targets
    private readonly int _featureCount, _targetCount;

    /// <summary>Pairs each sample of <paramref name="features"/> [N, …] with a float target of <paramref name="targets"/> [N, …].</summary>
    /// <param name="features">The samples' features, the samples along axis 0: [N, ..FeatureShape], float32, finite.</param>
    /// <param name="targets">The samples' targets, the samples along axis 0: [N, ..TargetShape] ([N] for one number each), float32, finite.</param>
    /// <exception cref="ArgumentException">A tensor is a scalar or not float32, the sample counts differ, or an element is NaN or ±∞.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="features"/> or <paramref name="targets"/> is null.</exception>
    public TensorDataset(Tensor features, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        (_features, FeatureShape) = Rows(features, nameof(features));
        (_targets, TargetShape) = Rows(targets, nameof(targets));
        if (targets.Shape[0] != features.Shape[0])
            throw new ArgumentException(
                $"TensorDataset: features {features.Shape} hold {features.Shape[0]} samples but targets {targets.Shape} hold {targets.Shape[0]}; " +
                "axis 0 counts the samples in both.", nameof(targets));
        _labels = [];
        Count = features.Shape[0];
        (_featureCount, _targetCount) = (FeatureShape.ElementCount, TargetShape.ElementCount);
    }

    /// <summary>Pairs each sample of <paramref name="features"/> [N, …] with a class label of <paramref name="labels"/> (N of them, a copy).</summary>
    /// <param name="features">The samples' features, the samples along axis 0: [N, ..FeatureShape], float32, finite.</param>
    /// <param name="labels">The class of each sample, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <exception cref="ArgumentException">The features are a scalar or not float32, or hold a NaN or ±∞; there is not one label per sample, or a label is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="features"/> or <paramref name="labels"/> is null.</exception>
    public TensorDataset(Tensor features, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (classCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"TensorDataset: classCount is {classCount}; expected at least 1.");
        (_features, FeatureShape) = Rows(features, nameof(features));
        if (labels.Length != features.Shape[0])
            throw new ArgumentException(
                $"TensorDataset: features {features.Shape} hold {features.Shape[0]} samples but {labels.Length} labels were given; one label per sample.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException(
                    $"TensorDataset: label {labels[i]} at index {i} is outside 0–{classCount - 1} ({classCount} classes).", nameof(labels));
        _labels = (int[])labels.Clone();
        _targets = [];
        ClassCount = classCount;
        Count = labels.Length;
        _featureCount = FeatureShape.ElementCount;
    }

    /// <summary>The number of samples (PyTorch's <c>len(dataset)</c>).</summary>
    public int Count { get; }

    /// <summary>The shape of one sample's features: the features tensor's shape without axis 0.</summary>
    public Shape FeatureShape { get; }

    /// <summary>The number of classes with class labels; 0 with float targets.</summary>
    public int ClassCount { get; }

    /// <summary>The shape of one sample's float target: the targets tensor's shape without axis 0 (<c>[]</c> with class labels).</summary>
    public Shape TargetShape { get; }

    /// <summary>Copies each indexed sample's features to a row of <paramref name="features"/>, and its label or target to <paramref name="labels"/> or <paramref name="targets"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="ArgumentException">A span's length does not fit the indices.</exception>
    void IDataset.CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
    {
        BatchBuffers.Check(this, nameof(TensorDataset), indices, features, labels, targets);
        for (int k = 0; k < indices.Length; k++)
        {
            int sample = indices[k];
            _features.AsSpan(sample * _featureCount, _featureCount).CopyTo(features.Slice(k * _featureCount, _featureCount));
            if (ClassCount > 0) labels[k] = _labels[sample];
            else _targets.AsSpan(sample * _targetCount, _targetCount).CopyTo(targets.Slice(k * _targetCount, _targetCount));
        }
    }

    /// <summary>A copy of a float32 tensor's elements and the shape of one of its rows along axis 0, refusing NaN and ±∞.</summary>
    private static (float[] Elements, Shape RowShape) Rows(Tensor tensor, string name)
    {
        if (tensor.Rank == 0)
            throw new ArgumentException($"TensorDataset: {name} are a scalar; expected [N, …], one sample per index of axis 0.", name);
        if (tensor.DType != DType.Float32)
            throw new ArgumentException(
                $"TensorDataset: {name} {tensor.Shape} are {tensor.DType}; batches hold float32, what training uses: pass {name}.To(DType.Float32).", name);
        var elements = tensor.ToArray<float>();
        int rowLength = tensor.Shape[0] == 0 ? 0 : elements.Length / tensor.Shape[0];
        // A NaN or ±∞ makes every loss and gradient of its batch NaN, silently: refuse it where it enters.
        for (int i = 0; i < elements.Length; i++)
            if (!float.IsFinite(elements[i]))
                throw new ArgumentException(
                    $"TensorDataset: {name} element {i % rowLength} of sample {i / rowLength} (shape {tensor.Shape}) is " +
                    $"{elements[i].ToString(CultureInfo.InvariantCulture)}; {name} must be finite numbers.", name);
        return (elements, Shape.Checked(tensor.Shape.Dims[1..].ToArray(), "TensorDataset"));
    }
}
