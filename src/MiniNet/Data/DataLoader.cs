using System.Collections;

namespace MiniNet.Data;

/// <summary>
/// Mini-batches over an <see cref="IDataset"/> (a <see cref="LabeledDataset"/>, a <see cref="TensorDataset"/> or your own), as PyTorch's
/// <c>DataLoader(dataset, batch_size, shuffle, drop_last, generator)</c>: each enumeration is one epoch
/// that visits every sample once (all but the last partial batch with <c>dropLast</c>), in order, or in a
/// fresh random order drawn from the generator when shuffling. A seed therefore fixes the order of
/// every epoch, and epochs differ from each other.
/// </summary>
/// <remarks>
/// <para><b>Buffers are reused.</b> The loader owns one <see cref="Batch"/> for full batches and one for
/// the last, partial one, and refills them as the epoch goes: no allocation per sample or per batch.
/// A batch is valid until the enumeration moves on; <see cref="Tensor.Clone"/> its tensors or copy its
/// labels to keep them longer. Refilling bumps the tensors' versions, so a graph that saved an old
/// batch and is differentiated afterwards fails loudly instead of computing a wrong gradient. The dataset
/// fills each batch with one <see cref="IDataset.CopyBatch"/> call.</para>
/// <para>Starting a new epoch ends the previous one: its enumerator throws if used again.</para>
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly IDataset _dataset;
    private readonly Shape _featureShape, _targetShape; // read once: a dataset's layout does not change
    private readonly int _classCount;
    private readonly Generator? _generator;
    private readonly int[] _order;
    private Batch? _fullBatch, _partialBatch;
    private int _epoch;

    /// <summary>Creates a loader; its batch buffers are made by the first epoch that needs them.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch (the last batch may be smaller unless <paramref name="dropLast"/>).</param>
    /// <param name="shuffle">Draw a new random order for each epoch from <paramref name="generator"/>.</param>
    /// <param name="generator">The source of the shuffles; required with <paramref name="shuffle"/>, so runs are reproducible.</param>
    /// <param name="dropLast">Skip the last batch when it is smaller than <paramref name="batchSize"/>, as PyTorch's <c>drop_last</c>.</param>
    /// <exception cref="ArgumentException">The dataset is empty or describes its samples inconsistently, or shuffling was asked for without a generator.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is null.</exception>
    public DataLoader(IDataset dataset, int batchSize, bool shuffle = false, Generator? generator = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"DataLoader: the batch size is {batchSize}; it must be positive.");
        // An epoch of no batches would train on nothing and report no loss, without a word (PyTorch allows it; it is never meant).
        if (dataset.Count == 0)
            throw new ArgumentException(
                "DataLoader: the dataset holds 0 samples, so every epoch would have 0 batches; check the split or the Take/Subset that produced it.",
                nameof(dataset));
        if (shuffle && generator is null)
            throw new ArgumentException("DataLoader: shuffle needs a generator (new Generator(seed)) so that every run sees the same orders.", nameof(generator));
        _classCount = dataset.ClassCount;
        _featureShape = dataset.FeatureShape;
        _targetShape = dataset.TargetShape;
        if (_classCount < 0 || (_classCount > 0 && _targetShape.Rank != 0))
            throw new ArgumentException(
                $"DataLoader: {dataset.GetType().Name} has ClassCount {_classCount} and TargetShape {_targetShape}; expected ClassCount > 0 with TargetShape [] " +
                "(one class label per sample) or ClassCount 0 (float targets of TargetShape).", nameof(dataset));
        _dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        _generator = shuffle ? generator : null;
        DropLast = dropLast;
        _order = new int[dataset.Count];
    }

    /// <summary>The samples being batched.</summary>
    public IDataset Dataset => _dataset;

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the samples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether the last, partial batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches in an epoch (PyTorch's <c>len(loader)</c>).</summary>
    public int BatchCount => DropLast ? _dataset.Count / BatchSize : (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Starts an epoch (shuffling first, if asked) and enumerates its batches.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int epoch = ++_epoch;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _generator?.Shuffle<int>(_order);
        return Batches(epoch);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerator<Batch> Batches(int epoch)
    {
        for (int start = 0; start < _order.Length; start += BatchSize)
        {
            int size = Math.Min(BatchSize, _order.Length - start);
            if (size < BatchSize && DropLast) yield break;
            if (epoch != _epoch)
                throw new InvalidOperationException("DataLoader: a new epoch has started, and it reuses this epoch's batch buffers; finish one epoch before starting the next.");
            var batch = size == BatchSize
                ? _fullBatch ??= new Batch(size, _featureShape, _classCount, _targetShape)
                : _partialBatch ??= new Batch(size, _featureShape, _classCount, _targetShape);
            batch.Fill(_dataset, _order.AsSpan(start, size));
            yield return batch;
        }
    }
}
