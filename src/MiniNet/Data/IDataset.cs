namespace MiniNet.Data;

/// <summary>
/// A source of samples that a <see cref="DataLoader"/> batches: PyTorch's map-style <c>Dataset</c>, with
/// <see cref="Count"/> as <c>__len__</c> and <see cref="CopyBatch"/> as <c>__getitems__</c>, the batched fetch.
/// Each sample is a features array of <see cref="FeatureShape"/> and either a class label
/// (<see cref="ClassCount"/> &gt; 0: <see cref="Batch.Labels"/>) or a float target of <see cref="TargetShape"/>
/// (<see cref="ClassCount"/> = 0, for regression and multi-label: <see cref="Batch.Targets"/>).
/// <see cref="LabeledDataset"/> and <see cref="TensorDataset"/> are the built-in ones; implement it to plug in your own.
/// </summary>
/// <remarks>
/// <para>The loader asks for a whole batch at a time and hands over the batch's own buffers, so a dataset copies
/// each sample straight into place: nothing is allocated per sample or per batch, and there is one interface call
/// per batch rather than one per sample.</para>
/// <para>The loader reads <see cref="Count"/>, <see cref="FeatureShape"/>, <see cref="ClassCount"/> and
/// <see cref="TargetShape"/> once, when it is made: they must not change afterwards. Features and float targets
/// are float32, what training uses; they should be finite (a NaN makes the loss of its whole batch NaN).</para>
/// <code>
/// sealed class Squares(int count) : IDataset      // x ↦ x², for x = 0, 0.01, 0.02, …
/// {
///     public int Count => count;
///     public Shape FeatureShape => [1];
///     public int ClassCount => 0;                   // float targets
///     public Shape TargetShape => [1];
///     public void CopyBatch(ReadOnlySpan&lt;int&gt; indices, Span&lt;float&gt; features, Span&lt;int&gt; labels, Span&lt;float&gt; targets)
///     {
///         for (int k = 0; k &lt; indices.Length; k++)
///             (features[k], targets[k]) = (indices[k] / 100f, indices[k] * indices[k] / 10_000f);
///     }
/// }
/// </code>
/// </remarks>
public interface IDataset
{
    /// <summary>The number of samples (PyTorch's <c>len(dataset)</c>); samples are numbered 0 to Count − 1.</summary>
    int Count { get; }

    /// <summary>The shape of one sample's features as a batch holds them: <see cref="Batch.Features"/> is [batch size, ..FeatureShape].</summary>
    Shape FeatureShape { get; }

    /// <summary>
    /// The number of classes when each sample has a class label in [0, ClassCount), which batches hold as
    /// <see cref="Batch.Labels"/>; 0 when each sample has a float target of <see cref="TargetShape"/> instead.
    /// </summary>
    int ClassCount { get; }

    /// <summary>
    /// The shape of one sample's float target (<c>[]</c> for one number per sample, <c>[C]</c> for C outputs):
    /// <see cref="Batch.Targets"/> is [batch size, ..TargetShape]. <c>[]</c> for a class-labelled dataset.
    /// </summary>
    Shape TargetShape { get; }

    /// <summary>
    /// Copies the samples at <paramref name="indices"/>, in that order, into a batch's buffers: sample
    /// <c>indices[k]</c> goes to row k of each.
    /// </summary>
    /// <param name="indices">The samples to copy, each in [0, <see cref="Count"/>).</param>
    /// <param name="features">indices.Length rows of FeatureShape.ElementCount floats, row-major.</param>
    /// <param name="labels">One class label per index when <see cref="ClassCount"/> &gt; 0; empty otherwise.</param>
    /// <param name="targets">indices.Length rows of TargetShape.ElementCount floats when <see cref="ClassCount"/> = 0; empty otherwise.</param>
    /// <exception cref="ArgumentException">(The built-in datasets) a span's length does not fit the indices.</exception>
    /// <exception cref="ArgumentOutOfRangeException">(The built-in datasets) an index is outside [0, <see cref="Count"/>).</exception>
    void CopyBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets);
}
