using MiniNet.Data;
using MiniNet.Layers;
using MiniNet.Optim;

namespace MiniNet.Tests.Data;

public class TensorDatasetTests
{
    /// <summary>Sample i of [count, 1, 2, 2]: the four pixels i, i + 0.25, i + 0.5, i + 0.75.</summary>
    private static Tensor Images(int count)
    {
        var pixels = new float[count * 4];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = i / 4 + i % 4 * 0.25f;
        return Tensor.FromArray(pixels, [count, 1, 2, 2]);
    }

    /// <summary>Sample i's targets [count, 2]: (−i, 10·i).</summary>
    private static Tensor TargetPairs(int count)
    {
        var targets = new float[count * 2];
        for (int i = 0; i < count; i++) (targets[2 * i], targets[2 * i + 1]) = (-i, 10 * i);
        return Tensor.FromArray(targets, [count, 2]);
    }

    [Fact]
    public void Batches_keep_each_samples_shape_and_pair_it_with_its_float_targets()
    {
        var dataset = new TensorDataset(Images(10), TargetPairs(10));
        Assert.Equal((10, 0), (dataset.Count, dataset.ClassCount));
        Assert.Equal([1, 2, 2], dataset.FeatureShape.ToArray());
        Assert.Equal([2], dataset.TargetShape.ToArray());

        var loader = new DataLoader(dataset, batchSize: 4, shuffle: true, generator: new Generator(5));
        var seen = new List<int>();
        foreach (var batch in loader)
        {
            Assert.Equal([batch.Size, 1, 2, 2], batch.Features.Shape.ToArray());
            Assert.Equal([batch.Size, 2], batch.Targets.Shape.ToArray());
            var pixels = batch.Features.ToArray<float>();
            var targets = batch.Targets.ToArray<float>();
            for (int k = 0; k < batch.Size; k++)
            {
                int i = batch.Indices[k];
                Assert.Equal([i, i + 0.25f, i + 0.5f, i + 0.75f], pixels.AsSpan(4 * k, 4).ToArray());
                Assert.Equal([-i, 10f * i], targets.AsSpan(2 * k, 2).ToArray());
            }
            seen.AddRange(batch.Indices.ToArray());
        }
        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 10), seen);
    }

    [Fact]
    public void Class_labels_come_out_as_batch_labels_and_one_target_per_sample_as_a_vector()
    {
        var labelled = new TensorDataset(Images(5), [4, 3, 2, 1, 0], classCount: 5);
        Assert.Equal(5, labelled.ClassCount);
        Assert.Equal(0, labelled.TargetShape.Rank);
        var batch = new DataLoader(labelled, batchSize: 5).First();
        Assert.Equal([4, 3, 2, 1, 0], batch.Labels);
        Assert.Equal(5, batch.ClassCount);
        Assert.Equal([0f, 0, 0, 0, 1], batch.OneHot().ToArray<float>().AsSpan(0, 5).ToArray());

        var scalarTargets = new TensorDataset(Images(3), Tensor.FromArray([0.5f, 1.5f, 2.5f]));
        var vector = new DataLoader(scalarTargets, batchSize: 3).First().Targets;
        Assert.Equal([3], vector.Shape.ToArray());
        Assert.Equal([0.5f, 1.5f, 2.5f], vector.ToArray<float>());
    }

    [Fact]
    public void The_dataset_keeps_a_copy_of_the_tensors_and_labels_it_was_made_from()
    {
        var images = Images(2);
        var labels = new[] { 0, 1 };
        var dataset = new TensorDataset(images, labels, classCount: 2);
        images.Fill(-1);
        labels[0] = 1;
        var batch = new DataLoader(dataset, batchSize: 2).First();
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], batch.Features.ToArray<float>().AsSpan(0, 4).ToArray());
        Assert.Equal([0, 1], batch.Labels);
    }

    [Fact]
    public void The_order_of_samples_is_the_one_a_labeled_dataset_of_the_same_size_gets_from_the_same_seed()
    {
        var tensors = new DataLoader(new TensorDataset(Images(23), TargetPairs(23)), 5, shuffle: true, generator: new Generator(9), dropLast: true);
        var labelled = new DataLoader(LabeledDatasetTests.Numbered(23), 5, shuffle: true, generator: new Generator(9), dropLast: true);
        for (int epoch = 0; epoch < 3; epoch++)
            Assert.Equal(labelled.SelectMany(b => b.Indices.ToArray()).ToArray(), tensors.SelectMany(b => b.Indices.ToArray()).ToArray());
        Assert.Equal(4, tensors.BatchCount);
    }

    [Fact]
    public void A_regression_on_images_trains_through_the_loader()
    {
        // [N, 1, 28, 28] noise images (centred, so that no shared offset slows the fit); the target is the mean of the left half minus the mean of the right half,
        // scaled by 14 (the pixel weights are ±1/28), a linear function of the pixels that Flatten → Dense(784, 1) can represent exactly.
        const int count = 256;
        var images = Tensor.Uniform([count, 1, 28, 28], -1, 1, new Generator(11));
        var pixels = images.ToArray<float>();
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            double left = 0, right = 0;
            for (int row = 0; row < 28; row++)
                for (int column = 0; column < 28; column++)
                {
                    float p = pixels[i * 784 + row * 28 + column];
                    if (column < 14) left += p; else right += p;
                }
            targets[i] = (float)((left - right) / 28);
        }
        double variance = targets.Select(t => (double)t * t).Average() - Math.Pow(targets.Average(), 2);
        var dataset = new TensorDataset(images, Tensor.FromArray(targets, [count, 1]));

        var model = new Sequential(new Flatten(), new Dense(784, 1, seed: 12));
        var optimizer = new Adam(model.Parameters(), lr: 3e-3);
        var loader = new DataLoader(dataset, batchSize: 32, shuffle: true, generator: new Generator(13));
        var epochLosses = new List<double>();
        for (int epoch = 0; epoch < 30; epoch++)
        {
            double sum = 0;
            foreach (var batch in loader)
            {
                optimizer.ZeroGrad();
                var loss = Losses.MeanSquaredError(model.Forward(batch.Features), batch.Targets);
                loss.Backward();
                optimizer.Step();
                sum += loss.Item() * batch.Size;
            }
            epochLosses.Add(sum / count);
        }
        // The targets' spread is what predicting their mean would leave; the fit must explain nearly all of it.
        Assert.True(epochLosses[^1] < 1e-3 * variance, $"last epoch's MSE {epochLosses[^1]:g4}, the targets' variance {variance:g4}");
        Assert.True(epochLosses[^1] < epochLosses[0] / 5, $"MSE per epoch: {string.Join(", ", epochLosses.Select(l => l.ToString("g3")))}");
    }

    [Fact]
    public void A_multi_label_model_on_images_trains_through_the_loader_with_its_accuracy_counted_from_the_logits()
    {
        // Two attributes per [1, 28, 28] image: a bright left half, a bright top half; both, either or neither.
        const int count = 200;
        var noise = Tensor.Uniform([count, 1, 28, 28], 0, 0.5, new Generator(21)).ToArray<float>();
        var targets = new float[count * 2];
        var attributes = new Generator(22);
        for (int i = 0; i < count; i++)
        {
            bool left = attributes.NextInt(2) == 1, top = attributes.NextInt(2) == 1;
            (targets[2 * i], targets[2 * i + 1]) = (left ? 1 : 0, top ? 1 : 0);
            for (int row = 0; row < 28; row++)
                for (int column = 0; column < 28; column++)
                    if ((left && column < 14) || (top && row < 14)) noise[i * 784 + row * 28 + column] += 0.5f;
        }
        var dataset = new TensorDataset(Tensor.FromArray(noise, [count, 1, 28, 28]), Tensor.FromArray(targets, [count, 2]));

        var model = new Sequential(new Flatten(), new Dense(784, 2, seed: 23));
        var head = new SigmoidHead();
        var optimizer = new Adam(model.Parameters(), lr: 1e-2);
        var loader = new DataLoader(dataset, batchSize: 25, shuffle: true, generator: new Generator(24));
        var accuracies = new List<double>();
        for (int epoch = 0; epoch < 5; epoch++)
        {
            int correct = 0;
            foreach (var batch in loader)
            {
                var logits = model.Forward(batch.Features);
                var loss = head.Loss(logits, batch.Targets);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                correct += head.CountCorrect(logits, batch.Targets);
            }
            accuracies.Add((double)correct / count);
        }
        Assert.True(accuracies[0] < 0.9 && accuracies[^1] == 1, $"exact-match accuracy per epoch: {string.Join(", ", accuracies)}");
    }

    [Fact]
    public void An_epoch_allocates_nothing_per_sample_or_per_batch()
    {
        var labels = new int[1000];
        for (int i = 0; i < labels.Length; i++) labels[i] = i % 10;
        var images = Tensor.Zeros([1000, 1, 28, 28]);
        foreach (var dataset in new[] { new TensorDataset(images, labels, classCount: 10), new TensorDataset(images, Tensor.Zeros([1000, 3])) })
        {
            var loader = new DataLoader(dataset, batchSize: 32, shuffle: true, generator: new Generator(7)); // 31 full batches and one of 8
            int batches = 0;
            void RunEpoch() { foreach (var batch in loader) batches++; }
            RunEpoch(); // the first epoch allocates the two reusable batches
            RunEpoch();
            // The fewest bytes over several epochs: the runtime may allocate once on this thread while it recompiles a method.
            long fewestBytes = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                RunEpoch();
                fewestBytes = Math.Min(fewestBytes, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            // One enumerator per epoch (about 100 bytes); anything per batch (32 of them) or per sample would exceed this.
            Assert.True(fewestBytes <= 512, $"an epoch of 1000 samples in 32 batches allocated {fewestBytes} bytes");
            Assert.Equal(5 * 32, batches);
        }
    }

    [Fact]
    public void A_graph_that_saved_the_targets_fails_at_backward_once_the_batch_is_refilled()
    {
        var loader = new DataLoader(new TensorDataset(Images(4), TargetPairs(4)), batchSize: 2);
        var weights = Tensor.Ones([2, 1]).RequireGrad();
        Tensor? loss = null;
        foreach (var batch in loader)
            loss ??= batch.Targets.MatMul(weights).Sum(); // MatMul saves the targets for the weights' gradient
        var error = Assert.Throws<InvalidOperationException>(() => loss!.Backward());
        Assert.Contains("Clone()", error.Message);
    }
}
