namespace MiniNet.Data;

/// <summary>
/// One mini-batch from a <see cref="DataLoader"/>: the samples' features as a float32 tensor of shape
/// [<see cref="Size"/>, ..the dataset's <see cref="IDataset.FeatureShape"/>], and either their class
/// <see cref="Labels"/> (a classification dataset) or their float <see cref="Targets"/> (regression, multi-label).
/// The loader refills the same batch object as the epoch goes on (see <see cref="DataLoader"/>), so a batch is
/// valid until the next one is produced.
/// </summary>
public sealed class Batch
{
    private readonly int[] _indices;
    private readonly int[]? _labels;   // with class labels (ClassCount > 0)
    private readonly Tensor? _targets; // with float targets (ClassCount = 0)

    internal Batch(int size, Shape featureShape, int classCount, Shape targetShape)
    {
        Features = Tensor.Zeros(Shape.Checked([size, .. featureShape.Dims], "DataLoader batch features"));
        if (classCount > 0) _labels = new int[size];
        else _targets = Tensor.Zeros(Shape.Checked([size, .. targetShape.Dims], "DataLoader batch targets"));
        _indices = new int[size];
        ClassCount = classCount;
    }

    /// <summary>The number of samples in the batch.</summary>
    public int Size => _indices.Length;

    /// <summary>The features: shape [<see cref="Size"/>, ..the dataset's feature shape] (one flat row per sample from a <see cref="LabeledDataset"/>), float32.</summary>
    public Tensor Features { get; }

    /// <summary>The class label of each sample, for a dataset with class labels.</summary>
    /// <exception cref="InvalidOperationException">The dataset has float targets instead (<see cref="ClassCount"/> is 0): use <see cref="Targets"/>.</exception>
    public int[] Labels => _labels ?? throw new InvalidOperationException(
        $"Batch.Labels: this batch's dataset has float targets of shape {Targets.Shape} (ClassCount 0), not class labels; use Batch.Targets.");

    /// <summary>The float target of each sample, for a dataset with float targets: shape [<see cref="Size"/>, ..the dataset's target shape], float32.</summary>
    /// <exception cref="InvalidOperationException">The dataset has class labels instead: use <see cref="Labels"/>, or <see cref="OneHot"/> for float rows.</exception>
    public Tensor Targets => _targets ?? throw new InvalidOperationException(
        $"Batch.Targets: this batch's dataset has class labels ({ClassCount} classes), not float targets; use Batch.Labels, or Batch.OneHot() for one-hot rows.");

    /// <summary>The number of classes of the dataset (the width of <see cref="OneHot"/>); 0 when the samples have float <see cref="Targets"/>.</summary>
    public int ClassCount { get; }

    /// <summary>Where each row came from: its index in the loader's dataset.</summary>
    public ReadOnlySpan<int> Indices => _indices;

    /// <summary>The labels as one-hot rows: a new float32 tensor [<see cref="Size"/>, <see cref="ClassCount"/>] (see <see cref="MiniNet.Data.Targets.OneHot"/>).</summary>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not class labels.</exception>
    public Tensor OneHot() => MiniNet.Data.Targets.OneHot(Labels, ClassCount);

    /// <summary>
    /// The labels as multi-hot rows from a per-class attribute table: a new float32 tensor
    /// [<see cref="Size"/>, attribute count] (see <see cref="MiniNet.Data.Targets.MultiHot"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The dataset has float targets, not class labels.</exception>
    public Tensor MultiHot(bool[,] classAttributes) => MiniNet.Data.Targets.MultiHot(Labels, classAttributes);

    /// <summary>Has <paramref name="dataset"/> copy the samples at <paramref name="indices"/> into this batch's buffers.</summary>
    /// <exception cref="InvalidOperationException">The dataset gave a label outside [0, ClassCount).</exception>
    internal void Fill(IDataset dataset, ReadOnlySpan<int> indices)
    {
        // A graph that saved the previous contents must not use the new ones silently.
        Features.Version.Bump();
        _targets?.Version.Bump();
        indices.CopyTo(_indices);
        dataset.CopyBatch(indices, Features.Span<float>(), _labels, _targets is null ? [] : _targets.Span<float>());
        if (_labels is null) return;
        // A label out of range would surface later as a loss error about row k, far from the dataset that made it.
        for (int k = 0; k < _labels.Length; k++)
            if ((uint)_labels[k] >= (uint)ClassCount)
                throw new InvalidOperationException(
                    $"DataLoader: {dataset.GetType().Name}.CopyBatch gave sample {indices[k]} the label {_labels[k]}, outside 0–{ClassCount - 1} ({ClassCount} classes).");
    }
}
