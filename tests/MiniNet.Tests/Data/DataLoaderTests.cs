using MiniNet.Data;

namespace MiniNet.Tests.Data;

public class DataLoaderTests
{
    /// <summary>The dataset indices of every batch of one epoch, checking on the way that each row holds its sample.</summary>
    private static List<int[]> Epoch(DataLoader loader)
    {
        var batches = new List<int[]>();
        var dataset = (LabeledDataset)loader.Dataset;
        foreach (var batch in loader)
        {
            Assert.Equal([batch.Size, dataset.FeatureCount], batch.Features.Shape.ToArray());
            var rows = batch.Features.ToArray<float>();
            for (int k = 0; k < batch.Size; k++)
            {
                int index = batch.Indices[k];
                Assert.Equal(dataset.GetFeatures(index).ToArray(), rows.AsSpan(k * 3, 3).ToArray());
                Assert.Equal(dataset.GetLabel(index), batch.Labels[k]);
            }
            batches.Add(batch.Indices.ToArray());
        }
        return batches;
    }

    [Fact]
    public void Every_sample_is_seen_exactly_once_per_epoch_with_the_partial_last_batch_kept()
    {
        var loader = new DataLoader(LabeledDatasetTests.Numbered(10), batchSize: 3, shuffle: true, generator: new Generator(3));
        var batches = Epoch(loader);
        Assert.Equal([3, 3, 3, 1], batches.Select(b => b.Length));
        Assert.Equal(4, loader.BatchCount);
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b).Order());
    }

    [Fact]
    public void Dropping_the_last_batch_leaves_only_full_batches_of_distinct_samples()
    {
        var loader = new DataLoader(LabeledDatasetTests.Numbered(10), batchSize: 3, shuffle: true, generator: new Generator(3), dropLast: true);
        var batches = Epoch(loader);
        Assert.Equal([3, 3, 3], batches.Select(b => b.Length));
        Assert.Equal(3, loader.BatchCount);
        var seen = batches.SelectMany(b => b).ToList();
        Assert.Equal(9, seen.Distinct().Count());
    }

    [Fact]
    public void Without_shuffle_the_samples_come_in_order()
    {
        var loader = new DataLoader(LabeledDatasetTests.Numbered(7), batchSize: 4);
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6]], Epoch(loader));
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6]], Epoch(loader));
    }

    [Fact]
    public void Seeded_shuffles_are_reproducible_and_differ_across_epochs_and_seeds()
    {
        var dataset = LabeledDatasetTests.Numbered(50);
        List<int> Order(DataLoader loader) => Epoch(loader).SelectMany(b => b).ToList();

        var first = new DataLoader(dataset, 8, shuffle: true, generator: new Generator(42));
        var second = new DataLoader(dataset, 8, shuffle: true, generator: new Generator(42));
        var other = new DataLoader(dataset, 8, shuffle: true, generator: new Generator(43));
        var epochs = Enumerable.Range(0, 3).Select(_ => Order(first)).ToList();

        for (int e = 0; e < 3; e++) Assert.Equal(epochs[e], Order(second));
        Assert.NotEqual(epochs[0], epochs[1]);
        Assert.NotEqual(epochs[1], epochs[2]);
        Assert.NotEqual(epochs[0], Order(other));
        Assert.NotEqual(Enumerable.Range(0, 50), epochs[0]);
    }

    [Fact]
    public void Shuffling_without_a_generator_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new DataLoader(LabeledDatasetTests.Numbered(4), 2, shuffle: true));
        Assert.Contains("shuffle needs a generator", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(LabeledDatasetTests.Numbered(4), 0));
    }

    [Fact]
    public void An_epoch_allocates_nothing_per_sample_or_per_batch()
    {
        var features = new float[1000 * 784];
        var labels = new int[1000];
        for (int i = 0; i < labels.Length; i++) labels[i] = i % 10;
        var dataset = LabeledDataset.FromArrays(features, labels, [28, 28], 10);
        var loader = new DataLoader(dataset, batchSize: 32, shuffle: true, generator: new Generator(7)); // 31 full batches and one of 8

        int batches = 0;
        void RunEpoch() { foreach (var batch in loader) batches++; }
        RunEpoch(); // the first epoch allocates the two reusable batches
        RunEpoch();
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunEpoch();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One enumerator per epoch (about 100 bytes); anything per batch (32 of them) or per sample would exceed this.
        Assert.True(allocated <= 512, $"an epoch of 1000 samples in 32 batches allocated {allocated} bytes");
        Assert.Equal(3 * 32, batches);
    }

    [Fact]
    public void A_graph_that_saved_a_batch_fails_at_backward_once_the_batch_is_refilled()
    {
        var loader = new DataLoader(LabeledDatasetTests.Numbered(4), batchSize: 2);
        var weights = Tensor.Ones([3, 1]).RequireGrad();
        Tensor? loss = null;
        foreach (var batch in loader)
        {
            loss ??= batch.Features.MatMul(weights).Sum(); // MatMul saves the features for the weights' gradient
        }
        var error = Assert.Throws<InvalidOperationException>(() => loss!.Backward());
        Assert.Contains("Clone()", error.Message);
    }

    [Fact]
    public void Starting_a_new_epoch_ends_the_previous_one()
    {
        var loader = new DataLoader(LabeledDatasetTests.Numbered(6), batchSize: 2);
        using var first = loader.GetEnumerator();
        Assert.True(first.MoveNext());
        using var second = loader.GetEnumerator();
        Assert.True(second.MoveNext());
        var error = Assert.Throws<InvalidOperationException>(() => first.MoveNext());
        Assert.Contains("a new epoch has started", error.Message);
    }
}
