namespace MiniNet.Data;

/// <summary>
/// One mini-batch from a <see cref="DataLoader"/>: the samples' features as a float32 tensor of shape
/// [<see cref="Size"/>, feature count] and their labels. The loader refills the same batch object as the
/// epoch goes on (see <see cref="DataLoader"/>), so a batch is valid until the next one is produced.
/// </summary>
public sealed class Batch
{
    private readonly int[] _indices;

    internal Batch(int size, int featureCount, int classCount)
    {
        Features = Tensor.Zeros([size, featureCount]);
        Labels = new int[size];
        _indices = new int[size];
        ClassCount = classCount;
    }

    /// <summary>The number of samples in the batch.</summary>
    public int Size => Labels.Length;

    /// <summary>The features, one sample per row: shape [<see cref="Size"/>, feature count], float32.</summary>
    public Tensor Features { get; }

    /// <summary>The class label of each row of <see cref="Features"/>.</summary>
    public int[] Labels { get; }

    /// <summary>The number of classes of the dataset (the width of <see cref="OneHot"/>).</summary>
    public int ClassCount { get; }

    /// <summary>Where each row came from: its index in the loader's dataset.</summary>
    public ReadOnlySpan<int> Indices => _indices;

    /// <summary>The labels as one-hot rows: a new float32 tensor [<see cref="Size"/>, <see cref="ClassCount"/>] (see <see cref="Targets.OneHot"/>).</summary>
    public Tensor OneHot() => Targets.OneHot(Labels, ClassCount);

    /// <summary>
    /// The labels as multi-hot rows from a per-class attribute table: a new float32 tensor
    /// [<see cref="Size"/>, attribute count] (see <see cref="Targets.MultiHot"/>).
    /// </summary>
    public Tensor MultiHot(bool[,] classAttributes) => Targets.MultiHot(Labels, classAttributes);

    /// <summary>Copies the samples at <paramref name="indices"/> into this batch's buffers, row by row.</summary>
    internal void Fill(LabeledDataset dataset, ReadOnlySpan<int> indices)
    {
        Features.Version.Bump(); // a graph that saved the previous contents must not use the new ones silently
        var rows = Features.Span<float>();
        int featureCount = dataset.FeatureCount;
        for (int k = 0; k < indices.Length; k++)
        {
            _indices[k] = indices[k];
            Labels[k] = dataset.CopySample(indices[k], rows.Slice(k * featureCount, featureCount));
        }
    }
}
